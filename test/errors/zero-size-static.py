# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# A zero-size tensor for a static [16, 16] parameter is a shape mismatch, reported at the call.
import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


copy(np.zeros((0, 16), np.float32), np.zeros((16, 16), np.float32))
# CHECK: zero-size-static.py:[[# @LINE - 1]]:1: error: parameter 'x' is annotated pl.Tensor[[16, 16], pl.FP32] but the argument has shape [0, 16] and dtype pl.FP32
# CHECK-NEXT: zero-size-static.py:9:13: note: the parameters are declared here
# CHECK-NOT: Traceback
