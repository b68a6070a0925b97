# RUN: %python %s 2>&1 | filecheck %s
# A tensor and a tile of one shape and dtype bound to one name are one variable, as PyPTO treats them:
# a tensor assigned to a tile variable is loaded, and a pl.create_tensor placeholder later rebound to a
# tile makes the variable a tile one that starts as pl.undef.
from ppc import pl
from ppc.passes.pipeline import run_pipeline


def show(entry):
    module = entry.lower(pipeline="frontend")
    print(module, flush=True)
    run_pipeline(module, ["pl-inline", "pl-ssa"])
    print(module, flush=True)


@pl.jit
def seeded(state: pl.Tensor[[16, 256], pl.FP32], seed: pl.Tensor[[16, 64], pl.FP32],
           out: pl.Out[pl.Tensor[[16, 64], pl.FP32]], reseed: pl.Scalar[pl.BOOL]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="pool"):
        mi = state[:, 0:64]
        if reseed:
            mi_seed = pl.create_tensor([16, 64], dtype=pl.FP32)
            mi_seed = pl.assemble(mi_seed, seed[:, :], [0, 0])
            mi = mi_seed
        for s in pl.range(1, 4):
            mi = pl.maximum(mi, state[:, s * 64:(s + 1) * 64])
        out = pl.assemble(out, mi, [0, 0])
    return out


# Frontend form: one variable `mi` of tile type; the tensor `mi_seed` is loaded with a whole-tensor slice.
# CHECK-LABEL: func.func @seeded
# CHECK:         %[[MI:.*]] = pl.local.decl "mi" : !pl.ref<!pl.tile<16x64xf32, vec>>
# CHECK-NOT:     pl.local.decl "mi"
# CHECK:         pl.assemble
# CHECK:         %[[SEED:.*]] = pl.local.get %{{.*}} : !pl.tensor<16x64xf32>
# CHECK-NEXT:    %[[LOAD:.*]] = pl.slice %[[SEED]][%{{.*}}, %{{.*}}] : !pl.tensor<16x64xf32> -> !pl.tile<16x64xf32, vec>
# CHECK-NEXT:    pl.local.set %[[MI]], %[[LOAD]] : !pl.tile<16x64xf32, vec>
# After pl-ssa: the branch yields the loaded tile, the loop carries one tile.
# CHECK-LABEL: func.func @seeded
# CHECK:         %[[M:.*]] = scf.if %reseed -> (!pl.tile<16x64xf32, vec>)
# CHECK:         scf.for %{{.*}} iter_args(%{{.*}} = %[[M]]) -> (!pl.tile<16x64xf32, vec>)
show(seeded)


@pl.jit
def placeholder(a: pl.Tensor[[16, 128], pl.BF16], w: pl.Tensor[[128, 64], pl.BF16],
                out: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="mm"):
        acc = pl.create_tensor([16, 64], dtype=pl.FP32)
        for kb in pl.range(4):
            if kb == 0:
                acc = pl.matmul(a[:, kb * 32:kb * 32 + 32], w[kb * 32:kb * 32 + 32, :], out_dtype=pl.FP32)
            else:
                acc = pl.matmul_acc(acc, a[:, kb * 32:kb * 32 + 32], w[kb * 32:kb * 32 + 32, :])
        out = pl.assemble(out, acc, [0, 0])
    return out


# The placeholder's variable becomes a tile one; its create_tensor value becomes pl.undef.
# CHECK-LABEL: func.func @placeholder
# CHECK:         %[[ACC:.*]] = pl.local.decl "acc" : !pl.ref<!pl.tile<16x64xf32, acc>>
# CHECK-NOT:     pl.local.decl "acc"
# CHECK:         %[[U:.*]] = pl.undef : !pl.tile<16x64xf32, acc>
# CHECK-NEXT:    pl.local.set %[[ACC]], %[[U]]
# CHECK-LABEL: func.func @placeholder
# CHECK:         scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (!pl.tile<16x64xf32, acc>)
# CHECK-NOT:     warning
show(placeholder)
