# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# A name re-assigned in one arm with another type (a vec tile where it held the acc tile of a matmul) becomes
# a new variable; the arm that keeps the old value then reads the new one unassigned.  Found by the
# differential fuzzer (test/python/fuzz): the error names both assignments and their types.
from ppc import pl


@pl.jit
def retyped(x: pl.Tensor[[64, 64], pl.FP32], y: pl.InOut[pl.Tensor[[64, 64], pl.FP32]], n: pl.Scalar[pl.INT32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="t"):
        acc = pl.matmul(x[0:4, 0:16], x[0:16, 0:16], out_dtype=pl.FP32)
        if n > 0:
            acc = x[0:4, 0:16]
        else:
            acc = pl.add(acc, 1.0)
        y[0:4, 0:16] = acc
    return y


retyped.lower()
# CHECK: retyped-in-branch.py:16:26: error: 'acc' is used before it is assigned: here it still holds the !pl.tile<4x16xf32, acc> assigned at {{.*}}retyped-in-branch.py:12:9, and the !pl.tile<4x16xf32, vec> assigned at {{.*}}retyped-in-branch.py:14:13 made 'acc' a new variable (a name keeps one type across branches and loops)
# CHECK-NOT: Traceback
# CHECK-EMPTY:
