# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# A writable view whose elements share memory (stride 0) cannot take one result per element.
import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


y = np.lib.stride_tricks.as_strided(np.zeros(16, np.float32), (16, 16), (0, 4))
copy(np.ones((16, 16), np.float32), y)
# CHECK: out-expanded-view.py:[[# @LINE - 1]]:1: error: argument 'y' of 'copy': the tensor is an expanded view (a stride of 0: several elements share one memory location), but the parameter is written (pl.Out); pass a copy
# CHECK-NOT: Traceback
