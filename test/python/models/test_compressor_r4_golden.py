"""The ratio-4 compressor's torch golden against an independent float64 numpy evaluation of KERNELS.md §2.

The reference below is written from the formula, not from the golden: tokens into slot 4 + r, the 8-slot
overlapped window as an explicit concatenation of the front half of slots 0-3 and the back half of slots 4-7,
direct exp-weighted sums, the shift of slots 4-7 to 0-3, RMSNorm and the pairwise rotation element by element,
all in float64 and rounded to bf16 only at the kernel's rounding points (pooled, normed, roped, cache).
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
from ppc.models.deepseek_v4.compressor_r4_cases import make_inputs, start_pos_cases
from ppc.models.deepseek_v4.compressor_r4_golden import compressor_r4
from ppc.models.deepseek_v4.config import FULL_R4, REDUCED_R4, CompressorR4Config

CFG = REDUCED_R4
CASES = start_pos_cases(CFG)


def reference(inp: dict) -> dict[str, np.ndarray]:
    """KERNELS.md §2 in float64 with bf16 rounding at the kernel's rounding points."""
    B, S, R, NOPE, HD = CFG.B, CFG.S, CFG.R, CFG.NOPE, CFG.HEAD_DIM
    start_pos, rotate = inp["start_pos"], inp["rotate"]
    kv_state, score_state, cache, kvp, scp, ape = compressor_start(inp)

    def put(s: int) -> None:
        r = (start_pos + s) % R
        kv_state[:, 4 + r] = kvp[:, s]
        score_state[:, 4 + r] = scp[:, s] + ape[r]

    pos_in = start_pos % R
    pre = min(S, R - pos_in)
    kv = np.zeros((B, S, HD))
    for s in range(pre):
        put(s)
    if pos_in + S >= R:
        kv8 = np.concatenate([kv_state[:, 0:4, 0:HD], kv_state[:, 4:8, HD : 2 * HD]], axis=1)
        sc8 = np.concatenate([score_state[:, 0:4, 0:HD], score_state[:, 4:8, HD : 2 * HD]], axis=1)
        w = np.exp(sc8 - sc8.max(axis=1, keepdims=True))
        pooled = bf16((w * kv8).sum(axis=1) / w.sum(axis=1))
        kv_state[:, 0:4] = kv_state[:, 4:8].copy()
        score_state[:, 0:4] = score_state[:, 4:8].copy()
        y = bf16(pooled / np.sqrt((pooled**2).mean(axis=1, keepdims=True) + CFG.EPS) * f64(inp["norm_w"]))
        pairs = y[:, NOPE:].reshape(B, -1, 2)  # (2i, 2i+1) as complex a + ib, rotated by e^(i·theta_i)
        rotated = (pairs[..., 0] + 1j * pairs[..., 1]) * (f64(inp["cos"])[0] + 1j * f64(inp["sin"])[0])
        y[:, NOPE:] = bf16(np.stack([rotated.real, rotated.imag], axis=-1).reshape(B, -1))
        if rotate:
            y = y @ f64(inp["hadamard"])
        kv[:, 0] = y
        cache[:, start_pos // 4] = bf16(y)
        for s in range(pre, S):
            put(s)
    return {"kv": kv, "kv_state": kv_state, "score_state": score_state, "kv_cache": cache}


def run(case: str, rotate: bool, seed: int = 0) -> tuple[dict, dict, dict]:
    inp = make_inputs(CFG, CASES[case], rotate, seed)
    return inp, compressor_r4(CFG, inp), reference(inp)


def test_cases_cover_the_three_window_positions():
    assert_window_positions(CASES, CFG.R, CFG.S)
    assert CASES["aligned"] // CFG.R == CASES["crossing"] // CFG.R == 5


@pytest.mark.parametrize("case", ["none", "aligned", "crossing"])
@pytest.mark.parametrize("rotate", [False, True])
def test_golden_matches_float64_reference(case: str, rotate: bool):
    _, got, want = run(case, rotate)
    assert_compressor_matches(got, want)


def test_no_compression_only_touches_current_window_token_slots():
    inp, got, _ = run("none", rotate=True)
    slots = [CFG.R + (CASES["none"] + s) % CFG.R for s in range(CFG.S)]
    assert_only_token_slots_written(inp, got, slots, CFG.STATE_LEN)


def test_aligned_shifts_the_current_window_down():
    """After pooling, slots 0-3 hold what slots 4-7 held (including this step's tokens), and 4-7 are unchanged."""
    inp, got, _ = run("aligned", rotate=False)
    R = CFG.R
    for name in golden.STATE_OUTPUTS:
        assert torch.equal(got[name][:, :R], got[name][:, R:])
        assert torch.equal(got[name][:, R : R + 2], inp[name][:, R : R + 2])  # slots 4, 5: not written (pos%4 = 2)
    kvp = inp["x"].float() @ inp["wkv"].float()
    np.testing.assert_allclose(got["kv_state"][:, R - 1], kvp[:, 1], rtol=1e-5, atol=1e-5)


def test_crossing_writes_the_next_window_after_the_shift():
    """Token 0 completes the window in slot 7; token 1 opens the next one in slot 4, after slots 4-7 moved down."""
    inp, got, _ = run("crossing", rotate=False)
    R = CFG.R
    kvp = inp["x"].float() @ inp["wkv"].float()
    np.testing.assert_allclose(got["kv_state"][:, R - 1], kvp[:, 0], rtol=1e-5, atol=1e-5)  # shifted from slot 7
    np.testing.assert_allclose(got["kv_state"][:, R], kvp[:, 1], rtol=1e-5, atol=1e-5)
    assert torch.equal(got["kv_state"][:, 1:R], got["kv_state"][:, R + 1 :])
    assert torch.equal(got["kv_state"][:, 0], inp["kv_state"][:, R])


@pytest.mark.parametrize(
    ("slots", "channels", "pooled"),
    [("previous", "front", True), ("previous", "back", False), ("current", "front", False), ("current", "back", True)],
)
def test_pool_reads_front_of_previous_and_back_of_current_window(slots: str, channels: str, pooled: bool):
    """Changing a quarter of the state changes kv exactly when that quarter belongs to the overlapped window."""
    R, HD = CFG.R, CFG.HEAD_DIM
    inp = make_inputs(CFG, CASES["aligned"], rotate=False)
    base = compressor_r4(CFG, inp)["kv"]
    slot_range = slice(0, R) if slots == "previous" else slice(R, R + 2)  # slots 2R-2, 2R-1 take the tokens
    chan_range = slice(0, HD) if channels == "front" else slice(HD, 2 * HD)
    changed = dict(inp, kv_state=inp["kv_state"].clone())
    changed["kv_state"][:, slot_range, chan_range] += 3.0
    assert torch.equal(compressor_r4(CFG, changed)["kv"], base) != pooled


def test_rotation_is_the_hadamard_of_the_unrotated_result():
    assert_rotation_is_the_hadamard(run)


def test_configs():
    assert (FULL_R4.B, FULL_R4.S, FULL_R4.D, FULL_R4.HEAD_DIM, FULL_R4.NOPE, FULL_R4.ROPE, FULL_R4.R) == (
        64, 2, 4096, 512, 448, 64, 4
    )
    assert (FULL_R4.OUT_DIM, FULL_R4.STATE_LEN, FULL_R4.MAX_SEQ, FULL_R4.CACHE_ROWS) == (1024, 8, 8192, 2048)
    assert (REDUCED_R4.HEAD_DIM, REDUCED_R4.OUT_DIM, REDUCED_R4.STATE_LEN, REDUCED_R4.CACHE_ROWS) == (128, 256, 8, 128)
    with pytest.raises(ValueError, match="COFF"):
        CompressorR4Config(**{**FULL_R4.__dict__, "COFF": 3})
    with pytest.raises(ValueError, match="OUT_CHUNK"):
        CompressorR4Config(**{**FULL_R4.__dict__, "OUT_CHUNK": 48})
