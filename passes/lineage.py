"""Which tensor a tensor value is a version of.

Writes are functional in the IR (`pl.assemble` and `pl.write` return the new version of their destination),
and loops and branches pass versions on; at run time all versions share one buffer.  `roots(v)` follows
those edges back to the values that start a lineage (a parameter, a `pl.create_tensor`, a region argument,
any other op's result), so a pass can tell whether a yielded tensor is the buffer it was given or a new one.
"""

from __future__ import annotations

from xdsl.dialects import scf
from xdsl.ir import SSAValue

from ppc.dialects.data_ops import AssembleOp, WriteOp


def roots(value: SSAValue) -> set[SSAValue]:
    """The values that start the lineage of `value` on some path."""
    found: set[SSAValue] = set()
    todo, seen = [value], set()
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        owner = v.owner
        if isinstance(owner, AssembleOp | WriteOp):
            todo.append(owner.dest)
        elif isinstance(owner, scf.ForOp):
            todo.append(owner.iter_args[owner.results.index(v)])
        elif isinstance(owner, scf.IfOp):
            i = owner.results.index(v)
            todo += [r.block.last_op.operands[i] for r in owner.regions if r.blocks]  # type: ignore[union-attr]
        else:
            found.add(v)
    return found
