# RUN: %python %s | filecheck %s
# Matrix ops (matmul into the acc space, int8 -> i32, transposes, out_dtype, matmul_acc, `@`) and the
# top-k building blocks (sort32, mrgsort, gather).
from ppc import pl
from ppc.dialects.diagnostics import verify_module


@pl.jit
def mm(
    a: pl.Tensor[[16, 32], pl.BF16],
    b: pl.Tensor[[32, 64], pl.BF16],
    bt: pl.Tensor[[64, 32], pl.BF16],
    qa: pl.Tensor[[16, 32], pl.INT8],
    qb: pl.Tensor[[32, 64], pl.INT8],
    scores: pl.Tensor[[16, 64], pl.FP32],
    idx: pl.Tensor[[16, 64], pl.INT32],
    o: pl.Out[pl.Tensor[[16, 64], pl.FP32]],
    oi: pl.Out[pl.Tensor[[16, 64], pl.INT32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="mm"):
        c = pl.matmul(a[:, :], b[:, :])
        c = pl.matmul_acc(c, a[:, :], bt[:, :], b_trans=True)
        h = pl.matmul(a[:, :], b[:, :], out_dtype=pl.BF16)
        q = pl.matmul(qa[:, :], qb[:, :])
        d = a[:, :] @ b[:, :]
        o[:, :] = pl.add(c, d)
        oi[:, :] = q
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="topk"):
        pairs = pl.sort32(scores[:, :], idx[:, :])
        merged = pl.mrgsort(pairs, block_len=32)
        vals = pl.gather(merged, mask_pattern=0)
        ids = pl.gather(merged, mask_pattern=1)
        o[:, :] = vals
        oi[:, :] = ids
    return o, oi


module = mm.lower(pipeline="frontend")
verify_module(module)
print(module)
# CHECK-LABEL: func.func @mm
# CHECK: pl.matmul %{{.*}}, %{{.*}} : (!pl.tile<16x32xbf16, vec>, !pl.tile<32x64xbf16, vec>) -> !pl.tile<16x64xf32, acc>
# CHECK: pl.matmul_acc %{{.*}}, %{{.*}}, %{{.*}} {b_trans = true} : (!pl.tile<16x64xf32, acc>, !pl.tile<16x32xbf16, vec>, !pl.tile<64x32xbf16, vec>) -> !pl.tile<16x64xf32, acc>
# CHECK: %h = pl.matmul {{.*}} -> !pl.tile<16x64xbf16, acc>
# CHECK: %q = pl.matmul {{.*}} : (!pl.tile<16x32xi8, vec>, !pl.tile<32x64xi8, vec>) -> !pl.tile<16x64xi32, acc>
# CHECK: %d = pl.matmul
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "topk"} {
# CHECK: %pairs = pl.sort32 {{.*}} : (!pl.tile<16x64xf32, vec>, !pl.tile<16x64xi32, vec>) -> !pl.tile<16x128xf32, vec>
# CHECK: %merged = pl.mrgsort %pairs {block_len = 32 : i64} : !pl.tile<16x128xf32, vec>
# CHECK: %vals = pl.gather %merged {mask_pattern = 0 : i64} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x64xf32, vec>
# CHECK: %ids = pl.gather %merged {mask_pattern = 1 : i64} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x64xi32, vec>
