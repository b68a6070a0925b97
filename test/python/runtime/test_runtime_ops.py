"""Every op family executed through a kernel, against torch (bf16 bit-identical) and numpy references."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
import torch

from rt_programs import run_tile_kernel, tile_type

BF16 = np.dtype(ml_dtypes.bfloat16)
RNG = np.random.default_rng(1234)


def randn(shape, dtype=np.float32, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32).astype(dtype)


def to_torch(a: np.ndarray) -> torch.Tensor:
    if a.dtype == BF16:
        return torch.from_numpy(a.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(a.copy())


def from_torch(t: torch.Tensor) -> np.ndarray:
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(BF16)
    return t.numpy()


def assert_bits_equal(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    width = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[got.dtype.itemsize]
    diff = np.flatnonzero(got.view(width) != want.view(width))
    assert diff.size == 0, f"{diff.size} elements differ, first at {diff[:5]}: {got.flat[diff[:5]]} vs {want.flat[diff[:5]]}"


BINARY = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
          "maximum": torch.maximum, "minimum": torch.minimum}  # fmt: skip


@pytest.mark.parametrize("dtype", ["bf16", "f32"])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_tile_tile_bit_identical_to_torch(name, dtype):
    np_dtype = BF16 if dtype == "bf16" else np.dtype(np.float32)
    a, b = randn((16, 128), np_dtype), randn((16, 128), np_dtype)
    t = tile_type((16, 128), dtype)
    got = run_tile_kernel({"a": a, "b": b}, (16, 128), dtype, f"  %res = pl.{name} %a_t, %b_t : {t}")
    assert_bits_equal(got, from_torch(BINARY[name](to_torch(a), to_torch(b))))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_tile_scalar_bf16_bit_identical_to_torch(name):
    a = randn((8, 64), BF16)
    t = tile_type((8, 64), "bf16")
    body = f"  %s = arith.constant 0.3 : f32\n  %res = pl.{name} %a_t, %s : ({t}, f32) -> {t}"
    got = run_tile_kernel({"a": a}, (8, 64), "bf16", body)
    ref = BINARY[name](to_torch(a), torch.tensor(np.float32(0.3)).to(torch.float32)) if name in (
        "maximum", "minimum") else BINARY[name](to_torch(a), float(np.float32(0.3)))
    assert_bits_equal(got, from_torch(ref.to(torch.bfloat16)))


UNARY = {"exp": torch.exp, "sqrt": torch.sqrt, "recip": torch.reciprocal, "neg": torch.neg, "abs": torch.abs,
         "relu": torch.relu}  # fmt: skip


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_bf16_bit_identical_to_torch(name):
    a = randn((32, 128), BF16)
    if name == "sqrt":
        a = np.abs(a)
    got = run_tile_kernel({"a": a}, (32, 128), "bf16", f"  %res = pl.{name} %a_t : {tile_type((32, 128), 'bf16')}")
    assert_bits_equal(got, from_torch(UNARY[name](to_torch(a))))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_f32_matches_torch(name):
    a = randn((16, 64))
    if name == "sqrt":
        a = np.abs(a)
    got = run_tile_kernel({"a": a}, (16, 64), "f32", f"  %res = pl.{name} %a_t : {tile_type((16, 64), 'f32')}")
    want = from_torch(UNARY[name](to_torch(a)))
    if name in ("exp", "sqrt"):  # torch uses sleef's vectorised f32 exp/sqrt (not always correctly rounded)
        np.testing.assert_array_max_ulp(got, want, maxulp=2)
    else:
        assert_bits_equal(got, want)


REDUCTIONS = {
    "row_sum": lambda t: t.sum(-1, keepdim=True), "row_max": lambda t: t.amax(-1, keepdim=True),
    "col_sum": lambda t: t.sum(0, keepdim=True), "col_max": lambda t: t.amax(0, keepdim=True),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reductions(name):
    a = randn((16, 64), BF16)
    out_shape = (16, 1) if name.startswith("row") else (1, 64)
    body = f"  %res = pl.{name} %a_t : ({tile_type((16, 64), 'bf16')}) -> {tile_type(out_shape, 'bf16')}"
    got = run_tile_kernel({"a": a}, out_shape, "bf16", body)
    want = from_torch(REDUCTIONS[name](to_torch(a)))
    if name.endswith("max"):
        assert_bits_equal(got, want)
    else:  # both accumulate in f32 then round once; the summation order may differ in the last f32 bit
        np.testing.assert_allclose(got.astype(np.float32), want.astype(np.float32), rtol=2 ** -7)
        f32 = a.astype(np.float32)
        exact = f32.sum(axis=-1 if name.startswith("row") else 0, keepdims=True, dtype=np.float64)
        assert_bits_equal(got, exact.astype(np.float32).astype(BF16))


EXPANDS = {"mul": torch.mul, "sub": torch.sub, "div": torch.div, "add": torch.add}


@pytest.mark.parametrize("axis", ["row", "col"])
@pytest.mark.parametrize("name", sorted(EXPANDS))
def test_expand_ops_bf16_bit_identical(axis, name):
    x = randn((16, 32), BF16)
    v = randn((16, 1) if axis == "row" else (1, 32), BF16)
    body = (f"  %res = pl.{axis}_expand_{name} %x_t, %v_t : ({tile_type((16, 32), 'bf16')}, "
            f"{tile_type(v.shape, 'bf16')}) -> {tile_type((16, 32), 'bf16')}")
    got = run_tile_kernel({"x": x, "v": v}, (16, 32), "bf16", body)
    assert_bits_equal(got, from_torch(EXPANDS[name](to_torch(x), to_torch(v))))


@pytest.mark.parametrize("axis", ["row", "col"])
def test_plain_expand_broadcasts(axis):
    x = randn((8, 16))
    v = randn((8, 1) if axis == "row" else (1, 16))
    op = "row_expand" if axis == "row" else "col_expand"
    body = (f"  %res = pl.{op} %x_t, %v_t : ({tile_type((8, 16), 'f32')}, {tile_type(v.shape, 'f32')}) -> "
            f"{tile_type((8, 16), 'f32')}")
    got = run_tile_kernel({"x": x, "v": v}, (8, 16), "f32", body)
    assert_bits_equal(got, np.broadcast_to(v, (8, 16)).copy())


@pytest.mark.parametrize("a_trans,b_trans", [(False, False), (True, False), (False, True)])
def test_matmul_bf16_accumulates_in_f32(a_trans, b_trans):
    m, k, n = 16, 64, 32
    a = randn((k, m) if a_trans else (m, k), BF16)
    b = randn((n, k) if b_trans else (k, n), BF16)
    attrs = []
    if a_trans:
        attrs.append("a_trans = true")
    if b_trans:
        attrs.append("b_trans = true")
    attr = " {" + ", ".join(attrs) + "}" if attrs else ""
    body = (f"  %res = pl.matmul %a_t, %b_t{attr} : ({tile_type(a.shape, 'bf16')}, {tile_type(b.shape, 'bf16')}) "
            f"-> !pl.tile<{m}x{n}xf32, acc>")
    got = run_tile_kernel({"a": a, "b": b}, (m, n), "f32", body, space="acc")
    ta, tb = to_torch(a).float(), to_torch(b).float()
    want = (ta.T if a_trans else ta) @ (tb.T if b_trans else tb)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-5, atol=1e-5)
    # f32 accumulation, not bf16: a bf16-accumulated result would be visibly coarser
    assert np.abs(got - want.numpy()).max() < 1e-4


def test_matmul_int8_accumulates_exactly_in_int32():
    a = RNG.integers(-128, 128, (16, 64), dtype=np.int8)
    b = RNG.integers(-128, 128, (64, 16), dtype=np.int8)
    body = (f"  %res = pl.matmul %a_t, %b_t : ({tile_type((16, 64), 'i8')}, {tile_type((64, 16), 'i8')}) "
            f"-> !pl.tile<16x16xi32, acc>")
    got = run_tile_kernel({"a": a, "b": b}, (16, 16), "i32", body, space="acc")
    want = (torch.from_numpy(a).to(torch.int32) @ torch.from_numpy(b).to(torch.int32)).numpy()
    np.testing.assert_array_equal(got, want)


def test_matmul_acc_adds_product_to_accumulator():
    acc = randn((16, 16))
    a, b = randn((16, 32), BF16), randn((32, 16), BF16)
    body = (
        f"  %res = pl.matmul_acc %acc_t, %a_t, %b_t : ({tile_type((16, 16), 'f32')}, {tile_type((16, 32), 'bf16')}, "
        f"{tile_type((32, 16), 'bf16')}) -> {tile_type((16, 16), 'f32')}")
    got = run_tile_kernel({"acc": acc, "a": a, "b": b}, (16, 16), "f32", body)
    want = acc + a.astype(np.float32) @ b.astype(np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------------------------------- casts
def _cast(x: np.ndarray, src: str, dst: str, mode: str) -> np.ndarray:
    t = tile_type(x.shape, src)
    body = f"  %res = pl.cast %a_t {{mode = #pl.cast_mode<{mode}>}} : ({t}) -> {tile_type(x.shape, dst)}"
    return run_tile_kernel({"a": x}, x.shape, dst, body)


def test_cast_f32_to_bf16_rint_matches_torch():
    x = randn((16, 64), scale=100)
    assert_bits_equal(_cast(x, "f32", "bf16", "rint"), from_torch(to_torch(x).to(torch.bfloat16)))


def test_cast_f32_to_bf16_trunc_and_round_modes():
    x = randn((16, 64), scale=10)
    bits = x.view(np.uint32)
    trunc = (bits & 0xFFFF0000).view(np.float32).astype(BF16)
    assert_bits_equal(_cast(x, "f32", "bf16", "trunc"), trunc)
    away = ((bits + 0x8000) & 0xFFFF0000).view(np.float32).astype(BF16)  # ties (and above) away from zero
    assert_bits_equal(_cast(x, "f32", "bf16", "round"), away)
    tie = np.array([[1.0 + 2 ** -8, -(1.0 + 2 ** -8), 1.0 + 3 * 2 ** -8, 2.0]], np.float32)  # exact bf16 ties
    assert _cast(tie, "f32", "bf16", "round").astype(np.float32).tolist() == [[1.0078125, -1.0078125, 1.015625, 2.0]]
    assert _cast(tie, "f32", "bf16", "rint").astype(np.float32).tolist() == [[1.0, -1.0, 1.015625, 2.0]]


def test_cast_float_to_int_modes():
    x = np.array([[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.7, -2.7, 1e10, -1e10, 0.49999997, 3.0]], np.float32)
    assert _cast(x, "f32", "i32", "rint").tolist() == [[0, 2, 2, 0, -2, -2, 3, -3, 2**31 - 1, -2**31, 0, 3]]
    assert _cast(x, "f32", "i32", "round").tolist() == [[1, 2, 3, -1, -2, -3, 3, -3, 2**31 - 1, -2**31, 0, 3]]
    assert _cast(x, "f32", "i32", "trunc").tolist() == [[0, 1, 2, 0, -1, -2, 2, -2, 2**31 - 1, -2**31, 0, 3]]
    assert _cast(x[:, :8] * 100, "f32", "i8", "rint").tolist() == [[50, 127, 127, -50, -128, -128, 127, -128]]


def test_cast_rint_matches_torch_round_half_even():
    x = (RNG.integers(-1000, 1000, (8, 32)) / 2).astype(np.float32)  # many exact .5 ties
    assert_bits_equal(_cast(x, "f32", "i32", "rint"), torch.round(torch.from_numpy(x)).to(torch.int32).numpy())


# ------------------------------------------------------------------------------------------- data ops
def test_full_and_arange():
    body = ("  %v = arith.constant 1.5 : f32\n"
            f"  %f = pl.full %v : f32 -> {tile_type((4, 8), 'f32')}\n"
            f"  %s = arith.constant 3 : index\n"
            f"  %ar = pl.arange %s : index -> {tile_type((1, 8), 'i32')}\n"
            f"  %arf = pl.cast %ar : ({tile_type((1, 8), 'i32')}) -> {tile_type((1, 8), 'f32')}\n"
            f"  %res = pl.col_expand_add %f, %arf : ({tile_type((4, 8), 'f32')}, {tile_type((1, 8), 'f32')}) -> {tile_type((4, 8), 'f32')}")
    got = run_tile_kernel({}, (4, 8), "f32", body)
    np.testing.assert_array_equal(got, np.broadcast_to(1.5 + np.arange(3, 11, dtype=np.float32), (4, 8)))


def test_slice_with_valid_shape_then_fillpad():
    a = randn((6, 8))
    t = tile_type((4, 8), "f32")
    body = ("  %k3 = arith.constant 3 : index\n  %three = arith.addi %bi, %k3 : index\n  %eight = arith.constant 8 : index\n"
            f"  %s = pl.slice %a[%three, %c0] valid [%three, %eight] : !pl.tensor<6x8xf32> -> {tile_type((4, 8), 'f32', ', valid ?x8')}\n"
            f"  %p = pl.fillpad %s {{pad = #pl.pad<min>}} : ({tile_type((4, 8), 'f32', ', valid ?x8')}) -> {t}\n"
            f"  %res = pl.row_max %p : ({t}) -> {tile_type((4, 1), 'f32')}")
    # slice rows 3..5 (3 valid rows of 4, the slice would be out of bounds without the valid shape)
    got = run_tile_kernel({"a": a}, (4, 1), "f32", body)
    assert got[:3, 0].tolist() == a[3:6].max(axis=1).tolist()
    assert got[3, 0] == -np.inf


def test_set_validshape_and_fillpad_zero():
    a = randn((4, 8))
    t = tile_type((4, 8), "f32")
    body = ("  %two = arith.constant 2 : index\n  %five = arith.constant 5 : index\n"
            f"  %v = pl.set_validshape %a_t[%two, %five] : {t} -> {tile_type((4, 8), 'f32', ', valid ?x?')}\n"
            f"  %res = pl.fillpad %v {{pad = #pl.pad<zero>}} : ({tile_type((4, 8), 'f32', ', valid ?x?')}) -> {t}")
    got = run_tile_kernel({"a": a}, (4, 8), "f32", body)
    want = np.zeros_like(a)
    want[:2, :5] = a[:2, :5]
    np.testing.assert_array_equal(got, want)


def test_concat_reshape_and_tile_assemble():
    a, b = randn((2, 8)), randn((2, 8))
    body = (f"  %cat = pl.concat %a_t, %b_t {{axis = 0 : i64}} : ({tile_type((2, 8), 'f32')}, {tile_type((2, 8), 'f32')}) -> {tile_type((4, 8), 'f32')}\n"
            f"  %rs = pl.reshape %cat : {tile_type((4, 8), 'f32')} -> {tile_type((8, 4), 'f32')}\n"
            f"  %z = arith.constant 0.0 : f32\n"
            f"  %big = pl.full %z : f32 -> {tile_type((8, 8), 'f32')}\n"
            f"  %res = pl.assemble %rs into %big[%c0, %c4] : {tile_type((8, 4), 'f32')} into {tile_type((8, 8), 'f32')} -> {tile_type((8, 8), 'f32')}")
    got = run_tile_kernel({"a": a, "b": b}, (8, 8), "f32", body)
    want = np.zeros((8, 8), np.float32)
    want[:, 4:] = np.concatenate([a, b]).reshape(8, 4)
    np.testing.assert_array_equal(got, want)


def test_read_and_write_scalars_in_gm():
    a = randn((4, 8))
    from rt_programs import compile_text, single_kernel

    body = ("  %v = pl.read %a[%c2, %c3] : !pl.tensor<4x8xf32> -> f32\n"
            "  %w = arith.mulf %v, %v : f32\n"
            "  %out_new = pl.write %w into %out[%c1, %c4] : f32 into !pl.tensor<4x8xf32> -> !pl.tensor<4x8xf32>")
    program = compile_text(single_kernel({"a": ((4, 8), "f32")}, {"out": ((4, 8), "f32")}, body, out_dir="inout"))
    out = np.full((4, 8), 7.0, np.float32)
    program.run(a, out)
    want = np.full((4, 8), 7.0, np.float32)
    want[1, 4] = a[2, 3] * a[2, 3]
    np.testing.assert_array_equal(out, want)


# ------------------------------------------------------------------------------------------- sorting
def test_sort32_mrgsort_gather_give_topk():
    scores = RNG.permutation(64).astype(np.float32).reshape(1, 64)
    idx = np.arange(64, dtype=np.int32).reshape(1, 64)
    body = (f"  %s = pl.sort32 %sc_t, %ix_t : ({tile_type((1, 64), 'f32')}, {tile_type((1, 64), 'i32')}) -> {tile_type((1, 128), 'f32')}\n"
            f"  %m = pl.mrgsort %s {{block_len = 32 : i64}} : ({tile_type((1, 128), 'f32')}) -> {tile_type((1, 128), 'f32')}\n"
            f"  %res = pl.gather %m {{mask_pattern = 2 : i64, output_dtype = i32}} : ({tile_type((1, 128), 'f32')}) -> {tile_type((1, 64), 'i32')}")
    got = run_tile_kernel({"sc": scores, "ix": idx}, (1, 64), "i32", body)
    want = torch.topk(torch.from_numpy(scores), 64).indices.numpy()
    np.testing.assert_array_equal(got, want)
    body_values = body.replace("mask_pattern = 2 : i64, output_dtype = i32", "mask_pattern = 1 : i64").replace(
        f"-> {tile_type((1, 64), 'i32')}", f"-> {tile_type((1, 64), 'f32')}")
    values = run_tile_kernel({"sc": scores, "ix": idx}, (1, 64), "f32", body_values)
    np.testing.assert_array_equal(values, torch.topk(torch.from_numpy(scores), 64).values.numpy())


def test_sort32_sorts_each_group_of_32_independently():
    scores = randn((2, 64))
    idx = np.tile(np.arange(64, dtype=np.int32), (2, 1))
    body = (f"  %s = pl.sort32 %sc_t, %ix_t : ({tile_type((2, 64), 'f32')}, {tile_type((2, 64), 'i32')}) -> {tile_type((2, 128), 'f32')}\n"
            f"  %res = pl.gather %s {{mask_pattern = 1 : i64}} : ({tile_type((2, 128), 'f32')}) -> {tile_type((2, 64), 'f32')}")
    got = run_tile_kernel({"sc": scores, "ix": idx}, (2, 64), "f32", body)
    want = -np.sort(-scores.reshape(2, 2, 32), axis=-1).reshape(2, 64)
    np.testing.assert_array_equal(got, want)


def test_ops_on_whole_gm_tensors_load_compute_and_store():
    """The frontend emits compute ops on `!pl.tensor`s when a kernel uses whole tensors."""
    from rt_programs import compile_text, single_kernel

    t = "!pl.tensor<16x32xbf16>"
    body = (f"  %e = pl.exp %x : {t}\n"
            f"  %s = pl.add %e, %x : {t}\n"
            f"  %r = pl.row_sum %s : ({t}) -> !pl.tensor<16x1xbf16>\n"
            f"  %m = pl.matmul %s, %w : ({t}, !pl.tensor<32x8xbf16>) -> !pl.tensor<16x8xf32>\n"
            f"  %out_new = pl.assemble %m into %out[%c0, %c0] : !pl.tensor<16x8xf32> into !pl.tensor<16x8xf32> -> !pl.tensor<16x8xf32>")
    program = compile_text(single_kernel({"x": ((16, 32), "bf16"), "w": ((32, 8), "bf16")},
                                         {"out": ((16, 8), "f32")}, body))
    x, w = randn((16, 32), BF16), randn((32, 8), BF16)
    out = np.zeros((16, 8), np.float32)
    res = program.run(x, w, out)
    tx = to_torch(x)
    s = torch.exp(tx) + tx
    np.testing.assert_allclose(out, (s.float() @ to_torch(w).float()).numpy(), rtol=1e-5, atol=1e-5)
    assert program.kernels["k"].core_type == "AIC"
    # x and w are read from GM, the matmul flops are counted
    assert res.report.roofline.flops == 2 * 16 * 32 * 8
    assert res.tasks[0].blocks[0].gm_bytes >= x.nbytes + w.nbytes + out.nbytes
