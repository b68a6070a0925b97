# RUN: %python %s | filecheck %s
# Runtime scalars become arith ops with Python semantics; constants fold; types unify (i32 + index -> index).
from ppc import pl
from ppc.dialects.diagnostics import verify_module

BLOCK = 16
SCALE = BLOCK * 2 + 1  # folded at compile time


@pl.jit
def scalars(
    x: pl.Tensor[[64, 64], pl.FP32],
    n: pl.Scalar[pl.INT32],
    m: pl.Scalar[pl.INT64],
    f: pl.Scalar[pl.FP32],
    flag: pl.Scalar[pl.BOOL],
    y: pl.Out[pl.Tensor[[64, 64], pl.FP32]],
):
    a = n * SCALE + 1
    q = n // 4
    r = n % 4
    w = n + m
    h = n / 2
    c = (n < 8) and flag
    d = not flag or n >= 3
    lo = pl.min(n, 7)
    hi = pl.max(f, 0.5)
    s = n if flag else m
    k = pl.cast(f, pl.INT32, mode="trunc")
    for i in pl.range(0, n, 2):
        off = i * BLOCK + a
        with pl.at(level=pl.Level.CORE_GROUP):
            y[0:16, :] = pl.mul(x[off : off + 16, :], hi)
    return y


module = scalars.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @scalars(
# CHECK-SAME: %n: i32, %m: i64, %f: f32, %flag: i1
# CHECK: %[[C33:.*]] = arith.constant 33 : i32
# CHECK: %[[M:.*]] = arith.muli %n, %[[C33]] : i32
# CHECK: %a = arith.addi %[[M]], %{{.*}} : i32
# CHECK: %q = arith.floordivsi %n, %{{.*}} : i32
# CHECK: %[[FD:.*]] = arith.floordivsi %n, %[[C4:.*]] : i32
# CHECK: %[[FM:.*]] = arith.muli %[[FD]], %[[C4]] : i32
# CHECK: %r = arith.subi %n, %[[FM]] : i32
# CHECK: %[[NE:.*]] = arith.extsi %n : i32 to i64
# CHECK: %w = arith.addi %[[NE]], %m : i64
# CHECK: %[[NF:.*]] = arith.sitofp %{{.*}} : i32 to f32
# CHECK: %h = arith.divf %[[NF]], %{{.*}} : f32
# CHECK: %[[LT:.*]] = arith.cmpi slt, %n, %{{.*}} : i32
# CHECK: %c = arith.andi %[[LT]], %flag : i1
# CHECK: %[[NOT:.*]] = arith.xori %flag, %{{.*}} : i1
# CHECK: %[[GE:.*]] = arith.cmpi sge, %n, %{{.*}} : i32
# CHECK: %d = arith.ori %[[NOT]], %[[GE]] : i1
# CHECK: %lo = arith.minsi %n, %{{.*}} : i32
# CHECK: %hi = arith.maximumf %f, %{{.*}} : f32
# CHECK: %s = arith.select %flag, %{{.*}}, %m : i64
# CHECK: %k = arith.fptosi %f : f32 to i32
# Loop bounds are index values: the i32 bound is cast.
# CHECK: %[[UB:.*]] = arith.index_cast %n : i32 to index
# CHECK: scf.for %i = %{{.*}} to %[[UB]] step %{{.*}} {
# CHECK: %[[AI:.*]] = arith.index_cast %a : i32 to index
# CHECK: %off = arith.addi %{{.*}}, %[[AI]] : index
# CHECK: pl.slice %x[%off, %{{.*}}] : !pl.tensor<64x64xf32> -> !pl.tile<16x64xf32, vec>
# CHECK: pl.mul %{{.*}}, %hi : (!pl.tile<16x64xf32, vec>, f32)
# CHECK: } {pl.loop = #pl.loop<range>}
