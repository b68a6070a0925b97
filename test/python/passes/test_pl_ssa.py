"""pl-ssa against a reference: random structured programs run as Python and, after the pass, on xDSL's interpreter.

Each generated program assigns four i64 variables through nested `if`s (on input flags, or a
first-iteration guard `k == 0`) and `for` loops (constant trip counts, or an input `n` that may be 0).  It is
rendered in local-variable form and rewritten by pl-ssa; the reference evaluates the same program directly,
tracking unassigned variables like Python does.  Properties: if the pass accepts a program, then for every
input the reference never reads an unassigned variable and the SSA program returns the same values; if it
rejects one, the rejection is a located PlDiagnostic; a program whose variables are all assigned up front is
always accepted.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.interpreter import Interpreter
from xdsl.interpreters.arith import ArithFunctions
from xdsl.interpreters.func import FuncFunctions
from xdsl.interpreters.scf import ScfFunctions

from ppc.dialects.diagnostics import PlDiagnostic, verify_module
from ppc.dialects.local_ops import LocalDeclOp, LocalGetOp, LocalSetOp
from ppc.dialects.parsing import make_context, parse_mlir
from ppc.passes.ssa import PlSsaPass

VARS = ("v0", "v1", "v2", "v3")
FLAGS = ("c0", "c1")


# ------------------------------------------------------------------------------------------ program model
@dataclass(frozen=True)
class Assign:
    var: str
    terms: tuple[str | int, ...]  # summed: variable names, integer constants, or "@k" (innermost loop index)


@dataclass(frozen=True)
class If:
    cond: str  # a flag name, or "first" (innermost loop index == its lower bound)
    then: tuple
    other: tuple | None


@dataclass(frozen=True)
class For:
    trips: int | None  # None: the input `n`
    body: tuple


class Unassigned(Exception):
    pass


def run_reference(stmts: tuple, env: dict[str, int], inputs: dict[str, int], loops: list[int]) -> None:
    for s in stmts:
        if isinstance(s, Assign):
            total = 0
            for t in s.terms:
                if isinstance(t, int):
                    total += t
                elif t == "@k":
                    total += loops[-1]
                elif t not in env:
                    raise Unassigned(t)
                else:
                    total += env[t]
            env[s.var] = total
        elif isinstance(s, If):
            taken = loops[-1] == 0 if s.cond == "first" else bool(inputs[s.cond])
            run_reference(s.then if taken else (s.other or ()), env, inputs, loops)
        else:
            for k in range(inputs["n"] if s.trips is None else s.trips):
                run_reference(s.body, env, inputs, [*loops, k])


# ------------------------------------------------------------------------------------------ rendering
class Renderer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def fresh(self) -> str:
        self.count += 1
        return f"%t{self.count}"

    def emit(self, depth: int, text: str) -> None:
        self.lines.append("  " * depth + text)

    def stmts(self, stmts: tuple, depth: int, loops: list[str]) -> None:
        for s in stmts:
            if isinstance(s, Assign):
                acc = self.fresh()
                self.emit(depth, f"{acc} = arith.constant 0 : i64")
                for t in s.terms:
                    val = self.fresh()
                    if isinstance(t, int):
                        self.emit(depth, f"{val} = arith.constant {t} : i64")
                    elif t == "@k":
                        self.emit(depth, f"{val} = arith.index_cast {loops[-1]} : index to i64")
                    else:
                        self.emit(depth, f"{val} = pl.local.get %{t} : i64")
                    nxt = self.fresh()
                    self.emit(depth, f"{nxt} = arith.addi {acc}, {val} : i64")
                    acc = nxt
                self.emit(depth, f"pl.local.set %{s.var}, {acc} : i64")
            elif isinstance(s, If):
                cond = f"%{s.cond}"
                if s.cond == "first":
                    cond = self.fresh()
                    self.emit(depth, f"{cond} = arith.cmpi eq, {loops[-1]}, %zero : index")
                self.emit(depth, f"scf.if {cond} {{")
                self.stmts(s.then, depth + 1, loops)
                if s.other is not None:
                    self.emit(depth, "} else {")
                    self.stmts(s.other, depth + 1, loops)
                self.emit(depth, "}")
            else:
                iv = self.fresh()
                ub = "%n" if s.trips is None else f"%i{s.trips}"
                self.emit(depth, f"scf.for {iv} = %zero to {ub} step %one {{")
                self.stmts(s.body, depth + 1, [*loops, iv])
                self.emit(depth, "}")


def render(init: tuple[str, ...], body: tuple, returned: tuple[str, ...]) -> str:
    r = Renderer()
    r.emit(0, "func.func @main(%c0: i1, %c1: i1, %n: index) -> (" + ", ".join("i64" for _ in returned) + ") {")
    r.emit(1, "%zero = arith.constant 0 : index")
    r.emit(1, "%one = arith.constant 1 : index")
    for k in range(4):
        r.emit(1, f"%i{k} = arith.constant {k} : index")
    for v in VARS:
        r.emit(1, f'%{v} = pl.local.decl "{v}" : !pl.ref<i64>')
    r.stmts(tuple(Assign(v, (VARS.index(v) + 1,)) for v in init), 1, [])
    r.stmts(body, 1, [])
    names = []
    for v in returned:
        name = r.fresh()
        r.emit(1, f"{name} = pl.local.get %{v} : i64")
        names.append(name)
    r.emit(1, "func.return " + ", ".join(names) + (" : " + ", ".join("i64" for _ in names) if names else ""))
    r.emit(0, "}")
    return "\n".join(r.lines) + "\n"


# ------------------------------------------------------------------------------------------ strategies
def statements(depth: int, in_loop: bool) -> st.SearchStrategy[tuple]:
    term = st.one_of(st.sampled_from(VARS), st.integers(-3, 3), *([st.just("@k")] if in_loop else []))
    assign = st.builds(Assign, st.sampled_from(VARS), st.lists(term, min_size=1, max_size=3).map(tuple))
    options: list[st.SearchStrategy] = [assign]
    if depth > 0:
        conds = st.sampled_from(FLAGS + (("first",) if in_loop else ()))
        block = statements(depth - 1, in_loop)
        options.append(st.builds(If, conds, block, st.one_of(st.none(), block)))
        options.append(st.builds(For, st.one_of(st.none(), st.integers(0, 3)), statements(depth - 1, True)))
    return st.lists(st.one_of(*options), min_size=1, max_size=4).map(tuple)


INPUTS = [dict(c0=a, c1=b, n=n) for a, b, n in itertools.product((0, 1), (0, 1), (0, 1, 2))]


def lower(text: str) -> ModuleOp:
    module = parse_mlir(text, "gen.mlir")
    verify_module(module)
    PlSsaPass().apply(make_context(), module)
    verify_module(module)
    return module


def run_ssa(module: ModuleOp, inputs: dict[str, int]) -> tuple[int, ...]:
    interp = Interpreter(module)
    for functions in (ArithFunctions(), ScfFunctions(), FuncFunctions()):
        interp.register_implementations(functions)
    return tuple(interp.call_op("main", (inputs["c0"], inputs["c1"], inputs["n"])))


def check_program(init: tuple[str, ...], body: tuple, returned: tuple[str, ...]) -> bool:
    """Returns whether pl-ssa accepted the program; asserts the properties in the module docstring."""
    text = render(init, body, returned)
    try:
        module = lower(text)
    except PlDiagnostic as diag:
        assert diag.loc.file == "gen.mlir" and diag.loc.line > 0, f"unlocated diagnostic {diag}\n{text}"
        return False
    assert not any(isinstance(op, LocalDeclOp | LocalGetOp | LocalSetOp) for op in module.walk())
    for inputs in INPUTS:
        env = {v: VARS.index(v) + 1 for v in init}
        try:
            run_reference(body, env, inputs, [])
        except Unassigned as err:
            pytest.fail(f"pl-ssa accepted a program that reads unassigned '{err}' for {inputs}:\n{text}")
        missing = [v for v in returned if v not in env]
        assert not missing, f"pl-ssa accepted a program returning unassigned {missing} for {inputs}:\n{text}"
        expected = tuple(env[v] for v in returned)
        assert run_ssa(module, inputs) == expected, f"wrong result for {inputs}:\n{text}\n{module}"
    return True


programs = st.tuples(
    st.lists(st.sampled_from(VARS), unique=True).map(tuple),
    statements(2, False),
    st.lists(st.sampled_from(VARS), unique=True, max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs)
def test_random_programs_match_reference(program: tuple) -> None:
    check_program(*program)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements(2, False), st.lists(st.sampled_from(VARS), unique=True, max_size=4).map(tuple))
def test_programs_with_all_variables_initialized_are_accepted(body: tuple, returned: tuple[str, ...]) -> None:
    assert check_program(VARS, body, returned), render(VARS, body, returned)


def test_first_iteration_guard_program_is_accepted_and_correct() -> None:
    """The matmul/matmul_acc peel shape: v0 first assigned under `k == 0`, accumulated otherwise."""
    body = (For(3, (If("first", (Assign("v0", ("@k", 10)),), (Assign("v0", ("v0", "@k")),)),)),)
    assert check_program((), body, ("v0",))


def test_zero_trip_loop_definition_is_rejected() -> None:
    body = (For(None, (Assign("v0", ("@k",)),)),)
    assert not check_program((), body, ("v0",))


def test_read_outside_the_declaring_task_scope_is_a_located_error() -> None:
    """The parser cannot express it, but a builder can: a variable declared in a task read after it."""
    module = parse_mlir(
        """
func.func @f() -> index {
  %c4 = arith.constant 4 : index
  pl.spmd (%i) in %c4 attributes {name = "k"} {
    %offv = pl.local.decl "offset" : !pl.ref<index>
    pl.local.set %offv, %i : index
  }
  func.return %c4 : index
}
""",
        "scope.mlir",
    )
    fn = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    decl = next(op for op in module.walk() if isinstance(op, LocalDeclOp))
    ret = fn.body.block.last_op
    get = LocalGetOp(decl.ref)
    get.location = ret.location
    fn.body.block.insert_op_before(get, ret)
    ret.operands = [get.result]
    with pytest.raises(PlDiagnostic) as err:
        PlSsaPass().apply(make_context(), module)
    assert str(err.value).startswith("scope.mlir:8:3: error: 'offset' is local to the task scope at scope.mlir:4:3")
