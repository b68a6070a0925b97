"""Executor handlers of the `pl` data and compute ops (tiles are numpy arrays, GM tensors `GmTensor`s).

Tiles have value semantics: every op returns a fresh array and no tile is written in place. GM writes
(`pl.assemble`, `pl.write` into a tensor) go into the tensor's one buffer, and every GM access records its
region (for TensorMap dependencies) and a priced transfer (for the cost model). Bounds are checked on the
extent actually accessed (the valid shape, when a slice declares one) and fail with one located message.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from xdsl.ir import SSAValue

from ..dialects import compute_ops as C
from ..dialects import data_ops as D
from ..dialects.attributes import CastMode
from ..dialects.prefetch_ops import PrefetchOp
from ..dialects.task_ops import BlockIdxOp
from ..dialects.types import DYNAMIC, TensorType, TileType
from . import numerics
from .dtypes import dtype_name, numpy_dtype, scalar_of
from .errors import PlRuntimeError
from .gm import GmTensor
from .interp import Frame, FunctionCompiler, handles, record
from .out_reads import note_write
from .pricing import Pricer

ValidGetter = Callable[[list], tuple[int, ...]] | None


def _shape(v: SSAValue) -> tuple[int, ...]:
    return v.type.get_shape()  # type: ignore[union-attr]


def _dtype(v: SSAValue) -> np.dtype:
    return numpy_dtype(v.type.element_type)  # type: ignore[union-attr]


def _nbytes(v: SSAValue) -> int:
    return int(np.prod(_shape(v), dtype=np.int64)) * _dtype(v).itemsize


def _pricer(c: FunctionCompiler) -> Pricer:
    return c.pricer  # type: ignore[return-value]


def on_gm_tensors(handler):
    """Let a tile handler also take GM tensor operands/results (ops on whole `!pl.tensor`s in a kernel).

    Each tensor operand is loaded first (a recorded GM read into a scratch register the handler sees in
    its place); a tensor result is the handler's array stored to a fresh GM tensor (a recorded write).
    """

    def build(op, c: FunctionCompiler):
        tensors = list(dict.fromkeys(v for v in op.operands if isinstance(v.type, TensorType)))
        result = op.results[0] if op.results and isinstance(op.results[0].type, TensorType) else None
        if not tensors and result is None:
            return handler(op, c)
        pricer = _pricer(c)
        pairs = [(c.slot(v), c.fresh_slot(), _dtype(v).itemsize) for v in tensors]
        out = (c.slot(result), c.fresh_slot()) if result is not None else None
        c.aliases = {v: shadow for v, (_, shadow, _) in zip(tensors, pairs)}
        if out is not None:
            c.aliases[result] = out[1]
        try:
            inner = handler(op, c)
        finally:
            c.aliases = {}

        def run(f: Frame) -> None:
            r, p = f.r, f.p
            for s, shadow, eb in pairs:
                t: GmTensor = r[s]
                f.rec.reads.extend(t.whole_regions())
                rows, row = t.transfer_shape(t.shape)
                r[shadow] = t.array
                p[shadow] = record(f, pricer.load(op, rows, row * eb, 1), ())
            inner(f)
            if out is not None:
                o, shadow = out
                r[o] = GmTensor(np.ascontiguousarray(r[shadow]))
                p[o] = _store_whole(f, r[o], pricer, (shadow,))

        return run

    return build


def valid_getter(value: SSAValue, c: FunctionCompiler) -> ValidGetter:
    """How to find the valid extents of a tile at run time (None: the whole tile is valid).

    A slice with `valid [...]` operands or a `pl.set_validshape` defines them; a static valid shape in the
    type is used as is; a `?` extent produced by another op is inherited from that op's first operand.
    """
    owner = value.owner
    if isinstance(owner, D.SliceOp) and owner.valid_shape:
        slots = c.slots_of(owner.valid_shape)
        return lambda r: tuple(r[s] for s in slots)
    if isinstance(owner, D.SetValidShapeOp):
        slots = c.slots_of(owner.valid_shape)
        return lambda r: tuple(r[s] for s in slots)
    t = value.type
    static = t.get_valid_shape() if isinstance(t, TileType) else None
    if static is None:
        return None
    if DYNAMIC not in static:
        return lambda r: static
    operands = getattr(owner, "operands", ())
    if operands and isinstance(operands[0].type, TileType) and operands[0].type.get_shape() == t.get_shape():
        return valid_getter(operands[0], c)
    if isinstance(owner, D.ReshapeOp) and _lifted(operands[0].type, t):  # pl.assemble's lower-rank source
        inner, units = valid_getter(operands[0], c), (1,) * (t.rank - operands[0].type.rank)
        assert inner is not None  # the source's own `?` extent is what this one is
        return lambda r: units + tuple(inner(r))
    raise PlRuntimeError(f"{c.label}: cannot tell the run-time valid shape of a value of type {t}", owner)


def _lifted(source: object, result: TileType) -> bool:
    """`result` is tile `source` with leading unit axes added (the same elements, the same valid part)."""
    if not isinstance(source, TileType) or source.rank > result.rank:
        return False
    units = result.rank - source.rank
    return result.get_shape() == (1,) * units + source.get_shape()


def _oob(op, what: str, offsets, extent, bounds, kind: str) -> PlRuntimeError:
    return PlRuntimeError(
        f"{op.name} {what} {list(offsets)} with shape {list(extent)} out of bounds for {kind} {list(bounds)}", op
    )


def _read_only(op) -> PlRuntimeError:
    return PlRuntimeError(
        f"{op.name} writes into a tensor the entry received as an In argument; declare it pl.Out or pl.InOut", op
    )


def _in_bounds(offsets, extent, bounds) -> bool:
    for o, e, d in zip(offsets, extent, bounds):
        if o < 0 or o + e > d:
            return False
    return True


# ----------------------------------------------------------------------------------------- prefetch
@handles(PrefetchOp)
def _prefetch(op: PrefetchOp, c: FunctionCompiler):
    """A cache warm-up: no value changes and, as PyPTO documents no cost for it, none is priced; it reads the
    whole source, so its task is ordered after the source's writers."""
    s = c.slot(op.source)

    def run(f: Frame) -> None:
        f.rec.reads.extend(f.r[s].whole_regions())

    return run


