"""sort32 / mrgsort / gather place NaN where torch does: a descending torch.sort and torch.topk treat NaN
as larger than +inf, so NaN scores come first (in input order) instead of silently dropping to the end."""

from __future__ import annotations

import numpy as np
import torch

from rt_programs import run_tile_kernel, tile_type

P, F, I = tile_type((1, 128), "f32"), tile_type((1, 64), "f32"), tile_type((1, 64), "i32")
TOPK = (f"  %s = pl.sort32 %sc_t, %ix_t : ({F}, {I}) -> {P}\n"
        f"  %m = pl.mrgsort %s {{block_len = 32 : i64}} : ({P}) -> {P}\n"
        "  %res = pl.gather %m {PATTERN} : " f"({P}) -> RESULT")


def _scores() -> np.ndarray:
    scores = np.random.default_rng(5).permutation(64).astype(np.float32)
    scores[[3, 40, 41]] = np.nan  # NaNs in both sort32 groups
    scores[7], scores[50] = np.inf, -np.inf
    return scores.reshape(1, 64)


def _run(scores: np.ndarray, pattern: int) -> np.ndarray:
    dtype, result = ("i32", I) if pattern else ("f32", F)
    body = TOPK.replace("PATTERN", "mask_pattern = 2 : i64, output_dtype = i32" if pattern else "mask_pattern = 1 : i64").replace("RESULT", result)
    idx = np.arange(64, dtype=np.int32).reshape(1, 64)
    return run_tile_kernel({"sc": scores, "ix": idx}, (1, 64), dtype, body)


def test_topk_indices_and_values_match_torch_with_nan_and_inf():
    scores = _scores()
    want = torch.sort(torch.from_numpy(scores), descending=True, stable=True)
    indices = _run(scores, 1)
    np.testing.assert_array_equal(indices, want.indices.numpy())
    assert indices[0, :3].tolist() == [3, 40, 41] and indices[0, 3] == 7 and indices[0, -1] == 50
    values = _run(scores, 0)
    np.testing.assert_array_equal(values, want.values.numpy())  # NaN compares equal to NaN here
    k = 8
    top = torch.topk(torch.from_numpy(scores), k)
    np.testing.assert_array_equal(values[:, :k], top.values.numpy())
    assert set(indices[0, :k].tolist()) == set(top.indices[0].tolist())
