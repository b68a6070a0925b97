"""Torch golden of the ratio-128 (HCA) KV compressor (KERNELS.md §1).

It rounds where the kernel rounds and nowhere else: the projections accumulate in f32 (bf16 operands are
upcast, so every product is exact), the pooled value, the RMSNorm·norm_w result and the RoPE result are
rounded to bf16, the hadamard rotation accumulates in f32, and the cache holds bf16.  Elementwise steps use
the same f32 operations in the same order as the kernel (RoPE: `ev·cos − od·sin`, `ev·sin + od·cos`; RMSNorm:
`x · recip(sqrt(mean(x²) + eps)) · w`).  The pooling is a direct softmax here and an online one (seeded with
slot R-1) in the kernel; with reduction order and exp ulps that is all that differs, far below one bf16 ulp.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch

from ppc.runtime.golden import ratio_allclose

from .config import CompressorR128Config

STATE_OUTPUTS = ("kv_state", "score_state")
OUTPUTS = ("kv", "kv_state", "score_state", "kv_cache")
# KERNELS.md "Tests per kernel": (atol, rtol) per output, as golden-harness comparators.
TOLERANCES = {"kv": (1e-4, 1 / 128), "kv_cache": (1e-4, 1 / 128), "kv_state": (1e-3, 1e-3), "score_state": (1e-3, 1e-3)}
COMPARE = {name: ratio_allclose(atol=atol, rtol=rtol) for name, (atol, rtol) in TOLERANCES.items()}


def window_split(start_pos: int, S: int, R: int) -> tuple[int, bool]:
    """(pre, compress): tokens that still belong to the current window, and whether it completes."""
    pos_in_window = start_pos % R
    return min(S, R - pos_in_window), pos_in_window + S >= R


def rmsnorm_bf16(x: torch.Tensor, w: torch.Tensor, eps: float) -> torch.Tensor:
    """bf16(x · recip(sqrt(mean(x²) + eps)) · w), computed in f32."""
    xf = x.float()
    mean_sq = (xf * xf).sum(-1, keepdim=True) * (1.0 / xf.shape[-1])
    rstd = torch.reciprocal(torch.sqrt(mean_sq + eps))
    return (xf * rstd * w.float()).to(torch.bfloat16)


def rope_interleaved_bf16(y: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate the (2i, 2i+1) pairs of the last axis by (cos_i, sin_i); f32 arithmetic, bf16 result."""
    yf = y.float()
    ev, od = yf[..., 0::2], yf[..., 1::2]
    c, s = cos.float().reshape(-1), sin.float().reshape(-1)
    out = torch.empty_like(yf)
    out[..., 0::2] = ev * c - od * s
    out[..., 1::2] = ev * s + od * c
    return out.to(torch.bfloat16)


def softmax_pool(kv_state: torch.Tensor, score_state: torch.Tensor) -> torch.Tensor:
    """Σ_r softmax_r(score[b, :, c]) · kv[b, r, c] per batch row and channel, in f32."""
    weights = torch.softmax(score_state.float(), dim=1)
    return (weights * kv_state.float()).sum(dim=1)


def compressor_r128(cfg: CompressorR128Config, inputs: Mapping[str, object]) -> dict[str, torch.Tensor]:
    """Run one decode step; returns new `kv`, `kv_state`, `score_state`, `kv_cache` (inputs are not modified)."""
    t = {k: (v.clone() if isinstance(v, torch.Tensor) else v) for k, v in inputs.items()}
    start_pos, rotate = int(t["start_pos"]), bool(t["rotate"])
    kv_state, score_state, kv_cache = t["kv_state"], t["score_state"], t["kv_cache"]
    B, S, R, HD = cfg.B, cfg.S, cfg.R, cfg.HEAD_DIM

    x = t["x"].float()
    kvp = x @ t["wkv"].float()  # [B, S, HD] f32
    scp = x @ t["wgate"].float()
    ape = t["ape"].float()

    pre, compress = window_split(start_pos, S, R)

    def scatter(tokens: range) -> None:
        for s in tokens:
            r = (start_pos + s) % R
            kv_state[:, r] = kvp[:, s]
            score_state[:, r] = scp[:, s] + ape[r]

    scatter(range(pre))
    kv = torch.zeros(B, S, HD, dtype=torch.float32)
    if compress:
        pooled = softmax_pool(kv_state, score_state).to(torch.bfloat16)
        y = rmsnorm_bf16(pooled, t["norm_w"], cfg.EPS)
        y[:, cfg.NOPE :] = rope_interleaved_bf16(y[:, cfg.NOPE :], t["cos"], t["sin"])
        yf = y.float()
        if rotate:
            yf = yf @ t["hadamard"].float()
        kv[:, 0] = yf
        kv_cache[:, start_pos // R] = yf.to(torch.bfloat16)
        scatter(range(pre, S))
    return {"kv": kv, "kv_state": kv_state, "score_state": score_state, "kv_cache": kv_cache}



def mismatches(got: Mapping[str, object], expected: Mapping[str, torch.Tensor]) -> list[str]:
    """One line per output outside its KERNELS.md tolerance (`COMPARE`); [] if all agree."""
    problems = []
    for name in OUTPUTS:
        c = COMPARE[name](np.asarray(got[name]), expected[name].double().numpy(), {})
        if not c.passed:
            problems.append(f"{name}: {c.summary}")
    return problems
