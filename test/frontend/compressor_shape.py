# RUN: %python %s | filecheck %s
# A program shaped like the ratio-128 compressor (not the real kernel): constants from a config module,
# a pipelined K loop with a runtime `if` inside an spmd body, parallel loops around pl.at, spmd in both
# arms of an if/else, and variables re-assigned under runtime branches.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))

from compressor_cfg import BATCH_CHUNK, D, EPS, HEAD_DIM, K_CHUNK, OUT_CHUNK, RATIO, B, S  # noqa: E402

from ppc import pl  # noqa: E402
from ppc.dialects.diagnostics import verify_module  # noqa: E402

T = B * S


@pl.jit.inline
def rms_norm(t, w):
    ms = pl.mul(pl.row_sum(pl.mul(t, t)), 1.0 / HEAD_DIM)
    inv = pl.recip(pl.sqrt(pl.add(ms, EPS)))
    return pl.col_expand_mul(pl.row_expand_mul(t, inv), w)


@pl.jit
def compressor(
    x: pl.Tensor[[T, D], pl.BF16],
    wkv: pl.Tensor[[D, HEAD_DIM], pl.BF16],
    norm_w: pl.Tensor[[1, HEAD_DIM], pl.FP32],
    kv_state: pl.InOut[pl.Tensor[[B * RATIO, HEAD_DIM], pl.FP32]],
    kv: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]],
    start_pos: pl.Scalar[pl.INT32],
    rotate: pl.Scalar[pl.BOOL],
):
    proj = pl.create_tensor([T, HEAD_DIM], pl.FP32)
    for ob in pl.spmd(HEAD_DIM // OUT_CHUNK, name_hint="kv_proj"):
        o0 = ob * OUT_CHUNK
        acc = pl.matmul(x[:, 0:K_CHUNK], wkv[0:K_CHUNK, o0 : o0 + OUT_CHUNK])
        for k in pl.pipeline(1, D // K_CHUNK, stage=2):
            k0 = k * K_CHUNK
            if k0 < start_pos + 64:
                acc = pl.matmul_acc(acc, x[:, k0 : k0 + K_CHUNK], wkv[k0 : k0 + K_CHUNK, o0 : o0 + OUT_CHUNK])
        proj[:, o0 : o0 + OUT_CHUNK] = acc
    pos = start_pos % RATIO
    pre = min(S, RATIO - pos)
    for s in pl.range(pre):
        for b in pl.parallel(0, B, 1, chunk=2):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="state_scatter"):
                row = b * RATIO + pos + s
                kv_state[row : row + 1, :] = proj[b * S + s : b * S + s + 1, :]
    scale = 1.0
    if rotate:
        scale = 0.5
    if pos + S >= RATIO:
        for g in pl.spmd(B // BATCH_CHUNK, name_hint="pool"):
            b0 = g * BATCH_CHUNK
            pooled = pl.full([BATCH_CHUNK, HEAD_DIM], pl.FP32, 0.0)
            for r in pl.range(RATIO):
                pooled = pl.add(pooled, kv_state[b0 * RATIO + r : b0 * RATIO + r + BATCH_CHUNK, :])
            y = rms_norm(pl.mul(pooled, scale), norm_w[:, :])
            kv[b0 : b0 + BATCH_CHUNK, :] = y
    else:
        for g in pl.spmd(B // BATCH_CHUNK, name_hint="pool_seeded"):
            b0 = g * BATCH_CHUNK
            kv[b0 : b0 + BATCH_CHUNK, :] = pl.mul(proj[b0 : b0 + BATCH_CHUNK, :], scale)
    return kv_state, kv


module = compressor.lower(pipeline="frontend")
verify_module(module)
print(module)

# CHECK-LABEL: func.func @compressor(
# CHECK-SAME: %kv_state: !pl.tensor<512x128xf32> {pl.dir = #pl.dir<inout>}
# CHECK-SAME: %kv: !pl.tensor<4x128xf32> {pl.dir = #pl.dir<out>}, %start_pos: i32, %rotate: i1)
# CHECK-SAME: -> (!pl.tensor<512x128xf32>, !pl.tensor<4x128xf32>) attributes {pl.kind = #pl.kind<orchestration>}
# Decls sit at the start of the function body, before any other op.
# CHECK-NEXT: %[[KVS:.*]] = pl.local.decl "kv_state"
# CHECK-NEXT: %[[KV:.*]] = pl.local.decl "kv"
# CHECK-NEXT: %[[PROJ:.*]] = pl.local.decl "proj"
# CHECK-NEXT: %[[SCALE:.*]] = pl.local.decl "scale" : !pl.ref<f32>
# CHECK: %[[P0:.*]] = pl.create_tensor : !pl.tensor<8x128xf32>
# CHECK: pl.local.set %[[PROJ]], %[[P0]]
# The projection: an spmd whose body declares its own `acc`, a pipelined K loop, an if inside it.
# CHECK: pl.spmd (%ob) in %{{.*}} attributes {name = "kv_proj"} {
# CHECK-NEXT: %[[ACC:.*]] = pl.local.decl "acc" : !pl.ref<!pl.tile<8x64xf32, acc>>
# CHECK: pl.matmul %{{.*}}, %{{.*}} : (!pl.tile<8x64xbf16, vec>, !pl.tile<64x64xbf16, vec>) -> !pl.tile<8x64xf32, acc>
# CHECK: scf.for %k = %{{.*}} to %{{.*}} step %{{.*}} {
# CHECK: %[[K0:.*]] = arith.muli %k, %{{.*}} : index
# CHECK: %[[SP:.*]] = arith.index_cast %{{.*}} : i32 to index
# CHECK: %[[C:.*]] = arith.cmpi slt, %[[K0]], %[[SP]] : index
# CHECK: scf.if %[[C]] {
# CHECK: %[[A0:.*]] = pl.local.get %[[ACC]]
# CHECK: pl.matmul_acc %[[A0]]
# CHECK: pl.local.set %[[ACC]]
# CHECK: } {pl.loop = #pl.loop<pipeline>, pl.stages = 2 : i64}
# CHECK: pl.assemble %{{.*}} into %{{.*}}[%{{.*}}, %o0] : !pl.tile<8x64xf32, acc> into !pl.tensor<8x128xf32>
# Python's floor modulo and min() on a runtime scalar.
# CHECK: arith.floordivsi %start_pos
# CHECK: %pre = arith.minsi
# CHECK: scf.for %s = %{{.*}} to %{{.*}} step %{{.*}} {
# CHECK: scf.for %b = {{.*}} {
# CHECK: pl.at attributes {level = #pl.level<core_group>, name = "state_scatter"} {
# CHECK: pl.slice %{{.*}}[%{{.*}}, %{{.*}}] : !pl.tensor<8x128xf32> -> !pl.tile<1x128xf32, vec>
# CHECK: pl.local.set %[[KVS]]
# CHECK: } {pl.loop = #pl.loop<parallel>, pl.chunk = 2 : i64}
# CHECK: } {pl.loop = #pl.loop<range>}
# `scale` is re-assigned under a runtime branch: a variable set in both places.
# CHECK: pl.local.set %[[SCALE]], %{{.*}} : f32
# CHECK: scf.if %rotate {
# CHECK: pl.local.set %[[SCALE]], %{{.*}} : f32
# CHECK: }
# spmd in both arms of a runtime if/else.
# CHECK: scf.if %{{.*}} {
# CHECK: pl.spmd (%g) in %{{.*}} attributes {name = "pool"} {
# CHECK-NEXT: %[[POOLED:.*]] = pl.local.decl "pooled" : !pl.ref<!pl.tile<2x128xf32, vec>>
# CHECK: pl.full %{{.*}} : f32 -> !pl.tile<2x128xf32, vec>
# CHECK: pl.local.get %[[SCALE]] : f32
# CHECK: func.call @rms_norm(%{{.*}}, %{{.*}}) : (!pl.tile<2x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<2x128xf32, vec>
# CHECK: pl.local.set %[[KV]]
# CHECK: } else {
# CHECK: pl.spmd (%g{{.*}}) in %{{.*}} attributes {name = "pool_seeded"} {
# CHECK: pl.local.set %[[KV]]
# CHECK: }
# CHECK: %[[R1:.*]] = pl.local.get %[[KVS]]
# CHECK: %[[R2:.*]] = pl.local.get %[[KV]]
# CHECK: func.return %[[R1]], %[[R2]]
# The inline helper is emitted once, for tile arguments.
# CHECK-LABEL: func.func @rms_norm(%t: !pl.tile<2x128xf32, vec>, %w: !pl.tile<1x128xf32, vec>) -> !pl.tile<2x128xf32, vec>
# CHECK-SAME: attributes {pl.kind = #pl.kind<inline>}
# CHECK: pl.row_sum %{{.*}} : (!pl.tile<2x128xf32, vec>) -> !pl.tile<2x1xf32, vec>
# CHECK: pl.col_expand_mul
# CHECK-NOT: func.func
