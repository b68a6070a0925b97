# RUN: %python %s 2>&1 | filecheck %s
# First-iteration guards in the forms pypto-lib kernels write them: pl-ssa proves each from the loop's
# bounds, so the accumulator starts from pl.undef that is never read and there is no warning.  An
# unprovable guard gets a located warning instead.
from ppc import pl
from ppc.passes.pipeline import run_pipeline

K_CHUNK = 32


def show(entry, *args):
    module = entry.lower(*args, pipeline="frontend")
    run_pipeline(module, ["pl-inline", "pl-ssa"])
    print(module, flush=True)


@pl.jit
def let_bound_offset(a: pl.Tensor[[16, 128], pl.BF16], w: pl.Tensor[[128, 64], pl.BF16],
                     out: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="mm"):
        acc = pl.create_tensor([16, 64], dtype=pl.FP32)
        for kb in pl.pipeline(0, 128 // K_CHUNK, stage=2):
            k0 = kb * K_CHUNK
            if k0 == 0:
                acc = pl.matmul(a[:, k0:k0 + K_CHUNK], w[k0:k0 + K_CHUNK, :], out_dtype=pl.FP32)
            else:
                acc = pl.matmul_acc(acc, a[:, k0:k0 + K_CHUNK], w[k0:k0 + K_CHUNK, :])
        out = pl.assemble(out, acc, [0, 0])
    return out


# The create_tensor placeholder and the matmul tile are one variable (a tile): it starts as pl.undef.
# CHECK-LABEL: func.func @let_bound_offset
# CHECK:         %[[U:.*]] = pl.undef : !pl.tile<16x64xf32, acc>
# CHECK:         %[[ACC:.*]] = scf.for %[[KB:.*]] = %{{.*}} iter_args(%{{.*}} = %[[U]]) -> (!pl.tile<16x64xf32, acc>)
# CHECK:           %[[K0:.*]] = arith.muli %[[KB]]
# CHECK:           arith.cmpi eq, %[[K0]]
# CHECK:         pl.assemble %[[ACC]] into
show(let_bound_offset)


@pl.jit
def scaled_and_ordered(a: pl.Tensor[[16, 128], pl.BF16], w: pl.Tensor[[128, 64], pl.BF16],
                       out: pl.Out[pl.Tensor[[32, 64], pl.FP32]], lo: pl.Scalar[pl.INT32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="two"):
        for kb in pl.range(1, 4):
            k0 = kb * K_CHUNK
            if kb * 2 == 1 * 2:  # kb * c == lb * c
                acc = pl.matmul(a[:, k0:k0 + K_CHUNK], w[k0:k0 + K_CHUNK, :], out_dtype=pl.FP32)
            else:
                acc = pl.matmul_acc(acc, a[:, k0:k0 + K_CHUNK], w[k0:k0 + K_CHUNK, :])
        out = pl.assemble(out, acc, [0, 0])
        for kb in pl.range(0, 4):
            k0 = kb * K_CHUNK
            if kb < 1:
                acc2 = pl.matmul(a[:, k0:k0 + K_CHUNK], w[k0:k0 + K_CHUNK, :], out_dtype=pl.FP32)
            else:
                acc2 = pl.matmul_acc(acc2, a[:, k0:k0 + K_CHUNK], w[k0:k0 + K_CHUNK, :])
        out = pl.assemble(out, acc2, [16, 0])
    return out


# CHECK-LABEL: func.func @scaled_and_ordered
# CHECK:         pl.undef : !pl.tile<16x64xf32, acc>
# CHECK:         pl.undef : !pl.tile<16x64xf32, acc>
show(scaled_and_ordered)


@pl.jit
def symbolic_lower_bound(x: pl.Tensor[[64, 32], pl.FP32], out: pl.Out[pl.Tensor[[1, 32], pl.FP32]],
                         b0: pl.Scalar[pl.INT32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        for b in pl.range(b0, b0 + 16):
            if b == b0:
                best = x[b:b + 1, :]
            else:
                best = pl.maximum(best, x[b:b + 1, :])
        out = pl.assemble(out, best, [0, 0])
    return out


# CHECK-LABEL: func.func @symbolic_lower_bound
# CHECK:         pl.undef : !pl.tile<1x32xf32, vec>
show(symbolic_lower_bound)


@pl.jit
def unprovable(x: pl.Tensor[[64, 32], pl.FP32], out: pl.Out[pl.Tensor[[1, 32], pl.FP32]], first: pl.Scalar[pl.INT32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        for b in pl.range(0, 16):
            if b == first:
                best = x[b:b + 1, :]
            else:
                best = pl.maximum(best, x[b:b + 1, :])
        out = pl.assemble(out, best, [0, 0])
    return out


# The guard compares with a run-time value, not the loop's start: a warning at the read, and the run-time
# check stays (see test/python for what it reports).
# CHECK: first_iteration.py:{{[0-9]+}}:35: warning: 'best' may be undefined here: on the first iteration of the loop at {{.*}}first_iteration.py:{{[0-9]+}}:9 it is only assigned later
# CHECK-LABEL: func.func @unprovable
# CHECK:         pl.undef : !pl.tile<1x32xf32, vec>
show(unprovable)


@pl.jit
def one_armed(x: pl.Tensor[[64, 32], pl.FP32], out: pl.Out[pl.Tensor[[1, 32], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        for b in pl.range(0, 16):
            if b == 0:
                best = x[0:1, :]
        out = pl.assemble(out, best, [0, 0])
    return out


# A one-armed guard in a loop: `best` is assigned on the first iteration and kept after it.
# CHECK-LABEL: func.func @one_armed
# CHECK:         pl.undef : !pl.tile<1x32xf32, vec>
# CHECK-NOT:     warning
show(one_armed)
