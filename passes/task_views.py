"""Writes through a tensor view made inside a task scope reach the tensor it views (part of `pl-ssa`).

In PyPTO a `pl.reshape` of a tensor (and a tensor `pl.slice`) is a view sharing the base's memory, so a
write into it writes the base.  The IR's writes are functional: a view made *before* a scope and written
inside it is one of the scope's `outs`, and the dispatch writes the shared buffer.  A view made *inside* the
scope would leave its new version unused, and the cleanups would delete the write.  `thread_views` gives such
a view the same form as one made before the scope: a written view of a tensor from outside, made anywhere in
the scope (in a loop or branch too) from values defined outside it (or by pure ops from them), is hoisted
before the scope; its writes are chained from a new out (loops and branches carry it as an iter_arg or
result) and its last version yielded.  One made from values of the scope (a block index, a loop variable),
or of an out the scope also assigns directly, stays and is caught by the check below.  `check_writes_reach` is the safety net run on every scope afterwards: a write into a tensor that
outlives the scope (its lineage, through views, starts outside the scope or at one of its outs) whose new
version never reaches the scope's `pl.yield` is one located error, never a silently dropped write.
"""

from __future__ import annotations

from xdsl.dialects import scf
from xdsl.ir import Block, BlockArgument, Operation, SSAValue
from xdsl.traits import Pure

from ppc.dialects.data_ops import AssembleOp, ReshapeOp, SliceOp, WriteOp
from ppc.dialects.diagnostics import PlDiagnostic, source_loc
from ppc.dialects.support import defining_op
from ppc.dialects.task_ops import TaskScopeOp, YieldOp
from ppc.dialects.types import TensorType

from .lineage import roots
from .region_results import extend_terminator, rebuild_with_results

WRITES = (AssembleOp, WriteOp)


def is_view(op: Operation | None) -> bool:
    """A tensor reshape or tensor window of a tensor: same memory as its source."""
    return isinstance(op, ReshapeOp | SliceOp) and isinstance(op.result.type, TensorType) and \
        isinstance(op.source.type, TensorType)


def view_roots(value: SSAValue) -> set[SSAValue]:
    """The lineage roots of `value` and, through views and loop-carried arguments, of what they start from."""
    found: set[SSAValue] = set()
    todo = [value]
    while todo:
        for root in roots(todo.pop()):
            if root in found:
                continue
            found.add(root)
            owner = root.owner
            if is_view(owner):  # type: ignore[arg-type]
                todo.append(owner.source)  # type: ignore[union-attr]
            elif isinstance(root, BlockArgument) and isinstance(loop := root.owner.parent_op(), scf.ForOp) \
                    and root.index > 0:
                todo.append(loop.iter_args[root.index - 1])
    return found


def _inside(value: SSAValue, scope: Operation) -> bool:
    return scope.is_ancestor(defining_op(value))


def _hoistable(op: Operation, scope: TaskScopeOp, memo: dict[Operation, bool]) -> bool:
    """A pure op computed from values outside the scope (or from such ops): the same value anywhere in it."""
    if op not in memo:
        memo[op] = not op.regions and op.has_trait(Pure) and all(
            not _inside(v, scope) or (isinstance(v.owner, Operation) and _hoistable(v.owner, scope, memo))
            for v in op.operands
        )
    return memo[op]


def _uses_inside(value: SSAValue, op: Operation) -> bool:
    return any(use.operation is not op and op.is_ancestor(use.operation) for use in value.uses)


def _carry(block: Block, value: SSAValue, current: SSAValue) -> SSAValue:
    """Chain the writes of `block` into `value` from `current` on: each use of `value` becomes the version at
    that point, and loops and branches that write it carry it (a new iter_arg or result); returns the version
    at the end of `block`."""
    for op in list(block.ops):
        if isinstance(op, scf.ForOp) and _uses_inside(value, op):
            body = op.body.block
            arg = body.insert_arg(value.type, len(body.args))
            extend_terminator(body, [_carry(body, value, arg)], scf.YieldOp)
            current = rebuild_with_results(op, [current], [(value.type, value.name_hint)]).results[-1]
        elif isinstance(op, scf.IfOp) and _uses_inside(value, op):
            if not op.false_region.blocks:
                op.false_region.add_block(Block())
            for region in op.regions:
                extend_terminator(region.block, [_carry(region.block, value, current)], scf.YieldOp)
            current = rebuild_with_results(op, [], [(value.type, value.name_hint)]).results[-1]
        elif op.regions and _uses_inside(value, op):
            raise PlDiagnostic(op, f"a write through a view cannot be carried through '{op.name}'")
        else:
            for i, operand in enumerate(op.operands):
                if operand is value:
                    op.operands[i] = current
            current = _advance(op, current)
    return current


