"""Integer indices in subscripts follow PyPTO's (numpy's) rule: an integer index removes its axis.

`x[i, a:b]` is the window of extent 1 at `i` on axis 0, with that axis dropped: a rank-1 value of extent
`b - a`.  PyPTO keeps a tile at least 2-D (tiles are physically 2-D), so a tile's reduced result gets unit
axes prepended; a tensor's does not.  Indexing every axis with an integer reads one element (`pl.read`).
A write `dst[i, a:b] = src` takes a source of the reduced rank (a tile may keep the 2-D floor's leading
unit axes); each source axis must match the window's, or the source's valid extent must (a padded tile).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING

from xdsl.ir import SSAValue

from ppc.dialects import data_ops as D
from ppc.dialects.types import DYNAMIC, TensorType, TileType

if TYPE_CHECKING:
    from .emitter import Emitter


def kept(extents: Sequence[int], dropped: Sequence[int]) -> list[int]:
    """The window's extents on the axes a slice (not an integer) selects."""
    return [e for axis, e in enumerate(extents) if axis not in dropped]


def read(
    b: Emitter, node: ast.AST, base: SSAValue, offsets: list[SSAValue], extents: tuple[int, ...], dropped: list[int]
) -> SSAValue:
    """`base[...]`: one element, or the window with its integer-indexed axes dropped."""
    t = base.type
    assert isinstance(t, TensorType | TileType)
    if len(dropped) == t.rank:
        return b.build(node, lambda: D.ReadOp.create(operands=[base, *offsets], result_types=[t.element_type]))
    view = b.build(node, lambda: D.SliceOp(base, offsets, b.view_type(t, extents)))
    if not dropped:
        return view
    shape = kept(extents, dropped)
    if isinstance(t, TileType):
        shape = [1] * (2 - len(shape)) + shape
    v = view.type
    reduced = TensorType(shape, v.element_type) if isinstance(v, TensorType) else v.with_shape(shape)
    return b.build(node, lambda: D.ReshapeOp(view, reduced))


def write_source(
    b: Emitter, node: ast.AST, name: str, value: SSAValue, extents: tuple[int, ...], dropped: list[int]
) -> SSAValue:
    """`value` shaped as the full-rank window of `name[...] = value`, or a located error if it does not fit."""
    t = value.type
    assert isinstance(t, TensorType | TileType)
    window = kept(extents, dropped)
    src_shape = list(t.get_shape())
    lead = len(src_shape) - len(window)
    floor_ok = isinstance(t, TileType) and 0 < lead and len(src_shape) == 2
    valid = t.get_valid_shape() if isinstance(t, TileType) else None
    expected = [1] * lead + window if lead == 0 or floor_ok else None
    if expected is None or any(
        s != w and (valid is None or valid[axis] not in (w, DYNAMIC))
        for axis, (s, w) in enumerate(zip(src_shape, expected))
    ):
        region = list(extents) if not dropped else window
        raise b.error(node, f"cannot assign a {_show(t)} value to the {region} region of '{name}'" + (
            f" (an integer index drops its axis, leaving {len(window)}-D)" if dropped else ""))
    if not dropped and lead == 0:
        return value
    return _with_unit_axes(b, node, value, lead, dropped, len(extents), name)


def _with_unit_axes(
    b: Emitter, node: ast.AST, value: SSAValue, lead: int, units: Sequence[int], rank: int, name: str
) -> SSAValue:
    """`value` without its first `lead` (unit) axes and with unit axes inserted at `units`, as a rank-`rank`
    value: a reshape that keeps the valid region (only unit axes move)."""
    t = value.type
    assert isinstance(t, TensorType | TileType)
    valid = t.get_valid_shape() if isinstance(t, TileType) else None
    if valid is not None and DYNAMIC in valid:
        raise b.error(node, f"writing a tile with a run-time valid shape through an integer index of '{name}' is "
                      "not supported; "
                      "give it the destination's rank before its valid shape is set")

    def spread(dims: Sequence[int]) -> list[int]:
        rest = iter(dims[lead:])
        return [1 if axis in units else next(rest) for axis in range(rank)]

    shape = spread(t.get_shape())
    if isinstance(t, TensorType):
        lifted: TensorType | TileType = TensorType(shape, t.element_type)
    else:
        lifted = TileType(shape, t.element_type, t.memory_space, None if valid is None else spread(valid))
    return b.build(node, lambda: D.ReshapeOp(value, lifted))


def _show(t: TensorType | TileType) -> str:
    shape = list(t.get_shape())
    valid = t.get_valid_shape() if isinstance(t, TileType) else None
    return f"{shape}" if valid is None else f"{shape} (valid {['?' if d == DYNAMIC else d for d in valid]})"
