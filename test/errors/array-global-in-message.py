# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# A message shows a user's array by its shape and dtype, not by its elements.
import numpy as np
from ppc import pl

TABLE = np.arange(100000, dtype=np.float32)


@pl.jit
def scale(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.mul(pl.load(x, [0, 0], [16, 16]), TABLE), [0, 0], y)
    return y


scale.lower()
# CHECK: array-global-in-message.py:13:22: error: expected a scalar, got ndarray of shape [100000] and dtype float32
# CHECK-NOT: Traceback
