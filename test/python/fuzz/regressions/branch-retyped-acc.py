# The first program the fuzzer failed on, shrunk: a matmul tile (acc space) carried out of a guarded loop and
# re-assigned in both arms of a run-time if, inside a pl.parallel task.  Its vec-tile arm made the name a new
# variable and the error blamed an unassigned read; that form is now refused with both types named
# (test/errors/retyped-in-branch.py), and this one, which keeps the type, must run and match numpy.
from ppc import pl


@pl.jit
def fuzz(x0: pl.Tensor[[64, 64], pl.FP32], x1: pl.Tensor[[64, 64], pl.BF16], x2: pl.Tensor[[64, 64], pl.INT32],
         o0: pl.InOut[pl.Tensor[[64, 64], pl.FP32]], o1: pl.InOut[pl.Tensor[[64, 64], pl.BF16]],
         o2: pl.InOut[pl.Tensor[[64, 64], pl.INT32]], n0: pl.Scalar[pl.INT32], n1: pl.Scalar[pl.INT32]):
    for p0 in pl.parallel(0, 1):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="t0"):
            v1 = pl.add(pl.add(pl.add(x0[p0:p0 + 1, p0:p0 + 16], x0[p0:p0 + 1, 3 + p0:3 + p0 + 16]), x0[p0:p0 + 1, p0:p0 + 16]), 0.5)
            v1 = x0[p0:p0 + 1, p0:p0 + 16]
            o0[p0:p0 + 1, 0:0 + 16] = v1
    for p2 in pl.parallel(0, 2):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="t1"):
            for k3 in pl.range(0, 1):
                if k3 == 0:
                    acc4 = pl.matmul(pl.neg(pl.add(x0[0:0 + 4, 0:0 + 16], x0[0:0 + 4, k3:k3 + 16])), pl.add(x0[p2:p2 + 16, p2:p2 + 16], pl.add(x0[0:0 + 16, 0:0 + 16], x0[p2 + k3:p2 + k3 + 16, 0:0 + 16])), out_dtype=pl.FP32)
                else:
                    acc4 = pl.add(acc4, x0[p2 + k3:p2 + k3 + 4, 0:0 + 16])
            if n0 > 0:
                acc4 = pl.matmul(x0[p2:p2 + 4, p2:p2 + 16], x0[0:16, 0:16], out_dtype=pl.FP32)
                v5 = x0[p2:p2 + 1, p2:p2 + 16]
            else:
                acc4 = acc4
                v5 = x0[p2:p2 + 1, p2:p2 + 16]
            o0[p2:p2 + 1, 0:0 + 16] = v5
            o0[32 + p2 * 4:32 + p2 * 4 + 4, 0:16] = acc4
    return o0, o1, o2


def reference(R, outs, x0, x1, x2, n0, n1):
    for p0 in range(1):
        if True:
            v1 = R.binary_scalar('add', R.binary('add', R.binary('add', R.load(x0, p0, p0, 1, 16), R.load(x0, p0, 3 + p0, 1, 16)), R.load(x0, p0, p0, 1, 16)), 0.5)
            v1 = R.load(x0, p0, p0, 1, 16)
            outs.store('o0', v1, p0, 0)
    for p2 in range(2):
        if True:
            for k3 in range(0, 1):
                if k3 == 0:
                    acc4 = R.matmul(R.unary('neg', R.binary('add', R.load(x0, 0, 0, 4, 16), R.load(x0, 0, k3, 4, 16))), R.binary('add', R.load(x0, p2, p2, 16, 16), R.binary('add', R.load(x0, 0, 0, 16, 16), R.load(x0, p2 + k3, 0, 16, 16))))
                else:
                    acc4 = R.binary('add', acc4, R.load(x0, p2 + k3, 0, 4, 16))
            if n0 > 0:
                acc4 = R.matmul(R.load(x0, p2, p2, 4, 16), R.load(x0, 0, 0, 16, 16))
                v5 = R.load(x0, p2, p2, 1, 16)
            else:
                acc4 = acc4
                v5 = R.load(x0, p2, p2, 1, 16)
            outs.store('o0', v5, p2, 0)
            outs.store('o0', acc4, 32 + p2 * 4, 0)
    return outs


RUN = (0, 0, 0, 'a2a3', False)  # n0, n1, data seed, platform, spmd
