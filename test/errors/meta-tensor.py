# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# A meta tensor has a shape but no data: it can be lowered or compiled, not run.
import torch

import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


copy.compile(torch.empty(16, 16, device="meta"), torch.empty(16, 16, device="meta"))
copy(torch.empty(16, 16, device="meta"), torch.zeros(16, 16))
# CHECK: meta-tensor.py:[[# @LINE - 1]]:1: error: argument 'x' of 'copy': a meta tensor has no data to run on (pass it to lower() or compile(), or pass a tensor with data)
# CHECK-NOT: Traceback
