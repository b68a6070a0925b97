# RUN: %python %s | filecheck %s
# Row/column reductions and broadcasts: row_* give [M, 1], col_* give [1, N].
from ppc import pl
from ppc.dialects.diagnostics import verify_module

M = 32
N = 64


@pl.jit
def rowcol(x: pl.Tensor[[M, N], pl.FP32], o: pl.Out[pl.Tensor[[M, N], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        t = x[:, :]
        rs = pl.row_sum(t)
        rm = pl.row_max(t)
        cs = pl.col_sum(t)
        cm = pl.col_max(t)
        u = pl.row_expand_sub(t, rm)
        u = pl.row_expand_mul(u, rs)
        u = pl.row_expand_div(u, rs)
        u = pl.row_expand_add(u, rs)
        u = pl.row_expand(u, rs)
        u = pl.col_expand(u, cs)
        u = pl.col_expand_mul(u, cm)
        u = pl.col_expand_add(u, cm)
        u = pl.col_expand_sub(u, cm)
        u = pl.col_expand_div(u, cm)
        o[:, :] = u
    return o


module = rowcol.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @rowcol
# CHECK: pl.at attributes {level = #pl.level<core_group>} {
# CHECK: %rs = pl.row_sum %{{.*}} : (!pl.tile<32x64xf32, vec>) -> !pl.tile<32x1xf32, vec>
# CHECK: %rm = pl.row_max %{{.*}} : (!pl.tile<32x64xf32, vec>) -> !pl.tile<32x1xf32, vec>
# CHECK: %cs = pl.col_sum %{{.*}} : (!pl.tile<32x64xf32, vec>) -> !pl.tile<1x64xf32, vec>
# CHECK: %cm = pl.col_max %{{.*}} : (!pl.tile<32x64xf32, vec>) -> !pl.tile<1x64xf32, vec>
# CHECK: pl.row_expand_sub %{{.*}}, %rm : (!pl.tile<32x64xf32, vec>, !pl.tile<32x1xf32, vec>) -> !pl.tile<32x64xf32, vec>
# CHECK: pl.row_expand_mul
# CHECK: pl.row_expand_div
# CHECK: pl.row_expand_add
# CHECK: pl.row_expand %
# CHECK: pl.col_expand %{{.*}}, %cs : (!pl.tile<32x64xf32, vec>, !pl.tile<1x64xf32, vec>) -> !pl.tile<32x64xf32, vec>
# CHECK: pl.col_expand_mul
# CHECK: pl.col_expand_add
# CHECK: pl.col_expand_sub
# CHECK: pl.col_expand_div
