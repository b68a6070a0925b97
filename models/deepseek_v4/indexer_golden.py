"""Torch golden of the lightning indexer's scoring + top-k (KERNELS.md §4; the §3 compressor excluded).

It rounds where the kernel rounds and nowhere else: the int8 projection is exact (i32), dequantised in f32
as `f32(acc) · qr_scale · wq_b_scale`; RoPE rotates the f32 pairs (`ev·cos − od·sin`, `ev·sin + od·cos`) and
rounds to bf16, the other channels are rounded to bf16; the hadamard product accumulates in f32
(`matmul_f32`, BLAS-independent since it feeds the quantisation).  Int8 quantisation divides tensor by
tensor (torch's `127 / t` would multiply by a reciprocal, the kernel divides): amax = max(|x|, 1e-4),
x_i8 = int8(fp16(int32(round_half_even(x · (127/amax))))), scale = amax/127.  Scores are
`Σ_h relu(f32(q·k) · q_scale · k_scale) · w_h` in f32; the head sum and the matmuls may associate
differently from the kernel, which the KERNELS.md tolerance (atol 1e-4, rtol 1/128) covers.
"""

from collections.abc import Mapping

import numpy as np
import torch

from ppc.runtime.golden import Comparator, ratio_allclose, topk_pair_compare

from .config import IndexerConfig
from .golden import matmul_f32

FLT_MAX = float(np.finfo(np.float32).max)
OUTPUTS = ("score", "topk_idxs")
SCORE_TOL = {"atol": 1e-4, "rtol": 1 / 128}  # KERNELS.md "Tests per kernel": indexer score


def comparators(cfg: IndexerConfig) -> dict[str, Comparator]:
    """score within the KERNELS.md tolerance; top-k ids tie-aware: per row the ids (minus WIN) must point at
    the same multiset of golden scores (within the score tolerance) and the -1 padding must coincide."""
    return {
        "score": ratio_allclose(**SCORE_TOL),
        "topk_idxs": topk_pair_compare("score", offset=cfg.WIN, pad=-1, **SCORE_TOL),
    }


def visible_rows(cfg: IndexerConfig, start_pos: int) -> int:
    """L: compressed cache rows visible after this step's tokens."""
    return (start_pos + cfg.S) // cfg.RATIO


def quantize_rows(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-row (last axis) symmetric int8 of an f32 tensor: (x_i8, amax/127)."""
    amax = x.abs().amax(dim=-1, keepdim=True).clamp_min(1e-4)
    inv = torch.full_like(amax, 127.0) / amax
    x_i8 = torch.round(x * inv).to(torch.int32).to(torch.float16).to(torch.int8)
    return x_i8, amax / torch.full_like(amax, 127.0)


def rope_interleaved_bf16(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate the (2i, 2i+1) pairs of the last axis of f32 `x` by (cos_i, sin_i) (broadcast); bf16 result."""
    ev, od = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x, dtype=torch.bfloat16)
    out[..., 0::2] = (ev * cos - od * sin).to(torch.bfloat16)
    out[..., 1::2] = (ev * sin + od * cos).to(torch.bfloat16)
    return out


def query_int8(cfg: IndexerConfig, t: Mapping[str, object]) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-head int8 queries [B, S, IH, IDX_DIM] and their scales [B, S, IH, 1]."""
    B, S, IH, IDX_DIM, NOPE = cfg.B, cfg.S, cfg.IH, cfg.IDX_DIM, cfg.NOPE
    acc = t["qr"].to(torch.int32) @ t["wq_b"].to(torch.int32)
    q = (acc.float() * t["qr_scale"].float() * t["wq_b_scale"].float().view(1, -1)).view(B, S, IH, IDX_DIM)
    cos = t["cos"].float().view(1, S, 1, -1)
    sin = t["sin"].float().view(1, S, 1, -1)
    qb = torch.cat([q[..., :NOPE].to(torch.bfloat16), rope_interleaved_bf16(q[..., NOPE:], cos, sin)], dim=-1)
    return quantize_rows(matmul_f32(qb, t["hadamard"]))


def indexer(cfg: IndexerConfig, inputs: Mapping[str, object]) -> dict[str, torch.Tensor]:
    """`score` [B, S, CACHE_ROWS] f32 and `topk_idxs` [B, S, IDX_TOPK] i32 of one decode step."""
    B, S, IH = cfg.B, cfg.S, cfg.IH
    L = visible_rows(cfg, int(inputs["start_pos"]))
    q_i8, q_scale = query_int8(cfg, inputs)
    x = inputs["x"].float().reshape(cfg.TOKENS, cfg.D)
    w = matmul_f32(x, inputs["weights_proj"]) * torch.tensor(cfg.WEIGHTS_SCALE, dtype=torch.float32)
    k_i8, k_scale = quantize_rows(inputs["idx_kv_cache"][:, :L].float())  # [B, L, IDX_DIM], [B, L, 1]
    dots = torch.einsum("bshd,btd->bsht", q_i8.to(torch.int64), k_i8.to(torch.int64))
    scaled = dots.float() * q_scale * k_scale.view(B, 1, 1, L)
    visible = (torch.relu(scaled) * w.view(B, S, IH, 1)).sum(dim=2)  # [B, S, L]

    score = torch.full((B, S, cfg.CACHE_ROWS), -FLT_MAX, dtype=torch.float32)
    score[..., :L] = visible
    topk = torch.full((B, S, cfg.IDX_TOPK), -1, dtype=torch.int32)
    k = min(cfg.IDX_TOPK, L)
    if k:
        topk[..., :k] = visible.topk(k, dim=-1).indices.to(torch.int32) + cfg.WIN
    return {"score": score, "topk_idxs": topk}


def mismatches(cfg: IndexerConfig, got: Mapping[str, object], expected: Mapping[str, torch.Tensor]) -> list[str]:
    """One line per output outside its comparator; [] if both agree."""
    table = {name: expected[name].numpy() for name in OUTPUTS}
    problems = []
    for name, compare in comparators(cfg).items():
        c = compare(np.asarray(got[name]), table[name], table)
        if not c.passed:
            problems.append(f"{name}: {c.summary}")
    return problems
