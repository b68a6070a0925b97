# RUN: %python %s | filecheck %s
# Elementwise ops (tile-tile, tile-scalar, Python operators) inside a task; result types come from infer().
from ppc import pl
from ppc.dialects.diagnostics import verify_module


@pl.jit
def elementwise(a: pl.Tensor[[16, 64], pl.FP32], b: pl.Tensor[[16, 64], pl.FP32], o: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="ew"):
        x = a[:, :]
        y = b[:, :]
        t = pl.add(x, y)
        t = pl.sub(t, y)
        t = pl.mul(t, 2.0)
        t = pl.div(t, y)
        t = pl.maximum(t, 0.0)
        t = pl.minimum(3.0, t)
        t = pl.relu(pl.abs(pl.neg(t)))
        t = pl.recip(pl.sqrt(pl.exp(t)))
        t = (t + y) * 0.5 - x / y
        t = -t
        o[:, :] = t
    return o


module = elementwise.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @elementwise
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "ew"} {
# CHECK-NEXT: %[[T:.*]] = pl.local.decl "t" : !pl.ref<!pl.tile<16x64xf32, vec>>
# CHECK: %[[X:.*]] = pl.slice %a[%{{.*}}, %{{.*}}] : !pl.tensor<16x64xf32> -> !pl.tile<16x64xf32, vec>
# CHECK: pl.add %[[X]], %{{.*}} : !pl.tile<16x64xf32, vec>
# CHECK: pl.sub
# CHECK: %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
# CHECK: pl.mul %{{.*}}, %[[TWO]] : (!pl.tile<16x64xf32, vec>, f32) -> !pl.tile<16x64xf32, vec>
# CHECK: pl.div
# CHECK: pl.maximum %{{.*}}, %{{.*}} : (!pl.tile<16x64xf32, vec>, f32)
# A commutative op with the scalar first is emitted tile-first.
# CHECK: %[[THREE:.*]] = arith.constant 3.000000e+00 : f32
# CHECK: pl.minimum %{{.*}}, %[[THREE]] : (!pl.tile<16x64xf32, vec>, f32)
# CHECK: pl.neg
# CHECK: pl.abs
# CHECK: pl.relu
# CHECK: pl.exp
# CHECK: pl.sqrt
# CHECK: pl.recip
# Python operators on tiles map to the same ops.
# CHECK: pl.add
# CHECK: pl.mul
# CHECK: pl.div
# CHECK: pl.sub
# CHECK: pl.neg
# CHECK: pl.assemble
