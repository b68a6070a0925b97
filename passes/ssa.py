"""`pl-ssa`: rewrite local-variable form (`pl.local.decl/get/set`) into SSA values.

Guarantees on success: no `pl.local.*` op remains; every read of a variable is replaced by the value that
reaches it.  A variable assigned in an `scf.if` arm and live after it becomes a new result of the `scf.if`
(the other arm yields the incoming value); a variable the body of an `scf.for` assigns that is live at the
end of the body (read by the next iteration or after the loop) becomes a new iter_arg; a task scope
(`pl.at`, `pl.spmd`) captures outer values, threads every outer *tensor* variable it assigns through a new
`outs(...)` region argument, `pl.yield` operand and result, and lets nothing else escape.  New results,
iter_args and outs are appended after existing ones, one per variable, in declaration order.  A variable
first assigned inside a loop and guarded by a first-iteration test (`if k == 0: acc = matmul(...) else:
acc = matmul_acc(acc, ...)`) is carried from a placeholder initial value (`arith.constant 0`, `pl.full 0`,
`pl.create_tensor`) that is never read.  A read that may see no value is one located error naming the
variable and where it was assigned (the first one found stops the pass).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from xdsl.context import Context
from xdsl.dialects import arith, func, scf
from xdsl.dialects.builtin import FloatAttr, IndexType, IntegerAttr, IntegerType, ModuleOp
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from ppc.dialects.data_ops import CreateTensorOp, FullOp
from ppc.dialects.diagnostics import PlDiagnostic, source_loc
from ppc.dialects.local_ops import LocalDeclOp, LocalGetOp, LocalSetOp
from ppc.dialects.support import constant_int
from ppc.dialects.task_ops import TaskScopeOp, YieldOp
from ppc.dialects.types import TensorType, TileType, is_float

from .variable_flow import LOCAL_OPS, Variable, VariableFlow, runs_at_least_once


@dataclass(frozen=True)
class FirstIteration:
    """The value is undefined on the first iteration of the loop with induction variable `iv`."""

    iv: SSAValue
    why: str


@dataclass(frozen=True)
class Value:
    value: SSAValue
    where: Operation
    """the assignment that produced it (quoted in diagnostics)"""
    first_iteration: FirstIteration | None = None


@dataclass(frozen=True)
class Unset:
    why: str
    """completes the error "'x' <why>" raised if it is read"""


State = Value | Unset
Env = dict[Variable, State]
NEVER_ASSIGNED = Unset("is used before it is assigned")
DEAD = Unset("has no value here")  # only for variables liveness proved are never read again


def _at(op: Operation) -> str:
    return str(source_loc(op))


def _task_local(var: Variable, task: Operation) -> Unset:
    kind = "tile" if isinstance(var.type, TileType) else "scalar" if not var.is_tensor else "tensor"
    return Unset(
        f"is local to the task scope at {_at(task)}; a {kind} assigned inside a task cannot be used after it "
        "(only tensors already defined before the scope are passed out of it)"
    )


@dataclass(frozen=True)
class _Loop:
    """An enclosing `scf.for`, for recognizing first-iteration guards."""

    iv: SSAValue
    lb: SSAValue


def _same_index(a: SSAValue, b: SSAValue) -> bool:
    ca = constant_int(a)
    return a is b or (ca is not None and ca == constant_int(b))


def _strip_cast(v: SSAValue) -> SSAValue:
    return v.owner.input if isinstance(v.owner, arith.IndexCastOp) else v


_EQ, _NE, _SGT, _UGT, _SLT, _ULT = 0, 1, 4, 8, 2, 6


def _first_iteration_guard(cond: SSAValue, loops: Sequence[_Loop]) -> tuple[SSAValue, bool] | None:
    """(iv, then-arm-is-first-iteration) when `cond` compares a loop's induction variable with its lower bound."""
    cmp = cond.owner
    if not isinstance(cmp, arith.CmpiOp):
        return None
    pred = cmp.predicate.value.data
    lhs, rhs = _strip_cast(cmp.lhs), _strip_cast(cmp.rhs)
    for loop in reversed(loops):
        if lhs is loop.iv and _same_index(rhs, loop.lb):
            iv_first = {_EQ: True, _NE: False, _SGT: False, _UGT: False}
        elif rhs is loop.iv and _same_index(lhs, loop.lb):
            iv_first = {_EQ: True, _NE: False, _SLT: False, _ULT: False}
        else:
            continue
        return (loop.iv, iv_first[pred]) if pred in iv_first else None
    return None