# ----------------------------------------------------------------------------------------- creation
@handles(D.CreateTensorOp)
def _create_tensor(op: D.CreateTensorOp, c: FunctionCompiler):
    o, dtype = c.slot(op.result), _dtype(op.result)
    shape_of = _run_time_shape(op, c)
    fill = op.init_value.value.data if op.init_value is not None else 0  # no init_value: zeros, not garbage,
    # so runs stay deterministic. The fill is the runtime's, at allocation: not a task, so not priced.

    def run(f: Frame) -> None:
        shape = shape_of(f.r)
        if min(shape, default=1) < 0:
            raise PlRuntimeError(f"pl.create_tensor: negative size in shape {list(shape)}", op)
        f.r[o] = GmTensor(np.full(shape, fill, dtype))

    return run


def _store_whole(f: Frame, t: GmTensor, pricer: Pricer, dep_slots) -> int:
    f.rec.writes.extend(t.whole_regions())
    rows, row = t.transfer_shape(t.shape)
    eb = t.array.dtype.itemsize
    return record(f, pricer.store(rows, row * eb, eb), dep_slots)


@handles(D.FullOp)
def _full(op: D.FullOp, c: FunctionCompiler):
    v, o = c.slot(op.value), c.slot(op.result)
    shape, dtype = _shape(op.result), _dtype(op.result)
    pricer = _pricer(c)
    if isinstance(op.result.type, TensorType):
        def run_tensor(f: Frame) -> None:
            t = f.r[o] = GmTensor(np.full(shape, f.r[v], dtype))
            f.p[o] = _store_whole(f, t, pricer, ())

        return run_tensor
    price = pricer.vector("full", _nbytes(op.result))

    def run(f: Frame) -> None:
        f.r[o] = np.full(shape, f.r[v], dtype)
        f.p[o] = record(f, price, ())

    return run


