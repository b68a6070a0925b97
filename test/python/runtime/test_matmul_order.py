"""The executor's matmul gives the same bits whatever order (or BLAS kernel) sums the dot products.

`numerics._gemm` is the only BLAS call; these tests replace it with other summation orders (reversed k,
numpy's BLAS-free einsum, a random order per element, largest or smallest products first, BLAS on negated
operands) and check that no output bit changes.  The operands cover bf16 sums that land exactly
on f32 rounding ties, f32 operands over a wide exponent range, sums that cancel to exactly zero, and
transposed operands; integer matmuls are exact and wrap like the cube's i32 accumulator.  The goldens'
f64 matmul agrees bit for bit with the executor on bf16 operands.
"""

import ml_dtypes
import numpy as np
import pytest
import torch

from ppc.models.deepseek_v4.golden import matmul_f32
from ppc.runtime import numerics

F32 = np.float32
RNG = np.random.default_rng(11)


def _ordered(a: np.ndarray, b: np.ndarray, ks) -> np.ndarray:
    """Σ_k a[:, k]·b[k] in f64, in the order `ks`, by elementwise ops only."""
    acc = np.zeros((a.shape[0], b.shape[1]))
    for k in ks:
        acc += a[:, k, None] * b[k]
    return acc


def _reversed_k(a, b):
    return _ordered(a, b, range(a.shape[1] - 1, -1, -1))


def _per_element_orders(key):
    """A gemm summing each dot product sequentially in its own order: products sorted by `key` along k."""

    def gemm(a, b):
        products = a[:, None, :] * b.T[None, :, :]  # [M, N, K]
        products = np.take_along_axis(products, np.argsort(key(products), axis=-1, kind="stable"), axis=-1)
        acc = np.zeros(products.shape[:2])
        for k in range(products.shape[-1]):
            acc += products[..., k]
        return acc

    return gemm


GEMMS = {
    "reversed_k": _reversed_k,
    "einsum_without_blas": lambda a, b: np.einsum("mk,kn->mn", a, b, optimize=False),
    "random_order_per_element": _per_element_orders(lambda p: RNG.random(p.shape)),
    "largest_product_first": _per_element_orders(lambda p: -np.abs(p)),
    "smallest_product_first": _per_element_orders(np.abs),
    "negated_blas": lambda a, b: -((-a) @ b),  # an exactly cancelling sum comes back as -0
}


