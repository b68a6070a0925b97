# RUN: %python %s | filecheck %s
# WALKTHROUGH.md §1: the frontend (local-variable) form of scale_rows.
from ppc import pl
from ppc.dialects.diagnostics import verify_module


@pl.jit
def scale_rows(x: pl.Tensor[[64, 128], pl.FP32],
               y: pl.Out[pl.Tensor[[64, 128], pl.FP32]],
               flag: pl.Scalar[pl.BOOL]):
    if flag:
        for i in pl.spmd(4, name_hint="quarters"):
            off = i * 16
            y[off:off + 16, :] = pl.mul(x[off:off + 16, :], 2.0)
    else:
        for r in pl.parallel(0, 64, 16):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
                y[r:r + 16, :] = pl.exp(x[r:r + 16, :])
    return y


module = scale_rows.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @scale_rows(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %flag: i1) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
# CHECK-NEXT: %[[YV:.*]] = pl.local.decl "y" : !pl.ref<!pl.tensor<64x128xf32>>
# CHECK-NEXT: pl.local.set %[[YV]], %y : !pl.tensor<64x128xf32>
# CHECK-NEXT: scf.if %flag {
# CHECK-NEXT: %[[C4:.*]] = arith.constant 4 : index
# CHECK-NEXT: pl.spmd (%i) in %[[C4]] attributes {name = "quarters"} {
# CHECK-NEXT: %[[C16:.*]] = arith.constant 16 : index
# CHECK-NEXT: %off = arith.muli %i, %[[C16]] : index
# CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
# CHECK-NEXT: %[[T:.*]] = pl.slice %x[%off, %[[C0]]] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
# CHECK-NEXT: %[[C2:.*]] = arith.constant 2.000000e+00 : f32
# CHECK-NEXT: %[[M:.*]] = pl.mul %[[T]], %[[C2]] : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
# CHECK-NEXT: %[[Y0:.*]] = pl.local.get %[[YV]] : !pl.tensor<64x128xf32>
# CHECK-NEXT: %[[Y1:.*]] = pl.assemble %[[M]] into %[[Y0]][%off, %[[C0]]] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
# CHECK-NEXT: pl.local.set %[[YV]], %[[Y1]] : !pl.tensor<64x128xf32>
# CHECK-NEXT: }
# CHECK-NEXT: } else {
# CHECK: scf.for %r = %{{.*}} to %{{.*}} step %{{.*}} {
# CHECK-NEXT: pl.at attributes {level = #pl.level<core_group>, name = "rows"} {
# CHECK: pl.exp
# CHECK: pl.local.set %[[YV]]
# CHECK: } {pl.loop = #pl.loop<parallel>}
# CHECK-NEXT: }
# CHECK-NEXT: %[[YR:.*]] = pl.local.get %[[YV]] : !pl.tensor<64x128xf32>
# CHECK-NEXT: func.return %[[YR]] : !pl.tensor<64x128xf32>