@handles(D.ArangeOp)
@on_gm_tensors
def _arange(op: D.ArangeOp, c: FunctionCompiler):
    s, o = c.slot(op.start), c.slot(op.result)
    shape, dtype = _shape(op.result), _dtype(op.result)
    price = _pricer(c).vector("arange", _nbytes(op.result))
    steps = np.arange(shape[-1], dtype=np.int64) * (-1 if op.descending is not None else 1)

    def run(f: Frame) -> None:
        f.r[o] = (f.r[s] + steps).astype(dtype).reshape(shape)
        f.p[o] = record(f, price, ())

    return run


# ----------------------------------------------------------------------------------------- views, loads
@handles(D.SliceOp)
def _slice(op: D.SliceOp, c: FunctionCompiler):
    src, o = c.slot(op.source), c.slot(op.result)
    offs = c.slots_of(op.offsets)
    shape = _shape(op.result)
    dtype = _dtype(op.result)
    valid = valid_getter(op.result, c) if op.valid_shape else None
    src_is_tensor = isinstance(op.source.type, TensorType)
    pricer = _pricer(c)
    stages = c.stages

    if isinstance(op.result.type, TensorType):  # a GM view: no data moves
        def run_view(f: Frame) -> None:
            r = f.r
            t: GmTensor = r[src]
            offsets = tuple(r[s] for s in offs)
            if not _in_bounds(offsets, shape, t.shape):
                raise _oob(op, "offsets", offsets, shape, t.shape, "tensor")
            r[o] = t.view(offsets, shape)

        return run_view

    copy_price = pricer.copy(_nbytes(op.result))

    def run(f: Frame) -> None:
        r = f.r
        source = r[src]
        offsets = tuple(r[s] for s in offs)
        extent = shape if valid is None else valid(r)
        array = source.array if src_is_tensor else source
        if not _in_bounds(offsets, extent, array.shape):
            raise _oob(op, "offsets", offsets, extent, array.shape, "tensor" if src_is_tensor else "tile")
        if src_is_tensor and 0 in extent:  # nothing valid: no transfer to record or price
            r[o] = np.zeros(shape, dtype)
            f.p[o] = -1
            return
        index = tuple(slice(a, a + e) for a, e in zip(offsets, extent))
        if extent == shape:
            tile = array[index].copy()
        else:  # the part past the valid extent holds no data: zeros keep runs deterministic
            tile = np.zeros(shape, dtype)
            tile[tuple(slice(0, e) for e in extent)] = array[index]
        r[o] = tile
        if src_is_tensor:
            f.rec.reads.extend(source.regions(offsets, extent))
            rows, row = source.transfer_shape(extent)
            f.p[o] = record(f, pricer.load(op, rows, row * dtype.itemsize, stages), ())
        else:
            f.p[o] = record(f, copy_price, (src,))

    return run


