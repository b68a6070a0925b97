"""The sparse-attention golden against an independent float64 numpy evaluation of KERNELS.md §5.

The reference is written from the formula, not from the golden: per token it gathers the named rows in a
Python loop, takes a direct (not online) softmax over the real keys only with the sink in the denominator,
keeps the probabilities exact (no bf16 rounding), and rounds to bf16 only at the output and after the
inverse RoPE.  The golden must agree within the KERNELS.md attention tolerance.
"""

import dataclasses

import numpy as np
import pytest
import torch
from golden_checks import bf16, f64

from ppc.models.deepseek_v4 import sparse_attention_golden as golden
from ppc.models.deepseek_v4.config import SPARSE_ATTENTION_FULL as FULL
from ppc.models.deepseek_v4.config import SPARSE_ATTENTION_REDUCED as CFG
from ppc.models.deepseek_v4.sparse_attention_cases import CASES, make_inputs

TOL = {"atol": golden.ATOL, "rtol": golden.RTOL}


def reference(cfg, inp: dict) -> np.ndarray:
    """out [B, S, H, HEAD_DIM] in float64, bf16 at the output and after the inverse rotation."""
    q, win, cmp_ = f64(inp["q"]), f64(inp["win_kv"]), f64(inp["cmp_kv"])
    ids, sink = inp["idx"].numpy(), f64(inp["attn_sink"])
    cos, sin = f64(inp["cos"]), f64(inp["sin"])
    out = np.zeros((cfg.B, cfg.S, cfg.H, cfg.HEAD_DIM))
    for b in range(cfg.B):
        for s in range(cfg.S):
            keys = [win[b, i] if i < cfg.WIN else cmp_[b, i - cfg.WIN] for i in ids[b, s] if i >= 0]
            k = np.stack(keys)
            for h in range(cfg.H):
                scores = k @ q[b, s, h] / np.sqrt(cfg.HEAD_DIM)
                top = scores.max()
                w = np.exp(scores - top)
                o = bf16((w @ k) / (w.sum() + np.exp(sink[h] - top)))
                for i in range(cfg.ROPE // 2):
                    e, od = o[cfg.NOPE + 2 * i], o[cfg.NOPE + 2 * i + 1]
                    o[cfg.NOPE + 2 * i] = e * cos[b, s, i] + od * sin[b, s, i]
                    o[cfg.NOPE + 2 * i + 1] = od * cos[b, s, i] - e * sin[b, s, i]
                out[b, s, h] = np.concatenate([o[: cfg.NOPE], bf16(o[cfg.NOPE :])])
    return out


def within_tolerance(got: torch.Tensor, want: np.ndarray) -> bool:
    return golden.COMPARE["out"](f64(got), want, {}).passed


@pytest.mark.parametrize("key_tile", [CFG.KEY_TILE, 8, 64], ids=["tile16", "tile8", "tile64_padded_lanes"])
@pytest.mark.parametrize("case", CASES)
def test_golden_matches_float64_reference(case: str, key_tile: int):
    cfg = dataclasses.replace(CFG, KEY_TILE=key_tile)
    inp = make_inputs(cfg, case, seed=4)
    got = golden.sparse_attention(cfg, inp)["out"]
    want = reference(cfg, inp)
    assert within_tolerance(got, want)
    # Only bf16-probability rounding separates them: the bulk agrees far tighter than the tolerance.
    assert np.median(np.abs(f64(got) - want)) < 2e-3


def test_cases_cover_padding_and_an_all_padding_compressed_row():
    dense, padded = (make_inputs(CFG, c, seed=0)["idx"] for c in CASES)
    assert (dense >= 0).all()
    assert (padded == -1).any() and (padded[..., : CFG.WIN] == -1).any()
    assert (padded[CFG.B - 1, 0, CFG.WIN :] == -1).all()
    assert ((padded[..., : CFG.WIN] >= 0).sum(-1) >= 1).all()
    real = padded[padded >= 0]
    assert real.max() < CFG.WIN + CFG.CACHE_ROWS
    assert (padded[..., CFG.WIN :][padded[..., CFG.WIN :] >= 0] >= CFG.WIN).all()


def test_padding_ids_are_masked_not_read():
    """Rows no id of batch B-1 names (padding included) can hold anything without changing its output."""
    inp = make_inputs(CFG, "padded", seed=1)
    base = golden.sparse_attention(CFG, inp)["out"]
    all_ids = {int(i) for i in inp["idx"][CFG.B - 1].flatten() if i >= 0}
    unused_win = [r for r in range(CFG.WIN) if r not in all_ids]
    unused_cmp = [r for r in range(CFG.CACHE_ROWS) if r + CFG.WIN not in all_ids]
    assert unused_win and unused_cmp
    changed = dict(inp)
    changed["win_kv"] = inp["win_kv"].clone()
    changed["cmp_kv"] = inp["cmp_kv"].clone()
    changed["win_kv"][CFG.B - 1, unused_win] = 100.0
    changed["cmp_kv"][CFG.B - 1, unused_cmp] = 100.0
    assert torch.equal(golden.sparse_attention(CFG, changed)["out"][CFG.B - 1], base[CFG.B - 1])


def test_sink_takes_mass_but_adds_no_value():
    """A very negative sink is the plain softmax; the drawn sinks shrink every head's output norm."""
    inp = make_inputs(CFG, "dense", seed=2)
    no_sink = dict(inp, attn_sink=torch.full((CFG.H,), -1e4))
    with_sink = golden.sparse_attention(CFG, inp)["out"].float()[..., : CFG.NOPE]
    plain = golden.sparse_attention(CFG, no_sink)["out"].float()[..., : CFG.NOPE]
    assert (with_sink.norm(dim=-1) < plain.norm(dim=-1)).all()
    ratio = with_sink.norm(dim=-1) / plain.norm(dim=-1)
    assert ratio.min() < 0.9  # the sinks are large enough to matter


def test_inverse_rope_undoes_the_forward_rotation():
    theta = torch.randn(1, 1, CFG.ROPE // 2)
    y = torch.randn(1, 1, 3, CFG.ROPE)
    fwd = torch.empty_like(y)
    c, s = torch.cos(theta)[:, :, None], torch.sin(theta)[:, :, None]
    fwd[..., 0::2] = y[..., 0::2] * c - y[..., 1::2] * s
    fwd[..., 1::2] = y[..., 0::2] * s + y[..., 1::2] * c
    back = golden.inverse_rope_bf16(fwd, torch.cos(theta), torch.sin(theta)).float()
    np.testing.assert_allclose(back.numpy(), y.numpy(), atol=2e-2, rtol=1 / 128)


def test_full_config_matches_deepseek_v4_flash():
    assert (FULL.B, FULL.S, FULL.H, FULL.HEAD_DIM, FULL.NOPE, FULL.ROPE, FULL.WIN, FULL.TOPK) == (
        64, 2, 64, 512, 448, 64, 128, 512
    )
    assert (FULL.KEY_TILE, FULL.NK, FULL.KEY_TILES) == (64, 640, 10)
    assert (CFG.B, CFG.S, CFG.H, CFG.HEAD_DIM, CFG.WIN, CFG.TOPK, CFG.CACHE_ROWS) == (2, 2, 4, 128, 16, 16, 32)
    with pytest.raises(ValueError, match="HEAD_CHUNK"):
        dataclasses.replace(FULL, HEAD_CHUNK=24)


def reference_oproj(cfg, inp: dict, attention: np.ndarray) -> np.ndarray:
    """attn_out [B, S, D] in float64 from the attention output: per group its heads' outputs side by side
    times wo_a[g]ᵀ, per-row int8 of the whole row (amax floor 1e-4, round half to even), integer GEMM with
    wo_b, both scales, bf16."""
    T = cfg.B * cfg.S
    o = attention.reshape(T, cfg.O_GROUPS, cfg.O_GROUP_IN)
    o_r = np.concatenate([o[:, g] @ f64(inp["wo_a"][g]).T for g in range(cfg.O_GROUPS)], axis=1)
    amax = np.maximum(np.abs(o_r).max(axis=1, keepdims=True), 1e-4)
    q = np.rint(o_r * 127.0 / amax)
    assert np.abs(q).max() <= 127
    acc = q @ f64(inp["wo_b"]).T
    return bf16(acc * (amax / 127.0) * f64(inp["wo_b_scale"])[None]).reshape(cfg.B, cfg.S, cfg.D)


@pytest.mark.parametrize("case", CASES)
def test_oproj_golden_matches_float64_reference(case: str):
    """The projection is checked from the golden's own (bf16) attention output, which the test above ties
    to the float64 core: a one-ulp bf16 difference of the attention flips int8 roundings downstream, so
    chaining both float64 references would test the quantiser's sensitivity, not the golden."""
    inp = make_inputs(CFG, case, seed=7)
    got = golden.sparse_attention_oproj(CFG, inp)["attn_out"]
    want = reference_oproj(CFG, inp, f64(golden.sparse_attention(CFG, inp)["out"]))
    assert golden.COMPARE["attn_out"](f64(got), want, {}).passed
    assert np.abs(f64(got) - want).max() < 1e-2
    assert np.abs(want).mean() > 0.05  # a non-trivial projection


def test_int8_row_quant_recipe():
    x = torch.tensor([[0.0, 0.0, 0.0], [1.0, -0.5, 0.25], [2.0, 1.0 / 127 * 2 * 0.5, -2.0]])
    q, scale = golden.quant_int8_rows(x)
    assert q.dtype == torch.int8
    assert q[0].tolist() == [0, 0, 0] and scale[0, 0] == pytest.approx(1e-4 / 127)  # amax floor
    assert q[1].tolist() == [127, -64, 32]  # 63.5 -> 64, 31.75 -> 32
    assert q[2].tolist() == [127, 0, -127]  # 0.5 rounds half to even
    np.testing.assert_allclose((q.float() * scale).numpy(), x.numpy(), atol=float(scale.max()) / 2 + 1e-7)
