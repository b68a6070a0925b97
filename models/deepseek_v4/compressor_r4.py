"""DeepSeek-V4 ratio-4 (CSA) "overlap" KV compressor (KERNELS.md §2), written in `pl` in the spmd style.

The states hold STATE_LEN = 2R slots of OUT_DIM = 2·HEAD_DIM channels: slots 0..R-1 the previous window,
R..2R-1 the current one.  When a window completes, the pooled head is the per-channel softmax pool over the
2R slots of the overlapped window (the "front" half [0, HEAD_DIM) of the previous window's slots, the "back"
half [HEAD_DIM, OUT_DIM) of the current window's), and the current window then becomes the previous one.

Data flow and dispatch (`pl.spmd` for every site split into blocks; task bodies shared with compressor_r128.py):
kv_zero (r128's site, one pl.at task at both sizes) -> kv_score_proj (spmd over OUT_DIM column blocks: x @ wkv,
x @ wgate into f32 scratch) -> score_ape_state_scatter (spmd over column blocks: tokens s < pre into slots
R + (start_pos+s)%R) -> if the window completes: softmax_pool (spmd over batch group x head block: gather the
overlapped window into scratch, then the ratio-128 online pool over its 2R slots) -> state_shift_scatter_next
(spmd over column blocks: slots R..2R-1 down to 0..R-1, then tokens s >= pre of the next window) -> rmsnorm,
rope (spmd over batch groups) -> kv_hadamard (spmd over batch chunk x column block) | kv_write (spmd over
batch groups) -> kv_and_cache_write (spmd over batch groups; cache row start_pos // R).  `kv` is zeroed
first, so it is fully written on every path (only kv[:, 0] gets the compressed entry, and only when the
window completes).

The `@pl.jit.inline` helpers of compressor_r128.py are specialised to the shapes they see here: the head-wide
stages at this config (R = 4, so the cache has MAX_SEQ / 4 rows), the projection at head width OUT_DIM, the
online pool at R = STATE_LEN slots.
"""

import functools
from dataclasses import fields, replace
from typing import Any

from ppc import pl

from .compressor_r128 import build_compressor_r128
from .config import CompressorR4Config, CompressorR128Config


def _r128_config(cfg: CompressorR4Config, **changes: int) -> CompressorR128Config:
    """The ratio-128 config with cfg's sizes and tiling, with `changes` applied."""
    same = {f.name: getattr(cfg, f.name) for f in fields(CompressorR128Config)}
    return replace(CompressorR128Config(**same), **changes)