def _placeholder(var: Variable, loop: Operation) -> SSAValue:
    """A value of the variable's type for an iter_arg whose first-iteration value is never read."""
    t = var.type

    def constant(scalar: Attribute) -> Operation:
        if is_float(scalar):
            return arith.ConstantOp(FloatAttr(0.0, scalar))  # type: ignore[arg-type]
        if isinstance(scalar, IntegerType | IndexType):
            return arith.ConstantOp(IntegerAttr(0, scalar))
        raise PlDiagnostic(loop, f"cannot carry '{var.name}' of type {t} through the loop")

    ops: list[Operation]
    if isinstance(t, TensorType):
        ops = [CreateTensorOp(t)]
    elif isinstance(t, TileType):
        zero = constant(t.element_type)
        ops = [zero, FullOp.create(operands=[zero.results[0]], result_types=[t])]
    else:
        ops = [constant(t)]
    for op in ops:
        op.location = loop.location
        loop.parent_block().insert_op_before(op, loop)  # type: ignore[union-attr]
    return ops[-1].results[0]


def _rebuild(op: Operation, extra_operands: Sequence[SSAValue], variables: Sequence[Variable]) -> Operation:
    """`op` with operands and one result per variable appended (regions moved over); replaces `op` in place."""
    extra_types = [v.type for v in variables]
    new = type(op).create(
        operands=[*op.operands, *extra_operands],
        result_types=[*(r.type for r in op.results), *extra_types],
        properties=dict(op.properties),
        attributes=dict(op.attributes),
        regions=[op.detach_region(r) for r in list(op.regions)],
    )
    new.location = op.location
    for res, name in zip(new.results, [*(r.name_hint for r in op.results), *(v.name for v in variables)]):
        res.name_hint = name
    op.parent_block().insert_op_before(new, op)  # type: ignore[union-attr]
    for old, res in zip(op.results, new.results):
        old.replace_all_uses_with(res)
    Rewriter.erase_op(op)
    return new


def _extend_terminator(block: Block, values: Sequence[SSAValue], kind: type[Operation]) -> None:
    """Append `values` to the block's terminator of class `kind` (added if the builder left it implicit)."""
    term = block.last_op
    if not isinstance(term, kind):
        if values:
            block.add_op(kind.create(operands=list(values)))
        return
    new = kind.create(operands=[*term.operands, *values], attributes=dict(term.attributes))
    new.location = term.location
    block.insert_op_before(new, term)
    Rewriter.erase_op(term)


def _ordered(vars_: Sequence[Variable] | set[Variable]) -> list[Variable]:
    return sorted(vars_, key=lambda v: v.order)


