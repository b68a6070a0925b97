# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# A kernel error ends a script with exactly one located line on stderr and a non-zero exit, no traceback.
from ppc import pl


@pl.jit
def bad(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.row_sum(x[:, :])
    return y


bad.lower(pipeline="frontend")
# CHECK: error_script.py:10:9: error: cannot assign a [16, 1] value to the [16, 64] region of 'y'
# CHECK-NOT: Traceback
# CHECK-EMPTY:
