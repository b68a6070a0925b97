# RUN: %python %s | filecheck %s
# Data ops: creation, views (tensor views outside a task, tile loads inside), writes, reshape, cast,
# concat, valid shapes and padding, scalar element access, integer subscripts (PyPTO's rule: an integer index drops its axis).
from ppc import pl
from ppc.dialects.diagnostics import verify_module


@pl.jit
def data(
    x: pl.Tensor[[4, 8, 64], pl.BF16],
    g: pl.Tensor[[16, 64], pl.FP32],
    o: pl.Out[pl.Tensor[[16, 64], pl.FP32]],
    ids: pl.InOut[pl.Tensor[[16, 64], pl.INT32]],
    n: pl.Scalar[pl.INDEX],
):
    scratch = pl.create_tensor([16, 64], pl.FP32)
    row = x[1, 2:6, :]
    flat = pl.reshape(row, [4, 64])
    one = x[0, 0, 0:8]
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="data"):
        t = pl.slice(g, [8, 64], [n, 0], valid_shape=[n, 64])
        t = pl.fillpad(t, pad_value=pl.PadValue.min)
        v = pl.set_validshape(t, 4, n)
        f = pl.cast(flat[:, :], target_type=pl.FP32)
        i = pl.cast(f, pl.INT32, mode="rint")
        both = pl.concat(t, pl.full([8, 64], pl.FP32, 1.0), axis=0)
        r = pl.arange([1, 64], pl.INT32, start=3)
        scratch[0:8, :] = v
        scratch = pl.assemble(scratch, t, [8, 0])
        o[:, :] = both
        ids[0:4, :] = i
        e = pl.read(g, [n, 3])
        pl.write(ids, [0, 0], 7)
        ids[1, 1] = 5
        ids[2:3, :] = r
    return o, ids


module = data.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @data
# CHECK-SAME: %n: index
# CHECK: %[[S0:.*]] = pl.create_tensor : !pl.tensor<16x64xf32>
# Outside a task, slicing gives a tensor view; `x[1, 2:6, :]` is the window with the indexed axis dropped.
# CHECK: %[[W:.*]] = pl.slice %x[%{{.*}}, %{{.*}}, %{{.*}}] : !pl.tensor<4x8x64xbf16> -> !pl.tensor<1x4x64xbf16>
# CHECK: %row = pl.reshape %[[W]] : !pl.tensor<1x4x64xbf16> -> !pl.tensor<4x64xbf16>
# CHECK: %flat = pl.reshape %row : !pl.tensor<4x64xbf16> -> !pl.tensor<4x64xbf16>
# CHECK: %one = pl.reshape %{{.*}} : !pl.tensor<1x1x8xbf16> -> !pl.tensor<8xbf16>
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "data"} {
# CHECK: pl.slice %g[%n, %{{.*}}] valid[%n, %{{.*}}] : !pl.tensor<16x64xf32> -> !pl.tile<8x64xf32, vec, valid ?x64>
# CHECK: pl.fillpad %{{.*}} {pad = #pl.pad<min>} : (!pl.tile<8x64xf32, vec, valid ?x64>) -> !pl.tile<8x64xf32, vec>
# CHECK: %v = pl.set_validshape %{{.*}}[%{{.*}}, %n] : !pl.tile<8x64xf32, vec> -> !pl.tile<8x64xf32, vec, valid 4x?>
# CHECK: %f = pl.cast %{{.*}} : (!pl.tile<4x64xbf16, vec>) -> !pl.tile<4x64xf32, vec>
# CHECK: %i = pl.cast %f {mode = #pl.cast_mode<rint>} : (!pl.tile<4x64xf32, vec>) -> !pl.tile<4x64xi32, vec>
# CHECK: pl.full %{{.*}} : f32 -> !pl.tile<8x64xf32, vec>
# CHECK: %both = pl.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (!pl.tile<8x64xf32, vec>, !pl.tile<8x64xf32, vec>) -> !pl.tile<16x64xf32, vec>
# CHECK: %r = pl.arange %{{.*}} : i32 -> !pl.tile<1x64xi32, vec>
# CHECK: pl.assemble %v into %{{.*}}[%{{.*}}, %{{.*}}] : !pl.tile<8x64xf32, vec, valid 4x?> into !pl.tensor<16x64xf32>
# `scratch = pl.assemble(scratch, t, offsets)` is an ordinary assignment of the new version.
# CHECK: pl.assemble %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}] : !pl.tile<8x64xf32, vec> into !pl.tensor<16x64xf32>
# CHECK: %e = pl.read %g[%n, %{{.*}}] : !pl.tensor<16x64xf32> -> f32
# A statement `pl.write(ids, ...)` updates `ids`, as does `ids[1, 1] = scalar`.
# CHECK: %[[W:.*]] = pl.write %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}] : i32 into !pl.tensor<16x64xi32> -> !pl.tensor<16x64xi32>
# CHECK: pl.local.set %{{.*}}, %[[W]]
# CHECK: %[[W2:.*]] = pl.write
# CHECK: pl.local.set %{{.*}}, %[[W2]]
# CHECK: pl.assemble %r into
