"""DeepSeek-V4 ratio-128 (HCA) KV compressor, the seed kernel (KERNELS.md §1), written twice in `pl`.

`parallel`: every dispatch site is a `pl.parallel` loop around a `pl.at` task (one task per iteration).
`spmd`: the sites kv_score_proj, softmax_pool, kv_write and state_scatter_next are single `pl.spmd` tasks
of n blocks instead (softmax_pool in both arms of `if pre < S`, kv_write in the else-arm of `if rotate`).
Both compute the same outputs; the task bodies are shared `@pl.jit.inline` helpers, so the variants differ
only in how the four sites are dispatched.

Data flow: kv_score_proj (x @ wkv, x @ wgate into f32 scratch [B, S, HEAD_DIM]) -> score_ape_state_scatter
(tokens of the current window into their state slots) -> if the window completes: softmax_pool (online
softmax over the 128 slots per channel, bf16) -> rmsnorm -> rope -> kv_hadamard | kv_write (f32 scratch y)
-> kv_and_cache_write -> state_scatter_next (tokens of the next window).  kv_zero clears `kv` first, so
`kv` is fully written on every path (rows other than kv[:, 0] stay zero, as does all of kv without compression).
"""


import functools
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from ppc import pl

from .config import CompressorR128Config


@dataclass(frozen=True)
class CompressorR128:
    """The two variants of one size; both take the arguments in `cases.ARG_ORDER`.  `stages` holds the
    `@pl.jit.inline` helpers and `types` the head-wide parameter types other compressors of the same head
    size reuse (compressor_r4.py)."""

    config: CompressorR128Config
    parallel: Any
    spmd: Any
    stages: SimpleNamespace
    types: SimpleNamespace