@functools.cache
def build_compressor_r4(cfg: CompressorR4Config) -> Any:
    """Define the `pl.jit` entry for `cfg` (arguments in `cases.ARG_ORDER`); the locals are folded constants."""
    B, S, D, R = cfg.B, cfg.S, cfg.D, cfg.R
    HEAD_DIM, OUT_DIM, STATE_LEN = cfg.HEAD_DIM, cfg.OUT_DIM, cfg.STATE_LEN
    ROPE = cfg.ROPE
    OUT_CHUNK, HEAD_CHUNK = cfg.OUT_CHUNK, cfg.HEAD_CHUNK
    BATCH_CHUNK_0, BATCH_CHUNK_1 = cfg.BATCH_CHUNK_0, cfg.BATCH_CHUNK_1
    OUT_BLOCKS = OUT_DIM // OUT_CHUNK  # column blocks of the projections and states
    HEAD_OUT_BLOCKS = HEAD_DIM // OUT_CHUNK  # column blocks of the hadamard product
    HEAD_BLOCKS = HEAD_DIM // HEAD_CHUNK
    GROUPS_0, GROUPS_1 = B // BATCH_CHUNK_0, B // BATCH_CHUNK_1

    head_compressor = build_compressor_r128(_r128_config(cfg))
    head = head_compressor.stages
    zero_kv, rmsnorm_block, rope_block = head.zero_kv, head.rmsnorm_block, head.rope_block
    kv_write_block, hadamard_block, cache_write_block = head.kv_write_block, head.hadamard_block, head.cache_write_block
    project_columns = build_compressor_r128(_r128_config(cfg, NOPE=OUT_DIM - ROPE)).stages.project_columns
    pool_seeded_by_slot = build_compressor_r128(_r128_config(cfg, R=STATE_LEN)).stages.pool_seeded_by_slot

    # Parameter types: the head-wide ones as in compressor_r128.py, the OUT_DIM-wide ones named here.
    t = head_compressor.types
    Index, Int32, X, Kv, NormW, Hadamard, Cache = t.Index, t.Int32, t.X, t.Tokens, t.NormW, t.Hadamard, t.Cache
    Angle, Selector = t.Angle, t.Selector  # cos, sin; even_select, odd_select
    Weight = pl.Tensor[[D, OUT_DIM], pl.BF16]  # wkv, wgate
    Tokens = pl.Tensor[[B, S, OUT_DIM], pl.FP32]  # the projections kvp, scp
    Ape = pl.Tensor[[R, OUT_DIM], pl.FP32]
    State = pl.Tensor[[B, STATE_LEN, OUT_DIM], pl.FP32]  # kv_state, score_state
    Window = pl.Tensor[[B, STATE_LEN, HEAD_DIM], pl.FP32]  # the overlapped window of one state

    @pl.jit.inline
    def scatter_tokens(
        kvp: Tokens, scp: Tokens, ape: Ape, kv_state: State, score_state: State,
        start_pos: Int32, first: Int32, last: Int32, o0: Index,
    ):
        """Tokens first..last-1 into current-window slot R + r, r = (start_pos + s) % R, columns o0:o0+OUT_CHUNK
        (the score plus ape[r])."""
        for s in pl.range(first, last):
            r = (start_pos + s) % R
            sc_t = pl.reshape(pl.slice(scp, [B, 1, OUT_CHUNK], [0, s, o0]), [B, OUT_CHUNK])
            sc_t = pl.add(sc_t, pl.col_expand(sc_t, pl.slice(ape, [1, OUT_CHUNK], [r, o0])))
            kv_state = pl.assemble(kv_state, pl.slice(kvp, [B, 1, OUT_CHUNK], [0, s, o0]), [0, R + r, o0])
            score_state = pl.assemble(score_state, pl.reshape(sc_t, [B, 1, OUT_CHUNK]), [0, R + r, o0])
        return kv_state, score_state

    @pl.jit.inline
    def gather_overlap(state: State, window: Window, b0: Index, h0: Index):
        """window[b0.., :, h0..] = cat(state[b0.., 0:R, h0..] (front), state[b0.., R:2R, HEAD_DIM+h0..] (back))."""
        for j in pl.range(R):
            front = pl.slice(state, [BATCH_CHUNK_1, 1, HEAD_CHUNK], [b0, j, h0])
            back = pl.slice(state, [BATCH_CHUNK_1, 1, HEAD_CHUNK], [b0, R + j, HEAD_DIM + h0])
            window = pl.assemble(window, front, [b0, j, h0])
            window = pl.assemble(window, back, [b0, R + j, h0])
        return window

    @pl.jit.inline
    def shift_window(kv_state: State, score_state: State, o0: Index):
        """Slots R..2R-1 (the window just pooled) become slots 0..R-1, columns o0:o0+OUT_CHUNK."""
        kv_state = pl.assemble(kv_state, pl.slice(kv_state, [B, R, OUT_CHUNK], [0, R, o0]), [0, 0, o0])
        score_state = pl.assemble(score_state, pl.slice(score_state, [B, R, OUT_CHUNK], [0, R, o0]), [0, 0, o0])
        return kv_state, score_state

    @pl.jit
    def compressor_r4_spmd(
        kv_state: pl.InOut[State], score_state: pl.InOut[State],
        x: X, wkv: Weight, wgate: Weight, ape: Ape,
        norm_w: NormW, cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector, hadamard: Hadamard,
        kv_cache: pl.InOut[Cache], start_pos: Int32, rotate: pl.Scalar[pl.BOOL], kv: pl.Out[Kv],
    ):  # fmt: skip
        kvp = pl.create_tensor([B, S, OUT_DIM], pl.FP32)
        scp = pl.create_tensor([B, S, OUT_DIM], pl.FP32)
        kv = zero_kv(kv)
        for i in pl.spmd(OUT_BLOCKS, name_hint="kv_score_proj"):
            kvp, scp = project_columns(x, wkv, wgate, kvp, scp, i * OUT_CHUNK)
        pos = start_pos % R
        pre = pl.min(S, R - pos)
        for i in pl.spmd(OUT_BLOCKS, name_hint="score_ape_state_scatter"):
            kv_state, score_state = scatter_tokens(kvp, scp, ape, kv_state, score_state, start_pos, 0, pre, i * OUT_CHUNK)
        if pos + S >= R:
            kv_window = pl.create_tensor([B, STATE_LEN, HEAD_DIM], pl.FP32)
            score_window = pl.create_tensor([B, STATE_LEN, HEAD_DIM], pl.FP32)
            pooled = pl.create_tensor([B, HEAD_DIM], pl.BF16)
            for i in pl.spmd(GROUPS_1 * HEAD_BLOCKS, name_hint="softmax_pool"):
                b0 = (i // HEAD_BLOCKS) * BATCH_CHUNK_1
                h0 = (i % HEAD_BLOCKS) * HEAD_CHUNK
                kv_window = gather_overlap(kv_state, kv_window, b0, h0)
                score_window = gather_overlap(score_state, score_window, b0, h0)
                pooled = pool_seeded_by_slot(kv_window, score_window, pooled, b0, h0)
            for i in pl.spmd(OUT_BLOCKS, name_hint="state_shift_scatter_next"):
                kv_state, score_state = shift_window(kv_state, score_state, i * OUT_CHUNK)
                kv_state, score_state = scatter_tokens(
                    kvp, scp, ape, kv_state, score_state, start_pos, pre, S, i * OUT_CHUNK
                )
            normed = pl.create_tensor([B, HEAD_DIM], pl.BF16)
            for i in pl.spmd(GROUPS_1, name_hint="rmsnorm"):
                normed = rmsnorm_block(pooled, norm_w, normed, i * BATCH_CHUNK_1)
            for i in pl.spmd(GROUPS_1, name_hint="rope"):
                normed = rope_block(normed, cos, sin, even_select, odd_select, i * BATCH_CHUNK_1)
            y = pl.create_tensor([B, HEAD_DIM], pl.FP32)
            if rotate:
                for i in pl.spmd(GROUPS_0 * HEAD_OUT_BLOCKS, name_hint="kv_hadamard"):
                    b0 = (i // HEAD_OUT_BLOCKS) * BATCH_CHUNK_0
                    y = hadamard_block(normed, hadamard, y, b0, (i % HEAD_OUT_BLOCKS) * OUT_CHUNK)
            else:
                for i in pl.spmd(GROUPS_1, name_hint="kv_write"):
                    y = kv_write_block(normed, y, i * BATCH_CHUNK_1)
            for i in pl.spmd(GROUPS_1, name_hint="kv_and_cache_write"):
                kv, kv_cache = cache_write_block(y, kv, kv_cache, start_pos // R, i * BATCH_CHUNK_1)
        return kv, kv_state, score_state, kv_cache

    return compressor_r4_spmd
