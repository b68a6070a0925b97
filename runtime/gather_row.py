"""Executor handler of `pl.gather_row`: a data-dependent GM box DMAed straight into an accumulator tile.

PyPTO moves the box with one `tload` into a sub-view of the accumulator (no on-chip copy), so it is priced
as one GM load of the box's rows.  The box's extents and both offsets are only known at run time: each is
checked against the window and the bounds (a located error, never a read past the tensor or a write past
the tile), and the GM rows actually read are recorded for the TensorMap.
"""

from __future__ import annotations

from ..dialects.data_ops import GatherRowOp
from .errors import PlRuntimeError
from .gm import GmTensor
from .interp import Frame, FunctionCompiler, handles, record
from .tile_ops import _dtype, _in_bounds, _oob, _pricer


@handles(GatherRowOp)
def _gather_row(op: GatherRowOp, c: FunctionCompiler):
    src, acc, o = c.slot(op.src), c.slot(op.acc), c.slot(op.result)
    src_offs, dst_offs, valid = c.slots_of(op.src_offsets), c.slots_of(op.dst_offsets), c.slots_of(op.valid_shape)
    window = op.window_shape()
    transpose = op.transpose is not None
    eb = _dtype(op.src).itemsize
    pricer, stages = _pricer(c), c.stages

    def run(f: Frame) -> None:
        r = f.r
        source: GmTensor = r[src]
        box = tuple(r[s] for s in valid) if valid else window
        if not all(0 <= b <= w for b, w in zip(box, window)):
            raise PlRuntimeError(f"pl.gather_row valid_shape {list(box)} is outside the window {list(window)}", op)
        src_at, dst_at = tuple(r[s] for s in src_offs), tuple(r[s] for s in dst_offs)
        written = box[::-1] if transpose else box
        if not _in_bounds(src_at, box, source.shape):
            raise _oob(op, "source offsets", src_at, box, source.shape, "tensor")
        if not _in_bounds(dst_at, written, r[acc].shape):
            raise _oob(op, "accumulator offsets", dst_at, written, r[acc].shape, "tile")
        if 0 in box:  # nothing moves: no transfer to record or price
            r[o], f.p[o] = r[acc], f.p[acc]
            return
        rows = source.array[tuple(slice(a, a + n) for a, n in zip(src_at, box))]
        out = r[acc].copy()
        out[tuple(slice(a, a + n) for a, n in zip(dst_at, written))] = rows.T if transpose else rows
        r[o] = out
        f.rec.reads.extend(source.regions(src_at, box))
        count, row = source.transfer_shape(box)
        f.p[o] = record(f, pricer.load(op, count, row * eb, stages), (acc,))

    return run
