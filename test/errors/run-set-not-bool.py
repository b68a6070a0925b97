# RUN: not %python -m ppc.tools.run %s::copy --set flag=maybe 2> %t.err
# RUN: filecheck %s < %t.err
# A pl.BOOL scalar takes true/false spellings only: 'maybe' is refused, not read as False.
from ppc import pl


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]], flag: pl.Scalar[pl.BOOL]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y
# CHECK: ppc-run: error: --set flag: cannot read 'maybe' as bool (expected one of 1, true, yes, on, 0, false, no, off)
# CHECK-NOT: Traceback