class _FunctionRewriter:
    """Forward walk of one function body carrying variable → state; rewrites as it goes."""

    def __init__(self, body: Block):
        self.flow = VariableFlow(body)
        self.loops: list[_Loop] = []
        self.body = body

    def run(self) -> None:
        self._block(self.body, {})
        for var in self.flow.variables.values():
            Rewriter.erase_op(var.decl)

    def _block(self, block: Block, env: Env) -> None:
        for op in list(block.ops):
            if isinstance(op, LocalDeclOp):
                env[self.flow.variable(op)] = NEVER_ASSIGNED
            elif isinstance(op, LocalGetOp):
                op.result.replace_all_uses_with(self._read(op, env))
                Rewriter.erase_op(op)
            elif isinstance(op, LocalSetOp):
                env[self.flow.variable(op)] = Value(op.value, op)
                Rewriter.erase_op(op)
            elif isinstance(op, scf.IfOp):
                self._if(op, env)
            elif isinstance(op, scf.ForOp):
                self._for(op, env)
            elif isinstance(op, TaskScopeOp):
                self._task(op, env)

    def _read(self, op: LocalGetOp, env: Env) -> SSAValue:
        var = self.flow.variable(op)
        state = env.get(var)
        if state is None:
            scope = next((p for p in _ancestors(var.decl) if isinstance(p, TaskScopeOp)), None)
            why = _task_local(var, scope).why if scope else "is used outside the scope where it is declared"
            raise PlDiagnostic(op, f"'{var.name}' {why}")
        if isinstance(state, Unset):
            raise PlDiagnostic(op, f"'{var.name}' {state.why}")
        if state.first_iteration is not None:
            raise PlDiagnostic(op, f"'{var.name}' may be undefined here: {state.first_iteration.why}")
        return state.value

    # -------------------------------------------------------------------------------- scf.if
    def _if(self, op: scf.IfOp, env: Env) -> None:
        guard = _first_iteration_guard(op.cond, self.loops)
        arms = [op.true_region.block, op.false_region.block if op.false_region.blocks else None]
        ends: list[Env] = []
        for index, block in enumerate(arms):
            arm_env = _enter_arm(env, guard, then_arm=index == 0)
            if block is not None:
                self._block(block, arm_env)
            ends.append(arm_env)
        then_end, else_end = ends
        live = self.flow.live_after[op]
        results: list[Variable] = []
        merged: Env = {}
        for var, before in env.items():
            a, b = then_end[var], else_end[var]
            if isinstance(a, Value) and isinstance(b, Value):
                if a.value is b.value:
                    merged[var] = replace(a, first_iteration=a.first_iteration or b.first_iteration)
                elif var in live:
                    results.append(var)
                else:
                    merged[var] = DEAD
            else:
                merged[var] = _join_unset(before, a, b)
        if results:
            results = _ordered(results)
            if arms[1] is None:
                op.false_region.add_block(Block())
            _extend_terminator(op.true_region.block, [then_end[v].value for v in results], scf.YieldOp)  # type: ignore[union-attr]
            _extend_terminator(op.false_region.block, [else_end[v].value for v in results], scf.YieldOp)  # type: ignore[union-attr]
            n = len(op.results)
            new = _rebuild(op, [], results)
            for i, var in enumerate(results):
                a, b = then_end[var], else_end[var]
                assert isinstance(a, Value) and isinstance(b, Value)
                where = a.where if not _same_state(env[var], a) else b.where
                merged[var] = Value(new.results[n + i], where, a.first_iteration or b.first_iteration)
        env.update(merged)

    # -------------------------------------------------------------------------------- scf.for
    def _for(self, op: scf.ForOp, env: Env) -> None:
        body = op.body.block
        eff = self.flow.block_effects[body]
        live_end = self.flow.live_at_loop_end[op]
        live_after = self.flow.live_after[op]
        iv = body.args[0]
        once = runs_at_least_once(op)
        carried: list[Variable] = []
        inits: list[SSAValue] = []
        inner = dict(env)
        for var in _ordered([v for v in env if v in eff.writes and v in live_end]):
            entry = env[var]
            if isinstance(entry, Value) and (var in eff.defines or var not in eff.spoils):
                header: FirstIteration | None = entry.first_iteration
                inits.append(entry.value)
            elif var in eff.defines:
                header = FirstIteration(
                    iv, f"on the first iteration of the loop at {_at(op)} it is only assigned later, at {_at(eff.first_write[var])}"
                )
                inits.append(_placeholder(var, op))
            else:
                inner[var] = entry if isinstance(entry, Unset) else _task_local(var, eff.spoils[var])
                continue
            carried.append(var)
            arg = body.insert_arg(var.type, len(body.args))
            arg.name_hint = var.name
            where = entry.where if isinstance(entry, Value) else eff.first_write[var]
            inner[var] = Value(arg, where, header)
        self.loops.append(_Loop(iv, op.lb))
        self._block(body, inner)
        self.loops.pop()
        end_values = [self._carried_value(inner[v], v, op) for v in carried]
        _extend_terminator(body, end_values, scf.YieldOp)
        n = len(op.results)
        new = _rebuild(op, inits, carried) if carried else op
        for var in [v for v in env if v in eff.writes]:
            end = inner[var]
            if var in carried:
                assert isinstance(end, Value)
                entry = env[var]
                first = end.first_iteration  # zero trips leave the entry value, with its own caveat
                if not once and isinstance(entry, Value):
                    first = first or entry.first_iteration
                if isinstance(entry, Unset) and not once:
                    env[var] = Unset(
                        f"may be undefined here: assigned at {_at(eff.first_write[var])} inside the loop at {_at(op)}, "
                        "which may run zero times"
                    )
                else:
                    env[var] = Value(new.results[n + carried.index(var)], end.where, first)
            elif var not in live_after:
                env[var] = DEAD
            elif isinstance(end, Unset):
                env[var] = end
            elif var in eff.spoils:
                env[var] = _task_local(var, eff.spoils[var])
            else:
                entry = env[var]
                env[var] = entry if isinstance(entry, Unset) else DEAD

    @staticmethod
    def _carried_value(state: State, var: Variable, loop: Operation) -> SSAValue:
        if isinstance(state, Value):
            return state.value
        raise PlDiagnostic(loop, f"'{var.name}' {state.why} (at the end of the loop body, for the next iteration)")

    # -------------------------------------------------------------------------------- task scopes
    def _task(self, op: TaskScopeOp, env: Env) -> None:
        body = op.body.block
        eff = self.flow.block_effects[body]
        written = _ordered([v for v in env if v in eff.writes])
        threaded = [v for v in written if v.is_tensor and isinstance(env[v], Value)]
        inner = dict(env)
        for var in threaded:
            arg = body.insert_arg(var.type, len(body.args))
            arg.name_hint = var.name
            entry = env[var]
            assert isinstance(entry, Value)
            inner[var] = Value(arg, entry.where, entry.first_iteration)
        self._block(body, inner)
        if not threaded:
            for var in written:
                env[var] = _task_local(var, op)
            return
        ends = [inner[v] for v in threaded]
        _extend_terminator(body, [self._carried_value(s, v, op) for s, v in zip(ends, threaded)], YieldOp)
        n = len(op.results)
        new = _rebuild(op, [env[v].value for v in threaded], threaded)  # type: ignore[union-attr]
        for var in written:
            env[var] = _task_local(var, new)
        for i, (var, end) in enumerate(zip(threaded, ends)):
            assert isinstance(end, Value)
            env[var] = Value(new.results[n + i], end.where, end.first_iteration)


