"""Element arithmetic with torch's CPU rounding: bf16/f16 ops compute in f32 and round once per op.

torch evaluates an elementwise op on a bf16 tensor by widening to f32 (its "opmath" type), computing, and
rounding the result to bf16 to nearest-even; a Python scalar operand is kept in f32 by mul/div and rounded
to bf16 first by add/sub/maximum/minimum (see SCALAR_IN_F32). ml_dtypes
rounds the same way, so `f32 compute + astype(bf16)` is bit-identical to torch. Reductions accumulate in
f32 too; matmul accumulates in f32 (int32 for int8). Casts follow their mode's name.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..dialects.attributes import CastMode, PadValue
from .dtypes import BF16, is_float_dtype

F32 = np.dtype(np.float32)
LOW_PRECISION = (BF16, np.dtype(np.float16))

Array = np.ndarray


def _int_div(a, b):
    """Integer division truncating toward zero (C / hardware semantics, not Python's floor)."""
    with np.errstate(all="ignore"):
        q = np.abs(a) // np.abs(b)
    return np.where((np.asarray(a) < 0) != (np.asarray(b) < 0), -q, q).astype(np.result_type(a, b))


def _relu(x):
    return np.maximum(x, x.dtype.type(0))


def _recip(x):
    return np.divide(x.dtype.type(1), x)


BINARY: dict[str, Callable] = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    "maximum": np.maximum, "minimum": np.minimum,
}  # fmt: skip
# torch's CPU kernels keep a Python-scalar operand of mul/div in f32 (opmath); add/sub/max/min round it
# to the tensor's dtype first (the scalar becomes a 0-d tensor of the common dtype).
SCALAR_IN_F32 = frozenset(("mul", "div"))
UNARY: dict[str, Callable] = {
    "exp": np.exp, "sqrt": np.sqrt, "recip": _recip, "neg": np.negative, "abs": np.abs, "relu": _relu,
}


def binary_fn(name: str, dtype: np.dtype, scalar_rhs: bool) -> Callable[[Array, object], Array]:
    """`a op b` for tiles of `dtype` (b a tile of the same shape/dtype or a scalar), rounded like torch."""
    fn = BINARY[name]
    if not is_float_dtype(dtype):
        if name == "div":
            fn = _int_div
        conv = dtype.type
        if scalar_rhs:
            return lambda a, b: fn(a, conv(b)).astype(dtype, copy=False)
        return fn
    if dtype in LOW_PRECISION:
        if scalar_rhs and name in SCALAR_IN_F32:
            return lambda a, b: fn(a.astype(F32), np.float32(b)).astype(dtype)
        if scalar_rhs:  # torch first converts the scalar operand of add/sub to the tensor's dtype
            low = dtype.type
            return lambda a, b: fn(a.astype(F32), np.float32(low(b))).astype(dtype)
        return lambda a, b: fn(a.astype(F32), b.astype(F32)).astype(dtype)
    conv = dtype.type
    if scalar_rhs:
        return lambda a, b: fn(a, conv(b))
    return fn


def unary_fn(name: str, dtype: np.dtype) -> Callable[[Array], Array]:
    fn = UNARY[name]
    if dtype in LOW_PRECISION:
        return lambda a: fn(a.astype(F32)).astype(dtype)
    return fn


def reduce_fn(name: str, dtype: np.dtype) -> Callable[[Array], Array]:
    """row_* reduce the last axis to [M, 1], col_* axis 0 to [1, N]; sums accumulate in f32 for floats."""
    axis = -1 if name.startswith("row_") else 0
    if name.endswith("_max"):
        return lambda a: np.max(a, axis=axis, keepdims=True)
    if dtype in LOW_PRECISION:
        return lambda a: np.sum(a, axis=axis, keepdims=True, dtype=F32).astype(dtype)
    return lambda a: np.sum(a, axis=axis, keepdims=True, dtype=dtype)


def matmul(a: Array, b: Array, a_trans: bool, b_trans: bool, out_dtype: np.dtype) -> Array:
    """[M,K] @ [K,N] with f32 accumulation (int32 for integer operands), then rounded to `out_dtype`."""
    acc = np.dtype(np.int32) if a.dtype.kind in "iu" else F32
    a = a.astype(acc, copy=False)
    b = b.astype(acc, copy=False)
    product = (a.T if a_trans else a) @ (b.T if b_trans else b)
    return product.astype(out_dtype, copy=False)


# ------------------------------------------------------------------------------------------- casts
def _step_toward(y: Array, target, dtype: np.dtype) -> Array:
    """y moved one ulp (of `dtype`) toward `target`, elementwise."""
    return np.nextafter(y, np.asarray(target).astype(dtype))


