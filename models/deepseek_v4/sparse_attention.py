"""DeepSeek-V4 sparse attention (KERNELS.md §5): the shared core and, as a second entry, the core followed
by the grouped output projection.

Per token (b, s) the index list `idx[b, s, :NK]` names the keys (= values): ids 0..WIN-1 are rows of the
window cache, ids WIN+j rows j of the compressed cache, -1 is padding.  Two `pl.spmd` dispatch sites:

- `kv_gather` (one block per token): reads each id with `pl.read`, branches on it, and copies the row by a
  `pl.slice` at that runtime offset into the GM scratch `kv_rows[b, s, k]`; `bias[b, s, k]` is 0 for a real
  key and NEG_BIG for padding (whose row is written as zeros, so no read ever leaves the caches and masked
  lanes contribute exact zeros).  Lanes NK..NK_PAD-1 that round the list up to whole key tiles are padding.
- `sparse_attn` (one block per token x HEAD_CHUNK heads): per KEY_TILE-key tile, scores = q·Kᵀ·HEAD_DIM^-0.5
  + bias in f32, online softmax (f32 running max / denominator, probabilities rounded to bf16 for the P·V
  matmul), flash merge; then denominator += exp(sink_h − max) (the sink takes probability mass but has no
  value), out = bf16(acc / denominator), and the last ROPE channels get the inverse (conjugate) interleaved
  RoPE of the token's position in f32, rounded to bf16.

The second entry, `with_oproj`, adds three more `pl.spmd` sites on the core's bf16 output o [B, S, H, HEAD_DIM]:
- `proj_a` (one block per group x LORA_CHUNK wo_a rows): o_r[:, g·O_LORA + n..] = Σ_heads of group g
  o[:, :, head] @ wo_a[g, n.., head's HEAD_DIM columns]ᵀ, f32 (a pipelined K loop over the group's heads);
- `quant` (one block per QUANT_ROWS tokens): per-row int8 over the whole O_GROUPS·O_LORA row: amax =
  max(|row|, 1e-4), sq = 127 / amax, o_i8 = int8(fp16(int32(rint(x·sq)))), act_scale = recip(sq);
- `proj_b` (one block per OUT_CHUNK output columns): int32 = o_i8 @ wo_bᵀ (int8 x int8, pipelined K loop),
  attn_out = bf16(f32(int32) · act_scale[row] · wo_b_scale[col]).

A finite NEG_BIG rather than −inf keeps an all-padding tile NaN-free: its lanes are rescaled by
exp(NEG_BIG − m) = 0 as soon as a tile with a real key is merged.  (A token with no real key at all gets
exactly 0: zero rows in the numerator, exp(sink − NEG_BIG) = inf in the denominator — all mass on the sink.)
"""

import functools
from dataclasses import dataclass
from typing import Any

from ppc import pl

from .config import SparseAttentionConfig

NEG_BIG = -1.0e30  # additive score bias of a padding lane
INT8_SCALE_MAX = 127.0
INT8_AMAX_EPS = 1e-4  # floor of a row's |max| before int8 quantisation


@dataclass(frozen=True)
class SparseAttention:
    """The entries of one size: `core` (arguments `ARG_ORDER`) and `with_oproj` (`OPROJ_ARG_ORDER`)."""

    config: SparseAttentionConfig
    core: Any
    with_oproj: Any


