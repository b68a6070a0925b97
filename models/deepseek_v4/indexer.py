"""DeepSeek-V4 lightning indexer, scoring + top-k (KERNELS.md §4), written in `pl`.

The §3 indexer compressor is a separate kernel: this one takes the compressed key cache `idx_kv_cache`
(one bf16 row per 4 tokens) as an input.  Dispatch sites, in order:

- `q_proj` (one task per Q_OUT_CHUNK output columns): int8 qr @ int8 wq_b with an i32 accumulator over a
  pipelined K loop, dequantised by the per-token qr scale and the per-column wq_b scale into f32 scratch.
- `weights_proj` (one task): w = (x @ weights_proj) · IDX_DIM^-0.5 · IH^-0.5, f32 [tokens, IH].
- `q_rope_hadamard_quant` (one task per token): the token's [IH, IDX_DIM] heads, interleaved RoPE on the
  last ROPE channels (pairs split/merged by exact 0/1 f32 matmuls, rotated in f32, rounded to bf16), the
  rest rounded to bf16, @ hadamard (f32), then per-row int8 quantisation (scale amax/127).
- `indexer_score` (one task per batch row): the row's scores start at -FLT_MAX; for every KEY_CHUNK tile of
  the L = (start_pos+S)//4 visible cache rows, the keys are quantised per row and, per token,
  Σ_h relu(int8 q·k · q_scale · k_scale) · w_h is written, columns past L padded back to -FLT_MAX.
- `indexer_topk` (one task per batch row): per token, `pl.sort32` over the score row with its column ids,
  `pl.mrgsort` merges 32 -> CACHE_ROWS, `pl.gather` of the ids; the first min(IDX_TOPK, L) ids + WIN are
  written over a row of -1.
"""


import functools

import numpy as np

from ppc import pl

from .config import IndexerConfig

FLT_MAX = float(np.finfo(np.float32).max)
AMAX_EPS = 1e-4  # floor of a row's absolute maximum before int8 quantisation
INT8_MAX = 127.0


