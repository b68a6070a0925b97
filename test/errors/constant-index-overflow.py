# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# An offset is a 64-bit index: a compile-time integer beyond it is refused (and never printed in full).
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    row = 1 << 100000
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [row, 0], [16, 16]), [0, 0], y)
    return y


copy.lower()
# CHECK: constant-index-overflow.py:11:22: error: constant 2**100000 or more does not fit in index
# CHECK-NOT: Traceback
