"""A run-time valid extent of zero (e.g. `pl.min(k, L)` with L = 0) reads and writes nothing.

Regression: the executor priced such a transfer as a GM access of 0 bytes and stopped with a ValueError
traceback from the cost model instead of treating it as the empty copy it is.
"""

import numpy as np
import pytest

from ppc import pl


@pl.jit
def copy_prefix(
    src: pl.Tensor[[1, 8], pl.INT32],
    n: pl.Scalar[pl.INT32],
    dst: pl.Out[pl.Tensor[[1, 8], pl.INT32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="copy_prefix"):
        dst = pl.assemble(dst, pl.full([1, 8], pl.INT32, -1), [0, 0])
        head = pl.slice(src, [1, 8], [0, 0], valid_shape=[1, n])
        dst = pl.assemble(dst, pl.add(head, 100), [0, 0])
    return dst


@pytest.mark.parametrize("n", [0, 3, 8])
def test_valid_prefix_copy(n: int):
    src = np.arange(8, dtype=np.int32).reshape(1, 8)
    dst = np.zeros((1, 8), np.int32)
    copy_prefix.compile(src, n, dst).run(src, n, dst)
    want = np.full((1, 8), -1, np.int32)
    want[0, :n] = np.arange(n) + 100
    np.testing.assert_array_equal(dst, want)
