# RUN: not %python -m ppc.tools.run %s::copy --check 2> %t.err
# RUN: filecheck %s < %t.err
# GOLDEN must be a function (or a dict entry -> function).
import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


GOLDEN = "torch.exp"
# CHECK: run-golden-malformed.py:[[# @LINE - 1]]:1: error: GOLDEN must be a function of the tensors dict (or a dict entry name -> such a value), got 'torch.exp'
# CHECK-NOT: Traceback
