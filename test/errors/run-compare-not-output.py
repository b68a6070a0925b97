# RUN: not %python -m ppc.tools.run %s::copy --check 2> %t.err
# RUN: filecheck %s < %t.err
# A COMPARE entry naming no output would never be used: refused before the run.
from ppc.runtime.golden import ratio_allclose

import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


def GOLDEN(t):
    t["y"][:] = t["x"]


COMPARE = {"x": ratio_allclose()}
# CHECK: run-compare-not-output.py:[[# @LINE - 1]]:1: error: COMPARE names ['x'], which are not outputs of 'copy' (outputs: ['y'])
# CHECK-NOT: Traceback
