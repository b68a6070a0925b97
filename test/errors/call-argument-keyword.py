# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# Arguments may be passed by keyword, as Python binds them; a keyword naming no parameter is the caller's error.
import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


x, y = np.ones((16, 16), np.float32), np.zeros((16, 16), np.float32)
copy(y=y, x=x)
assert (y == 1).all()
copy(x=x, y=y, z=y)
# CHECK: call-argument-keyword.py:[[# @LINE - 1]]:1: error: 'copy': got an unexpected keyword argument 'z'
# CHECK-NEXT: call-argument-keyword.py:9:1: note: the parameters are declared here
# CHECK-NOT: Traceback
