# RUN: not %python -m ppc.tools.run %s::copy 2> %t.err
# RUN: filecheck %s < %t.err
# SPECS must be a list of TensorSpec/ScalarSpec (or a dict entry -> list): anything else is located at its assignment.
import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


SPECS = {"copy": [(16, 16)]}
# CHECK: run-specs-malformed.py:[[# @LINE - 1]]:1: error: SPECS['copy'] must be a list of ppc.runtime.golden.TensorSpec / ScalarSpec, got [(16, 16)]
# CHECK-NOT: Traceback
