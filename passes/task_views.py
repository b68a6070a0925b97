"""Writes through a tensor view made inside a task scope reach the tensor it views (part of `pl-ssa`).

In PyPTO a `pl.reshape` of a tensor (and a tensor `pl.slice`) is a view sharing the base's memory, so a
write into it writes the base.  The IR's writes are functional: a view made *before* a scope and written
inside it is one of the scope's `outs`, and the dispatch writes the shared buffer.  A view made *inside* the
scope would leave its new version unused, and the cleanups would delete the write.  `thread_views` gives such
a view the same form as one made before the scope: a view at the scope's top level whose operands come from
outside (or from pure ops that do) is hoisted before the scope and becomes a new out, its last version
yielded.  `check_writes_reach` is the safety net run on every scope afterwards: a write into a tensor that
outlives the scope (its lineage, through views, starts outside the scope or at one of its outs) whose new
version never reaches the scope's `pl.yield` is one located error, never a silently dropped write.
"""

from __future__ import annotations

from xdsl.dialects import scf
from xdsl.ir import BlockArgument, Operation, SSAValue
from xdsl.traits import Pure

from ppc.dialects.data_ops import AssembleOp, ReshapeOp, SliceOp, WriteOp
from ppc.dialects.diagnostics import PlDiagnostic, source_loc
from ppc.dialects.support import defining_op
from ppc.dialects.task_ops import TaskScopeOp, YieldOp
from ppc.dialects.types import TensorType

from .lineage import roots

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
    """A pure op at the scope's top level computed from values outside the scope."""
    if op not in memo:
        memo[op] = op.parent_op() is scope and not op.regions and op.has_trait(Pure) and all(
            not _inside(v, scope) or (isinstance(v.owner, Operation) and _hoistable(v.owner, scope, memo))
            for v in op.operands
        )
    return memo[op]


def _last_version(view: SSAValue, scope: TaskScopeOp) -> SSAValue | None:
    """The last top-level value of the scope body that is a version of `view` (`view` itself excluded)."""
    last = None
    for op in scope.body.block.ops:
        for res in op.results:
            if res.type == view.type and view in roots(res):
                last = res
    return last


def thread_views(scope: TaskScopeOp) -> list[tuple[SSAValue, SSAValue]]:
    """Hoist the written top-level views of outside tensors (and the pure ops they need) before `scope`.

    Returns (hoisted view, its last version in the scope) for each that is written: the caller makes it an
    out.  Uses inside the scope still name the hoisted value; the caller replaces them with the region arg."""
    written = {r for w in scope.walk() if isinstance(w, WRITES) for r in view_roots(w.dest)}
    memo: dict[Operation, bool] = {}
    views = [op for op in scope.body.block.ops if is_view(op) and op.result in written and _hoistable(op, scope, memo)]
    if not views:
        return []
    needed: set[Operation] = set()
    todo: list[Operation] = list(views)
    while todo:
        op = todo.pop()
        if op not in needed:
            needed.add(op)
            todo += [v.owner for v in op.operands if _inside(v, scope)]  # type: ignore[misc]
    for op in [o for o in scope.body.block.ops if o in needed]:
        op.detach()
        scope.parent_block().insert_op_before(op, scope)  # type: ignore[union-attr]
    threaded = []
    for op in views:
        last = _last_version(op.result, scope)
        if last is not None:
            threaded.append((op.result, last))
    return threaded


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
    outs = set(scope.out_args)
    for write in scope.walk():
        if not isinstance(write, WRITES) or not isinstance(write.dest.type, TensorType):
            continue
        bases = [r for r in view_roots(write.dest) if r in outs or not _inside(r, scope)]
        if bases and not _reaches_yield(write.result, scope):
            base = bases[0]
            name = base.name_hint or "a tensor"
            raise PlDiagnostic(
                write,
                f"this write into '{name}' (through a view made inside the task scope at {source_loc(scope)}) would "
                "be lost: make the view (pl.reshape / pl.slice) before the task scope, at its top level, or from "
                "values defined before it",
            )
