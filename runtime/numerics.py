"""Element arithmetic with torch's CPU rounding: bf16/f16 ops compute in f32 and round once per op.

torch evaluates an elementwise op on a bf16 tensor by widening to f32 (its "opmath" type), computing, and
rounding the result to bf16 to nearest-even; a Python scalar operand is kept in f32 by mul/div and rounded
to bf16 first by add/sub/maximum/minimum (see SCALAR_IN_F32). ml_dtypes
rounds the same way, so `f32 compute + astype(bf16)` is bit-identical to torch. Reductions accumulate in
f32 too; matmul accumulates in f32 (int32 for int8). Casts follow their mode's name.

No result depends on the host or on the BLAS numpy was built with: float matmuls are rounded from f64 sums
so that every summation order gives the same f32 (`matmul`), integer matmuls use numpy's own exact integer
loop, and float reductions are numpy's add-reduce, a fixed pairwise order in plain C (no BLAS, and its
SIMD-dispatched builds keep that order: C compilers do not reassociate float adds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ml_dtypes
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


def _rsqrt(x):
    """1 / sqrt(x), each step rounded (torch's CPU rsqrt); both are correctly rounded, so host-independent."""
    return np.divide(x.dtype.type(1), np.sqrt(x))


def _log(x):
    """log evaluated in f64 and rounded once: the nearest value on every host (a float32 log's last bit
    depends on which SIMD kernel numpy dispatches to)."""
    return np.log(x.astype(np.float64)).astype(x.dtype)


BINARY: dict[str, Callable] = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    "maximum": np.maximum, "minimum": np.minimum,
}  # fmt: skip
# torch's CPU kernels keep a Python-scalar operand of mul/div in f32 (opmath); add/sub/max/min round it
# to the tensor's dtype first (the scalar becomes a 0-d tensor of the common dtype).
SCALAR_IN_F32 = frozenset(("mul", "div"))
UNARY: dict[str, Callable] = {
    "exp": np.exp, "sqrt": np.sqrt, "rsqrt": _rsqrt, "log": _log, "recip": _recip, "neg": np.negative,
    "abs": np.abs, "relu": _relu,
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
    """row_* reduce the last axis to [..., M, 1], col_* the one before to [..., 1, N]; sums accumulate in f32
    for floats."""
    axis = -1 if name.startswith("row_") else -2
    if name.endswith("_max"):
        return lambda a: np.max(a, axis=axis, keepdims=True)
    if name.endswith("_min"):
        return lambda a: np.min(a, axis=axis, keepdims=True)
    if dtype in LOW_PRECISION:
        return lambda a: np.sum(a, axis=axis, keepdims=True, dtype=F32).astype(dtype)
    return lambda a: np.sum(a, axis=axis, keepdims=True, dtype=dtype)


def arg_reduce_fn(name: str) -> Callable[[Array], Array]:
    """row_arg*/col_arg* as pto-isa's TROWARGMAX family: a scan from index 0 that moves only on a strictly
    better value, so ties keep the first index, a NaN is never better (skipped) and a NaN at index 0 is
    never beaten (the result is 0).  int32 indices, keeping the reduced axis as the value reductions do."""
    axis = -1 if name.startswith("row_") else -2
    is_max = name.endswith("max")

    def run(a: Array) -> Array:
        nan = np.isnan(a) if a.dtype.kind == "f" else np.zeros(a.shape, bool)
        worst = -np.inf if is_max else np.inf
        x = np.where(nan, worst, a.astype(np.float64))
        idx = (np.argmax if is_max else np.argmin)(x, axis=axis, keepdims=True)
        first_nan = np.take(nan, [0], axis=axis)
        return np.where(first_nan, 0, idx).astype(np.int32)

    return run


def expdif_fn(dtype: np.dtype) -> Callable[[Array, Array], Array]:
    """`exp(x - v)` as torch evaluates `torch.exp(x - v)`: the difference is rounded to `dtype` first."""
    sub, exp = binary_fn("sub", dtype, scalar_rhs=False), unary_fn("exp", dtype)
    return lambda x, v: exp(sub(x, np.broadcast_to(v, x.shape)))


def _gemm(a: Array, b: Array) -> Array:
    """The f64 GEMM whose summation order `matmul` must not depend on (tests replace it with other orders)."""
    return a @ b


def _ordered_dots(a: Array, b: Array, rows: Array, cols: Array) -> Array:
    """Σ_k a[r, k]·b[k, c] in f64 for each (r, c) pair, summed in ascending k by elementwise ops (no BLAS)."""
    lhs, rhs = a[rows], b[:, cols]
    acc = np.zeros(len(rows))
    for k in range(a.shape[1]):
        acc += lhs[:, k] * rhs[k]
    return acc


def _significand_bits(dtype: np.dtype) -> int:
    return int(ml_dtypes.finfo(dtype).nmant) + 1


def _lowest_bit_exponents(x: Array, bits: int, axis: int) -> Array:
    """Along `axis` of f32 `x` (values of a type with `bits`-bit significands): every element is a multiple of
    2^e.  A value in [2^E, 2^(E+1)) is a multiple of 2^(E - bits + 1); subnormals count as E = -126; an
    all-zero line gives 2048.  The smallest non-zero magnitude has the smallest exponent, so one masked min
    of the magnitude bits finds it."""
    magnitude = x.view(np.uint32) & np.uint32(0x7FFFFFFF)
    smallest = magnitude.min(axis=axis, initial=0xFFFFFFFF, where=magnitude != 0)
    exponent = np.maximum((smallest >> 23).astype(np.int32), 1) - 126 - bits
    return np.where(smallest == 0xFFFFFFFF, 2048, exponent)


def _widened(x: Array) -> Array:
    """bf16/f16 exactly widened to f32 (ml_dtypes' direct cast to f64 is ~20x slower); wider types as they are."""
    return x.astype(F32) if x.dtype in LOW_PRECISION else x


def _float_matmul(a: Array, b: Array) -> Array:
    """f32 [M,N] of `a @ b` that is the same for every summation order of the dot products.

    Any order of the f64 sum S lies within E = γ_K·Σ|a_k·b_k| (γ_K = K·2^-53 / (1 - K·2^-53)) of the exact
    sum T; two orders lie within 2E of each other.  An element is the same in every order, whatever BLAS
    kernel or thread split computed S, if (a) f32(S - 4E') == f32(S + 4E') (E' ≥ E from the row and column
    norms; the factor 4 covers 2E plus the rounding of S ± 4E'): every order rounds to f32(T);
    or (b) the sum is exact: products are exact in f64 (significands of at most 53 bits together), all are
    multiples of 2^(e_a[m] + e_b[n]) and Σ|products| < 2^(53 + e_a[m] + e_b[n]), so no partial sum in any
    order rounds (bf16 sums often land exactly on an f32 rounding tie, which (a) cannot decide).  The
    remaining elements are summed again in a fixed ascending-k order without BLAS; where (a) or (b) holds on
    one host and not on another, both results round to f32(T).  Non-finite sums come only from inf/NaN
    operands and are the same inf/NaN in any order; a zero result is +0 (an all-zero sum's sign would
    depend on the kernel)."""
    bits_a, bits_b = _significand_bits(a.dtype), _significand_bits(b.dtype)
    wide_a, wide_b = _widened(a), _widened(b)
    a, b = wide_a.astype(np.float64), wide_b.astype(np.float64)
    k = a.shape[1]
    gamma = k * 2.0**-53 / (1 - k * 2.0**-53)
    s = _gemm(a, b)
    # ≥ Σ|a_k·b_k| by Cauchy-Schwarz (cheaper than |a|@|b|), inflated for the rounding of the two norms
    magnitude = np.outer(np.sqrt(np.square(a).sum(axis=1)), np.sqrt(np.square(b).sum(axis=0))) * (1 + 3 * gamma)
    margin = 4 * gamma * magnitude
    out = s.astype(F32)
    with np.errstate(invalid="ignore", over="ignore"):
        unsure = np.isfinite(s) & ((s - margin).astype(F32) != (s + margin).astype(F32))
        if bits_a + bits_b <= 53 and unsure.any():
            lowest = _lowest_bit_exponents(wide_a.astype(F32, copy=False), bits_a, 1)[:, None]
            lowest = lowest + _lowest_bit_exponents(wide_b.astype(F32, copy=False), bits_b, 0)[None, :]
            unsure &= magnitude >= np.ldexp(1.0, np.minimum(lowest + 53, 1100))
    rows, cols = np.nonzero(unsure)
    if len(rows):
        out[rows, cols] = _ordered_dots(a, b, rows, cols).astype(F32)
    out += F32.type(0)  # -0 + +0 is +0
    return out


def matmul(a: Array, b: Array, a_trans: bool, b_trans: bool, out_dtype: np.dtype) -> Array:
    """[..., M,K] @ [..., K,N] accumulated in f32 (int32 for integer operands), then rounded to `out_dtype`;
    the same bits on every host.  Leading batch dims broadcast (numpy's rule) and each batch is one 2-D
    product; the transposes swap the last two axes.  Integer products are summed exactly and wrap to int32
    as the cube's accumulator does (`_int_matmul`); floats: `_float_matmul`."""
    a = np.swapaxes(a, -1, -2) if a_trans else a
    b = np.swapaxes(b, -1, -2) if b_trans else b
    if a.ndim > 2 or b.ndim > 2:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = np.broadcast_to(a, batch + a.shape[-2:])
        b = np.broadcast_to(b, batch + b.shape[-2:])
        out = np.empty(batch + (a.shape[-2], b.shape[-1]), out_dtype)
        for index in np.ndindex(*batch):
            out[index] = _matmul_2d(a[index], b[index], out_dtype)
        return out
    return _matmul_2d(a, b, out_dtype)


def _int_matmul(a: Array, b: Array) -> Array:
    """The exact integer product, wrapped to int32 as the cube's accumulator wraps. When no partial sum can
    reach 2^53 (K·max|a|·max|b| below it: always for int8), the f64 GEMM is exact in every summation order, so
    BLAS gives the same bits as numpy's int64 loop (which has no BLAS path and is ~50x slower); else that loop."""
    def peak(x: Array) -> int:
        return max(-int(x.min()), int(x.max())) if x.size else 0

    if a.shape[1] * peak(a) * peak(b) < 2**53:
        exact = _gemm(a.astype(np.float64), b.astype(np.float64)).astype(np.int64)
    else:
        exact = a.astype(np.int64) @ b.astype(np.int64)
    return exact.astype(np.int32)


def _matmul_2d(a: Array, b: Array, out_dtype: np.dtype) -> Array:
    if a.dtype.kind in "iu":
        acc = _int_matmul(a, b)
    else:
        acc = _float_matmul(a, b)
    return acc.astype(out_dtype, copy=False)


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
    """Merge every four adjacent sorted runs of `block_len` words (block_len / 2 pairs) into one; the row is
    whole groups (the verifier's rule). A stable sort of each group equals the stable four-way merge."""
    values, payload = _as_pairs(pairs)
    sv, sp = _sort_runs(values, payload, 2 * block_len)
    return _interleave(sv, sp)


def mrgsort_lists(lists: Sequence[Array]) -> Array:
    """Merge sorted rows of pairs side by side; the stable sort of their concatenation is the stable merge
    (an equal value from an earlier list comes first, as TMRGSORT picks it)."""
    values, payload = _as_pairs(np.concatenate(lists, axis=1))
    sv, sp = _sort_runs(values, payload, values.shape[1])
    return _interleave(sv, sp)


def gather_mask(x: Array, stride: int, first: int, dtype: np.dtype) -> Array:
    """Every `stride`-th column from `first` on, its bits read as `dtype` (of the same width)."""
    return np.ascontiguousarray(x[:, first::stride]).view(dtype)


def gather_index(source: Array, index: Array, dim: int) -> Array:
    """torch.gather: `source` picked along `dim` at `index` (in range), over the index's extents."""
    box = tuple(slice(0, n) if axis != dim else slice(None) for axis, n in enumerate(index.shape))
    return np.take_along_axis(source[box], index.astype(np.int64), axis=dim)

def scatter_mask(dst: Array, source: Array, stride: int, first: int) -> Array:
    """`dst` with every `stride`-th column from `first` on replaced by the columns of `source`."""
    out = dst.copy()
    out[:, first::stride] = source
    return out


def scatter_index(dst: Array, index: Array, src: Array) -> Array:
    """`dst` with `out[b, index[b, k]] = src[b, k]` (indices in range); of equal indices in a row the last in
    row-major order wins, chosen explicitly rather than left to numpy's assignment order."""
    out = dst.copy()
    rows = np.arange(index.shape[0], dtype=np.int64)[:, None]
    flat = (rows * dst.shape[1] + index.astype(np.int64)).ravel()
    _, first_from_end = np.unique(flat[::-1], return_index=True)
    keep = flat.size - 1 - first_from_end
    out.reshape(-1)[flat[keep]] = src.reshape(-1)[keep]
    return out