def _ancestors(op: Operation) -> list[Operation]:
    found: list[Operation] = []
    parent = op.parent_op()
    while parent is not None:
        found.append(parent)
        parent = parent.parent_op()
    return found


def _same_state(a: State, b: State) -> bool:
    return isinstance(a, Value) and isinstance(b, Value) and a.value is b.value


def _enter_arm(env: Env, guard: tuple[SSAValue, bool] | None, then_arm: bool) -> Env:
    """The states at the start of an `scf.if` arm; a first-iteration guard settles values carried by its loop."""
    if guard is None:
        return dict(env)
    iv, then_is_first = guard
    first = then_arm == then_is_first
    arm: Env = {}
    for var, state in env.items():
        if isinstance(state, Value) and state.first_iteration is not None and state.first_iteration.iv is iv:
            state = Unset(f"may be undefined here: {state.first_iteration.why}") if first else replace(state, first_iteration=None)
        arm[var] = state
    return arm


def _join_unset(before: State, a: State, b: State) -> Unset:
    """The state after an `scf.if` whose arms end in `a` and `b`, at least one of them unset."""
    if isinstance(a, Unset) and isinstance(b, Unset):
        return a
    defined, unset, arm = (a, b, "then") if isinstance(a, Value) else (b, a, "else")
    assert isinstance(defined, Value) and isinstance(unset, Unset)
    if isinstance(before, Value):
        return unset  # defined before the if: the arm that lost the value says why
    return Unset(f"may be undefined here: assigned only in the {arm}-branch at {_at(defined.where)}")


@dataclass(frozen=True)
class PlSsaPass(ModulePass):
    name = "pl-ssa"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for fn in [f for f in op.walk() if isinstance(f, func.FuncOp)]:
            if not any(isinstance(o, LOCAL_OPS) for o in fn.walk()):
                continue
            if len(fn.body.blocks) != 1:
                raise PlDiagnostic(fn, f"'{fn.sym_name.data}': local variables need a single-block function body")
            _FunctionRewriter(fn.body.block).run()