@functools.cache
def build_sparse_attention(cfg: SparseAttentionConfig) -> SparseAttention:
    """Define both entries for `cfg`; the locals below are plain ints the frontend folds."""
    B, S, H, WIN, CACHE_ROWS = cfg.B, cfg.S, cfg.H, cfg.WIN, cfg.CACHE_ROWS
    HEAD_DIM, NOPE, ROPE = cfg.HEAD_DIM, cfg.NOPE, cfg.ROPE
    HALF = ROPE // 2
    NK, NK_PAD, KEY_TILE, KEY_TILES = cfg.NK, cfg.NK_PAD, cfg.KEY_TILE, cfg.KEY_TILES
    HEAD_CHUNK = cfg.HEAD_CHUNK
    HEAD_BLOCKS = H // HEAD_CHUNK
    T = B * S
    SCALE = HEAD_DIM**-0.5
    PAD_LANES = NK_PAD - NK
    D, O_GROUPS, O_LORA, O_GROUP_IN = cfg.D, cfg.O_GROUPS, cfg.O_LORA, cfg.O_GROUP_IN
    HEADS_PER_GROUP = H // O_GROUPS
    LORA_CHUNK, QUANT_ROWS, OUT_CHUNK = cfg.LORA_CHUNK, cfg.QUANT_ROWS, cfg.OUT_CHUNK
    LORA_BLOCKS = O_LORA // LORA_CHUNK
    O_R_COLS = O_GROUPS * O_LORA

    # Parameter types, named once for the helpers and both entries.
    Index = pl.Scalar[pl.INDEX]
    Heads = pl.Tensor[[B, S, H, HEAD_DIM], pl.BF16]  # q, out
    WinKv, CmpKv = pl.Tensor[[B, WIN, HEAD_DIM], pl.BF16], pl.Tensor[[B, CACHE_ROWS, HEAD_DIM], pl.BF16]
    Idx, Sink = pl.Tensor[[B, S, NK], pl.INT32], pl.Tensor[[H], pl.FP32]
    Angle, Selector = pl.Tensor[[B, S, HALF], pl.FP32], pl.Tensor[[ROPE, HALF], pl.BF16]  # cos, sin; even/odd_select
    KvRows, Bias = pl.Tensor[[B, S, NK_PAD, HEAD_DIM], pl.BF16], pl.Tensor[[B, S, NK_PAD], pl.FP32]  # gathered keys
    LoraRows, QuantRows = pl.Tensor[[T, O_R_COLS], pl.FP32], pl.Tensor[[T, O_R_COLS], pl.INT8]  # o_r, o_i8
    ActScale, WoB = pl.Tensor[[T, 1], pl.FP32], pl.Tensor[[D, O_R_COLS], pl.INT8]
    WoA, WoBScale = pl.Tensor[[O_GROUPS, O_LORA, O_GROUP_IN], pl.BF16], pl.Tensor[[D], pl.FP32]
    AttnOut = pl.Tensor[[B, S, D], pl.BF16]

    # ------------------------------------------------------------------------------- task bodies
    @pl.jit.inline
    def gather_token(idx: Idx, win_kv: WinKv, cmp_kv: CmpKv, kv_rows: KvRows, bias: Bias, b: Index, s: Index):
        """kv_rows[b, s, k] = the row idx[b, s, k] names (zeros for padding), bias[b, s, k] = 0 | NEG_BIG."""
        for k in pl.range(NK):
            row_id = pl.read(idx, [b, s, k])
            if row_id >= WIN:
                row = pl.slice(cmp_kv, [1, 1, HEAD_DIM], [b, row_id - WIN, 0])
                kv_rows = pl.assemble(kv_rows, pl.reshape(row, [1, 1, 1, HEAD_DIM]), [b, s, k, 0])
                bias = pl.write(bias, [b, s, k], 0.0)
            elif row_id >= 0:
                row = pl.slice(win_kv, [1, 1, HEAD_DIM], [b, row_id, 0])
                kv_rows = pl.assemble(kv_rows, pl.reshape(row, [1, 1, 1, HEAD_DIM]), [b, s, k, 0])
                bias = pl.write(bias, [b, s, k], 0.0)
            else:
                kv_rows = pl.assemble(kv_rows, pl.full([1, 1, 1, HEAD_DIM], pl.BF16, 0.0), [b, s, k, 0])
                bias = pl.write(bias, [b, s, k], NEG_BIG)
        if PAD_LANES > 0:
            kv_rows = pl.assemble(kv_rows, pl.full([1, 1, PAD_LANES, HEAD_DIM], pl.BF16, 0.0), [b, s, NK, 0])
            bias = pl.assemble(bias, pl.full([1, 1, PAD_LANES], pl.FP32, NEG_BIG), [b, s, NK])
        return kv_rows, bias

    @pl.jit.inline
    def key_tile(kv_rows: KvRows, b, s, k0):
        """The gathered keys k0..k0+KEY_TILE of token (b, s) as a [KEY_TILE, HEAD_DIM] bf16 tile."""
        return pl.reshape(pl.slice(kv_rows, [1, 1, KEY_TILE, HEAD_DIM], [b, s, k0, 0]), [KEY_TILE, HEAD_DIM])

    @pl.jit.inline
    def tile_scores(qt, kt, bias: Bias, b, s, k0):
        """q·Kᵀ·HEAD_DIM^-0.5 + bias of one key tile, [HEAD_CHUNK, KEY_TILE] f32."""
        sc = pl.mul(pl.matmul(qt, kt, b_trans=True), SCALE)
        bias_row = pl.reshape(pl.slice(bias, [1, 1, KEY_TILE], [b, s, k0]), [1, KEY_TILE])
        return pl.add(sc, pl.col_expand(sc, bias_row))

    @pl.jit.inline
    def inverse_rope(
        o_rope,  # [HEAD_CHUNK, ROPE] bf16 tile
        cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector,
        b, s,
    ):
        """Conjugate rotation of the (2i, 2i+1) pairs: (e·c + o·s, o·c − e·s) in f32, bf16 result.
        De-/re-interleaving by 0/1 matmuls is exact (one non-zero term per output)."""
        even = pl.slice(even_select, [ROPE, HALF], [0, 0])
        odd = pl.slice(odd_select, [ROPE, HALF], [0, 0])
        ev = pl.matmul(o_rope, even)
        od = pl.matmul(o_rope, odd)
        c = pl.reshape(pl.slice(cos, [1, 1, HALF], [b, s, 0]), [1, HALF])
        sn = pl.reshape(pl.slice(sin, [1, 1, HALF], [b, s, 0]), [1, HALF])
        rot_ev = pl.cast(pl.add(pl.col_expand_mul(ev, c), pl.col_expand_mul(od, sn)), target_type=pl.BF16)
        rot_od = pl.cast(pl.sub(pl.col_expand_mul(od, c), pl.col_expand_mul(ev, sn)), target_type=pl.BF16)
        out = pl.matmul(rot_ev, even, b_trans=True)
        out = pl.matmul_acc(out, rot_od, odd, b_trans=True)
        return pl.cast(out, target_type=pl.BF16)

    @pl.jit.inline
    def attend_block(
        q: Heads, kv_rows: KvRows, bias: Bias, attn_sink: Sink,
        cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector,
        out: Heads,
        b: Index, s: Index, h0: Index,
    ):
        """out[b, s, h0:h0+HEAD_CHUNK] for one token and head chunk: flash attention over the key tiles
        (tile 0 seeds the running max / denominator / accumulator), sink, bf16, inverse RoPE."""
        qt = pl.reshape(pl.slice(q, [1, 1, HEAD_CHUNK, HEAD_DIM], [b, s, h0, 0]), [HEAD_CHUNK, HEAD_DIM])
        kt = key_tile(kv_rows, b, s, 0)
        sc = tile_scores(qt, kt, bias, b, s, 0)
        m = pl.row_max(sc)
        p = pl.exp(pl.row_expand_sub(sc, m))
        den = pl.row_sum(p)
        acc = pl.matmul(pl.cast(p, target_type=pl.BF16), kt)
        for kb in pl.range(1, KEY_TILES):
            k0 = kb * KEY_TILE
            kt = key_tile(kv_rows, b, s, k0)
            sc = tile_scores(qt, kt, bias, b, s, k0)
            m_new = pl.maximum(m, pl.row_max(sc))
            keep = pl.exp(pl.sub(m, m_new))
            p = pl.exp(pl.row_expand_sub(sc, m_new))
            den = pl.add(pl.mul(den, keep), pl.row_sum(p))
            acc = pl.add(pl.row_expand_mul(acc, keep), pl.matmul(pl.cast(p, target_type=pl.BF16), kt))
            m = m_new
        sink = pl.reshape(pl.slice(attn_sink, [HEAD_CHUNK], [h0]), [HEAD_CHUNK, 1])
        den = pl.add(den, pl.exp(pl.sub(sink, m)))
        o = pl.cast(pl.row_expand_div(acc, den), target_type=pl.BF16)
        o_nope = pl.slice(o, [HEAD_CHUNK, NOPE], [0, 0])
        out = pl.assemble(out, pl.reshape(o_nope, [1, 1, HEAD_CHUNK, NOPE]), [b, s, h0, 0])
        o_rope = inverse_rope(pl.slice(o, [HEAD_CHUNK, ROPE], [0, NOPE]), cos, sin, even_select, odd_select, b, s)
        out = pl.assemble(out, pl.reshape(o_rope, [1, 1, HEAD_CHUNK, ROPE]), [b, s, h0, NOPE])
        return out

    @pl.jit.inline
    def project_a_block(o: Heads, wo_a: WoA, o_r: LoraRows, g: Index, n0: Index):
        """o_r[:, g·O_LORA + n0 ..+LORA_CHUNK] = o[:, :, heads of g] (as [T, O_GROUP_IN]) @ wo_a[g, n0..]ᵀ."""
        h_first = g * HEADS_PER_GROUP
        oh = pl.reshape(pl.slice(o, [B, S, 1, HEAD_DIM], [0, 0, h_first, 0]), [T, HEAD_DIM])
        w = pl.reshape(pl.slice(wo_a, [1, LORA_CHUNK, HEAD_DIM], [g, n0, 0]), [LORA_CHUNK, HEAD_DIM])
        acc = pl.matmul(oh, w, b_trans=True)
        for j in pl.pipeline(1, HEADS_PER_GROUP, stage=2):
            oh = pl.reshape(pl.slice(o, [B, S, 1, HEAD_DIM], [0, 0, h_first + j, 0]), [T, HEAD_DIM])
            w = pl.reshape(pl.slice(wo_a, [1, LORA_CHUNK, HEAD_DIM], [g, n0, j * HEAD_DIM]), [LORA_CHUNK, HEAD_DIM])
            acc = pl.matmul_acc(acc, oh, w, b_trans=True)
        o_r = pl.assemble(o_r, acc, [0, g * O_LORA + n0])
        return o_r

    @pl.jit.inline
    def quant_rows(o_r: LoraRows, o_i8: QuantRows, act_scale: ActScale, t0: Index):
        """Per-row int8 of rows t0..t0+QUANT_ROWS: a max pass, then a quantise pass, over LORA_CHUNK columns."""
        amax = pl.full([QUANT_ROWS, 1], pl.FP32, INT8_AMAX_EPS)
        for c0 in pl.range(0, O_R_COLS, LORA_CHUNK):
            amax = pl.maximum(amax, pl.row_max(pl.abs(pl.slice(o_r, [QUANT_ROWS, LORA_CHUNK], [t0, c0]))))
        sq = pl.div(pl.full([QUANT_ROWS, 1], pl.FP32, INT8_SCALE_MAX), amax)
        act_scale = pl.assemble(act_scale, pl.recip(sq), [t0, 0])
        for c0 in pl.range(0, O_R_COLS, LORA_CHUNK):
            x = pl.row_expand_mul(pl.slice(o_r, [QUANT_ROWS, LORA_CHUNK], [t0, c0]), sq)
            xi = pl.cast(pl.cast(x, target_type=pl.INT32, mode="rint"), target_type=pl.FP16, mode="round")
            o_i8 = pl.assemble(o_i8, pl.cast(xi, target_type=pl.INT8, mode="trunc"), [t0, c0])
        return o_i8, act_scale

    @pl.jit.inline
    def project_b_block(
        o_i8: QuantRows, act_scale: ActScale, wo_b: WoB, wo_b_scale: WoBScale, attn_out: AttnOut, d0: Index,
    ):
        """attn_out[:, :, d0..d0+OUT_CHUNK] = bf16(f32(o_i8 @ wo_b[d0..]ᵀ) · act_scale · wo_b_scale[d0..])."""
        acc = pl.matmul(
            pl.slice(o_i8, [T, LORA_CHUNK], [0, 0]), pl.slice(wo_b, [OUT_CHUNK, LORA_CHUNK], [d0, 0]), b_trans=True
        )
        for k0 in pl.pipeline(LORA_CHUNK, O_R_COLS, LORA_CHUNK, stage=2):
            acc = pl.matmul_acc(
                acc, pl.slice(o_i8, [T, LORA_CHUNK], [0, k0]), pl.slice(wo_b, [OUT_CHUNK, LORA_CHUNK], [d0, k0]),
                b_trans=True,
            )  # fmt: skip
        y = pl.row_expand_mul(pl.cast(acc, target_type=pl.FP32), pl.slice(act_scale, [T, 1], [0, 0]))
        y = pl.col_expand_mul(y, pl.reshape(pl.slice(wo_b_scale, [OUT_CHUNK], [d0]), [1, OUT_CHUNK]))
        attn_out = pl.assemble(attn_out, pl.reshape(pl.cast(y, target_type=pl.BF16), [B, S, OUT_CHUNK]), [0, 0, d0])
        return attn_out

    # ------------------------------------------------------------------------------- dispatch sites
    @pl.jit.inline
    def attention_core(
        q: Heads, win_kv: WinKv, cmp_kv: CmpKv, idx: Idx, attn_sink: Sink,
        cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector,
        out: Heads,
    ):
        """kv_gather (one block per token) then sparse_attn (one block per token x head chunk)."""
        kv_rows = pl.create_tensor([B, S, NK_PAD, HEAD_DIM], pl.BF16)
        bias = pl.create_tensor([B, S, NK_PAD], pl.FP32)
        for i in pl.spmd(T, name_hint="kv_gather"):
            kv_rows, bias = gather_token(idx, win_kv, cmp_kv, kv_rows, bias, i // S, i % S)
        for i in pl.spmd(T * HEAD_BLOCKS, name_hint="sparse_attn"):
            t = i // HEAD_BLOCKS
            out = attend_block(
                q, kv_rows, bias, attn_sink, cos, sin, even_select, odd_select, out,
                t // S, t % S, (i % HEAD_BLOCKS) * HEAD_CHUNK,
            )  # fmt: skip
        return out

    # ------------------------------------------------------------------------------- the two entries
    @pl.jit
    def sparse_attention(
        q: Heads, win_kv: WinKv, cmp_kv: CmpKv, idx: Idx, attn_sink: Sink,
        cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector,
        out: pl.Out[Heads],
    ):
        out = attention_core(q, win_kv, cmp_kv, idx, attn_sink, cos, sin, even_select, odd_select, out)
        return out

    @pl.jit
    def sparse_attention_oproj(
        q: Heads, win_kv: WinKv, cmp_kv: CmpKv, idx: Idx, attn_sink: Sink,
        cos: Angle, sin: Angle, even_select: Selector, odd_select: Selector,
        wo_a: WoA, wo_b: WoB, wo_b_scale: WoBScale, attn_out: pl.Out[AttnOut],
    ):
        o = pl.create_tensor([B, S, H, HEAD_DIM], pl.BF16)
        o = attention_core(q, win_kv, cmp_kv, idx, attn_sink, cos, sin, even_select, odd_select, o)
        o_r = pl.create_tensor([T, O_R_COLS], pl.FP32)
        for i in pl.spmd(O_GROUPS * LORA_BLOCKS, name_hint="proj_a"):
            o_r = project_a_block(o, wo_a, o_r, i // LORA_BLOCKS, (i % LORA_BLOCKS) * LORA_CHUNK)
        o_i8 = pl.create_tensor([T, O_R_COLS], pl.INT8)
        act_scale = pl.create_tensor([T, 1], pl.FP32)
        for i in pl.spmd(T // QUANT_ROWS, name_hint="quant"):
            o_i8, act_scale = quant_rows(o_r, o_i8, act_scale, i * QUANT_ROWS)
        for i in pl.spmd(D // OUT_CHUNK, name_hint="proj_b"):
            attn_out = project_b_block(o_i8, act_scale, wo_b, wo_b_scale, attn_out, i * OUT_CHUNK)
        return attn_out

    return SparseAttention(cfg, sparse_attention, sparse_attention_oproj)
