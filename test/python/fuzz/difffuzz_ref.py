"""The numpy side of the differential fuzzer: `pl` tile semantics written out independently of ppc's runtime.

Dtype rules (LANGUAGE.md "Numerics", runtime/numerics.py): a bf16 op widens to f32, computes, and rounds once
to nearest-even; a Python-scalar operand of mul/div stays f32, of add/sub/maximum/minimum is rounded to the
tile's dtype first; int32 arithmetic wraps; sums accumulate in f32 (int32 for ints); matmul accumulates in f32
(here: an f64 sum rounded once to f32); casts follow their mode's name (rint: half to even, round: half away
from zero, trunc: toward zero).

Every value carries `exact`: True when its bits do not depend on an evaluation order the language leaves
open. Sums, matmuls and exp are not exact (summation order, libm); everything else computed from exact
operands is, and is compared bit for bit. `Outputs` keeps, per output element, whether the last value stored
there was exact, so the comparison knows which elements need bit equality and which a tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import ml_dtypes
import numpy as np

F32 = np.dtype(np.float32)
BF16 = np.dtype(ml_dtypes.bfloat16)
I32 = np.dtype(np.int32)
DTYPES = {"f32": F32, "bf16": BF16, "i32": I32}
SCALAR_IN_F32 = ("mul", "div")
BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
          "maximum": np.maximum, "minimum": np.minimum}  # fmt: skip


@dataclass(frozen=True)
class Val:
    """A tile value and whether its bits are fully determined by the program."""

    a: np.ndarray
    exact: bool


def _is_float(dtype: np.dtype) -> bool:
    return dtype in (F32, BF16)


def _elementwise(name: str, a: np.ndarray, b) -> np.ndarray:
    """`a name b` with a and b of a's dtype (b possibly broadcast), rounded once."""
    dtype = a.dtype
    if not _is_float(dtype):
        with np.errstate(over="ignore"):
            return BINARY[name](a, b).astype(dtype)
    with np.errstate(all="ignore"):
        return BINARY[name](a.astype(F32), np.asarray(b).astype(F32)).astype(dtype)


def binary(name: str, x: Val, y: Val) -> Val:
    return Val(_elementwise(name, x.a, y.a), x.exact and y.exact)


def binary_scalar(name: str, x: Val, s: float | int) -> Val:
    dtype = x.a.dtype
    if not _is_float(dtype):
        return Val(_elementwise(name, x.a, np.int32(s)), x.exact)
    if name in SCALAR_IN_F32:
        with np.errstate(all="ignore"):
            return Val(BINARY[name](x.a.astype(F32), np.float32(s)).astype(dtype), x.exact)
    return Val(_elementwise(name, x.a, np.asarray(s, dtype)), x.exact)


def unary(name: str, x: Val) -> Val:
    a = x.a
    if name == "relu":
        return Val(np.maximum(a, a.dtype.type(0)), x.exact)
    fn = {"neg": np.negative, "abs": np.abs, "exp": np.exp, "sqrt": np.sqrt}[name]
    with np.errstate(all="ignore"):
        out = fn(a.astype(F32)).astype(a.dtype) if _is_float(a.dtype) else fn(a).astype(a.dtype)
    return Val(out, x.exact and name != "exp")


def reduce(name: str, x: Val) -> Val:
    """row_* over the last axis to [M, 1], col_* over the first to [1, N]."""
    axis = 1 if name.startswith("row_") else 0
    a = x.a
    if name.endswith("_max"):
        return Val(np.max(a, axis=axis, keepdims=True), x.exact)
    if name.endswith("_min"):
        return Val(np.min(a, axis=axis, keepdims=True), x.exact)
    acc = F32 if _is_float(a.dtype) else I32
    with np.errstate(over="ignore"):
        total = np.sum(a.astype(acc), axis=axis, keepdims=True, dtype=acc).astype(a.dtype)
    return Val(total, x.exact and not _is_float(a.dtype))


