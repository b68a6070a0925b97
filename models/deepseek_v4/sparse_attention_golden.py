"""Torch golden of the sparse attention (KERNELS.md §5): the core (`sparse_attention`) and the core followed by
the grouped output projection (`sparse_attention_oproj`).

It rounds where the kernel rounds and nowhere else, and runs the same online softmax: per KEY_TILE-key tile
scores = q·Kᵀ·HEAD_DIM^-0.5 + bias (0 real key, NEG_BIG padding) in f32, running max / denominator in f32,
probabilities rounded to bf16 for P·V (which accumulates in f32), flash merge; then the per-head sink
joins the denominator only, the output is rounded to bf16, and its last ROPE channels get the conjugate
interleaved rotation of the token's position in f32, rounded to bf16.  Only matmul reduction order and exp
ulps differ from the kernel.  The projection: o_r = per group g, its heads' outputs side by side @ wo_a[g]ᵀ
(f32); per-row int8 over the whole O_GROUPS·O_LORA row (amax floored at 1e-4, sq = 127 / amax,
int8(fp16(int32(rint(x·sq)))), act scale recip(sq)); int32 GEMM with wo_b; bf16(f32(acc)·act·wo_b_scale).
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from ppc.runtime.golden import ratio_allclose

from .config import SparseAttentionConfig
from .golden import einsum_f32, tolerance_problems
from .sparse_attention import INT8_AMAX_EPS, INT8_SCALE_MAX, NEG_BIG

OUTPUTS = ("out",)
OPROJ_OUTPUTS = ("attn_out",)
# KERNELS.md "Tests per kernel": attention outputs rtol 2/128, atol 3e-3, at most 0.8% of points outside.
ATOL, RTOL, MAX_ERROR_RATIO = 3e-3, 2 / 128, 0.008
COMPARE = {name: ratio_allclose(atol=ATOL, rtol=RTOL, max_error_ratio=MAX_ERROR_RATIO) for name in ("out", "attn_out")}


def gather_keys(cfg: SparseAttentionConfig, inputs: Mapping[str, object]) -> tuple[torch.Tensor, torch.Tensor]:
    """(rows [B, S, NK_PAD, HEAD_DIM] f32, valid [B, S, NK_PAD] bool): the rows the index list names, zero
    rows for padding ids and for the lanes that round NK up to whole key tiles."""
    ids = inputs["idx"].long()
    # Window rows then compressed rows: id WIN+j is row WIN+j of the concatenation.
    table = torch.cat([inputs["win_kv"].float(), inputs["cmp_kv"].float()], dim=1)
    valid = ids >= 0
    rows = torch.stack([table[b][ids[b].clamp(min=0)] for b in range(cfg.B)])
    rows = rows * valid[..., None]
    pad = cfg.NK_PAD - cfg.NK
    rows = torch.nn.functional.pad(rows, (0, 0, 0, pad))
    valid = torch.nn.functional.pad(valid, (0, pad), value=False)
    return rows, valid


def inverse_rope_bf16(y: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Conjugate rotation of the (2i, 2i+1) pairs of the last axis: (e·c + o·s, o·c − e·s), f32, bf16 result.
    y [B, S, H, ROPE]; cos/sin [B, S, ROPE/2] (broadcast over heads)."""
    yf = y.float()
    ev, od = yf[..., 0::2], yf[..., 1::2]
    c, s = cos.float()[:, :, None], sin.float()[:, :, None]
    out = torch.empty_like(yf)
    out[..., 0::2] = ev * c + od * s
    out[..., 1::2] = od * c - ev * s
    return out.to(torch.bfloat16)


def sparse_attention(cfg: SparseAttentionConfig, inputs: Mapping[str, object]) -> dict[str, torch.Tensor]:
    """The attention output `out` [B, S, H, HEAD_DIM] bf16 (inputs are not modified)."""
    rows, valid = gather_keys(cfg, inputs)
    bias = torch.where(valid, 0.0, NEG_BIG).float()  # [B, S, NK_PAD]
    q = inputs["q"].float()  # [B, S, H, HD]
    scale = cfg.HEAD_DIM**-0.5
    m = den = acc = None
    for k0 in range(0, cfg.NK_PAD, cfg.KEY_TILE):
        kt = rows[:, :, k0 : k0 + cfg.KEY_TILE]  # [B, S, KT, HD]
        sc = einsum_f32("bshd,bskd->bshk", q, kt) * scale + bias[:, :, None, k0 : k0 + cfg.KEY_TILE]
        tile_max = sc.amax(-1, keepdim=True)
        m_new = tile_max if m is None else torch.maximum(m, tile_max)
        p = torch.exp(sc - m_new)
        pv = einsum_f32("bshk,bskd->bshd", p.to(torch.bfloat16), kt)
        if m is None:
            den, acc = p.sum(-1, keepdim=True), pv
        else:
            keep = torch.exp(m - m_new)
            den, acc = den * keep + p.sum(-1, keepdim=True), acc * keep + pv
        m = m_new
    sink = inputs["attn_sink"].float()[None, None, :, None]
    den = den + torch.exp(sink - m)
    out = (acc / den).to(torch.bfloat16)
    out[..., cfg.NOPE :] = inverse_rope_bf16(out[..., cfg.NOPE :], inputs["cos"], inputs["sin"])
    return {"out": out}


def quant_int8_rows(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(int8 rows, f32 dequant scale [rows, 1]): amax = max(|row|, 1e-4), sq = 127 / amax,
    q = int8(fp16(int32(rint(x·sq)))), scale = recip(sq)."""
    amax = x.abs().amax(-1, keepdim=True).clamp_min(INT8_AMAX_EPS)
    sq = torch.full_like(amax, INT8_SCALE_MAX) / amax
    q = torch.round(x * sq).to(torch.int32).to(torch.float16).to(torch.int8)
    return q, torch.reciprocal(sq)


def sparse_attention_oproj(cfg: SparseAttentionConfig, inputs: Mapping[str, object]) -> dict[str, torch.Tensor]:
    """`attn_out` [B, S, D] bf16: the core's output through wo_a (per head group), int8 per-row quant, wo_b."""
    T = cfg.B * cfg.S
    o = sparse_attention(cfg, inputs)["out"].float().reshape(T, cfg.O_GROUPS, cfg.O_GROUP_IN)
    o_r = einsum_f32("tgk,gnk->tgn", o, inputs["wo_a"]).reshape(T, cfg.O_GROUPS * cfg.O_LORA)
    o_i8, act_scale = quant_int8_rows(o_r)
    acc = o_i8.long() @ inputs["wo_b"].long().T  # exact integer GEMM
    y = acc.float() * act_scale * inputs["wo_b_scale"].float()[None]
    return {"attn_out": y.to(torch.bfloat16).reshape(cfg.B, cfg.S, cfg.D)}


def mismatches(got: Mapping[str, object], expected: Mapping[str, torch.Tensor]) -> list[str]:
    """One line per output in `expected` outside its KERNELS.md tolerance (`COMPARE`); [] if all agree."""
    return tolerance_problems(got, expected, COMPARE, expected)