def _advance(op: Operation, current: SSAValue) -> SSAValue:
    """The version after `op`: its result that is a new version of `current`, if any."""
    return next((r for r in op.results if current in roots(r)), current)


def thread_views(scope: TaskScopeOp) -> list[tuple[SSAValue, SSAValue]]:
    """Hoist each written view of an outside tensor (and the pure ops it needs) before `scope` and chain its
    writes from a new region argument, appended to the scope body's arguments.

    Returns (hoisted view, its last version in the scope) per such view: the caller makes each an out."""
    written = {r for w in scope.walk() if isinstance(w, WRITES) for r in view_roots(w.dest)}
    memo: dict[Operation, bool] = {}
    views = [op for op in scope.walk() if is_view(op) and op.result in written and _hoistable(op, scope, memo)
             and any(not _inside(r, scope) for r in view_roots(op.source))]  # a tensor from outside, not a local one
    needed: set[Operation] = set()
    todo: list[Operation] = list(views)
    while todo:
        op = todo.pop()
        if op not in needed:
            needed.add(op)
            todo += [v.owner for v in op.operands if _inside(v, scope)]  # type: ignore[misc]
    for op in [o for o in scope.walk() if o in needed]:
        op.detach()
        scope.parent_block().insert_op_before(op, scope)  # type: ignore[union-attr]
    body = scope.body.block
    args = []
    for op in views:
        args.append(body.insert_arg(op.result.type, len(body.args)))
        args[-1].name_hint = op.result.name_hint
        _carry(body, op.result, args[-1])
    # the last versions once all are carried (carrying one view rebuilds loops another's version may come from)
    lasts = []
    for arg in args:
        for op in body.ops:
            arg = _advance(op, arg)
        lasts.append(arg)
    return [(op.result, last) for op, last in zip(views, lasts)]


def _reaches_yield(value: SSAValue, scope: TaskScopeOp) -> bool:
    """Whether a new version of a tensor is passed on (through writes, loops, branches) to the scope's yield."""
    todo, seen = [value], set()
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        for use in v.uses:
            user = use.operation
            if isinstance(user, YieldOp) and user.parent_op() is scope:
                return True
            if isinstance(user, WRITES) and user.dest is v or is_view(user):
                todo += user.results
            elif isinstance(user, scf.YieldOp):
                todo.append(user.parent_op().results[use.index])  # type: ignore[union-attr]
            elif isinstance(user, scf.ForOp) and v in user.iter_args:
                index = list(user.iter_args).index(v)
                todo += [user.results[index], user.body.block.args[index + 1]]
    return False


def check_writes_reach(scope: TaskScopeOp) -> None:
    """Raise at the first write into a tensor that outlives `scope` whose new version the scope drops."""
    outs = list(scope.out_args)
    for write in scope.walk():
        if not isinstance(write, WRITES) or not isinstance(write.dest.type, TensorType):
            continue
        bases = [scope.outs[outs.index(r)] if r in outs else r for r in view_roots(write.dest)
                 if r in outs or not _inside(r, scope)]
        if bases and not _reaches_yield(write.result, scope):
            named = sorted((r for r in bases if r.name_hint), key=lambda r: is_view(r.owner))  # type: ignore[arg-type]
            name = named[0].name_hint if named else "a tensor"
            raise PlDiagnostic(
                write,
                f"this write into '{name}' through a view made inside the task scope at {source_loc(scope)} would be "
                "lost: a view written inside a scope must be made from values defined before it, of a tensor the "
                "scope does not also assign directly; make the view (pl.reshape / pl.slice) before the scope",
            )
