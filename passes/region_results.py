"""Growing a region op by new operands and results, and its terminator by new values (`pl-ssa`'s rewrites)."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.rewriter import Rewriter


def rebuild_with_results(op: Operation, extra_operands: Sequence[SSAValue],
                         results: Sequence[tuple[Attribute, str | None]]) -> Operation:
    """`op` with operands and one result per (type, name) appended (regions moved over); replaces `op` in place."""
    new = type(op).create(
        operands=[*op.operands, *extra_operands],
        result_types=[*(r.type for r in op.results), *(t for t, _ in results)],
        properties=dict(op.properties),
        attributes=dict(op.attributes),
        regions=[op.detach_region(r) for r in list(op.regions)],
    )
    new.location = op.location
    for res, name in zip(new.results, [*(r.name_hint for r in op.results), *(n for _, n in results)]):
        res.name_hint = name
    op.parent_block().insert_op_before(new, op)  # type: ignore[union-attr]
    for old, res in zip(op.results, new.results):
        old.replace_all_uses_with(res)
    Rewriter.erase_op(op)
    return new


def extend_terminator(block: Block, values: Sequence[SSAValue], kind: type[Operation]) -> None:
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
