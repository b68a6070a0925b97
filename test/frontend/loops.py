# RUN: %python %s | filecheck %s
# Loop constructors: range (1-3 bounds, also Python's range), parallel (+chunk), pipeline (+stage),
# unroll (unrolled by the frontend: the body is repeated with a constant index), spmd with a runtime count.
from ppc import pl
from ppc.dialects.diagnostics import verify_module


@pl.jit
def loops(x: pl.Tensor[[64, 32], pl.FP32], y: pl.Out[pl.Tensor[[64, 32], pl.FP32]], n: pl.Scalar[pl.INT32]):
    for i in pl.range(4):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="r1"):
            y[i * 16 : i * 16 + 16, :] = pl.exp(x[i * 16 : (i + 1) * 16, :])
    for i in range(1, 3):
        for j in pl.parallel(0, 64, 16, chunk=2):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="p"):
                y[j : j + 16, :] = x[j : j + 16, :]
    for b in pl.spmd(n, name_hint="blocks"):
        acc = pl.full([16, 32], pl.FP32, 0.0)
        for k in pl.pipeline(4, stage=4):
            acc = pl.add(acc, x[k * 16 : k * 16 + 16, :])
        for u in pl.unroll(2):
            acc = pl.mul(acc, float(u + 2))
        y[0:16, :] = acc
    return y


module = loops.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @loops
# CHECK: %[[Z:.*]] = arith.constant 0 : index
# CHECK: %[[FOUR:.*]] = arith.constant 4 : index
# CHECK: %[[ONE:.*]] = arith.constant 1 : index
# CHECK: scf.for %i = %[[Z]] to %[[FOUR]] step %[[ONE]] {
# `(i + 1) * 16` and `i * 16` differ by a constant, so the slice extent is static.
# CHECK: pl.exp %{{.*}} : !pl.tile<16x32xf32, vec>
# CHECK: } {pl.loop = #pl.loop<range>}
# CHECK: scf.for %i{{.*}} = {{.*}} {
# CHECK: scf.for %j = {{.*}} {
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "p"}
# CHECK: } {pl.loop = #pl.loop<parallel>, pl.chunk = 2 : i64}
# CHECK: } {pl.loop = #pl.loop<range>}
# CHECK: %[[N:.*]] = arith.index_cast %n : i32 to index
# CHECK: pl.spmd (%b) in %[[N]] attributes {name = "blocks"} {
# CHECK: scf.for %k = {{.*}} {
# CHECK: } {pl.loop = #pl.loop<pipeline>, pl.stages = 4 : i64}
# pl.unroll(2): two copies of the body, with u = 0 and u = 1 folded into the constants.
# CHECK: arith.constant 2.000000e+00 : f32
# CHECK: pl.mul
# CHECK: arith.constant 3.000000e+00 : f32
# CHECK: pl.mul
# CHECK-NOT: pl.loop = #pl.loop<unroll>
