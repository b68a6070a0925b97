"""Torch golden of the ratio-128 (HCA) KV compressor (KERNELS.md §1).

It rounds where the kernel rounds and nowhere else: the projections accumulate in f32 (bf16 operands are
upcast, so every product is exact), the pooled value, the RMSNorm·norm_w result and the RoPE result are
rounded to bf16, the hadamard rotation accumulates in f32, and the cache holds bf16.  Elementwise steps use
the same f32 operations in the same order as the kernel (RoPE: `ev·cos − od·sin`, `ev·sin + od·cos`; RMSNorm:
`x · recip(sqrt(mean(x²) + eps)) · w`).  The pooling is a direct softmax here and an online one (seeded with
slot R-1) in the kernel; with reduction order and exp ulps that is all that differs, far below one bf16 ulp.
The f32 matmuls of every golden go through `matmul_f32` / `einsum_f32`, so no golden depends on torch's BLAS.
`compressor_step` is written for an overlap factor so the ratio-4 compressor (§2) shares it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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


def einsum_f32(equation: str, *operands: torch.Tensor) -> torch.Tensor:
    """An f32 contraction computed in f64 and rounded once, so the golden does not depend on torch's BLAS:
    with operands of at most 24-bit significands the products are exact in f64, two summation orders differ
    by about 2^-53 relative, and the f32 roundings differ only when the sum falls within that of an f32
    rounding tie (an f32 matmul differs by ulps in every element and int8 quantisation amplifies them)."""
    return torch.einsum(equation, *(t.double() for t in operands)).float()


def matmul_f32(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """`a @ b` (a [..., K], b [K, N]) as `einsum_f32`."""
    return einsum_f32("...k,kn->...n", a, b)


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


def normed_roped_rotated(cfg: CompressorR128Config, pooled: torch.Tensor, t: Mapping[str, object]) -> torch.Tensor:
    """The compressed entry (f32) from the bf16 pooled head: RMSNorm·norm_w, RoPE on the last ROPE channels,
    then the hadamard rotation if `t["rotate"]`."""
    y = rmsnorm_bf16(pooled, t["norm_w"], cfg.EPS)
    y[:, cfg.NOPE :] = rope_interleaved_bf16(y[:, cfg.NOPE :], t["cos"], t["sin"])
    yf = y.float()
    if bool(t["rotate"]):
        yf = matmul_f32(yf, t["hadamard"])
    return yf


def pooling_window(state: torch.Tensor, R: int, head_dim: int, coff: int) -> torch.Tensor:
    """The [B, coff·R, head_dim] slots a completed window pools over: channel block k of slots kR..(k+1)R-1 for
    each k < coff.  coff 1: the whole state; coff 2 (overlap): the front half of the previous window's slots,
    then the back half of the current window's."""
    return torch.cat([state[:, k * R : (k + 1) * R, k * head_dim : (k + 1) * head_dim] for k in range(coff)], dim=1)


def compressor_step(cfg: CompressorR128Config, inputs: Mapping[str, object], coff: int = 1) -> dict[str, torch.Tensor]:
    """Run one decode step with overlap factor `coff` (1: ratio-128 HCA, §1; 2: ratio-4 CSA, §2); returns new
    `kv`, `kv_state`, `score_state`, `kv_cache` (inputs are not modified).  The states hold coff windows of R
    slots, oldest first; tokens go to the newest window, which after pooling moves down one window."""
    t = {k: (v.clone() if isinstance(v, torch.Tensor) else v) for k, v in inputs.items()}
    start_pos = int(t["start_pos"])
    kv_state, score_state, kv_cache = t["kv_state"], t["score_state"], t["kv_cache"]
    B, S, R, HD = cfg.B, cfg.S, cfg.R, cfg.HEAD_DIM
    current = (coff - 1) * R  # first slot of the newest window

    x = t["x"].float()
    kvp = matmul_f32(x, t["wkv"])  # [B, S, coff·HD] f32
    scp = matmul_f32(x, t["wgate"])
    ape = t["ape"].float()

    pre, compress = window_split(start_pos, S, R)

    def scatter(tokens: range) -> None:
        for s in tokens:
            r = (start_pos + s) % R
            kv_state[:, current + r] = kvp[:, s]
            score_state[:, current + r] = scp[:, s] + ape[r]

    scatter(range(pre))
    kv = torch.zeros(B, S, HD, dtype=torch.float32)
    if compress:
        window = [pooling_window(state, R, HD, coff) for state in (kv_state, score_state)]
        pooled = softmax_pool(*window).to(torch.bfloat16)
        for state in (kv_state, score_state):
            state[:, :current] = state[:, R:].clone()
        yf = normed_roped_rotated(cfg, pooled, t)
        kv[:, 0] = yf
        kv_cache[:, start_pos // R] = yf.to(torch.bfloat16)
        scatter(range(pre, S))
    return {"kv": kv, "kv_state": kv_state, "score_state": score_state, "kv_cache": kv_cache}


def compressor_r128(cfg: CompressorR128Config, inputs: Mapping[str, object]) -> dict[str, torch.Tensor]:
    """One decode step of the ratio-128 compressor (§1: no overlap)."""
    return compressor_step(cfg, inputs, coff=1)


def tolerance_problems(
    got: Mapping[str, object], expected: Mapping[str, torch.Tensor], compare: Mapping[str, Any], names: Iterable[str]
) -> list[str]:
    """One line per output in `names` outside its golden-harness comparator `compare[name]`; [] if all agree."""
    problems = []
    for name in names:
        c = compare[name](np.asarray(got[name]), expected[name].double().numpy(), {})
        if not c.passed:
            problems.append(f"{name}: {c.summary}")
    return problems


def mismatches(got: Mapping[str, object], expected: Mapping[str, torch.Tensor]) -> list[str]:
    """One line per output outside its KERNELS.md tolerance (`COMPARE`); [] if all agree."""
    return tolerance_problems(got, expected, COMPARE, OUTPUTS)