def _float_to_float(x: Array, dtype: np.dtype, mode: CastMode) -> Array:
    nearest = x.astype(dtype)  # round to nearest, ties to even
    if mode in (CastMode.RINT, CastMode.NONE) or x.dtype.itemsize <= dtype.itemsize:
        return nearest
    wide = x.astype(np.float64)
    back = nearest.astype(np.float64)
    if mode == CastMode.TRUNC:  # toward zero: undo a rounding that increased the magnitude
        fix = np.isfinite(wide) & (np.abs(back) > np.abs(wide))
        return np.where(fix, _step_toward(nearest, 0, dtype), nearest)
    # ROUND: ties away from zero; differs from nearest-even only on an exact tie rounded toward zero
    away = _step_toward(nearest, np.copysign(np.inf, wide), dtype)
    tie = np.isfinite(wide) & (np.abs(back) < np.abs(wide)) & (
        np.abs(away.astype(np.float64) - wide) == np.abs(wide - back)
    )
    return np.where(tie, away, nearest)


def _float_to_int(x: Array, dtype: np.dtype, mode: CastMode) -> Array:
    wide = x.astype(np.float64)
    if mode == CastMode.TRUNC:
        r = np.trunc(wide)
    elif mode == CastMode.ROUND:
        r = np.where(wide >= 0, np.floor(wide + 0.5), np.ceil(wide - 0.5))
    else:
        r = np.rint(wide)
    if dtype.kind == "b":
        return r != 0
    info = np.iinfo(dtype)  # the vector unit saturates out-of-range values; NaN becomes 0
    return np.nan_to_num(np.clip(r, info.min, info.max), nan=0.0).astype(dtype)


def cast(x: Array, dtype: np.dtype, mode: CastMode) -> Array:
    """Element type conversion: rint = nearest-even, round = nearest with ties away from zero, trunc =
    toward zero, none = nearest-even (float targets) / exact (integer targets); int results saturate."""
    if x.dtype == dtype:
        return x
    if is_float_dtype(x.dtype):
        if is_float_dtype(dtype):
            return _float_to_float(x, dtype, mode)
        return _float_to_int(x, dtype, mode)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.clip(x, info.min, info.max).astype(dtype)
    return x.astype(dtype)


def pad_value(dtype: np.dtype, pad: PadValue):
    """The fill of `pl.fillpad`: zero, or the dtype's lowest/highest value (±inf for floats)."""
    if pad == PadValue.ZERO:
        return dtype.type(0)
    if is_float_dtype(dtype):
        return dtype.type(-np.inf if pad == PadValue.MIN else np.inf)
    info = np.iinfo(dtype)
    return dtype.type(info.min if pad == PadValue.MIN else info.max)


# ------------------------------------------------------------------------------------------- sorting
def _as_pairs(x: Array) -> tuple[Array, Array]:
    """(values, index bit patterns) of an f32 [M, 2N] tile of interleaved (value, index) words."""
    return x[:, 0::2], x[:, 1::2]


def _interleave(values: Array, index_bits: Array) -> Array:
    out = np.empty((values.shape[0], 2 * values.shape[1]), dtype=np.float32)
    out[:, 0::2] = values
    out[:, 1::2] = index_bits
    return out


def _sort_runs(values: Array, payload: Array, run: int) -> tuple[Array, Array]:
    """Sort every run of `run` consecutive entries per row by value, descending, stable on ties; NaN counts
    as larger than +inf (first, in input order), as torch.sort(descending=True) and torch.topk place it."""
    m, n = values.shape
    v = values.reshape(m, n // run, run)
    order = np.lexsort((-v.astype(np.float64), ~np.isnan(v)), axis=-1)  # last key first: NaN, then by value
    sv = np.take_along_axis(v, order, axis=-1).reshape(m, n)
    sp = np.take_along_axis(payload.reshape(m, n // run, run), order, axis=-1).reshape(m, n)
    return sv, sp


def sort32(scores: Array, indices: Array) -> Array:
    """Each group of 32 scores sorted descending, as (value, index) pairs; indices keep their bit pattern
    (uint32 reinterpreted as f32) as the hardware's sort output does."""
    bits = indices.astype(np.uint32).view(np.float32)
    values, payload = _sort_runs(scores.astype(np.float32, copy=False), bits, 32)
    return _interleave(values, payload)


def mrgsort(pairs: Array, block_len: int) -> Array:
    """Merge each two adjacent sorted runs of `block_len` pairs into one run of 2*block_len (a trailing
    lone run stays as it is). A stable sort of each merged window equals a stable two-way merge."""
    values, payload = _as_pairs(pairs)
    n = values.shape[1]
    window = min(2 * block_len, n)
    full = n - n % window
    sv, sp = values.copy(), payload.copy()
    if full:
        sv[:, :full], sp[:, :full] = _sort_runs(values[:, :full], payload[:, :full], window)
    return _interleave(sv, sp)


def gather(pairs: Array, mask_pattern: int) -> Array:
    """The values (pattern 0) or the indices as int32 (pattern 1) of (value, index) pairs."""
    values, payload = _as_pairs(pairs)
    if mask_pattern == 0:
        return np.ascontiguousarray(values)
    return np.ascontiguousarray(payload).view(np.uint32).astype(np.int32)
