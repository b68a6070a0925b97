# RUN: not %python -m ppc.tools.run %s::copy --trace %t.missing/trace.json 2> %t.err
# RUN: filecheck %s < %t.err
# A --trace that cannot be written is refused before the run, not after it.
import numpy as np
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y

# CHECK: ppc-run: error: --trace {{.*}}.missing/trace.json: no such folder {{.*}}.missing
# CHECK-NOT: trace written
# CHECK-NOT: Traceback
