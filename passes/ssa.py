"""`pl-ssa`: rewrite local-variable form (`pl.local.decl/get/set`) into SSA values.

Guarantees on success: no `pl.local.*` op remains; every read of a variable is replaced by the value that
reaches it.  A variable assigned in an `scf.if` arm and live after it becomes a new result of the `scf.if`
(the other arm yields the incoming value); a variable the body of an `scf.for` assigns that is live at the
end of the body (read by the next iteration or after the loop) becomes a new iter_arg; a task scope
(`pl.at`, `pl.spmd`) captures outer values, threads every outer *tensor* variable it assigns through a new
`outs(...)` region argument, `pl.yield` operand and result, and lets every other variable it assigns that is
live after it leave as a further result (PyPTO semantics; `pl-outline-tasks` gives it a GM temporary).
Then a view of an outer tensor made and written inside a task scope is hoisted and made an out of it, and a
task write into an outer tensor whose new version the scope drops is a located error (`task_views`).
New results, iter_args and outs are appended after existing ones, one per variable, in declaration order.
A variable carried by a loop without a value before it starts from `pl.undef`; where its reads are guarded
by a first-iteration test (`k0 = kb * K; if k0 == 0: acc = matmul(...) else: acc = matmul_acc(acc, ...)`,
proved by `first_iteration`) that undefined value is provably never read, and where that cannot be proved
each read that may see it gets a located warning (the executor fails on reading it, so it can never be
silently wrong).  Any other read that may see no value is one located error naming the variable and where
it was assigned (the first one found stops the pass).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from xdsl.context import Context
from xdsl.dialects import func, scf
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Attribute, Block, BlockArgument, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from ppc.dialects.data_ops import UndefOp
from ppc.dialects.diagnostics import PlDiagnostic, emit, source_loc
from ppc.dialects.local_ops import LocalDeclOp, LocalGetOp, LocalSetOp
from ppc.dialects.support import defining_op
from ppc.dialects.task_ops import TaskScopeOp, YieldOp

from .first_iteration import Loop, first_iteration_guard
from .lineage import roots
from .region_results import extend_terminator, rebuild_with_results
from .task_views import check_writes_reach, thread_views
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
    maybe_undef: str | None = None
    """why it may be the `pl.undef` a loop-carried variable starts from, on any iteration"""


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


def _undef(var: Variable, loop: Operation) -> SSAValue:
    """The start value of a variable a loop carries but nothing assigned before it."""
    undef = UndefOp(var.type)
    undef.location = loop.location
    undef.result.name_hint = f"{var.name}_undef"
    loop.parent_block().insert_op_before(undef, loop)  # type: ignore[union-attr]
    return undef.result


def _retyped(var: Variable, env: Env) -> str:
    """Why a name read on a path where it has a value is unassigned: a later assignment of another type (a
    tile in another memory space, say) started a new variable of that name, which this path never assigned."""
    held = next((v for v, s in env.items() if v.name == var.name and v is not var and isinstance(s, Value)), None)
    if held is None:
        return ""
    return (f": here it still holds the {held.type} assigned at {_at(env[held].where)}, and the {var.type} "  # type: ignore[union-attr]
            f"assigned at {_at(var.decl)} made '{var.name}' a new variable (a name keeps one type across branches "
            "and loops)")


def _ordered(vars_: Sequence[Variable] | set[Variable]) -> list[Variable]:
    return sorted(vars_, key=lambda v: v.order)


class _FunctionRewriter:
    """Forward walk of one function body carrying variable → state; rewrites as it goes."""

    def __init__(self, body: Block):
        self.flow = VariableFlow(body)
        self.loops: list[Loop] = []
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
            why = f"is local to the task scope at {_at(scope)}, where it is declared" if scope else \
                "is used outside the scope where it is declared"
            raise PlDiagnostic(op, f"'{var.name}' {why}")
        if isinstance(state, Unset):
            raise PlDiagnostic(op, f"'{var.name}' {state.why}{_retyped(var, env) if state is NEVER_ASSIGNED else ''}")
        why = state.maybe_undef or (state.first_iteration.why if state.first_iteration else None)
        if why is not None:
            emit(op, f"'{var.name}' may be undefined here: {why}; it starts as pl.undef, and reading it undefined "
                 "is a run-time error")
        return state.value

    # -------------------------------------------------------------------------------- scf.if
    def _if(self, op: scf.IfOp, env: Env) -> None:
        guard = first_iteration_guard(op.cond, self.loops)
        arms = [op.true_region.block, op.false_region.block if op.false_region.blocks else None]
        ends: list[Env] = [{}, {}]
        # the first-iteration arm first: what it surely assigns is defined on every later iteration
        order = [1, 0] if guard is not None and not guard[1] else [0, 1]
        for index in order:
            arm_env = _enter_arm(env, guard, then_arm=index == 0)
            if guard is not None and index != order[0] and op.parent_block() is guard[0].owner:
                _settled_by_first_iteration(arm_env, ends[order[0]], guard[0])
            if arms[index] is not None:
                self._block(arms[index], arm_env)  # type: ignore[arg-type]
            ends[index] = arm_env
        then_end, else_end = ends
        live = self.flow.live_after[op]
        results: list[Variable] = []
        merged: Env = {}
        for var, before in env.items():
            a, b = then_end[var], else_end[var]
            if isinstance(a, Value) and isinstance(b, Value):
                if a.value is b.value:
                    merged[var] = _join_caveats(a, a, b)
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
            extend_terminator(op.true_region.block, [then_end[v].value for v in results], scf.YieldOp)  # type: ignore[union-attr]
            extend_terminator(op.false_region.block, [else_end[v].value for v in results], scf.YieldOp)  # type: ignore[union-attr]
            n = len(op.results)
            new = rebuild_with_results(op, [], [(v.type, v.name) for v in results])
            for i, var in enumerate(results):
                a, b = then_end[var], else_end[var]
                assert isinstance(a, Value) and isinstance(b, Value)
                where = a.where if not _same_state(env[var], a) else b.where
                merged[var] = _join_caveats(Value(new.results[n + i], where), a, b)
        env.update(merged)

    # -------------------------------------------------------------------------------- scf.for
    def _for(self, op: scf.ForOp, env: Env) -> None:
        body = op.body.block
        eff = self.flow.block_effects[body]
        live_end = self.flow.live_at_loop_end[op]
        iv = body.args[0]
        once = runs_at_least_once(op)
        carried = _ordered([v for v in env if v in eff.writes and v in live_end])
        inits: list[SSAValue] = []
        inner = dict(env)
        for var in carried:
            entry = env[var]
            if isinstance(entry, Value):
                inits.append(entry.value)
                start = entry
            elif entry is not NEVER_ASSIGNED and var in eff.reads:
                # defined before the loop on some paths only, and read before the body assigns it: no start value
                # is right on every path (pl.undef would drop the value those paths have)
                raise PlDiagnostic(op, f"'{var.name}' {entry.why}, and the loop reads it before assigning it")
            else:
                inits.append(_undef(var, op))
                first_write = _at(eff.first_write[var])
                if var in eff.defines:
                    why = f"on the first iteration of the loop at {_at(op)} it is only assigned later, at {first_write}"
                    start = Value(inits[-1], eff.first_write[var], FirstIteration(iv, why))
                else:
                    why = f"it is assigned only on some paths through the loop at {_at(op)} (at {first_write})"
                    start = Value(inits[-1], eff.first_write[var], maybe_undef=why)
            arg = body.insert_arg(var.type, len(body.args))
            arg.name_hint = var.name
            inner[var] = replace(start, value=arg)
        self.loops.append(Loop(iv, op.lb, op.step))
        self._block(body, inner)
        self.loops.pop()
        end_values = [self._carried_value(inner[v], v, op) for v in carried]
        extend_terminator(body, end_values, scf.YieldOp)
        n = len(op.results)
        new = rebuild_with_results(op, inits, [(v.type, v.name) for v in carried]) if carried else op
        for var in [v for v in env if v in eff.writes]:
            entry, end = env[var], inner[var]
            if var not in carried:
                env[var] = DEAD  # not live at the end of the body, so not after the loop either
            elif isinstance(entry, Unset) and not once:
                env[var] = Unset(
                    f"may be undefined here: assigned at {_at(eff.first_write[var])} inside the loop at {_at(op)}, "
                    "which may run zero times"
                )
            else:
                assert isinstance(end, Value)
                result = Value(new.results[n + carried.index(var)], end.where, end.first_iteration, end.maybe_undef)
                # zero trips leave the entry value, with its own caveats
                env[var] = result if once or isinstance(entry, Unset) else _join_caveats(result, result, entry)

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
        args: dict[Variable, SSAValue] = {}
        for var in threaded:
            arg = args[var] = body.insert_arg(var.type, len(body.args))
            arg.name_hint = var.name
            entry = env[var]
            assert isinstance(entry, Value)
            inner[var] = replace(entry, value=arg)
        self._block(body, inner)
        for var in list(threaded):
            end = inner[var]
            if isinstance(end, Value) and args[var] not in roots(end.value):
                # rebound to a new tensor on every path: the new one leaves the scope, and the old one (perhaps
                # another name's too) is only read, never overwritten in place
                args[var].replace_all_uses_with(env[var].value)  # type: ignore[union-attr]
                body.erase_arg(args[var])
                threaded.remove(var)
        live = self.flow.live_after[op]
        escaping: list[Variable] = []
        for var in written:
            end = inner[var]
            if var in threaded:
                continue
            if var not in live:
                env[var] = DEAD
            elif isinstance(end, Value) and op.is_ancestor(defining_op(end.value)):
                escaping.append(var)
            else:
                env[var] = end  # unset, or a value from outside the scope: nothing to pass out
        if not threaded and not escaping:
            return
        new = _rebuild_task(op, [env[v].value for v in threaded], [(v.type, v.name) for v in threaded],  # type: ignore[union-attr]
                            [(v.type, v.name) for v in escaping])
        term = new.body.block.last_op
        assert isinstance(term, YieldOp), "verified task scopes end with pl.yield"
        n_outs = len(new.outs) - len(threaded)
        values = [*term.values[:n_outs], *(inner[v].value for v in threaded), *term.values[n_outs:],  # type: ignore[union-attr]
                  *(inner[v].value for v in escaping)]  # type: ignore[union-attr]
        Rewriter.replace_op(term, YieldOp(*values))
        for var in threaded:
            end = inner[var]
            assert isinstance(end, Value)
            env[var] = replace(end, value=new.results[n_outs + threaded.index(var)])
        for var, res in zip(escaping, new.results[len(new.results) - len(escaping) :]):
            env[var] = replace(inner[var], value=res)  # type: ignore[arg-type]


def _rebuild_task(op: TaskScopeOp, inits: Sequence[SSAValue], threaded: Sequence[tuple[Attribute, str | None]],
                  escaping: Sequence[tuple[Attribute, str | None]]) -> TaskScopeOp:
    """`op` with outs `inits` (one per (type, name) in `threaded`) and escaping results added; replaces `op`.

    Results stay ordered as the op requires: the outs' results (old, then new), then escaping values (old,
    then new)."""
    n_outs = len(op.outs)
    old_outs, old_escapes = list(op.results[:n_outs]), list(op.results[n_outs:])
    new = type(op).create(
        operands=[*op.operands, *inits],
        result_types=[*(r.type for r in old_outs), *(t for t, _ in threaded), *(r.type for r in old_escapes),
                      *(t for t, _ in escaping)],
        properties=dict(op.properties),
        attributes=dict(op.attributes),
        regions=[op.detach_region(op.body)],
    )
    new.location = op.location
    names = [*(r.name_hint for r in old_outs), *(n for _, n in threaded), *(r.name_hint for r in old_escapes),
             *(n for _, n in escaping)]
    for res, name in zip(new.results, names):
        res.name_hint = name
    op.parent_block().insert_op_before(new, op)  # type: ignore[union-attr]
    kept = [*new.results[:n_outs], *new.results[n_outs + len(threaded) : n_outs + len(threaded) + len(old_escapes)]]
    for old, res in zip([*old_outs, *old_escapes], kept):
        old.replace_all_uses_with(res)
    Rewriter.erase_op(op)
    return new


def _view_outs(op: TaskScopeOp) -> TaskScopeOp:
    """`op` with each written view of an outside tensor made inside it hoisted and made an out (`task_views`)."""
    views = thread_views(op)
    if not views:
        return op
    new = _rebuild_task(op, [view for view, _ in views], [(view.type, view.name_hint) for view, _ in views], [])
    term = new.body.block.last_op
    assert isinstance(term, YieldOp), "verified task scopes end with pl.yield"
    n_outs = len(new.outs) - len(views)
    Rewriter.replace_op(term, YieldOp(*term.values[:n_outs], *(last for _, last in views), *term.values[n_outs:]))
    return new


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


def _settled_by_first_iteration(arm: Env, first_end: Env, iv: SSAValue) -> None:
    """In the later-iterations arm of a guard directly in its loop's body, a carried variable the
    first-iteration arm surely assigned holds that assignment or a later one: drop its caveats."""
    for var, state in arm.items():
        done = first_end.get(var)
        carried = isinstance(state, Value) and isinstance(state.value, BlockArgument) and state.value.owner is iv.owner
        if carried and isinstance(done, Value) and done.first_iteration is None and done.maybe_undef is None:
            arm[var] = replace(state, first_iteration=None, maybe_undef=None)  # type: ignore[type-var]


def _join_caveats(value: Value, a: Value, b: Value) -> Value:
    """`value` with the caveats of either of the two values it may be."""
    return replace(value, first_iteration=a.first_iteration or b.first_iteration,
                   maybe_undef=a.maybe_undef or b.maybe_undef)


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
            if any(isinstance(o, LOCAL_OPS) for o in fn.walk()):
                if len(fn.body.blocks) != 1:
                    raise PlDiagnostic(fn, f"'{fn.sym_name.data}': local variables need a single-block function body")
                _FunctionRewriter(fn.body.block).run()
            for scope in [o for o in fn.walk() if isinstance(o, TaskScopeOp)]:
                check_writes_reach(_view_outs(scope))