@handles(D.AssembleOp)
def _assemble(op: D.AssembleOp, c: FunctionCompiler):
    src, dst, o = c.slot(op.source), c.slot(op.dest), c.slot(op.result)
    offs = c.slots_of(op.offsets)
    shape = _shape(op.source)
    valid = valid_getter(op.source, c) if isinstance(op.source.type, TileType) else None
    dst_is_tensor = isinstance(op.dest.type, TensorType)
    src_is_tensor = isinstance(op.source.type, TensorType)
    pricer = _pricer(c)
    eb = _dtype(op.source).itemsize
    copy_price = pricer.copy(_nbytes(op.source))
    atomic_add = op.atomic_add is not None

    def run(f: Frame) -> None:
        r = f.r
        source, dest = r[src], r[dst]
        offsets = tuple(r[s] for s in offs)
        extent = shape if valid is None else valid(r)
        target = dest.array if dst_is_tensor else dest
        if not _in_bounds(offsets, extent, target.shape):
            raise _oob(op, "offsets", offsets, extent, target.shape, "tensor" if dst_is_tensor else "tile")
        data = source.array if src_is_tensor else source
        if extent != shape:
            data = data[tuple(slice(0, e) for e in extent)]
        index = tuple(slice(a, a + e) for a, e in zip(offsets, extent))
        if not dst_is_tensor:
            target = target.copy()
            target[index] = data
            r[o] = target
            f.p[o] = record(f, copy_price, (src, dst))
            return
        if not target.flags.writeable:
            raise _read_only(op)
        if 0 in extent:  # an empty valid extent writes nothing: no transfer to record or price
            r[o] = dest
            return
        deps = (src,)
        if src_is_tensor:  # GM -> GM copy: a load then a store
            f.rec.reads.extend(source.regions((0,) * len(shape), extent))
            rows, row = source.transfer_shape(extent)
            f.p[src] = record(f, pricer.load(op, rows, row * eb, 1), ())
        if atomic_add:  # a read-modify-write of the region, in dst's dtype; blocks add in block order
            f.rec.reads.extend(dest.regions(offsets, extent))
            target[index] += data
        else:
            target[index] = data
        written = dest.regions(offsets, extent)
        f.rec.writes.extend(written)
        note_write(dest, written)
        rows, row = dest.transfer_shape(extent)
        record(f, pricer.store(rows, row * eb, eb), deps)
        r[o] = dest

    return run


def _run_time_shape(op: D.CreateTensorOp | D.ReshapeOp, c: FunctionCompiler) -> Callable[[list], tuple[int, ...]]:
    """The result shape, its dynamic dimensions read from the op's size operands."""
    t = op.result.type
    assert isinstance(t, TensorType)
    if t.is_static:
        shape = t.get_shape()
        return lambda r: shape
    slots = c.slots_of(op.sizes)
    return lambda r: D.run_time_shape(t, [r[s] for s in slots])


@handles(D.DimOp)
def _dim(op: D.DimOp, c: FunctionCompiler):
    """An axis size from the value itself: a dynamic tensor axis is the size of the caller's argument."""
    src, o, axis = c.slot(op.source), c.slot(op.result), op.axis.value.data

    def run(f: Frame) -> None:
        f.r[o] = int(f.r[src].shape[axis])  # a GmTensor or a tile array

    return run


@handles(D.ReshapeOp)
def _reshape(op: D.ReshapeOp, c: FunctionCompiler):
    src, o, shape = c.slot(op.source), c.slot(op.result), _shape(op.result)
    if isinstance(op.result.type, TensorType):
        shape_of = _run_time_shape(op, c)

        def run_tensor(f: Frame) -> None:
            t: GmTensor = f.r[src]
            target = shape_of(f.r)
            if int(np.prod(target, dtype=np.int64)) != t.array.size or min(target, default=1) < 0:
                raise PlRuntimeError(
                    f"pl.reshape: cannot reshape a {list(t.shape)} tensor ({t.array.size} elements) to {list(target)}",
                    op,
                )
            try:
                f.r[o] = t.reshaped(target)
            except ValueError as err:
                raise PlRuntimeError(f"pl.reshape: {err}", op) from None

        return run_tensor

    def run(f: Frame) -> None:
        f.r[o] = f.r[src].reshape(shape)
        f.p[o] = f.p[src]

    return run


@handles(D.ReadOp)
def _read(op: D.ReadOp, c: FunctionCompiler):
    src, o = c.slot(op.source), c.slot(op.result)
    idx = c.slots_of(op.indices)
    conv = scalar_of(op.result.type)
    is_tensor = isinstance(op.source.type, TensorType)
    one = (1,) * len(idx)
    price = _pricer(c).load(op, 1, _dtype(op.source).itemsize, 1)

    def run(f: Frame) -> None:
        r = f.r
        source = r[src]
        index = tuple(r[s] for s in idx)
        array = source.array if is_tensor else source
        if not _in_bounds(index, one, array.shape):
            raise _oob(op, "indices", index, one, array.shape, "tensor" if is_tensor else "tile")
        r[o] = conv(array[index])
        if is_tensor:
            f.rec.reads.extend(source.regions(index, one))
            record(f, price, ())

    return run


