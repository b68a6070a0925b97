# RUN: %python %s | filecheck %s
# Dynamic dimensions: a pl.dynamic axis is `?` in the IR and named by `pl.dyn` on the parameter;
# bind_dynamic emits nothing; pl.tensor.dim is a `pl.dim` op on a `?` axis and a constant on a static one;
# a run-time size in a create_tensor / reshape shape is a `?` dimension with a size operand;
# a helper annotated with a symbol keeps `?` for a dynamic argument and specialises for a static one.
from ppc import pl
from ppc.dialects.diagnostics import verify_module

T = pl.dynamic("T")
B = pl.dynamic("B")


@pl.jit.inline
def rows_after(x: pl.Tensor[[T, 64], pl.FP32], start):
    return pl.tensor.dim(x, 0) - start


@pl.jit
def entry(
    x: pl.Tensor[[T, 64], pl.FP32],
    table: pl.Tensor[[B, T], pl.INT32],
    y: pl.Out[pl.Tensor[[T, 64], pl.FP32]],
):
    x.bind_dynamic(0, T)
    table.bind_dynamic(0, B)
    table.bind_dynamic(1, T)
    y.bind_dynamic(0, T)
    t = pl.tensor.dim(x, 0)
    d = pl.tensor.dim(x, 1)
    scratch = pl.create_tensor([16, d], pl.FP32)
    s = rows_after(x, rows_after(scratch, t))
    halves = pl.reshape(x, [t * 2, 32])
    staged = pl.create_tensor([t, 2, d // 2], pl.FP32)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="copy"):
        rows = pl.min(16, t - s)
        a = pl.slice(x, [16, 64], [0, 0], valid_shape=[rows, 64])
        y[0:16, :] = a
    return y


module = entry.lower(pipeline="frontend")
verify_module(module)
print(module)

# CHECK-LABEL: func.func @entry(
# CHECK-SAME: %x: !pl.tensor<?x64xf32> {pl.dyn = ["T", ""]}
# CHECK-SAME: %table: !pl.tensor<?x?xi32> {pl.dyn = ["B", "T"]}
# CHECK-SAME: %y: !pl.tensor<?x64xf32> {pl.dir = #pl.dir<out>, pl.dyn = ["T", ""]}
# CHECK-NOT:  bind_dynamic
# CHECK:      %t = pl.dim %x {axis = 0 : i64} : (!pl.tensor<?x64xf32>) -> index
# CHECK-NEXT: %scratch = pl.create_tensor : !pl.tensor<16x64xf32>
# CHECK-NEXT: %0 = func.call @rows_after(%scratch, %t) : (!pl.tensor<16x64xf32>, index) -> index
# CHECK-NEXT: %s = func.call @rows_after_1(%x, %0) : (!pl.tensor<?x64xf32>, index) -> index
# CHECK:      %halves = pl.reshape %x[%{{.*}}] : !pl.tensor<?x64xf32> -> !pl.tensor<?x32xf32>
# CHECK-NEXT: %staged = pl.create_tensor[%t] : !pl.tensor<?x2x32xf32>
# CHECK:      pl.slice %x[{{.*}}] valid[%rows, %{{.*}}] : !pl.tensor<?x64xf32> -> !pl.tile<16x64xf32, vec, valid ?x64>

# A static argument leaves the annotated axis dynamic, as in PyPTO: its size is still read at run time.
# CHECK-LABEL: func.func @rows_after(%x: !pl.tensor<16x64xf32>, %start: index) -> index
# CHECK-NEXT: %0 = pl.dim %x {axis = 0 : i64} : (!pl.tensor<16x64xf32>) -> index
# CHECK-NEXT: %1 = arith.subi %0, %start : index

# CHECK-LABEL: func.func @rows_after_1(%x: !pl.tensor<?x64xf32> {pl.dyn = ["T", ""]}, %start: index) -> index
# CHECK-NEXT: %0 = pl.dim %x {axis = 0 : i64} : (!pl.tensor<?x64xf32>) -> index
# CHECK-NEXT: %1 = arith.subi %0, %start : index
