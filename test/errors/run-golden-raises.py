# RUN: not %python -m ppc.tools.run %s::copy --check 2> %t.err
# RUN: filecheck %s < %t.err
# An exception in the file's own code (here its GOLDEN) is located at the file's line that raised it.
import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


def GOLDEN(t):
    return {"y": t["x"] @ t["missing"]}
# CHECK: run-golden-raises.py:[[# @LINE - 1]]:{{[0-9]+}}: error: KeyError: 'missing'
# CHECK-NOT: Traceback
