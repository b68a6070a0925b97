"""Slice extents are `stop - start` simplified as a polynomial over run-time integers, the way PyPTO's parser
simplifies them: `x[a * n:a * n + 1]` has the static extent 1 although `a * n` is only known at run time."""

from __future__ import annotations

import numpy as np
import pytest

from ppc import pl
from ppc.dialects.diagnostics import PlDiagnostic

R, C = 32, 16


@pl.jit
def rows_by_product(
    x: pl.Tensor[[R, C], pl.FP32], y: pl.InOut[pl.Tensor[[R, C], pl.FP32]], n: pl.Scalar[pl.INDEX]
):
    for a in pl.range(4):
        with pl.at(level=pl.Level.CORE_GROUP):
            y[a * n:a * n + 1, :] = pl.mul(x[a * n:a * n + 1, :], 2.0)  # product of two run-time values
            y[(a + 1) * (n + 1):a * n + a + n + 3, :] = x[(a + 1) * (n + 1):(a + 1) * (n + 1) + 2, :]  # expanded
    return y


@pl.jit
def rows_by_quotient(
    x: pl.Tensor[[R, C], pl.FP32], y: pl.InOut[pl.Tensor[[R, C], pl.FP32]], n: pl.Scalar[pl.INDEX]
):
    for a in pl.range(4):
        with pl.at(level=pl.Level.CORE_GROUP):
            y[(a + n) // 2 * 4:(a + n) // 2 * 4 + 4, :] = x[(n + a) % 3 * 4:(n + a) % 3 * 4 + 4, :]
    return y


@pl.jit
def still_dynamic(x: pl.Tensor[[R, C], pl.FP32], y: pl.Out[pl.Tensor[[R, C], pl.FP32]], n: pl.Scalar[pl.INDEX]):
    for a in pl.range(2):
        with pl.at(level=pl.Level.CORE_GROUP):
            y[0:1, :] = x[a * n:a * n + a, :]
    return y


def test_product_of_run_time_values_cancels():
    x = np.arange(R * C, dtype=np.float32).reshape(R, C)
    y = np.zeros_like(x)
    rows_by_product(x, y, 5)
    want = np.zeros_like(x)
    for a in range(4):
        want[a * 5] = x[a * 5] * 2
        r = (a + 1) * 6
        want[r:r + 2] = x[r:r + 2]
    assert np.array_equal(y, want)


def test_same_quotient_and_remainder_are_one_term():
    x = np.arange(R * C, dtype=np.float32).reshape(R, C)
    y = np.zeros_like(x)
    rows_by_quotient(x, y, 3)
    want = np.zeros_like(x)
    for a in range(4):
        q, r = (a + 3) // 2 * 4, (3 + a) % 3 * 4
        want[q:q + 4] = x[r:r + 4]
    assert np.array_equal(y, want)


def test_an_extent_that_depends_on_a_run_time_value_is_refused():
    with pytest.raises(PlDiagnostic, match=r"extent of slice 'a \* n:a \* n \+ a' on axis 0 must be a compile-time"):
        still_dynamic.lower(
            pl.Tensor[[R, C], pl.FP32], pl.Out[pl.Tensor[[R, C], pl.FP32]], pl.Scalar[pl.INDEX], pipeline="frontend"
        )
