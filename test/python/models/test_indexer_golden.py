"""The lightning indexer's torch golden against an independent float64 numpy evaluation of KERNELS.md §4.

The reference is written from the formula, not from the golden: exact integer projections, the pairwise
rotation element by element, bf16 rounding only at the kernel's rounding points, the int8 recipe in
float64 and a per-row descending argsort for the top-k.
"""

import numpy as np
import pytest
import torch
from golden_checks import bf16, f64

from ppc.models.deepseek_v4 import indexer_golden as golden
from ppc.models.deepseek_v4.config import INDEXER_FULL, INDEXER_REDUCED
from ppc.models.deepseek_v4.indexer_cases import make_inputs, start_pos_cases

CFG = INDEXER_REDUCED
CASES = start_pos_cases(CFG)


def quantize(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 per row of f32-representable x. Rounding to int is discontinuous, so x·(127/amax) is formed in
    f32 as the kernel forms it (in float64 a value within an f32 ulp of a .5 boundary would round the other
    way and move a score by ~1%); everything else stays float64."""
    xf = x.astype(np.float32)
    amax = np.maximum(np.abs(xf).max(axis=-1, keepdims=True), np.float32(1e-4))
    scaled = xf * (np.float32(127.0) / amax)
    return np.rint(scaled.astype(np.float64)), amax.astype(np.float64) / 127.0


def reference(inp: dict) -> dict[str, np.ndarray]:
    """KERNELS.md §4 in float64, rounded to bf16 after RoPE / for the non-rotated channels."""
    B, S, IH, IDX, NOPE = CFG.B, CFG.S, CFG.IH, CFG.IDX_DIM, CFG.NOPE
    acc = inp["qr"].numpy().astype(np.int64) @ inp["wq_b"].numpy().astype(np.int64)
    q = (acc * f64(inp["qr_scale"]) * f64(inp["wq_b_scale"])[None, :]).reshape(B, S, IH, IDX)
    cos, sin = f64(inp["cos"]), f64(inp["sin"])
    qb = bf16(q)
    for s in range(S):
        for i in range(CFG.ROPE // 2):
            a, b = q[:, s, :, NOPE + 2 * i], q[:, s, :, NOPE + 2 * i + 1]
            qb[:, s, :, NOPE + 2 * i] = bf16(a * cos[s, i] - b * sin[s, i])
            qb[:, s, :, NOPE + 2 * i + 1] = bf16(a * sin[s, i] + b * cos[s, i])
    q_i8, q_scale = quantize(qb @ f64(inp["hadamard"]))
    w = np.einsum("bsd,dh->bsh", f64(inp["x"]), f64(inp["weights_proj"])) * IDX**-0.5 * IH**-0.5
    L = (inp["start_pos"] + S) // CFG.RATIO
    k_i8, k_scale = quantize(f64(inp["idx_kv_cache"])[:, :L])
    score = np.full((B, S, CFG.CACHE_ROWS), -np.finfo(np.float32).max, dtype=np.float64)
    topk = np.full((B, S, CFG.IDX_TOPK), -1, dtype=np.int64)
    k = min(CFG.IDX_TOPK, L)
    for b in range(B):
        for s in range(S):
            dots = q_i8[b, s] @ k_i8[b].T  # [IH, L]
            row = (np.maximum(dots * q_scale[b, s] * k_scale[b].T, 0.0) * w[b, s][:, None]).sum(axis=0)
            score[b, s, :L] = row
            topk[b, s, :k] = np.argsort(-row, kind="stable")[:k] + CFG.WIN
    return {"score": score, "topk_idxs": topk}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_matches_float64_reference(case: str):
    inp = make_inputs(CFG, CASES[case], seed=3)
    got = golden.indexer(CFG, inp)
    ref = reference(inp)
    assert got["score"].dtype == torch.float32 and got["topk_idxs"].dtype == torch.int32
    table = {"score": ref["score"]}
    for name, compare in golden.comparators(CFG).items():
        c = compare(got[name].numpy(), ref[name], table)
        assert c.passed, f"{name}: {c.summary}"


def test_cases_cover_padding_and_long_rows():
    L = {case: golden.visible_rows(CFG, sp) for case, sp in CASES.items()}
    assert L["empty"] == 0
    assert 0 < L["short"] < CFG.IDX_TOPK
    assert CFG.IDX_TOPK < L["long"] < CFG.CACHE_ROWS and L["long"] % CFG.KEY_CHUNK
    assert L["full"] == CFG.CACHE_ROWS
    assert golden.visible_rows(INDEXER_FULL, start_pos_cases(INDEXER_FULL)["short"]) < INDEXER_FULL.IDX_TOPK


def test_padding_past_visible_rows():
    inp = make_inputs(CFG, CASES["short"], seed=0)
    L = golden.visible_rows(CFG, CASES["short"])
    got = golden.indexer(CFG, inp)
    assert (got["score"][..., L:] == -np.finfo(np.float32).max).all()
    assert (got["score"][..., :L] > -1e30).all()
    assert (got["topk_idxs"][..., L:] == -1).all()
    ids = got["topk_idxs"][..., :L]
    assert ((ids >= CFG.WIN) & (ids < CFG.WIN + L)).all()


def test_quantize_rows_recipe():
    x = torch.tensor([[2.5 / 127, 1.0, -0.5, 0.0], [0.0, 0.0, 0.0, 0.0], [-3.0, 1.5, 0.75, 3.0]])
    q, scale = golden.quantize_rows(x)
    assert q.dtype == torch.int8
    # row 0: amax 1 -> 2.5 rounds half to even (2), -63.5 -> -64; row 1: amax floored at 1e-4.
    assert q.tolist() == [[2, 127, -64, 0], [0, 0, 0, 0], [-127, 64, 32, 127]]
    expected_scale = np.array([[1.0], [1e-4], [3.0]], dtype=np.float32) / np.float32(127.0)
    np.testing.assert_array_equal(scale.numpy(), expected_scale)


def test_comparators_reject_wrong_answers():
    """The comparisons the kernel tests rely on can fail: a shifted id, a wrong pad, a perturbed score."""
    inp = make_inputs(CFG, CASES["long"], seed=0)
    got = golden.indexer(CFG, inp)
    assert golden.mismatches(CFG, got, got) == []
    for mutate in (
        lambda g: g["topk_idxs"].sub_(1),  # off-by-one WIN offset
        lambda g: g["topk_idxs"].__setitem__((0, 0, CFG.IDX_TOPK - 1), -1),  # padding where an id belongs
        lambda g: g["score"].__setitem__((1, 1, 3), g["score"][1, 1, 3] * 1.02 + 1e-3),  # 2% score error
    ):
        bad = {k: v.clone() for k, v in got.items()}
        mutate(bad)
        assert golden.mismatches(CFG, bad, got) != []
