# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# A pl.Out must take the results: a read-only array cannot (numpy would refuse the write-back after the run).
import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


y = np.zeros((16, 16), np.float32)
y.setflags(write=False)
copy(np.ones((16, 16), np.float32), y)
# CHECK: out-read-only.py:[[# @LINE - 1]]:1: error: argument 'y' of 'copy': the array is read-only, but the parameter is written (pl.Out)
# CHECK-NEXT: out-read-only.py:9:1: note: the parameters are declared here
# CHECK-NOT: Traceback