@functools.cache
def build_indexer(cfg: IndexerConfig):
    """The `@pl.jit` entry for `cfg` (arguments in `indexer_cases.ARG_ORDER`); sizes fold as closure ints."""
    B, S, D, Q_LORA, IH, IDX_DIM = cfg.B, cfg.S, cfg.D, cfg.Q_LORA, cfg.IH, cfg.IDX_DIM
    ROPE, NOPE, HALF, RATIO, WIN = cfg.ROPE, cfg.NOPE, cfg.ROPE // 2, cfg.RATIO, cfg.WIN
    TOKENS, CACHE_ROWS, IDX_TOPK, WEIGHTS_SCALE = cfg.TOKENS, cfg.CACHE_ROWS, cfg.IDX_TOPK, cfg.WEIGHTS_SCALE
    Q_K_CHUNK, Q_OUT_CHUNK, D_CHUNK, KEY_CHUNK = cfg.Q_K_CHUNK, cfg.Q_OUT_CHUNK, cfg.D_CHUNK, cfg.KEY_CHUNK
    Q_COLS = IH * IDX_DIM
    MERGES = (CACHE_ROWS // 32).bit_length() - 1  # two-run merges from 32-long runs to one sorted row

    # ------------------------------------------------------------------------------- task bodies
    @pl.jit.inline
    def project_q_columns(
        qr: pl.Tensor[[TOKENS, Q_LORA], pl.INT8],
        qr_scale: pl.Tensor[[TOKENS, 1], pl.FP32],
        wq_b: pl.Tensor[[Q_LORA, Q_COLS], pl.INT8],
        wq_b_scale: pl.Tensor[[Q_COLS], pl.FP32],
        q: pl.Tensor[[TOKENS, Q_COLS], pl.FP32],
        o0: pl.Scalar[pl.INDEX],
    ):
        """q[:, o0:o0+Q_OUT_CHUNK] = f32(qr @ wq_b) · qr_scale[token] · wq_b_scale[column] (i32 accumulation)."""
        acc = pl.matmul(
            pl.slice(qr, [TOKENS, Q_K_CHUNK], [0, 0]), pl.slice(wq_b, [Q_K_CHUNK, Q_OUT_CHUNK], [0, o0]),
            out_dtype=pl.INT32,
        )  # fmt: skip
        for k0 in pl.pipeline(Q_K_CHUNK, Q_LORA, Q_K_CHUNK, stage=2):
            acc = pl.matmul_acc(
                acc, pl.slice(qr, [TOKENS, Q_K_CHUNK], [0, k0]), pl.slice(wq_b, [Q_K_CHUNK, Q_OUT_CHUNK], [k0, o0])
            )
        deq = pl.row_expand_mul(pl.cast(acc, target_type=pl.FP32), pl.slice(qr_scale, [TOKENS, 1], [0, 0]))
        col_scale = pl.reshape(pl.slice(wq_b_scale, [Q_OUT_CHUNK], [o0]), [1, Q_OUT_CHUNK])
        q = pl.assemble(q, pl.col_expand_mul(deq, col_scale), [0, o0])
        return q

    @pl.jit.inline
    def quantize_rows(x, rows):
        """Per-row symmetric int8: amax = max(row_max|x|, 1e-4); x_i8 = int8(fp16(int32(rint(x · (127/amax)))));
        returns (x_i8, amax/127) for an f32 [rows, n] tile."""
        amax = pl.maximum(pl.row_max(pl.abs(x)), AMAX_EPS)
        inv = pl.div(pl.full([rows, 1], pl.FP32, INT8_MAX), amax)
        as_i32 = pl.cast(pl.row_expand_mul(x, inv), target_type=pl.INT32, mode="rint")
        x_i8 = pl.cast(pl.cast(as_i32, target_type=pl.FP16, mode="round"), target_type=pl.INT8, mode="trunc")
        return x_i8, pl.div(amax, INT8_MAX)

    @pl.jit.inline
    def rope_heads(
        qt,  # [IH, IDX_DIM] f32 tile: one token's heads
        cos: pl.Tensor[[S, HALF], pl.FP32],
        sin: pl.Tensor[[S, HALF], pl.FP32],
        even_select: pl.Tensor[[ROPE, HALF], pl.FP32],
        odd_select: pl.Tensor[[ROPE, HALF], pl.FP32],
        s: pl.Scalar[pl.INDEX],
    ):
        """bf16 of the heads with interleaved RoPE on the last ROPE channels (position start_pos + s):
        pairs split by 0/1 matmuls (exact), rotated in f32, rounded to bf16, merged by the transposes."""
        even = pl.slice(even_select, [ROPE, HALF], [0, 0])
        odd = pl.slice(odd_select, [ROPE, HALF], [0, 0])
        xr = pl.slice(qt, [IH, ROPE], [0, NOPE])
        ev = pl.matmul(xr, even)
        od = pl.matmul(xr, odd)
        c = pl.slice(cos, [1, HALF], [s, 0])
        sn = pl.slice(sin, [1, HALF], [s, 0])
        rot_ev = pl.cast(pl.sub(pl.col_expand_mul(ev, c), pl.col_expand_mul(od, sn)), target_type=pl.BF16)
        rot_od = pl.cast(pl.add(pl.col_expand_mul(ev, sn), pl.col_expand_mul(od, c)), target_type=pl.BF16)
        # back to f32 (exact) to merge with the f32 selectors; every output column has one non-zero term
        rot_ev = pl.cast(rot_ev, target_type=pl.FP32)
        rot_od = pl.cast(rot_od, target_type=pl.FP32)
        merged = pl.matmul(rot_ev, even, b_trans=True)
        merged = pl.matmul_acc(merged, rot_od, odd, b_trans=True)
        roped = pl.cast(merged, target_type=pl.BF16)
        if NOPE > 0:
            roped = pl.concat(pl.cast(pl.slice(qt, [IH, NOPE], [0, 0]), target_type=pl.BF16), roped, axis=1)
        return roped

    @pl.jit.inline
    def token_score_tile(
        q_i8: pl.Tensor[[TOKENS * IH, IDX_DIM], pl.INT8],
        q_scale: pl.Tensor[[TOKENS * IH, 1], pl.FP32],
        w: pl.Tensor[[TOKENS, IH], pl.FP32],
        k_i8,  # [KEY_CHUNK, IDX_DIM] int8 tile
        k_scale,  # [1, KEY_CHUNK] f32 tile
        t: pl.Scalar[pl.INDEX],
    ):
        """[1, KEY_CHUNK] f32: Σ_h relu(f32(q_i8[h] · k_i8) · q_scale[h] · k_scale) · w[t, h] for token t."""
        qi = pl.slice(q_i8, [IH, IDX_DIM], [t * IH, 0])
        qs = pl.slice(q_scale, [IH, 1], [t * IH, 0])
        wt = pl.reshape(pl.slice(w, [1, IH], [t, 0]), [IH, 1])
        dots = pl.cast(pl.matmul(qi, k_i8, b_trans=True), target_type=pl.FP32)
        scaled = pl.col_expand_mul(pl.row_expand_mul(dots, qs), k_scale)
        return pl.col_sum(pl.row_expand_mul(pl.relu(scaled), wt))

    # ------------------------------------------------------------------------------- the entry
    @pl.jit
    def lightning_indexer(
        x: pl.Tensor[[B, S, D], pl.BF16],
        qr: pl.Tensor[[TOKENS, Q_LORA], pl.INT8],
        qr_scale: pl.Tensor[[TOKENS, 1], pl.FP32],
        wq_b: pl.Tensor[[Q_LORA, Q_COLS], pl.INT8],
        wq_b_scale: pl.Tensor[[Q_COLS], pl.FP32],
        weights_proj: pl.Tensor[[D, IH], pl.BF16],
        cos: pl.Tensor[[S, HALF], pl.FP32],
        sin: pl.Tensor[[S, HALF], pl.FP32],
        even_select: pl.Tensor[[ROPE, HALF], pl.FP32],
        odd_select: pl.Tensor[[ROPE, HALF], pl.FP32],
        hadamard: pl.Tensor[[IDX_DIM, IDX_DIM], pl.BF16],
        idx_kv_cache: pl.Tensor[[B, CACHE_ROWS, IDX_DIM], pl.BF16],
        start_pos: pl.Scalar[pl.INT32],
        score: pl.Out[pl.Tensor[[B, S, CACHE_ROWS], pl.FP32]],
        topk_idxs: pl.Out[pl.Tensor[[B, S, IDX_TOPK], pl.INT32]],
    ):
        q = pl.create_tensor([TOKENS, Q_COLS], pl.FP32)
        for o0 in pl.parallel(0, Q_COLS, Q_OUT_CHUNK):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="q_proj"):
                q = project_q_columns(qr, qr_scale, wq_b, wq_b_scale, q, o0)

        w = pl.create_tensor([TOKENS, IH], pl.FP32)
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="weights_proj"):
            xa = pl.reshape(pl.slice(x, [B, S, D_CHUNK], [0, 0, 0]), [TOKENS, D_CHUNK])
            acc = pl.matmul(xa, pl.slice(weights_proj, [D_CHUNK, IH], [0, 0]))
            for d0 in pl.pipeline(D_CHUNK, D, D_CHUNK, stage=2):
                xd = pl.reshape(pl.slice(x, [B, S, D_CHUNK], [0, 0, d0]), [TOKENS, D_CHUNK])
                acc = pl.matmul_acc(acc, xd, pl.slice(weights_proj, [D_CHUNK, IH], [d0, 0]))
            w = pl.assemble(w, pl.mul(acc, WEIGHTS_SCALE), [0, 0])

        q_i8 = pl.create_tensor([TOKENS * IH, IDX_DIM], pl.INT8)
        q_scale = pl.create_tensor([TOKENS * IH, 1], pl.FP32)
        for t in pl.parallel(TOKENS):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="q_rope_hadamard_quant"):
                qt = pl.reshape(pl.slice(q, [1, Q_COLS], [t, 0]), [IH, IDX_DIM])
                qb = rope_heads(qt, cos, sin, even_select, odd_select, t % S)
                qh = pl.matmul(qb, pl.slice(hadamard, [IDX_DIM, IDX_DIM], [0, 0]))
                qi, qs = quantize_rows(qh, IH)
                q_i8 = pl.assemble(q_i8, qi, [t * IH, 0])
                q_scale = pl.assemble(q_scale, qs, [t * IH, 0])

        visible = (start_pos + S) // RATIO
        key_tiles = (visible + KEY_CHUNK - 1) // KEY_CHUNK
        for b in pl.parallel(B):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="indexer_score"):
                for s in pl.range(S):
                    score = pl.assemble(score, pl.full([1, 1, CACHE_ROWS], pl.FP32, -FLT_MAX), [b, s, 0])
                for j in pl.range(key_tiles):
                    k0 = j * KEY_CHUNK
                    keys = pl.reshape(pl.slice(idx_kv_cache, [1, KEY_CHUNK, IDX_DIM], [b, k0, 0]), [KEY_CHUNK, IDX_DIM])
                    k_i8, k_scale = quantize_rows(pl.cast(keys, target_type=pl.FP32), KEY_CHUNK)
                    k_scale_row = pl.reshape(k_scale, [1, KEY_CHUNK])
                    valid = pl.min(KEY_CHUNK, visible - k0)
                    for s in pl.range(S):
                        tile = token_score_tile(q_i8, q_scale, w, k_i8, k_scale_row, b * S + s)
                        tile = pl.fillpad(pl.set_validshape(tile, 1, valid), pad_value=pl.PadValue.min)
                        tile = pl.maximum(tile, -FLT_MAX)  # the pad is -inf; the score's mask value is -FLT_MAX
                        score = pl.assemble(score, pl.reshape(tile, [1, 1, KEY_CHUNK]), [b, s, k0])

        k_sel = pl.min(IDX_TOPK, visible)
        for b in pl.parallel(B):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="indexer_topk"):
                for s in pl.range(S):
                    row = pl.reshape(pl.slice(score, [1, 1, CACHE_ROWS], [b, s, 0]), [1, CACHE_ROWS])
                    pairs = pl.sort32(row, pl.arange([1, CACHE_ROWS], pl.UINT32, 0))
                    for m in pl.unroll(MERGES):
                        pairs = pl.mrgsort(pairs, block_len=32 << m)
                    ids = pl.reshape(pl.gather(pairs, mask_pattern=2, output_dtype=pl.INT32), [1, 1, CACHE_ROWS])
                    topk_idxs = pl.assemble(topk_idxs, pl.full([1, 1, IDX_TOPK], pl.INT32, -1), [b, s, 0])
                    ids = pl.slice(ids, [1, 1, IDX_TOPK], [0, 0, 0], valid_shape=[1, 1, k_sel])
                    topk_idxs = pl.assemble(topk_idxs, pl.add(ids, WIN), [b, s, 0])
        return score, topk_idxs

    return lightning_indexer
