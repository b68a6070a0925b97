"""Loops with a negative or run-time step run Python's iterations, in Python's order, through the whole
pipeline (canonicalize must not erase `pl.range(15, -1, s)` for having ub < lb); a zero step is an error."""

from __future__ import annotations

import numpy as np
import pytest

from ppc import pl
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime.errors import PlRuntimeError

T = pl.Tensor[[16, 8], pl.FP32]


@pl.jit
def runtime_step(x: T, y: pl.InOut[T], s: pl.Scalar[pl.INT32]):
    order = 0.0
    for i in pl.range(15, -1, s):
        order = order + 1.0
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="row"):
            y[i : i + 1, :] = pl.add(x[i : i + 1, :], order)
    return y


@pl.jit
def constant_step(x: T, y: pl.InOut[T]):
    order = 0.0
    for i in pl.range(14, 0, -3):
        order = order + 1.0
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="row"):
            y[i : i + 1, :] = pl.add(x[i : i + 1, :], order)
    return y


@pl.jit
def zero_step(x: T, y: pl.Out[T]):
    for i in pl.range(0, 16, 0):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="row"):
            y[i : i + 1, :] = x[i : i + 1, :]
    return y


def _expected(x: np.ndarray, rows: range) -> np.ndarray:
    y = np.zeros_like(x)  # y is InOut: the rows the loop skips keep the caller's zeros
    for n, i in enumerate(rows, start=1):
        y[i] = x[i] + n  # the n-th iteration writes row i: checks the set of rows and their order
    return y


X = np.arange(128, dtype=np.float32).reshape(16, 8) * 10


@pytest.mark.parametrize("step", [-1, -2, -5, -16, -20, 1, 4])
def test_runtime_step_runs_python_range(step):
    y = np.zeros_like(X)
    runtime_step(X, y, step)
    np.testing.assert_array_equal(y, _expected(X, range(15, -1, step)))


def test_constant_negative_step():
    y = np.zeros_like(X)
    constant_step(X, y)
    np.testing.assert_array_equal(y, _expected(X, range(14, 0, -3)))


def test_runtime_zero_step_is_a_located_run_time_error():
    line = runtime_step.fn.__code__.co_firstlineno + 3
    with pytest.raises(PlRuntimeError, match=rf"test_strided_loops.py:{line}:\d+: error: .*the step of pl.range is zero$"):
        runtime_step(X, np.zeros_like(X), 0)


def test_constant_zero_step_is_a_compile_error():
    with pytest.raises(PlDiagnostic, match="the step of pl.range must be a nonzero integer, got 0"):
        zero_step(X, np.zeros_like(X))
