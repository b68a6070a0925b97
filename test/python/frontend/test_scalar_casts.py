"""`pl.cast` of a run-time integer scalar between every pair of integer widths and signednesses, as PyPTO's
scalar cast lowers it: same dtype is no op; widening sign-extends (zero-extends an unsigned source); narrowing
truncates; index <-> iN is `index_cast` (an unsigned source's bits read as signed); an unsigned result is
carried as its signless bits, so a same-width change of signedness is a bit reinterpretation, never `trunci`."""

import numpy as np
import pytest

from ppc import pl

TYPES = {"INT32": (pl.INT32, np.int32), "INT64": (pl.INT64, np.int64), "UINT32": (pl.UINT32, np.uint32),
         "INDEX": (pl.INDEX, np.int64)}  # fmt: skip
TENSOR_OF = {"INDEX": "INT64"}  # an index scalar is read from, and written to, an INT64 tensor
CASTS = [(a, b) for a in TYPES for b in TYPES if a != b]


def _kernel(src: str, dst: str):
    s_dtype, d_dtype = TYPES[TENSOR_OF.get(src, src)][0], TYPES[TENSOR_OF.get(dst, dst)][0]
    mid, last = TYPES[src][0], TYPES[dst][0]

    @pl.jit
    def convert(x: pl.Tensor[[1, 8], s_dtype], y: pl.Out[pl.Tensor[[1, 8], d_dtype]]):
        with pl.at(level=pl.Level.CORE_GROUP):
            v = pl.cast(pl.read(x, [0, 0]), target_type=mid)
            pl.write(y, [0, 0], pl.cast(pl.cast(v, target_type=last), target_type=d_dtype))
        return y

    return convert


def _expected(value: int, src: str, dst: str) -> int:
    """PyPTO's result, from the bits: a source held in its own width, then extended or truncated."""
    width = {"INT32": 32, "UINT32": 32, "INT64": 64, "INDEX": 64}
    bits = value & ((1 << width[src]) - 1)
    if src != "UINT32" and bits >> (width[src] - 1):
        bits -= 1 << width[src]  # a signed source sign-extends
    elif src == "UINT32" and dst == "INDEX" and bits >> 31:
        bits -= 1 << 32  # index_cast reads the unsigned bits as signed
    return int(np.array(bits & ((1 << 64) - 1), np.uint64).astype(TYPES[TENSOR_OF.get(dst, dst)][1]))


@pytest.mark.parametrize(("src", "dst"), CASTS, ids=[f"{a}-{b}" for a, b in CASTS])
@pytest.mark.parametrize("value", [5, -3, 3_000_000_000, -5_000_000_000])
def test_scalar_cast_every_width(src, dst, value):
    s_np, d_np = TYPES[TENSOR_OF.get(src, src)][1], TYPES[TENSOR_OF.get(dst, dst)][1]
    x = np.zeros((1, 8), s_np)
    x[0, 0] = np.array(value).astype(np.int64).astype(s_np)  # the value's bits in the source type
    y = np.zeros((1, 8), d_np)
    _kernel(src, dst)(x, y)
    assert int(y[0, 0]) == _expected(int(x[0, 0]), src, dst)


def test_same_width_and_widening_lower_to_the_right_ops():
    text = str(_kernel("UINT32", "INT64").lower(np.zeros((1, 8), np.uint32), np.zeros((1, 8), np.int64),
                                                pipeline="frontend"))
    assert "arith.extui" in text and "arith.trunci" not in text
    text = str(_kernel("INT32", "UINT32").lower(np.zeros((1, 8), np.int32), np.zeros((1, 8), np.uint32),
                                                pipeline="frontend"))
    assert "arith.trunci" not in text and "arith.extsi" not in text


@pl.jit
def through_float(x: pl.Tensor[[1, 8], pl.UINT32], y: pl.InOut[pl.Tensor[[1, 8], pl.UINT32]],
                  f: pl.InOut[pl.Tensor[[1, 8], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        v = pl.cast(pl.read(x, [0, 0]), target_type=pl.FP32)  # uitofp: the unsigned value
        pl.write(f, [0, 0], v)
        pl.write(y, [0, 0], pl.cast(v, target_type=pl.UINT32))  # fptoui
    return y, f


def test_unsigned_to_and_from_float():
    x, y, f = np.full((1, 8), 3_000_000_256, np.uint32), np.zeros((1, 8), np.uint32), np.zeros((1, 8), np.float32)
    through_float(x, y, f)
    assert f[0, 0] == np.float32(3_000_000_256) and y[0, 0] == 3_000_000_256