@handles(D.WriteOp)
def _write(op: D.WriteOp, c: FunctionCompiler):
    v, dst, o = c.slot(op.value), c.slot(op.dest), c.slot(op.result)
    idx = c.slots_of(op.indices)
    is_tensor = isinstance(op.dest.type, TensorType)
    one = (1,) * len(idx)
    eb = _dtype(op.dest).itemsize
    price = _pricer(c).store(1, eb, eb)

    def run(f: Frame) -> None:
        r = f.r
        dest = r[dst]
        index = tuple(r[s] for s in idx)
        array = dest.array if is_tensor else dest
        if not _in_bounds(index, one, array.shape):
            raise _oob(op, "indices", index, one, array.shape, "tensor" if is_tensor else "tile")
        if is_tensor:
            if not array.flags.writeable:
                raise _read_only(op)
            array[index] = r[v]
            written = dest.regions(index, one)
            f.rec.writes.extend(written)
            note_write(dest, written)
            record(f, price, ())
            r[o] = dest
        else:
            array = array.copy()
            array[index] = r[v]
            r[o] = array

    return run


@handles(BlockIdxOp)
def _block_idx(op: BlockIdxOp, c: FunctionCompiler):
    block_arg = c.function.body.block.args[-1]
    s, o = c.slot(block_arg), c.slot(op.result)

    def run(f: Frame) -> None:
        f.r[o] = f.r[s]

    return run


# ----------------------------------------------------------------------------------------- tile-only data ops
def _unary_tile(op, c: FunctionCompiler, fn, price_name: str | None):
    """A single-tile-operand op `result = fn(source)`; priced as `price_name` (None: free)."""
    s, o = c.slot(op.operands[0]), c.slot(op.result)
    price = _pricer(c).vector(price_name, _nbytes(op.result)) if price_name else None

    def run(f: Frame) -> None:
        f.r[o] = fn(f.r[s])
        f.p[o] = record(f, price, (s,)) if price is not None else f.p[s]

    return run


@handles(D.CastOp)
@on_gm_tensors
def _cast(op: D.CastOp, c: FunctionCompiler):
    dtype = _dtype(op.result)
    mode = op.mode.data if op.mode is not None else CastMode.NONE
    return _unary_tile(op, c, lambda x: numerics.cast(x, dtype, mode), "cast")


@handles(D.SetValidShapeOp)
def _set_validshape(op: D.SetValidShapeOp, c: FunctionCompiler):
    shape = _shape(op.result)
    slots = c.slots_of(op.valid_shape)
    s, o = c.slot(op.source), c.slot(op.result)

    def run(f: Frame) -> None:
        r = f.r
        extent = tuple(r[x] for x in slots)
        if not _in_bounds((0,) * len(shape), extent, shape):
            raise PlRuntimeError(f"pl.set_validshape extents {list(extent)} exceed the tile shape {list(shape)}", op)
        r[o] = r[s]
        f.p[o] = f.p[s]

    return run


@handles(D.FillPadOp)
def _fillpad(op: D.FillPadOp, c: FunctionCompiler):
    valid = valid_getter(op.source, c)
    pad = numerics.pad_value(_dtype(op.source), op.pad.data)
    s, o = c.slot(op.source), c.slot(op.result)
    price = _pricer(c).vector("fillpad", _nbytes(op.result))

    def run(f: Frame) -> None:
        x = f.r[s]
        extent = x.shape if valid is None else valid(f.r)
        out = np.full(x.shape, pad, x.dtype)
        index = tuple(slice(0, e) for e in extent)
        out[index] = x[index]
        f.r[o] = out
        f.p[o] = record(f, price, (s,))

    return run


@handles(D.ConcatOp)
@on_gm_tensors
def _concat(op: D.ConcatOp, c: FunctionCompiler):
    a, b, o = c.slot(op.lhs), c.slot(op.rhs), c.slot(op.result)
    axis = op.axis.value.data
    price = _pricer(c).vector("concat", _nbytes(op.result))

    def run(f: Frame) -> None:
        f.r[o] = np.concatenate((f.r[a], f.r[b]), axis=axis)
        f.p[o] = record(f, price, (a, b))

    return run