@functools.cache
def build_compressor_r128(cfg: CompressorR128Config) -> CompressorR128:
    """Define both variants for `cfg`; the locals below are plain ints the frontend folds."""
    B, S, D, R, EPS = cfg.B, cfg.S, cfg.D, cfg.R, cfg.EPS
    HEAD_DIM, NOPE, ROPE, CACHE_ROWS = cfg.HEAD_DIM, cfg.NOPE, cfg.ROPE, cfg.CACHE_ROWS
    HALF = ROPE // 2
    K_CHUNK, OUT_CHUNK, HEAD_CHUNK = cfg.K_CHUNK, cfg.OUT_CHUNK, cfg.HEAD_CHUNK
    BATCH_CHUNK_0, BATCH_CHUNK_1 = cfg.BATCH_CHUNK_0, cfg.BATCH_CHUNK_1
    PROJ_BATCHES = BATCH_CHUNK_0 // S  # a projection row block: BATCH_CHUNK_0 token rows = whole batches x S tokens
    OUT_BLOCKS = HEAD_DIM // OUT_CHUNK
    HEAD_BLOCKS = HEAD_DIM // HEAD_CHUNK
    GROUPS_1 = B // BATCH_CHUNK_1

    # Parameter types, named once for the helpers and both entries.
    Index, Int32 = pl.Scalar[pl.INDEX], pl.Scalar[pl.INT32]
    X = pl.Tensor[[B, S, D], pl.BF16]
    Weight = pl.Tensor[[D, HEAD_DIM], pl.BF16]  # wkv, wgate
    Tokens = pl.Tensor[[B, S, HEAD_DIM], pl.FP32]  # the projections kvp, scp and the output kv
    Ape = pl.Tensor[[R, HEAD_DIM], pl.FP32]
    State = pl.Tensor[[B, R, HEAD_DIM], pl.FP32]  # kv_state, score_state
    Head = pl.Tensor[[B, HEAD_DIM], pl.BF16]  # pooled, normed
    HeadF32 = pl.Tensor[[B, HEAD_DIM], pl.FP32]  # y
    NormW = pl.Tensor[[HEAD_DIM], pl.FP32]
    Angle = pl.Tensor[[1, HALF], pl.FP32]  # cos, sin
    Selector = pl.Tensor[[ROPE, HALF], pl.BF16]  # even_select, odd_select
    Hadamard = pl.Tensor[[HEAD_DIM, HEAD_DIM], pl.BF16]
    Cache = pl.Tensor[[B, CACHE_ROWS, HEAD_DIM], pl.BF16]

    # ------------------------------------------------------------------------------- task bodies
    @pl.jit.inline
    def project_columns(x: X, wkv: Weight, wgate: Weight, kvp: Tokens, scp: Tokens, o0: Index):
        """kvp/scp[:, :, o0:o0+OUT_CHUNK] = x @ w[:, o0:o0+OUT_CHUNK]: BATCH_CHUNK_0-row blocks x pipelined K loop."""
        for b0 in pl.range(0, B, PROJ_BATCHES):
            xa = pl.reshape(pl.slice(x, [PROJ_BATCHES, S, K_CHUNK], [b0, 0, 0]), [BATCH_CHUNK_0, K_CHUNK])
            acc_kv = pl.matmul(xa, pl.slice(wkv, [K_CHUNK, OUT_CHUNK], [0, o0]))
            acc_sc = pl.matmul(xa, pl.slice(wgate, [K_CHUNK, OUT_CHUNK], [0, o0]))
            for k0 in pl.pipeline(K_CHUNK, D, K_CHUNK, stage=2):
                xk = pl.reshape(pl.slice(x, [PROJ_BATCHES, S, K_CHUNK], [b0, 0, k0]), [BATCH_CHUNK_0, K_CHUNK])
                acc_kv = pl.matmul_acc(acc_kv, xk, pl.slice(wkv, [K_CHUNK, OUT_CHUNK], [k0, o0]))
                acc_sc = pl.matmul_acc(acc_sc, xk, pl.slice(wgate, [K_CHUNK, OUT_CHUNK], [k0, o0]))
            kvp = pl.assemble(kvp, pl.reshape(acc_kv, [PROJ_BATCHES, S, OUT_CHUNK]), [b0, 0, o0])
            scp = pl.assemble(scp, pl.reshape(acc_sc, [PROJ_BATCHES, S, OUT_CHUNK]), [b0, 0, o0])
        return kvp, scp

    @pl.jit.inline
    def scatter_token(
        kvp: Tokens, scp: Tokens, ape: Ape, kv_state: State, score_state: State,
        s: Index, r: Index, o0: Index,
    ):
        """Slot r of both states, columns o0:o0+OUT_CHUNK <- token s (the score plus ape[r])."""
        kv_t = pl.slice(kvp, [B, 1, OUT_CHUNK], [0, s, o0])
        sc_t = pl.reshape(pl.slice(scp, [B, 1, OUT_CHUNK], [0, s, o0]), [B, OUT_CHUNK])
        ape_t = pl.slice(ape, [1, OUT_CHUNK], [r, o0])
        sc_t = pl.add(sc_t, pl.col_expand(sc_t, ape_t))
        kv_state = pl.assemble(kv_state, kv_t, [0, r, o0])
        score_state = pl.assemble(score_state, pl.reshape(sc_t, [B, 1, OUT_CHUNK]), [0, r, o0])
        return kv_state, score_state

    @pl.jit.inline
    def slot_tile(t, b0: Index, slot, h0: Index):
        """t[b0:b0+BATCH_CHUNK_1, slot, h0:h0+HEAD_CHUNK] of a [B, slots, HEAD_DIM] tensor as a 2-D tile."""
        return pl.reshape(pl.slice(t, [BATCH_CHUNK_1, 1, HEAD_CHUNK], [b0, slot, h0]), [BATCH_CHUNK_1, HEAD_CHUNK])

    @pl.jit.inline
    def pool_block(
        kv_state: State, score_state: State, pooled: Head,
        seed_kv,  # [BATCH_CHUNK_1, HEAD_CHUNK] f32 tile
        seed_sc,  # [BATCH_CHUNK_1, HEAD_CHUNK] f32 tile
        b0: Index, h0: Index,
    ):
        """pooled[b0.., h0..] = bf16(Σ_r softmax_r(score) · kv): online softmax over slots 0..R-2, seeded
        with slot R-1's (kv, score) given as tiles."""
        m = seed_sc
        acc = seed_kv
        den = pl.full([BATCH_CHUNK_1, HEAD_CHUNK], pl.FP32, 1.0)
        for r in pl.range(R - 1):
            sc = slot_tile(score_state, b0, r, h0)
            kv_r = slot_tile(kv_state, b0, r, h0)
            m_new = pl.maximum(m, sc)
            keep = pl.exp(pl.sub(m, m_new))
            p = pl.exp(pl.sub(sc, m_new))
            den = pl.add(pl.mul(den, keep), p)
            acc = pl.add(pl.mul(acc, keep), pl.mul(p, kv_r))
            m = m_new
        pooled = pl.assemble(pooled, pl.cast(pl.div(acc, den), target_type=pl.BF16), [b0, h0])
        return pooled

    @pl.jit.inline
    def pool_seeded_by_slot(kv_state: State, score_state: State, pooled: Head, b0: Index, h0: Index):
        """softmax_pool when the window ends with this step's last token: seed read back from slot R-1."""
        seed_kv = slot_tile(kv_state, b0, R - 1, h0)
        seed_sc = slot_tile(score_state, b0, R - 1, h0)
        pooled = pool_block(kv_state, score_state, pooled, seed_kv, seed_sc, b0, h0)
        return pooled

    @pl.jit.inline
    def pool_seeded_by_token(
        kvp: Tokens, scp: Tokens, ape: Ape, kv_state: State, score_state: State,
        pooled: Head, pre: Int32, b0: Index, h0: Index,
    ):
        """softmax_pool when later tokens start the next window: seed taken from the just-projected token
        pre-1 (slot R-1's value, plus ape[R-1]) instead of being read back from the state."""
        seed_kv = slot_tile(kvp, b0, pre - 1, h0)
        seed_sc = slot_tile(scp, b0, pre - 1, h0)
        seed_sc = pl.add(seed_sc, pl.col_expand(seed_sc, pl.slice(ape, [1, HEAD_CHUNK], [R - 1, h0])))
        pooled = pool_block(kv_state, score_state, pooled, seed_kv, seed_sc, b0, h0)
        return pooled

    @pl.jit.inline
    def rmsnorm_block(pooled: Head, norm_w: NormW, normed: Head, b0: Index):
        """normed[b0..] = bf16(x · recip(sqrt(mean(x²) + eps)) · norm_w), x = f32(pooled[b0..])."""
        xb = pl.cast(pl.slice(pooled, [BATCH_CHUNK_1, HEAD_DIM], [b0, 0]), target_type=pl.FP32)
        mean_sq = pl.mul(pl.row_sum(pl.mul(xb, xb)), 1.0 / HEAD_DIM)
        rstd = pl.recip(pl.sqrt(pl.add(mean_sq, EPS)))
        w = pl.reshape(pl.slice(norm_w, [HEAD_DIM], [0]), [1, HEAD_DIM])
        y = pl.col_expand_mul(pl.row_expand_mul(xb, rstd), w)
        normed = pl.assemble(normed, pl.cast(y, target_type=pl.BF16), [b0, 0])
        return normed

    @pl.jit.inline
    def rope_block(normed: Head, cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector, b0: Index):
        """Interleaved RoPE on normed[b0.., NOPE:]: de-interleave the pairs by 0/1 matmuls, rotate in f32,
        round to bf16, re-interleave with the transposed selectors (exact: one non-zero term per output)."""
        yr = pl.slice(normed, [BATCH_CHUNK_1, ROPE], [b0, NOPE])
        even = pl.slice(even_select, [ROPE, HALF], [0, 0])
        odd = pl.slice(odd_select, [ROPE, HALF], [0, 0])
        ev = pl.matmul(yr, even)
        od = pl.matmul(yr, odd)
        c = pl.slice(cos, [1, HALF], [0, 0])
        s = pl.slice(sin, [1, HALF], [0, 0])
        rot_ev = pl.cast(pl.sub(pl.col_expand_mul(ev, c), pl.col_expand_mul(od, s)), target_type=pl.BF16)
        rot_od = pl.cast(pl.add(pl.col_expand_mul(ev, s), pl.col_expand_mul(od, c)), target_type=pl.BF16)
        out = pl.matmul(rot_ev, even, b_trans=True)
        out = pl.matmul_acc(out, rot_od, odd, b_trans=True)
        normed = pl.assemble(normed, pl.cast(out, target_type=pl.BF16), [b0, NOPE])
        return normed

    @pl.jit.inline
    def kv_write_block(normed: Head, y: HeadF32, b0: Index):
        """y[b0..] = f32(normed[b0..]) (no rotation)."""
        y = pl.assemble(y, pl.cast(pl.slice(normed, [BATCH_CHUNK_1, HEAD_DIM], [b0, 0]), target_type=pl.FP32), [b0, 0])
        return y

    @pl.jit.inline
    def state_scatter_next_block(
        kvp: Tokens, scp: Tokens, ape: Ape, kv_state: State, score_state: State,
        start_pos: Int32, pre: Int32, o0: Index,
    ):
        """Tokens pre..S-1 (the next window) into their slots, columns o0:o0+OUT_CHUNK."""
        for s in pl.range(pre, S):
            kv_state, score_state = scatter_token(kvp, scp, ape, kv_state, score_state, s, (start_pos + s) % R, o0)
        return kv_state, score_state

    @pl.jit.inline
    def hadamard_block(normed: Head, hadamard: Hadamard, y: HeadF32, b0: Index, o0: Index):
        """y[b0:b0+BATCH_CHUNK_0, o0:o0+OUT_CHUNK] = normed[b0..] @ hadamard[:, o0..], accumulated in f32."""
        yb = pl.slice(normed, [BATCH_CHUNK_0, HEAD_DIM], [b0, 0])
        y = pl.assemble(y, pl.matmul(yb, pl.slice(hadamard, [HEAD_DIM, OUT_CHUNK], [0, o0])), [b0, o0])
        return y

    @pl.jit.inline
    def cache_write_block(y: HeadF32, kv: Tokens, kv_cache: Cache, cache_row: Int32, b0: Index):
        """kv[b0.., 0] = y[b0..]; kv_cache[b0.., cache_row] = bf16(y[b0..]) for BATCH_CHUNK_1 batch rows."""
        yb = pl.slice(y, [BATCH_CHUNK_1, HEAD_DIM], [b0, 0])
        kv = pl.assemble(kv, pl.reshape(yb, [BATCH_CHUNK_1, 1, HEAD_DIM]), [b0, 0, 0])
        yc = pl.reshape(pl.cast(yb, target_type=pl.BF16), [BATCH_CHUNK_1, 1, HEAD_DIM])
        kv_cache = pl.assemble(kv_cache, yc, [b0, cache_row, 0])
        return kv, kv_cache

    # ------------------------------------------------------------------------------- dispatch sites shared by both variants
    @pl.jit.inline
    def zero_kv(kv: Tokens):
        """kv = 0 (kv_zero): only kv[:, 0] is written later, and only when the window completes."""
        for b0 in pl.parallel(0, B, BATCH_CHUNK_0):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_zero"):
                for s in pl.range(S):
                    kv = pl.assemble(kv, pl.full([BATCH_CHUNK_0, 1, HEAD_DIM], pl.FP32, 0.0), [b0, s, 0])
        return kv

    @pl.jit.inline
    def scatter_current_window(
        kvp: Tokens, scp: Tokens, ape: Ape, kv_state: State, score_state: State,
        start_pos: Int32, pre: Int32,
    ):
        """score_ape_state_scatter: one task per token s < pre and per column block."""
        for s in pl.range(pre):
            for o0 in pl.parallel(0, HEAD_DIM, OUT_CHUNK):
                with pl.at(level=pl.Level.CORE_GROUP, name_hint="score_ape_state_scatter"):
                    kv_state, score_state = scatter_token(
                        kvp, scp, ape, kv_state, score_state, s, (start_pos + s) % R, o0
                    )
        return kv_state, score_state

    @pl.jit.inline
    def norm_and_rope(
        pooled: Head, norm_w: NormW, cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector,
    ):
        """rmsnorm then rope tasks, one per batch group, into a new normed head."""
        normed = pl.create_tensor([B, HEAD_DIM], pl.BF16)
        for b0 in pl.parallel(0, B, BATCH_CHUNK_1):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="rmsnorm"):
                normed = rmsnorm_block(pooled, norm_w, normed, b0)
        for b0 in pl.parallel(0, B, BATCH_CHUNK_1):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="rope"):
                normed = rope_block(normed, cos, sin, even_select, odd_select, b0)
        return normed

    @pl.jit.inline
    def kv_hadamard(normed: Head, hadamard: Hadamard, y: HeadF32):
        """y = f32(normed) @ hadamard: one task per (batch chunk, column block)."""
        for b0 in pl.parallel(0, B, BATCH_CHUNK_0):
            for o0 in pl.parallel(0, HEAD_DIM, OUT_CHUNK):
                with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_hadamard"):
                    y = hadamard_block(normed, hadamard, y, b0, o0)
        return y

    @pl.jit.inline
    def kv_and_cache_write(y: HeadF32, kv: Tokens, kv_cache: Cache, cache_row: Int32):
        """kv[:, 0] = y; kv_cache[:, cache_row] = bf16(y): one task per batch group."""
        for b0 in pl.parallel(0, B, BATCH_CHUNK_1):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_and_cache_write"):
                kv, kv_cache = cache_write_block(y, kv, kv_cache, cache_row, b0)
        return kv, kv_cache

    # ------------------------------------------------------------------------------- the two entries
    @pl.jit
    def compressor_r128_parallel(
        kv_state: pl.InOut[State], score_state: pl.InOut[State],
        x: X, wkv: Weight, wgate: Weight, ape: Ape,
        norm_w: NormW, cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector, hadamard: Hadamard,
        kv_cache: pl.InOut[Cache], start_pos: Int32, rotate: pl.Scalar[pl.BOOL], kv: pl.Out[Tokens],
    ):  # fmt: skip
        kvp = pl.create_tensor([B, S, HEAD_DIM], pl.FP32)
        scp = pl.create_tensor([B, S, HEAD_DIM], pl.FP32)
        kv = zero_kv(kv)
        for o0 in pl.parallel(0, HEAD_DIM, OUT_CHUNK):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_score_proj"):
                kvp, scp = project_columns(x, wkv, wgate, kvp, scp, o0)
        pos = start_pos % R
        pre = pl.min(S, R - pos)
        kv_state, score_state = scatter_current_window(kvp, scp, ape, kv_state, score_state, start_pos, pre)
        if pos + S >= R:
            pooled = pl.create_tensor([B, HEAD_DIM], pl.BF16)
            if pre < S:
                for b0 in pl.parallel(0, B, BATCH_CHUNK_1):
                    for h0 in pl.parallel(0, HEAD_DIM, HEAD_CHUNK):
                        with pl.at(level=pl.Level.CORE_GROUP, name_hint="softmax_pool"):
                            pooled = pool_seeded_by_token(kvp, scp, ape, kv_state, score_state, pooled, pre, b0, h0)
            else:
                for b0 in pl.parallel(0, B, BATCH_CHUNK_1):
                    for h0 in pl.parallel(0, HEAD_DIM, HEAD_CHUNK):
                        with pl.at(level=pl.Level.CORE_GROUP, name_hint="softmax_pool"):
                            pooled = pool_seeded_by_slot(kv_state, score_state, pooled, b0, h0)
            normed = norm_and_rope(pooled, norm_w, cos, sin, even_select, odd_select)
            y = pl.create_tensor([B, HEAD_DIM], pl.FP32)
            if rotate:
                y = kv_hadamard(normed, hadamard, y)
            else:
                for b0 in pl.parallel(0, B, BATCH_CHUNK_1):
                    with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_write"):
                        y = kv_write_block(normed, y, b0)
            kv, kv_cache = kv_and_cache_write(y, kv, kv_cache, start_pos // R)
            if pre < S:
                for o0 in pl.parallel(0, HEAD_DIM, OUT_CHUNK):
                    with pl.at(level=pl.Level.CORE_GROUP, name_hint="state_scatter_next"):
                        kv_state, score_state = state_scatter_next_block(
                            kvp, scp, ape, kv_state, score_state, start_pos, pre, o0
                        )
        return kv, kv_state, score_state, kv_cache

    @pl.jit
    def compressor_r128_spmd(
        kv_state: pl.InOut[State], score_state: pl.InOut[State],
        x: X, wkv: Weight, wgate: Weight, ape: Ape,
        norm_w: NormW, cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector, hadamard: Hadamard,
        kv_cache: pl.InOut[Cache], start_pos: Int32, rotate: pl.Scalar[pl.BOOL], kv: pl.Out[Tokens],
    ):  # fmt: skip
        kvp = pl.create_tensor([B, S, HEAD_DIM], pl.FP32)
        scp = pl.create_tensor([B, S, HEAD_DIM], pl.FP32)
        kv = zero_kv(kv)
        for i in pl.spmd(OUT_BLOCKS, name_hint="kv_score_proj"):
            kvp, scp = project_columns(x, wkv, wgate, kvp, scp, i * OUT_CHUNK)
        pos = start_pos % R
        pre = pl.min(S, R - pos)
        kv_state, score_state = scatter_current_window(kvp, scp, ape, kv_state, score_state, start_pos, pre)
        if pos + S >= R:
            pooled = pl.create_tensor([B, HEAD_DIM], pl.BF16)
            if pre < S:
                for i in pl.spmd(GROUPS_1 * HEAD_BLOCKS, name_hint="softmax_pool"):
                    b0 = (i // HEAD_BLOCKS) * BATCH_CHUNK_1
                    h0 = (i % HEAD_BLOCKS) * HEAD_CHUNK
                    pooled = pool_seeded_by_token(kvp, scp, ape, kv_state, score_state, pooled, pre, b0, h0)
            else:
                for i in pl.spmd(GROUPS_1 * HEAD_BLOCKS, name_hint="softmax_pool"):
                    b0 = (i // HEAD_BLOCKS) * BATCH_CHUNK_1
                    h0 = (i % HEAD_BLOCKS) * HEAD_CHUNK
                    pooled = pool_seeded_by_slot(kv_state, score_state, pooled, b0, h0)
            normed = norm_and_rope(pooled, norm_w, cos, sin, even_select, odd_select)
            y = pl.create_tensor([B, HEAD_DIM], pl.FP32)
            if rotate:
                y = kv_hadamard(normed, hadamard, y)
            else:
                for i in pl.spmd(GROUPS_1, name_hint="kv_write"):
                    y = kv_write_block(normed, y, i * BATCH_CHUNK_1)
            kv, kv_cache = kv_and_cache_write(y, kv, kv_cache, start_pos // R)
            if pre < S:
                for i in pl.spmd(OUT_BLOCKS, name_hint="state_scatter_next"):
                    kv_state, score_state = state_scatter_next_block(
                        kvp, scp, ape, kv_state, score_state, start_pos, pre, i * OUT_CHUNK
                    )
        return kv, kv_state, score_state, kv_cache

    stages = SimpleNamespace(
        project_columns=project_columns, zero_kv=zero_kv, pool_seeded_by_slot=pool_seeded_by_slot,
        rmsnorm_block=rmsnorm_block, rope_block=rope_block,
        kv_write_block=kv_write_block, hadamard_block=hadamard_block, cache_write_block=cache_write_block,
    )  # fmt: skip
    types = SimpleNamespace(
        Index=Index, Int32=Int32, X=X, Tokens=Tokens, NormW=NormW, Angle=Angle, Selector=Selector,
        Hadamard=Hadamard, Cache=Cache,
    )  # fmt: skip
    return CompressorR128(cfg, compressor_r128_parallel, compressor_r128_spmd, stages, types)