def _bf16(shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(ml_dtypes.bfloat16)


def _cases():
    wide = RNG.standard_normal((32, 256)) * np.exp2(RNG.integers(-30, 30, (32, 256)))
    cancel = RNG.standard_normal((16, 128)).astype(F32)
    cancel[:, 64:] = -cancel[:, :64]  # each row sums the same 64 values with both signs
    cancel[0] = 0.0  # and one row has only zero products
    ones = np.ones((128, 8), dtype=F32)
    return {
        "bf16": (_bf16((64, 512)), _bf16((512, 64)), False, False),
        "f32_wide_exponents": (wide.astype(F32), RNG.standard_normal((256, 48)).astype(F32), False, False),
        "cancel_to_zero": (cancel, ones, False, False),
        "transposed": (_bf16((256, 40), 3.0), _bf16((24, 256)), True, True),
    }


CASES = _cases()


@pytest.mark.parametrize("gemm", sorted(GEMMS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_result_does_not_depend_on_the_summation_order(monkeypatch, case, gemm):
    a, b, a_trans, b_trans = CASES[case]
    with_blas = numerics.matmul(a, b, a_trans, b_trans, np.dtype(F32))
    monkeypatch.setattr(numerics, "_gemm", GEMMS[gemm])
    other = numerics.matmul(a, b, a_trans, b_trans, np.dtype(F32))
    assert with_blas.dtype == F32
    assert np.array_equal(with_blas.view(np.uint32), other.view(np.uint32))


@pytest.mark.parametrize("case", sorted(CASES))
def test_result_is_the_reversed_order_f64_sum_rounded(case):
    a, b, a_trans, b_trans = CASES[case]
    a64 = (a.T if a_trans else a).astype(np.float64)
    b64 = (b.T if b_trans else b).astype(np.float64)
    expected = (_reversed_k(a64, b64) + 0.0).astype(F32)
    got = numerics.matmul(a, b, a_trans, b_trans, np.dtype(F32))
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


def test_cancelling_sums_are_positive_zero():
    a, b, _, _ = CASES["cancel_to_zero"]
    got = numerics.matmul(a, b, False, False, np.dtype(F32))
    assert np.array_equal(got.view(np.uint32), np.zeros(got.shape, dtype=np.uint32))


def test_bf16_sums_hit_f32_rounding_ties():
    """The bf16 case exercises the exact-sum rule: some exact sums sit exactly halfway between two f32."""
    a, b, _, _ = CASES["bf16"]
    exact = _reversed_k(a.astype(np.float64), b.astype(np.float64))
    rounded = exact.astype(F32).astype(np.float64)
    neighbour = np.nextafter(exact.astype(F32), np.copysign(np.inf, exact - rounded).astype(F32))
    assert (np.abs(exact - rounded) == np.abs(neighbour.astype(np.float64) - exact)).any()


def test_integer_matmul_is_exact_and_wraps_like_i32():
    a = np.full((2, 4), 32767, dtype=np.int16)
    b = np.full((4, 3), 32767, dtype=np.int16)
    b[0, 0] = -32768
    got = numerics.matmul(a, b, False, False, np.dtype(np.int32))
    exact = [[sum(int(x) * int(y) for x, y in zip(a[m], b[:, n], strict=True)) for n in range(3)] for m in range(2)]
    wrapped = np.array([[(v + 2**31) % 2**32 - 2**31 for v in row] for row in exact], dtype=np.int64)
    assert got.dtype == np.int32 and np.array_equal(got, wrapped)


@pytest.mark.parametrize("gemm", sorted(GEMMS))
def test_int8_matmul_takes_the_f64_gemm_in_any_order(monkeypatch, gemm):
    """int8 sums stay far below 2^53, so any order of the f64 GEMM gives numpy's exact int64 result."""
    a = RNG.integers(-128, 128, (24, 4096)).astype(np.int8)
    b = RNG.integers(-128, 128, (4096, 16)).astype(np.int8)
    a[0], b[:, 0] = -128, -128  # the largest magnitudes, summed over the whole k
    exact = (a.astype(np.int64) @ b.astype(np.int64)).astype(np.int32)
    calls = []
    monkeypatch.setattr(numerics, "_gemm", lambda x, y: calls.append(1) or GEMMS[gemm](x, y))
    got = numerics.matmul(a, b, False, False, np.dtype(np.int32))
    assert calls and np.array_equal(got, exact)


def test_integer_sums_that_could_round_in_f64_skip_the_gemm(monkeypatch):
    a = np.full((2, 4), 2**31 - 1, dtype=np.int32)  # 4·(2^31)^2 > 2^53: f64 partial sums could round
    b = np.full((4, 2), -(2**31), dtype=np.int32)
    monkeypatch.setattr(numerics, "_gemm", lambda x, y: pytest.fail("f64 GEMM used where it could round"))
    got = numerics.matmul(a, b, False, False, np.dtype(np.int32))
    assert np.array_equal(got, (a.astype(np.int64) @ b.astype(np.int64)).astype(np.int32))


def test_golden_matmul_agrees_bit_for_bit_with_the_executor():
    a, b, _, _ = CASES["bf16"]
    golden = matmul_f32(torch.from_numpy(a.astype(F32)), torch.from_numpy(b.astype(F32))).numpy()
    got = numerics.matmul(a, b, False, False, np.dtype(F32))
    assert np.array_equal(golden.view(np.uint32), got.view(np.uint32))


@pytest.mark.parametrize("axis", [0, 1])
def test_lowest_bit_exponents_match_a_per_element_reading(axis):
    """The masked-min exponent scan against the definition, element by element: zeros skipped (an all-zero
    line gives 2048), subnormals count as exponent -126, inf/NaN as their all-ones exponent field."""
    x = (RNG.standard_normal((9, 40)) * 2.0 ** RNG.integers(-140, 60, (9, 40))).astype(F32)
    x[RNG.random(x.shape) < 0.3] = 0.0
    x[0] = -0.0
    x[1, :3] = [np.inf, np.nan, np.float32(1e-45)]
    x[2] = np.float32(2.0**-149)
    for bits in (8, 11, 24):
        lines = x.T if axis == 0 else x
        want = [min((max(int(v.view(np.uint32)) >> 23 & 0xFF, 1) - 126 - bits for v in line if v != 0), default=2048)
                for line in lines]
        assert numerics._lowest_bit_exponents(x, bits, axis).tolist() == want