# ----------------------------------------------------------------------------------------- compute
def _op_name(op) -> str:
    return op.name.removeprefix("pl.")


@handles(C.AddOp, C.SubOp, C.MulOp, C.DivOp, C.MaximumOp, C.MinimumOp)
@on_gm_tensors
def _elementwise_binary(op: C.ElementwiseBinaryOp, c: FunctionCompiler):
    scalar_rhs = not isinstance(op.rhs.type, TensorType | TileType)
    a, b, o = c.slot(op.lhs), c.slot(op.rhs), c.slot(op.result)
    name = _op_name(op)
    fn = numerics.binary_fn(name, _dtype(op.result), scalar_rhs)
    price = _pricer(c).vector(name, _nbytes(op.result), scalar_operand=scalar_rhs)
    deps = (a,) if scalar_rhs else (a, b)

    def run(f: Frame) -> None:
        r = f.r
        r[o] = fn(r[a], r[b])
        f.p[o] = record(f, price, deps)

    return run


@handles(C.ExpOp, C.SqrtOp, C.RsqrtOp, C.LogOp, C.RecipOp, C.NegOp, C.AbsOp, C.ReluOp)
@on_gm_tensors
def _elementwise_unary(op: C.ElementwiseUnaryOp, c: FunctionCompiler):
    name = _op_name(op)
    return _unary_tile(op, c, numerics.unary_fn(name, _dtype(op.result)), name)


@handles(C.RowSumOp, C.RowMaxOp, C.RowMinOp, C.ColSumOp, C.ColMaxOp)
@on_gm_tensors
def _reduction(op: C.ElementwiseUnaryOp, c: FunctionCompiler):
    name = _op_name(op)
    shape = _shape(op.source)
    s, o = c.slot(op.source), c.slot(op.result)
    fn = numerics.reduce_fn(name, _dtype(op.source))
    price = _pricer(c).vector(name, _nbytes(op.source), reduce_len=shape[-1] if name.startswith("row_") else shape[-2])

    def run(f: Frame) -> None:
        f.r[o] = fn(f.r[s])
        f.p[o] = record(f, price, (s,))

    return run


@handles(C.RowArgmaxOp, C.RowArgminOp, C.ColArgmaxOp, C.ColArgminOp)
@on_gm_tensors
def _arg_reduction(op: C.ElementwiseUnaryOp, c: FunctionCompiler):
    """Indices over the source's valid extent only (pto-isa bounds its scan by the valid rows/columns);
    output cells past the valid extent are zeros."""
    name = _op_name(op)
    shape, out_shape = _shape(op.source), _shape(op.result)
    row = name.startswith("row_")
    valid = valid_getter(op.source, c)
    s, o = c.slot(op.source), c.slot(op.result)
    fn = numerics.arg_reduce_fn(name)
    price = _pricer(c).vector(name, _nbytes(op.source), reduce_len=shape[-1] if row else shape[-2])

    def run(f: Frame) -> None:
        x = f.r[s]
        extent = shape if valid is None else valid(f.r)
        if 0 in extent:
            raise PlRuntimeError(f"pl.{name} of an empty valid extent {list(extent)}", op)
        out = np.zeros(out_shape, np.int32)
        index = tuple(slice(0, e) for e in extent)
        out[index[:-1] + (slice(0, 1),) if row else index[:-2] + (slice(0, 1), index[-1])] = fn(x[index])
        f.r[o] = out
        f.p[o] = record(f, price, (s,))

    return run


@handles(C.RowExpandOp, C.ColExpandOp)
@on_gm_tensors
def _expand(op: C.BroadcastOp, c: FunctionCompiler):
    b, o = c.slot(op.rhs), c.slot(op.result)
    shape = _shape(op.result)
    price = _pricer(c).vector(_op_name(op), _nbytes(op.result))

    def run(f: Frame) -> None:
        f.r[o] = np.broadcast_to(f.r[b], shape).copy()
        f.p[o] = record(f, price, (b,))

    return run


