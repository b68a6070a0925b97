# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# A constant beyond the largest finite value of its float type would silently become inf: refused.
from ppc import pl


@pl.jit
def scale(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.mul(pl.load(x, [0, 0], [16, 16]), 1e39), [0, 0], y)
    return y


scale.lower()
# CHECK: constant-float-overflow.py:10:22: error: constant 1e+39 does not fit in f32 (it would round to inf)
# CHECK-NOT: Traceback
