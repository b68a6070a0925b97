# RUN: not %python -m ppc.tools.run %s::copy --seed -5 2> %t.err
# RUN: filecheck %s < %t.err
# numpy seeds with non-negative integers: a negative --seed is refused before anything runs.
import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y

# CHECK: ppc-run: error: argument --seed: must be a non-negative integer, got -5
# CHECK-NOT: Traceback