@handles(C.RowExpandAddOp, C.RowExpandSubOp, C.RowExpandMulOp, C.RowExpandDivOp,
         C.ColExpandAddOp, C.ColExpandSubOp, C.ColExpandMulOp, C.ColExpandDivOp)  # fmt: skip
@on_gm_tensors
def _expand_binary(op: C.BroadcastOp, c: FunctionCompiler):
    op_kind = _op_name(op).rsplit("_", 1)[1]
    return _broadcast_binary(op, c, numerics.binary_fn(op_kind, _dtype(op.result), scalar_rhs=False))


def _broadcast_binary(op: C.BroadcastOp, c: FunctionCompiler, fn):
    """`result = fn(lhs, rhs)` on a tile and its row/column vector, priced as the op's vector instruction."""
    a, b, o = c.slot(op.lhs), c.slot(op.rhs), c.slot(op.result)
    price = _pricer(c).vector(_op_name(op), _nbytes(op.result))

    def run(f: Frame) -> None:
        r = f.r
        r[o] = fn(r[a], r[b])
        f.p[o] = record(f, price, (a, b))

    return run


@handles(C.ColExpandExpdifOp)
@on_gm_tensors
def _expdif(op: C.ColExpandExpdifOp, c: FunctionCompiler):
    return _broadcast_binary(op, c, numerics.expdif_fn(_dtype(op.result)))


@handles(D.TransposeOp)
@on_gm_tensors
def _transpose(op: D.TransposeOp, c: FunctionCompiler):
    """A data move (the vector unit's transpose), priced as an on-chip copy of the tile."""
    s, o = c.slot(op.source), c.slot(op.result)
    axes = op.axis1.value.data, op.axis2.value.data
    price = _pricer(c).copy(_nbytes(op.result))

    def run(f: Frame) -> None:
        f.r[o] = np.ascontiguousarray(np.swapaxes(f.r[s], *axes))
        f.p[o] = record(f, price, (s,))

    return run


def _flag(op, name: str) -> bool:
    attr = op.properties.get(name)
    return bool(attr.value.data) if attr is not None else False


@handles(C.MatmulOp, C.MatmulAccOp)
@on_gm_tensors
def _matmul(op, c: FunctionCompiler):
    has_acc = isinstance(op, C.MatmulAccOp)
    a, b, o = c.slot(op.lhs), c.slot(op.rhs), c.slot(op.result)
    acc = c.slot(op.acc) if has_acc else None
    a_trans, b_trans = _flag(op, "a_trans"), _flag(op, "b_trans")
    out_dtype = _dtype(op.result)
    *batch, m, n = _shape(op.result)
    k = _shape(op.lhs)[-2 if a_trans else -1]
    l0a, l0b, cube = _pricer(c).matmul(
        m, k, n, dtype_name(_dtype(op.lhs)), _nbytes(op.lhs), _nbytes(op.rhs), int(np.prod(batch, dtype=np.int64))
    )
    acc_dtype = np.dtype(np.int32) if _dtype(op.lhs).kind in "iu" else numerics.F32

    def run(f: Frame) -> None:
        r = f.r
        if acc is None:
            r[o] = numerics.matmul(r[a], r[b], a_trans, b_trans, out_dtype)
        else:
            product = numerics.matmul(r[a], r[b], a_trans, b_trans, acc_dtype)
            r[o] = (r[acc].astype(acc_dtype) + product).astype(out_dtype, copy=False)
        ia = record(f, l0a, (a,))
        ib = record(f, l0b, (b,))
        p = f.p
        deps = (ia, ib) if acc is None or p[acc] < 0 else (ia, ib, p[acc])
        f.rec.ops.append((cube, deps))
        p[o] = len(f.rec.ops) - 1

    return run


