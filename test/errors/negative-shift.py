# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# `n << -1` has no value: at compile time (constants) it is a located error, never a Python traceback.
from ppc import pl


@pl.jit
def shifted(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    n = 4
    m = n << -1
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.mul(pl.load(x, [0, 0], [16, 16]), m), [0, 0], y)
    return y


shifted.lower()
# CHECK: negative-shift.py:10:9: error: compile-time evaluation failed: ValueError: negative shift count
# CHECK-NOT: Traceback
