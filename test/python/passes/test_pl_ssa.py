"""pl-ssa against a reference: random structured programs run as Python and, after the pass, on ppc's executor.

Each generated program assigns four i64 variables through nested `if`s (on input flags, or an affine
first-iteration-style guard on an enclosing loop's index such as `k == lb`, `k * 3 == lb * 3`, `k < lb + 1`,
`k * 4 == 0`, `k == lb + 1`), `for` loops (constant or input lower bound `m`, step 1 or 2, constant trip
counts or an input `n` that may be 0) and task scopes (`pl.at`, `pl.spmd` of two blocks).  It is rendered in
local-variable form and rewritten by pl-ssa; the reference evaluates the same program directly, tracking
unassigned variables like Python does.  PyPTO scoping: what a `pl.at` assigns is visible after it; what a
`pl.spmd` block assigns is that block's own and may not be read after the scope.

Properties: if the pass rejects a program, the rejection is a located PlDiagnostic.  If it accepts one, then
for every input: when the reference reads an unassigned variable, pl-ssa warned at that read and the
executor stops with the located "read before it is assigned" error at that very op (or returns the pl.undef
marker, if the read is a returned value); otherwise the executor returns what the reference returns.  A value
leaving a `pl.spmd` is a located pl-outline-tasks error, and one the reference reads after the scope is
always such an escape.  Programs whose variables are all assigned up front, and accumulator loops guarded by
a provable first-iteration test, are accepted without warnings.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects import arith, func, scf
from xdsl.dialects.builtin import IndexType, ModuleOp
from xdsl.rewriter import Rewriter

from ppc.dialects.diagnostics import PlDiagnostic, capture_diagnostics, verify_module
from ppc.dialects.local_ops import LocalDeclOp, LocalGetOp, LocalSetOp
from ppc.dialects.parsing import make_context, parse_mlir
from ppc.dialects.task_ops import AtOp, SpmdOp, TaskScopeOp
from ppc.passes.outline_tasks import OutlineTasksPass
from ppc.passes.ssa import PlSsaPass
from ppc.runtime.errors import PlRuntimeError
from ppc.runtime.interp import PreparedFunction, Recorder
from ppc.runtime.undef import UNDEFINED

VARS = ("v0", "v1", "v2", "v3")
FLAGS = ("c0", "c1")
SPMD_BLOCKS = 2


# ------------------------------------------------------------------------------------------ program model
Affine = tuple[int, int, int]  # a * k + b * lb + c for the guarded loop's index k and lower bound lb


@dataclass(frozen=True)
class Guard:
    """`lhs <pred> rhs` over loop `level` (0: innermost) of the enclosing ones; `cast`: compared as i64."""

    level: int
    pred: str
    lhs: Affine
    rhs: Affine
    cast: bool = False

    def holds(self, k: int, lb: int) -> bool:
        a, b = ((x * k + y * lb + z) for x, y, z in (self.lhs, self.rhs))
        return {"eq": a == b, "ne": a != b, "slt": a < b, "sle": a <= b, "sgt": a > b, "sge": a >= b}[self.pred]


GUARDS = (  # (pred, lhs, rhs): the first group holds on the first iteration only, the second on all but it
    ("eq", (1, 0, 0), (0, 1, 0)), ("eq", (3, 0, 0), (0, 3, 0)), ("slt", (1, 0, 0), (0, 1, 1)),
    ("eq", (1, -1, 0), (0, 0, 0)), ("eq", (0, 1, 0), (1, 0, 0)), ("sle", (1, 0, 0), (0, 1, 0)),
    ("eq", (1, 0, 1), (0, 1, 1)), ("sgt", (-1, 0, 0), (0, -1, -1)),
    ("ne", (1, 0, 0), (0, 1, 0)), ("sgt", (1, 0, 0), (0, 1, 0)), ("sge", (1, 0, 0), (0, 1, 1)),
    ("sgt", (2, 0, 0), (0, 2, 1)),
)  # fmt: skip
UNPROVABLE_GUARDS = (  # true on another set of iterations, or on the first only for some lower bounds/steps
    ("eq", (4, 0, 0), (0, 0, 0)), ("slt", (1, 0, 0), (0, 0, 1)), ("eq", (1, 0, 0), (0, 1, 1)),
    ("slt", (1, 0, 0), (0, 1, 2)), ("sge", (1, 0, 0), (0, 1, 2)),
)  # fmt: skip


@dataclass(frozen=True)
class Assign:
    var: str
    terms: tuple[str | int, ...]  # summed: variable names, integer constants, or "@k" (innermost loop index)


@dataclass(frozen=True)
class If:
    cond: str | Guard  # a flag name or a guard on an enclosing loop
    then: tuple
    other: tuple | None


@dataclass(frozen=True)
class For:
    lb: int | None  # None: the input `m`
    step: int
    trips: int | None  # None: the input `n`
    body: tuple


@dataclass(frozen=True)
class Task:
    kind: str  # "at" | "spmd"
    body: tuple


class Unassigned(Exception):
    """The reference read a variable with no value; args: (variable, path of the reading Assign)."""


BLOCK_LOCAL = object()  # the value after a pl.spmd of a variable its blocks assigned


def written(stmts: tuple) -> set[str]:
    found: set[str] = set()
    for s in stmts:
        if isinstance(s, Assign):
            found.add(s.var)
        elif isinstance(s, If):
            found |= written(s.then) | written(s.other or ())
        else:
            found |= written(s.body)
    return found


def read_var(env: dict[str, object], var: str, where: object) -> int:
    value = env.get(var)
    if value is None:
        raise Unassigned(var, where)
    if value is BLOCK_LOCAL:
        raise AssertionError(f"reads '{var}' after a pl.spmd assigned it")
    assert isinstance(value, int)
    return value


def run_reference(stmts: tuple, env: dict[str, object], inputs: dict[str, int], loops: list[tuple[int, int]],
                  path: tuple = ()) -> None:
    """Runs `stmts` on `env`; `loops` holds (index, lower bound) per enclosing loop, `path` names the statements
    like `Renderer.stmts` does."""
    for i, s in enumerate(stmts):
        here = (*path, i)
        if isinstance(s, Assign):
            total = 0
            for t in s.terms:
                if isinstance(t, int):
                    total += t
                elif t == "@k":
                    total += loops[-1][0]
                else:
                    total += read_var(env, t, here)
            env[s.var] = total
        elif isinstance(s, If):
            if isinstance(s.cond, Guard):
                taken = s.cond.holds(*loops[len(loops) - 1 - s.cond.level])
            else:
                taken = bool(inputs[s.cond])
            run_reference(s.then if taken else (s.other or ()), env, inputs, loops, (*here, taken))
        elif isinstance(s, For):
            lb = inputs["m"] if s.lb is None else s.lb
            trips = inputs["n"] if s.trips is None else s.trips
            for k in range(lb, lb + trips * s.step, s.step):
                run_reference(s.body, env, inputs, [*loops, (k, lb)], here)
        elif s.kind == "at":
            run_reference(s.body, env, inputs, loops, here)
        else:
            for _ in range(SPMD_BLOCKS):
                run_reference(s.body, dict(env), inputs, loops, here)
            env.update(dict.fromkeys(written(s.body), BLOCK_LOCAL))


# ------------------------------------------------------------------------------------------ rendering
class Renderer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0
        self.read_lines: dict[tuple[tuple, str], int] = {}  # (Assign path, variable) -> line of its first read op

    def fresh(self) -> str:
        self.count += 1
        return f"%t{self.count}"

    def emit(self, depth: int, text: str) -> None:
        self.lines.append("  " * depth + text)

    @staticmethod
    def const(value: int, type_: str = "index") -> str:
        """One of the constants `render` defines up front (fewer ops keep parsing, and so the test, fast)."""
        return f"%{'i' if type_ == 'i64' else 'x'}{value}".replace("-", "_")

    def affine(self, depth: int, form: Affine, k: str, lb: str) -> str:
        """a * k + b * lb + c as index ops (a negative coefficient as a subtraction)."""
        acc = self.const(form[2])
        for coef, value in zip(form[:2], (k, lb)):
            if coef:
                term = value
                if abs(coef) != 1:
                    term = self.fresh()
                    self.emit(depth, f"{term} = arith.muli {value}, {self.const(abs(coef))} : index")
                nxt = self.fresh()
                self.emit(depth, f"{nxt} = arith.{'addi' if coef > 0 else 'subi'} {acc}, {term} : index")
                acc = nxt
        return acc

    def guard(self, depth: int, g: Guard, loops: list[tuple[str, str]]) -> str:
        k, lb = loops[len(loops) - 1 - g.level]
        sides = [self.affine(depth, side, k, lb) for side in (g.lhs, g.rhs)]
        if g.cast:
            for i, side in enumerate(sides):
                sides[i] = self.fresh()
                self.emit(depth, f"{sides[i]} = arith.index_cast {side} : index to i64")
        cond = self.fresh()
        self.emit(depth, f"{cond} = arith.cmpi {g.pred}, {sides[0]}, {sides[1]} : {'i64' if g.cast else 'index'}")
        return cond

    def stmts(self, stmts: tuple, depth: int, loops: list[tuple[str, str]], path: tuple = ()) -> None:
        for i, s in enumerate(stmts):
            here = (*path, i)
            if isinstance(s, Assign):
                acc = self.const(0, "i64")
                for t in s.terms:
                    val = self.fresh()
                    if isinstance(t, int):
                        val = self.const(t, "i64")
                    elif t == "@k":
                        self.emit(depth, f"{val} = arith.index_cast {loops[-1][0]} : index to i64")
                    else:
                        self.emit(depth, f"{val} = pl.local.get %{t} : i64")
                    nxt = self.fresh()
                    self.emit(depth, f"{nxt} = arith.addi {acc}, {val} : i64")
                    if isinstance(t, str) and t != "@k":
                        self.read_lines.setdefault((here, t), len(self.lines))
                    acc = nxt
                self.emit(depth, f"pl.local.set %{s.var}, {acc} : i64")
            elif isinstance(s, If):
                cond = self.guard(depth, s.cond, loops) if isinstance(s.cond, Guard) else f"%{s.cond}"
                self.emit(depth, f"scf.if {cond} {{")
                self.stmts(s.then, depth + 1, loops, (*here, True))
                if s.other is not None:
                    self.emit(depth, "} else {")
                    self.stmts(s.other, depth + 1, loops, (*here, False))
                self.emit(depth, "}")
            elif isinstance(s, For):
                iv = self.fresh()
                lb = "%m" if s.lb is None else self.const(s.lb)
                step = self.const(s.step)
                span = self.const(s.trips * s.step) if s.trips is not None else self.fresh()
                if s.trips is None:
                    self.emit(depth, f"{span} = arith.muli %n, {step} : index")
                ub = self.fresh()
                self.emit(depth, f"{ub} = arith.addi {lb}, {span} : index")
                self.emit(depth, f"scf.for {iv} = {lb} to {ub} step {step} {{")
                self.stmts(s.body, depth + 1, [*loops, (iv, lb)], here)
                self.emit(depth, "}")
            else:
                if s.kind == "at":
                    self.emit(depth, f'pl.at attributes {{name = "at{self.count}"}} {{')
                else:
                    self.emit(depth, f'pl.spmd ({self.fresh()}) in %blocks attributes {{name = "spmd{self.count}"}} {{')
                self.stmts(s.body, depth + 1, loops, here)
                self.emit(depth, "}")


def render(init: tuple[str, ...], body: tuple, returned: tuple[str, ...]) -> tuple[str, Renderer]:
    r = Renderer()
    r.emit(0, "func.func @main(%c0: i1, %c1: i1, %n: index, %m: index) -> (" + ", ".join("i64" for _ in returned) + ") {")
    r.emit(1, f"%blocks = arith.constant {SPMD_BLOCKS} : index")
    for c in range(-3, 11):
        r.emit(1, f"{r.const(c, 'i64')} = arith.constant {c} : i64")
        r.emit(1, f"{r.const(c)} = arith.constant {c} : index")
    for v in VARS:
        r.emit(1, f'%{v} = pl.local.decl "{v}" : !pl.ref<i64>')
    r.stmts(tuple(Assign(v, (VARS.index(v) + 1,)) for v in init), 1, [], ("init",))
    r.stmts(body, 1, [])
    names = []
    for v in returned:
        name = r.fresh()
        r.emit(1, f"{name} = pl.local.get %{v} : i64")
        names.append(name)
    r.emit(1, "func.return " + ", ".join(names) + (" : " + ", ".join("i64" for _ in names) if names else ""))
    r.emit(0, "}")
    return "\n".join(r.lines) + "\n", r


# ------------------------------------------------------------------------------------------ strategies
def guards(loops: int) -> st.SearchStrategy[Guard]:
    return st.builds(
        lambda level, form, cast: Guard(level, *form, cast=cast),
        st.integers(0, loops - 1), st.sampled_from(GUARDS + UNPROVABLE_GUARDS), st.booleans(),
    )


def loops_of(body: st.SearchStrategy[tuple]) -> st.SearchStrategy[For]:
    return st.builds(For, st.one_of(st.none(), st.integers(0, 2)), st.sampled_from((1, 2)),
                     st.one_of(st.none(), st.integers(0, 3)), body)


def statements(depth: int, loops: int, in_task: bool = False) -> st.SearchStrategy[tuple]:
    term = st.one_of(st.sampled_from(VARS), st.integers(-3, 3), *([st.just("@k")] if loops else []))
    assign = st.builds(Assign, st.sampled_from(VARS), st.lists(term, min_size=1, max_size=3).map(tuple))
    options: list[st.SearchStrategy] = [assign]
    if depth > 0:
        conds = st.one_of(st.sampled_from(FLAGS), *([guards(loops)] if loops else []))
        block = statements(depth - 1, loops, in_task)
        options.append(st.builds(If, conds, block, st.one_of(st.none(), block)))
        options.append(loops_of(statements(depth - 1, loops + 1, in_task)))
        if not in_task:
            options.append(st.builds(Task, st.sampled_from(("at", "spmd")), statements(depth - 1, loops, True)))
    return st.lists(st.one_of(*options), min_size=1, max_size=4).map(tuple)


INPUTS = [dict(c0=a, c1=b, n=n, m=m) for a, b, n, m in itertools.product((0, 1), (0, 1), (0, 1, 2), (0, 1))]


def inline_tasks(module: ModuleOp) -> None:
    """Task scopes as plain code, for running scalars: a `pl.at` body in place, a `pl.spmd` as a loop over
    its blocks (only when nothing leaves it)."""
    for op in [o for o in module.walk() if isinstance(o, TaskScopeOp)]:
        block = op.body.block
        term = block.last_op
        assert not op.outs, "scalar variables are never threaded through outs"
        if isinstance(op, AtOp):
            values = list(term.operands)
            Rewriter.erase_op(term)
            for inner in list(block.ops):
                inner.detach()
                op.parent_block().insert_op_before(inner, op)
            for res, value in zip(op.results, values):
                res.replace_all_uses_with(value)
            Rewriter.erase_op(op)
        else:
            assert isinstance(op, SpmdOp) and not op.results
            Rewriter.replace_op(term, scf.YieldOp())
            zero, one = arith.ConstantOp.from_int_and_width(0, IndexType()), arith.ConstantOp.from_int_and_width(1, IndexType())
            body = op.detach_region(op.body)
            Rewriter.replace_op(op, [zero, one, scf.ForOp(zero.result, op.count, one.result, [], body)])


def lower(text: str) -> tuple[ModuleOp, list[PlDiagnostic]]:
    module = parse_mlir(text, "gen.mlir")
    verify_module(module)
    with capture_diagnostics() as warnings:
        PlSsaPass().apply(make_context(), module)
    verify_module(module)
    return module, warnings


def check_located(diag: PlDiagnostic, text: str) -> None:
    assert diag.loc.file == "gen.mlir" and diag.loc.line > 0, f"unlocated diagnostic {diag}\n{text}"


def run_ssa(prepared: PreparedFunction, inputs: dict[str, int]) -> tuple[object, ...]:
    return tuple(prepared.run([bool(inputs["c0"]), bool(inputs["c1"]), inputs["n"], inputs["m"]], Recorder()))


def check_program(init: tuple[str, ...], body: tuple, returned: tuple[str, ...]) -> tuple[bool, list[PlDiagnostic]]:
    """Returns whether pl-ssa accepted the program and its warnings; asserts the properties in the module docstring."""
    text, rendered = render(init, body, returned)
    try:
        module, warnings = lower(text)
    except PlDiagnostic as diag:
        check_located(diag, text)
        return False, []
    assert not any(isinstance(op, LocalDeclOp | LocalGetOp | LocalSetOp) for op in module.walk())
    warned = {w.loc.line for w in warnings}
    for w in warnings:
        check_located(w, text)
    if any(isinstance(op, TaskScopeOp) and op.results for op in module.walk()):
        with pytest.raises(PlDiagnostic) as err:  # a scalar cannot leave a task scope; none may leave an spmd
            OutlineTasksPass().apply(make_context(), module.clone())
        check_located(err.value, text)
        if any(isinstance(op, SpmdOp) and op.results for op in module.walk()):
            return True, warnings
    inline_tasks(module)
    verify_module(module)
    fn = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    prepared = PreparedFunction.prepare(fn, "orchestration 'main'", None)
    for inputs in INPUTS:
        env: dict[str, object] = {v: VARS.index(v) + 1 for v in init}
        try:
            run_reference(body, env, inputs, [])
        except Unassigned as err:
            var, where = err.args
            line = rendered.read_lines[(where, var)]
            assert line - 1 in warned, f"no warning at the read of '{var}' (line {line - 1}) for {inputs}:\n{text}"
            with pytest.raises(PlRuntimeError, match=f"'{var}' is read before it is assigned") as run_err:
                run_ssa(prepared, inputs)
            assert (run_err.value.loc.file, run_err.value.loc.line) == ("gen.mlir", line), f"{run_err.value}\n{text}"
            continue
        expected = tuple(read_var(env, v, None) if v in env else None for v in returned)
        got = run_ssa(prepared, inputs)
        for v, e, g in zip(returned, expected, got):
            if e is None:  # returned unassigned: only possible after a warning, as the undef marker
                assert g is UNDEFINED and warned, f"returned unassigned '{v}' as {g!r} for {inputs}:\n{text}"
            else:
                assert g == e, f"wrong '{v}' for {inputs}: {g} != {e}:\n{text}\n{module}"
    return True, warnings


programs = st.tuples(
    st.lists(st.sampled_from(VARS), unique=True).map(tuple),
    statements(2, 0),
    st.lists(st.sampled_from(VARS), unique=True, max_size=4).map(tuple),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs)
def test_random_programs_match_reference(program: tuple) -> None:
    check_program(*program)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements(2, 0), st.lists(st.sampled_from(VARS), unique=True, max_size=4).map(tuple))
def test_programs_with_all_variables_initialized_are_accepted(body: tuple, returned: tuple[str, ...]) -> None:
    accepted, warnings = check_program(VARS, body, returned)
    assert accepted and not warnings, render(VARS, body, returned)[0]


@st.composite
def accumulator_loops(draw: st.DrawFn) -> tuple:
    """v0 first assigned under a provable first-iteration guard and accumulated under its negation, in a
    loop of at least one trip, perhaps inside a task scope or with the guarded `if` in a `pl.at`."""
    pred, lhs, rhs = draw(st.sampled_from(GUARDS))
    first = GUARDS.index((pred, lhs, rhs)) < 8
    guard = Guard(0, pred, lhs, rhs, draw(st.booleans()))
    seed, step = (Assign("v0", ("@k", draw(st.integers(-3, 3)))),), (Assign("v0", ("v0", "@k")),)
    stmt: object = If(guard, seed, step) if first else If(guard, step, seed)
    where = draw(st.sampled_from(("plain", "at", "spmd")))
    if where == "plain" and draw(st.booleans()):
        stmt = Task("at", (stmt,))
    loop = For(draw(st.one_of(st.none(), st.integers(0, 2))), draw(st.sampled_from((1, 2))),
               draw(st.integers(1, 3)), (stmt, Assign("v1", ("v0",))))
    body = (loop,) if where == "plain" else (Task(where, (loop, Assign("v2", ("v0", "v1")))),)
    return body, ("v0", "v1") if where != "spmd" else ()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accumulator_loops())
def test_provable_first_iteration_guards_are_accepted_without_warnings(program: tuple) -> None:
    body, returned = program
    accepted, warnings = check_program((), body, returned)
    assert accepted and not warnings, (warnings, render((), body, returned)[0])


@pytest.mark.parametrize("form", UNPROVABLE_GUARDS)
def test_unprovable_guards_warn_and_fail_at_run_time_only_when_read(form: tuple) -> None:
    """Each of these is false on the first iteration for some lower bound or step (input m = 0 or 1), so the
    else-arm reads v0 unassigned there: check_program demands the warning and the located run-time error for
    exactly those inputs, and correct results for the others."""
    loop = For(None, 1, 3, (If(Guard(0, *form), (Assign("v0", (7,)),), (Assign("v0", ("v0", "@k")),)),))
    accepted, warnings = check_program((), (loop,), ("v0",))
    assert accepted and warnings


def test_first_iteration_guard_program_is_accepted_and_correct() -> None:
    """The matmul/matmul_acc peel shape: v0 first assigned under `k == 0`, accumulated otherwise."""
    guard = Guard(0, "eq", (1, 0, 0), (0, 0, 0))
    body = (For(0, 1, 3, (If(guard, (Assign("v0", ("@k", 10)),), (Assign("v0", ("v0", "@k")),)),)),)
    assert check_program((), body, ("v0",)) == (True, [])


def test_zero_trip_loop_definition_is_rejected() -> None:
    body = (For(0, 1, None, (Assign("v0", ("@k",)),)),)
    assert not check_program((), body, ("v0",))[0]


def test_values_leave_a_pl_at_and_stay_in_a_pl_spmd_block() -> None:
    at = (Task("at", (Assign("v0", (5,)), Assign("v1", ("v0", 1)))), Assign("v2", ("v0", "v1")))
    assert check_program((), at, ("v0", "v2")) == (True, [])
    spmd = (Task("spmd", (Assign("v0", (5,)), Assign("v1", ("v0", "v0")))), Assign("v2", ("v1",)))
    text, _ = render((), spmd, ("v2",))
    module, _ = lower(text)
    with pytest.raises(PlDiagnostic) as err:
        OutlineTasksPass().apply(make_context(), module)
    line = next(i for i, text_line in enumerate(text.splitlines(), 1) if "pl.spmd" in text_line)
    assert str(err.value).startswith(f"gen.mlir:{line}:3: error: value of one block leaves an spmd scope: 'v1'")


@pytest.mark.parametrize("before", [If("c0", (Assign("v2", (1,)),), None), For(0, 1, None, (Assign("v2", (1,)),))])
def test_value_from_some_paths_before_a_loop_is_kept(before: object) -> None:
    """v2 is assigned before the loop only if c0 (or n > 0), and read at the top of the loop body: where it
    was assigned the program must run, not stop with "read before it is assigned"; pl-ssa reports the
    compile-time "may be undefined" error instead."""
    body = (before, For(0, 1, 2, (Assign("v0", ("v2",)), Assign("v2", (5,)))))
    text, _ = render((), body, ())
    with pytest.raises(PlDiagnostic, match=r"'v2' may be undefined here: .*, and the loop reads it before assigning it"):
        lower(text)


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
