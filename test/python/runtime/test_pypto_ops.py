"""The ops pypto-lib models use beyond the basics, against torch: rsqrt, log, row_min, col_expand_expdif,
transpose, arange in PyPTO's spelling, batched matmul, and a tile slice wider than its source with a
valid_shape (only the valid part is read; the rest is padding)."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from ppc import pl
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime import numerics
from ppc.runtime.errors import PlRuntimeError

torch = pytest.importorskip("torch")

BF16 = np.dtype(ml_dtypes.bfloat16)
M, N = 16, 64


def _bf16_to_torch(x: np.ndarray):
    return torch.from_numpy(x.astype(np.float32)).to(torch.bfloat16)


def _bits(t) -> np.ndarray:
    return t.view(torch.int16).numpy()


@pytest.mark.parametrize("name, fn", [("rsqrt", torch.rsqrt), ("log", torch.log)])
def test_bf16_unary_rounds_like_torch(name, fn):
    x = np.random.default_rng(0).uniform(1e-3, 50.0, 4096).astype(BF16)
    ours = numerics.unary_fn(name, BF16)(x)
    np.testing.assert_array_equal(ours.view(np.int16), _bits(fn(_bf16_to_torch(x))))


def test_f32_rsqrt_is_one_over_sqrt_like_torch():
    x = np.random.default_rng(1).uniform(1e-6, 1e6, 4096).astype(np.float32)
    ours = numerics.unary_fn("rsqrt", np.dtype(np.float32))(x)
    np.testing.assert_array_equal(ours, torch.rsqrt(torch.from_numpy(x)).numpy())


def test_f32_log_is_the_nearest_float():
    x = np.random.default_rng(2).uniform(1e-6, 1e6, 4096).astype(np.float32)
    ours = numerics.unary_fn("log", np.dtype(np.float32))(x)
    np.testing.assert_array_equal(ours, np.log(x.astype(np.float64)).astype(np.float32))
    assert np.max(np.abs(ours - torch.log(torch.from_numpy(x)).numpy()) / np.abs(ours)) < 2e-7


@pl.jit
def vector_ops(
    x: pl.Tensor[[M, N], pl.BF16],
    r: pl.Out[pl.Tensor[[M, N], pl.BF16]],
    lg: pl.Out[pl.Tensor[[M, N], pl.BF16]],
    mn: pl.Out[pl.Tensor[[M, 1], pl.BF16]],
    ex: pl.Out[pl.Tensor[[M, N], pl.BF16]],
    tr: pl.Out[pl.Tensor[[N, M], pl.BF16]],
    ids: pl.Out[pl.Tensor[[2, N], pl.INT32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, optimizations=[pl.split(pl.SplitMode.NONE, slot_num=2)]):
        t = x[:, :]
        r[:, :] = pl.rsqrt(t, high_precision=True)
        lg[:, :] = pl.log(t)
        mn[:, :] = pl.row_min(t)
        ex[:, :] = pl.col_expand_expdif(t, pl.col_max(t))
        tr[:, :] = pl.transpose(t, -1, 0)
        ids[0:1, :] = pl.arange(5, [1, N], dtype=pl.INT32)
        ids[1:2, :] = pl.arange(7, [1, N], descending=True)
    return r, lg, mn, ex, tr, ids


def test_vector_ops_match_torch():
    x = np.random.default_rng(3).uniform(0.01, 4.0, (M, N)).astype(BF16)
    outs = [np.zeros((M, N), BF16), np.zeros((M, N), BF16), np.zeros((M, 1), BF16), np.zeros((M, N), BF16),
            np.zeros((N, M), BF16), np.zeros((2, N), np.int32)]  # fmt: skip
    vector_ops.compile(x, *outs).run(x, *outs)
    r, lg, mn, ex, tr, ids = outs
    tx = _bf16_to_torch(x)
    np.testing.assert_array_equal(r.view(np.int16), _bits(torch.rsqrt(tx)))
    np.testing.assert_array_equal(lg.view(np.int16), _bits(torch.log(tx)))
    np.testing.assert_array_equal(mn.view(np.int16), _bits(tx.amin(dim=1, keepdim=True)))
    np.testing.assert_array_equal(ex.view(np.int16), _bits(torch.exp(tx - tx.amax(dim=0, keepdim=True))))
    np.testing.assert_array_equal(tr, x.T)
    np.testing.assert_array_equal(ids, [np.arange(5, 5 + N), np.arange(7, 7 - N, -1)])


B, K, P = 3, 32, 24


@pl.jit
def batched(a: pl.Tensor[[1, M, K], pl.BF16], w: pl.Tensor[[B, K, P], pl.BF16], z: pl.Out[pl.Tensor[[B, M, P], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        z[:, :, :] = pl.matmul(a[:, :, :], w[:, :, :])
    return z


def test_batched_matmul_broadcasts_the_batch_like_torch():
    rng = np.random.default_rng(4)
    a, w = rng.standard_normal((1, M, K)).astype(BF16), rng.standard_normal((B, K, P)).astype(BF16)
    z = np.zeros((B, M, P), np.float32)
    batched.compile(a, w, z).run(a, w, z)
    for i in range(B):  # each batch is the BLAS-independent 2-D product
        np.testing.assert_array_equal(z[i], numerics.matmul(a[0], w[i], False, False, np.dtype(np.float32)))
    expected = torch.matmul(_bf16_to_torch(a).float(), _bf16_to_torch(w).float()).numpy()
    np.testing.assert_allclose(z, expected, rtol=1e-5, atol=1e-5)


def test_batched_matmul_transposes_the_last_two_axes():
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((2, K, M)).astype(np.float32), rng.standard_normal((2, P, K)).astype(np.float32)
    got = numerics.matmul(a, b, True, True, np.dtype(np.float32))
    np.testing.assert_allclose(got, np.swapaxes(a, 1, 2) @ np.swapaxes(b, 1, 2), rtol=1e-5, atol=1e-5)


TAIL, WIDE = 20, 32


@pl.jit
def wide_slice(src: pl.Tensor[[M, TAIL], pl.FP32], cols: pl.Scalar[pl.INDEX], out: pl.Out[pl.Tensor[[M, WIDE], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        t = pl.slice(src, [M, WIDE], [0, 0], valid_shape=[M, cols])
        out[:, :] = pl.fillpad(t, pad_value=pl.PadValue.max)
    return out


def test_slice_wider_than_source_loads_the_valid_part_only():
    src = np.random.default_rng(6).standard_normal((M, TAIL)).astype(np.float32)
    out = np.zeros((M, WIDE), np.float32)
    wide_slice.compile(src, TAIL, out).run(src, TAIL, out)
    np.testing.assert_array_equal(out[:, :TAIL], src)
    assert np.all(out[:, TAIL:] == np.inf)


def test_slice_valid_extent_past_the_source_is_a_located_error():
    src = np.zeros((M, TAIL), np.float32)
    out = np.zeros((M, WIDE), np.float32)
    with pytest.raises(PlRuntimeError, match=r"out of bounds for tensor \[16, 20\]"):
        wide_slice.compile(src, TAIL + 1, out).run(src, TAIL + 1, out)


@pl.jit
def bad_axis(x: pl.Tensor[[M, N], pl.FP32], y: pl.Out[pl.Tensor[[N, M], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.transpose(x[:, :], 0, 2)
    return y


@pl.jit
def bad_precision(x: pl.Tensor[[M, N], pl.FP32], y: pl.Out[pl.Tensor[[M, N], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.rsqrt(x[:, :], high_precision="yes")
    return y


@pl.jit
def bad_arange(y: pl.Out[pl.Tensor[[1, N], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.arange(0, [1, N], pl.INT32, dtype=pl.INT32)
    return y


@pytest.mark.parametrize(
    "fn, message",
    [
        (bad_axis, r"'axis2' of pl.transpose must be an axis of a rank-2 value, got 2"),
        (bad_precision, r"'high_precision' of pl.rsqrt must be True or False"),
        (bad_arange, r"pl.arange got 'dtype' both by position and by keyword"),
    ],
)
def test_bad_arguments_are_located_errors(fn, message):
    with pytest.raises(PlDiagnostic, match=message) as info:
        fn.lower(pipeline="frontend")
    assert info.value.loc.file == __file__


@pl.jit
def default_cast(x: pl.Tensor[[1, 8], pl.FP32], y: pl.Out[pl.Tensor[[1, 8], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.cast(x[:, :], target_type=pl.INT32)
    return y


def test_cast_without_mode_rounds_half_away_like_pypto():
    x = np.array([[0.5, 1.5, 2.5, -0.5, -2.5, 2.4, -2.6, 7.0]], np.float32)
    y = np.zeros((1, 8), np.int32)
    default_cast.compile(x, y).run(x, y)
    np.testing.assert_array_equal(y, [[1, 2, 3, -1, -3, 2, -3, 7]])