def expand(name: str, x: Val, v: Val) -> Val:
    """row_expand_OP(x, v[M,1]) / col_expand_OP(x, v[1,N]): `x OP v` broadcast; plain *_expand copies v."""
    op = name.split("_")[-1]
    if op == "expand":
        return Val(np.broadcast_to(v.a, x.a.shape).copy(), v.exact)
    return binary({"add": "add", "sub": "sub", "mul": "mul", "div": "div"}[op], x, Val(v.a, v.exact))


def matmul(x: Val, y: Val) -> Val:
    total = x.a.astype(np.float64) @ y.a.astype(np.float64)
    return Val(total.astype(F32), False)


def matmul_acc(acc: Val, x: Val, y: Val) -> Val:
    total = acc.a.astype(np.float64) + x.a.astype(np.float64) @ y.a.astype(np.float64)
    return Val(total.astype(F32), False)


def cast(x: Val, target: str, mode: str) -> Val:
    a, dtype = x.a, DTYPES[target]
    if _is_float(dtype) or not _is_float(a.dtype):
        return Val(a.astype(dtype), x.exact)  # float -> float and int -> float round to nearest even
    wide = a.astype(np.float64)
    rounded = {"rint": np.rint, "trunc": np.trunc,
               "round": lambda w: np.where(w >= 0, np.floor(w + 0.5), np.ceil(w - 0.5))}[mode](wide)  # fmt: skip
    return Val(rounded.astype(dtype), x.exact)


def full(shape: tuple[int, int], target: str, value: float | int) -> Val:
    return Val(np.full(shape, value, DTYPES[target]), True)


class Outputs:
    """The InOut tensors as the reference writes them, with the exactness of every element."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = {name: a.copy() for name, a in arrays.items()}
        self.exact = {name: np.ones(a.shape, bool) for name, a in arrays.items()}

    def scratch(self, name: str, init: np.ndarray) -> None:
        """A GM tensor the program creates and fills with `init`; read and written like an output, never compared."""
        self.arrays[name] = init.copy()
        self.exact[name] = np.ones(init.shape, bool)

    def store(self, name: str, v: Val, r: int, c: int) -> None:
        h, w = v.a.shape
        self.arrays[name][r : r + h, c : c + w] = v.a
        self.exact[name][r : r + h, c : c + w] = v.exact

    def load(self, name: str, r: int, c: int, h: int, w: int) -> Val:
        return Val(self.arrays[name][r : r + h, c : c + w].copy(), bool(self.exact[name][r : r + h, c : c + w].all()))


def load(a: np.ndarray, r: int, c: int, h: int, w: int) -> Val:
    return Val(a[r : r + h, c : c + w].copy(), True)


TOLERANCE = {F32: 1e-4, BF16: 3e-2}
"""relative to the largest inexact reference magnitude of that output (at least 1): f32 sums and matmuls of a
few dozen terms in another order, and bf16 results one or two ulps apart after such a sum was rounded"""


def mismatches(name: str, got: np.ndarray, want: np.ndarray, exact: np.ndarray) -> list[str]:
    """Where `got` differs from `want`: bitwise on exact elements (NaN equals NaN), within TOLERANCE elsewhere."""
    g, w = got.astype(np.float64), want.astype(np.float64)
    same = (g == w) | (np.isnan(g) & np.isnan(w))
    if want.dtype in TOLERANCE:
        finite = np.isfinite(w) & ~exact
        scale = max(1.0, float(np.abs(w[finite]).max(initial=0.0)))
        with np.errstate(invalid="ignore"):
            close = np.abs(g - w) <= TOLERANCE[want.dtype] * scale
        same |= ~exact & close
    bad = np.argwhere(~same)
    if not len(bad):
        return []
    i, j = bad[0]
    kind = "exact" if exact[i, j] else "toleranced"
    return [f"{name}: {len(bad)} element(s) differ, first [{i}, {j}] ({kind}): ppc {got[i, j]!r}, numpy {want[i, j]!r}"]
