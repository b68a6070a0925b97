"""The ratio-128 compressor's torch golden against an independent float64 numpy evaluation of KERNELS.md §1.

The reference below is written from the formula, not from the golden: direct exp-weighted sums over the
128 slots, RMSNorm and the pairwise rotation element by element, all in float64, rounded to bf16 only at
the kernel's rounding points (pooled, normed, roped, cache).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from golden_checks import (
    assert_compressor_matches, assert_only_token_slots_written, assert_rotation_is_the_hadamard,
    assert_window_positions, bf16, compressor_start, f64,
)  # fmt: skip

from ppc.models.deepseek_v4 import golden
from ppc.models.deepseek_v4.cases import make_inputs, pair_selectors, start_pos_cases
from ppc.models.deepseek_v4.config import FULL, REDUCED

CFG = REDUCED
CASES = start_pos_cases(CFG)


def reference(inp: dict) -> dict[str, np.ndarray]:
    """KERNELS.md §1 in float64 with bf16 rounding at the kernel's rounding points."""
    B, S, R, NOPE, HD = CFG.B, CFG.S, CFG.R, CFG.NOPE, CFG.HEAD_DIM
    start_pos, rotate = inp["start_pos"], inp["rotate"]
    kv_state, score_state, cache, kvp, scp, ape = compressor_start(inp)

    pos_in = start_pos % R
    pre = min(S, R - pos_in)
    kv = np.zeros((B, S, HD))
    for s in range(pre):
        kv_state[:, (start_pos + s) % R] = kvp[:, s]
        score_state[:, (start_pos + s) % R] = scp[:, s] + ape[(start_pos + s) % R]
    if pos_in + S >= R:
        w = np.exp(score_state - score_state.max(axis=1, keepdims=True))
        pooled = bf16((w * kv_state).sum(axis=1) / w.sum(axis=1))
        y = bf16(pooled / np.sqrt((pooled**2).mean(axis=1, keepdims=True) + CFG.EPS) * f64(inp["norm_w"]))
        cos, sin = f64(inp["cos"])[0], f64(inp["sin"])[0]
        roped = y.copy()
        for i in range(CFG.ROPE // 2):
            a, b = y[:, NOPE + 2 * i], y[:, NOPE + 2 * i + 1]
            roped[:, NOPE + 2 * i] = a * cos[i] - b * sin[i]
            roped[:, NOPE + 2 * i + 1] = a * sin[i] + b * cos[i]
        y[:, NOPE:] = bf16(roped[:, NOPE:])
        if rotate:
            y = y @ f64(inp["hadamard"])
        kv[:, 0] = y
        cache[:, start_pos // R] = bf16(y)
        for s in range(pre, S):
            kv_state[:, (start_pos + s) % R] = kvp[:, s]
            score_state[:, (start_pos + s) % R] = scp[:, s] + ape[(start_pos + s) % R]
    return {"kv": kv, "kv_state": kv_state, "score_state": score_state, "kv_cache": cache}


def run(case: str, rotate: bool, seed: int = 0) -> tuple[dict, dict, dict]:
    inp = make_inputs(CFG, CASES[case], rotate, seed)
    return inp, golden.compressor_r128(CFG, inp), reference(inp)


def test_cases_cover_the_three_window_positions():
    R, S = CFG.R, CFG.S
    assert_window_positions(CASES, R, S)
    assert golden.window_split(CASES["none"], S, R) == (S, False)
    assert golden.window_split(CASES["aligned"], S, R) == (S, True)
    assert golden.window_split(CASES["crossing"], S, R) == (1, True)


@pytest.mark.parametrize("case", ["none", "aligned", "crossing"])
@pytest.mark.parametrize("rotate", [False, True])
def test_golden_matches_float64_reference(case: str, rotate: bool):
    _, got, want = run(case, rotate)
    assert_compressor_matches(got, want)


def test_no_compression_only_touches_the_token_slots():
    inp, got, _ = run("none", rotate=True)
    slots = [(CASES["none"] + s) % CFG.R for s in range(CFG.S)]
    assert_only_token_slots_written(inp, got, slots, CFG.R)


@pytest.mark.parametrize("case", ["aligned", "crossing"])
def test_compression_writes_kv_row_0_and_cache_row(case: str):
    inp, got, _ = run(case, rotate=True)
    row = CASES[case] // CFG.R
    assert row == 1
    assert got["kv"][:, 0].count_nonzero() > 0.99 * got["kv"][:, 0].numel()
    assert not got["kv"][:, 1:].any()
    assert torch.equal(got["kv_cache"][:, row], got["kv"][:, 0].to(torch.bfloat16))
    others = [i for i in range(CFG.CACHE_ROWS) if i != row]
    assert torch.equal(got["kv_cache"][:, others], inp["kv_cache"][:, others])


def test_crossing_fills_the_next_window_after_pooling():
    """Token 0 completes the window (slot R-1); token 1 opens the next one in slot 0, which must not have
    taken part in the pooling: pooling the states as they are *after* the step gives a different kv."""
    inp, got, _ = run("crossing", rotate=False)
    x = inp["x"].float()
    np.testing.assert_allclose(got["kv_state"][:, 0], (x[:, 1] @ inp["wkv"].float()), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got["kv_state"][:, CFG.R - 1], (x[:, 0] @ inp["wkv"].float()), rtol=1e-5, atol=1e-5)
    after = golden.softmax_pool(got["kv_state"], got["score_state"]).to(torch.bfloat16)
    normed_after = golden.rmsnorm_bf16(after, inp["norm_w"], CFG.EPS).float()
    assert not torch.allclose(normed_after[:, : CFG.NOPE], got["kv"][:, 0, : CFG.NOPE])


def test_rotation_is_the_hadamard_of_the_unrotated_result():
    assert_rotation_is_the_hadamard(run)


def test_rope_selectors_deinterleave_pairs():
    even, odd = pair_selectors(CFG.ROPE)
    y = torch.arange(CFG.ROPE, dtype=torch.float32)[None]
    assert torch.equal(y @ even.float(), y[:, 0::2])
    assert torch.equal(y @ odd.float(), y[:, 1::2])


def test_full_config_matches_deepseek_v4_flash():
    assert (FULL.B, FULL.S, FULL.D, FULL.HEAD_DIM, FULL.NOPE, FULL.ROPE, FULL.R, FULL.MAX_SEQ) == (
        64, 2, 4096, 512, 448, 64, 128, 8192
    )
    assert (FULL.K_CHUNK, FULL.OUT_CHUNK, FULL.BATCH_CHUNK_0, FULL.BATCH_CHUNK_1, FULL.HEAD_CHUNK) == (512, 64, 64, 16, 64)
    assert FULL.CACHE_ROWS == 64
    with pytest.raises(ValueError, match="OUT_CHUNK"):
        type(FULL)(**{**FULL.__dict__, "OUT_CHUNK": 48})