@handles(C.Sort32Op)
@on_gm_tensors
def _sort32(op: C.Sort32Op, c: FunctionCompiler):
    s, i, o = c.slot(op.source), c.slot(op.indices), c.slot(op.result)
    price = _pricer(c).vector("sort32", _nbytes(op.result))

    def run(f: Frame) -> None:
        f.r[o] = numerics.sort32(f.r[s], f.r[i])
        f.p[o] = record(f, price, (s, i))

    return run


@handles(C.MrgSortOp)
@on_gm_tensors
def _mrgsort(op: C.MrgSortOp, c: FunctionCompiler):
    block_len = op.block_len.value.data
    return _unary_tile(op, c, lambda x: numerics.mrgsort(x, block_len), "mrgsort")


@handles(C.MrgSortListsOp)
@on_gm_tensors
def _mrgsort_lists(op: C.MrgSortListsOp, c: FunctionCompiler):
    srcs, o = tuple(c.slot(v) for v in op.sources), c.slot(op.result)
    price = _pricer(c).vector("mrgsort", _nbytes(op.result))

    def run(f: Frame) -> None:
        f.r[o] = numerics.mrgsort_lists([f.r[s] for s in srcs])
        f.p[o] = record(f, price, srcs)

    return run


@handles(C.GatherOp)
@on_gm_tensors
def _gather(op: C.GatherOp, c: FunctionCompiler):
    stride, first = C.MASK_PATTERNS[op.mask_pattern.value.data]
    dtype = _dtype(op.result)
    return _unary_tile(op, c, lambda x: numerics.gather_mask(x, stride, first, dtype), "gather")


@handles(C.ScatterMaskOp)
@on_gm_tensors
def _scatter_mask(op: C.ScatterMaskOp, c: FunctionCompiler):
    stride, first = C.MASK_PATTERNS[op.mask_pattern.value.data]
    d, s, o = c.slot(op.dst), c.slot(op.source), c.slot(op.result)
    price = _pricer(c).vector("scatter", _nbytes(op.result))

    def run(f: Frame) -> None:
        f.r[o] = numerics.scatter_mask(f.r[d], f.r[s], stride, first)
        f.p[o] = record(f, price, (d, s))

    return run


@handles(C.ScatterIndexOp)
@on_gm_tensors
def _scatter_index(op: C.ScatterIndexOp, c: FunctionCompiler):
    """PyPTO's pto.tscatter walks the index tile's valid shape: only those entries (and their src) scatter."""
    d, i, s, o = c.slot(op.input), c.slot(op.index), c.slot(op.src), c.slot(op.result)
    extent = _shape(op.input)[1]
    valid = valid_getter(op.index, c)
    price = _pricer(c).vector("scatter", _nbytes(op.result))

    def run(f: Frame) -> None:
        index, src = f.r[i], f.r[s]
        if valid is not None:
            rows, cols = valid(f.r)
            index, src = index[:rows, :cols], src[:rows, :cols]
        if index.size and (index.min() < 0 or index.max() >= extent):
            bad = index[(index < 0) | (index >= extent)].flat[0]
            raise PlRuntimeError(f"pl.scatter index {bad} out of range [0, {extent}) on the last axis of the input", op)
        f.r[o] = numerics.scatter_index(f.r[d], index, src)
        f.p[o] = record(f, price, (d, i, s))

    return run


@handles(C.GatherIndexOp)
@on_gm_tensors
def _gather_index(op: C.GatherIndexOp, c: FunctionCompiler):
    s, i, o = c.slot(op.source), c.slot(op.index), c.slot(op.result)
    dim = op.dim.value.data
    extent = _shape(op.source)[dim]
    price = _pricer(c).vector("gather", _nbytes(op.result))

    def run(f: Frame) -> None:
        index = f.r[i]
        if index.size and (index.min() < 0 or index.max() >= extent):
            bad = index[(index < 0) | (index >= extent)].flat[0]
            raise PlRuntimeError(f"pl.gather index {bad} out of range [0, {extent}) on axis {dim} of the source", op)
        f.r[o] = numerics.gather_index(f.r[s], index, dim)
        f.p[o] = record(f, price, (s, i))

    return run
