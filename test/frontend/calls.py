# RUN: %python %s | filecheck %s
# Helpers: @pl.jit.inline is emitted once per signature (argument types + compile-time arguments) and
# called with func.call for pl-inline to splice; tuples of results unpack; @pl.jit.incore is callable
# inside a task scope (compile-time arguments such as `row` specialise it too).
from ppc import pl
from ppc.dialects.diagnostics import verify_module


@pl.jit.inline
def scale(t, factor):
    return pl.mul(t, factor)


@pl.jit.inline
def split_write(dst: pl.InOut[pl.Tensor[[32, 64], pl.FP32]], src: pl.Tensor[[32, 64], pl.FP32], rows):
    for r in pl.parallel(0, 32, rows):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="copy"):
            dst[r : r + rows, :] = scale(src[r : r + rows, :], 2.0)
    return dst, src


@pl.jit.incore
def add_rows(src: pl.Tensor[[32, 64], pl.FP32], dst: pl.Out[pl.Tensor[[32, 64], pl.FP32]], row):
    dst[row : row + 8, :] = pl.add(src[row : row + 8, :], src[row + 8 : row + 16, :])
    return dst


@pl.jit
def calls(x: pl.Tensor[[32, 64], pl.FP32], y: pl.Out[pl.Tensor[[32, 64], pl.FP32]]):
    y, x2 = split_write(y, x, 8)
    y, x3 = split_write(y, x, 8)
    y, x4 = split_write(y, x, 16)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="k"):
        y = add_rows(x, y, 0)
        t = y[0:8, :]
        y[0:8, :] = scale(t, 3.0)
        y[8:16, :] = scale(t, 3.0)
    return y


module = calls.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @calls(
# CHECK: %[[R1:.*]], %x2 = func.call @split_write(%{{.*}}, %x) : (!pl.tensor<32x64xf32>, !pl.tensor<32x64xf32>) -> (!pl.tensor<32x64xf32>, !pl.tensor<32x64xf32>)
# CHECK: pl.local.set %{{.*}}, %[[R1]]
# Same types and the same constant argument: the same specialisation.
# CHECK: func.call @split_write(
# A different constant argument (rows=16): a second specialisation.
# CHECK: func.call @split_write_1(
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "k"} {
# CHECK: %[[K:.*]] = func.call @add_rows(%x, %{{.*}}) : (!pl.tensor<32x64xf32>, !pl.tensor<32x64xf32>) -> !pl.tensor<32x64xf32>
# CHECK: pl.local.set %{{.*}}, %[[K]]
# CHECK: %t = pl.slice
# CHECK: func.call @[[SCALE8:scale_2]](%t) : (!pl.tile<8x64xf32, vec>) -> !pl.tile<8x64xf32, vec>
# CHECK: func.call @[[SCALE8]](%t)
# Helpers follow the entry in the order they were completed (callees first).
# CHECK-LABEL: func.func @scale(%t: !pl.tile<8x64xf32, vec>)
# CHECK-SAME: attributes {pl.kind = #pl.kind<inline>}
# CHECK: arith.constant 2.000000e+00 : f32
# CHECK-LABEL: func.func @split_write(%dst: !pl.tensor<32x64xf32> {pl.dir = #pl.dir<inout>}, %src: !pl.tensor<32x64xf32>)
# CHECK-SAME: attributes {pl.kind = #pl.kind<inline>}
# CHECK: %[[C8:.*]] = arith.constant 8 : index
# CHECK: scf.for %r = %{{.*}} to %{{.*}} step %[[C8]] {
# CHECK: func.call @scale(%{{.*}}) : (!pl.tile<8x64xf32, vec>) -> !pl.tile<8x64xf32, vec>
# CHECK-LABEL: func.func @scale_1(%t: !pl.tile<16x64xf32, vec>)
# CHECK-LABEL: func.func @split_write_1(
# CHECK: func.call @scale_1(%{{.*}}) : (!pl.tile<16x64xf32, vec>) -> !pl.tile<16x64xf32, vec>
# CHECK-LABEL: func.func @add_rows(%src: !pl.tensor<32x64xf32>, %dst: !pl.tensor<32x64xf32> {pl.dir = #pl.dir<out>})
# CHECK-SAME: attributes {pl.kind = #pl.kind<incore>}
# In an incore function, slices are tile loads.
# CHECK: pl.add %{{.*}}, %{{.*}} : !pl.tile<8x64xf32, vec>
# CHECK-LABEL: func.func @scale_2(%t: !pl.tile<8x64xf32, vec>)
# CHECK: arith.constant 3.000000e+00 : f32
