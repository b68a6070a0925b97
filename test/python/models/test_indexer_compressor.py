"""The indexer compressor (KERNELS.md §3) through the frontend, the pipeline and the executor.

It is the ratio-4 kernel at the index head size, always rotated, so these tests check what §3 adds: the sizes
(HEAD_DIM 128, OUT_DIM 256, a 128² hadamard, an idx_kv_cache of MAX_SEQ / 4 rows), the three start_pos cases
against the torch golden with KERNELS.md tolerances from random non-zero states and cache, that compression
writes exactly idx cache row start_pos // 4 (with bf16 of kv[:, 0]) through the hadamard arm, and that the
golden comparison fails on wrong data.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from ppc.models.deepseek_v4 import golden
from ppc.models.deepseek_v4.cases import kernel_args, named
from ppc.models.deepseek_v4.config import (
    INDEXER_COMPRESSOR_FULL,
    INDEXER_COMPRESSOR_REDUCED,
    REDUCED_R4,
    IndexerCompressorConfig,
)
from ppc.models.deepseek_v4.indexer_compressor import build_indexer_compressor
from ppc.models.deepseek_v4.indexer_compressor_cases import make_inputs, start_pos_cases
from ppc.models.deepseek_v4.indexer_compressor_golden import indexer_compressor

CFG = INDEXER_COMPRESSOR_REDUCED
CASES = start_pos_cases(CFG)


def run_kernel(inputs: dict, cfg: IndexerCompressorConfig = CFG, golden_inputs: dict | None = None):
    """(outputs by name, dispatch site names run, golden mismatches vs `golden_inputs` (default: `inputs`))."""
    args = kernel_args(inputs)
    result = build_indexer_compressor(cfg).compile(*args).run(*args)
    outputs = named(args)
    expected = indexer_compressor(cfg, inputs if golden_inputs is None else golden_inputs)
    return outputs, {t.name for t in result.tasks}, golden.mismatches(outputs, expected)


def test_configs_and_inputs_have_the_indexer_sizes():
    full = INDEXER_COMPRESSOR_FULL
    assert (full.B, full.S, full.D, full.NOPE, full.ROPE, full.R, full.MAX_SEQ) == (64, 2, 4096, 64, 64, 4, 8192)
    assert (full.HEAD_DIM, full.OUT_DIM, full.STATE_LEN, full.CACHE_ROWS) == (128, 256, 8, 2048)
    assert (CFG.HEAD_DIM, CFG.OUT_DIM, CFG.STATE_LEN, CFG.CACHE_ROWS) == (128, 256, 8, 128)
    inputs = make_inputs(CFG, CASES["crossing"])
    assert inputs["rotate"] is True
    assert tuple(inputs["hadamard"].shape) == (128, 128)
    assert tuple(inputs["kv_cache"].shape) == (CFG.B, CFG.MAX_SEQ // 4, 128)
    assert inputs["kv_cache"].dtype == torch.bfloat16
    assert tuple(inputs["kv_state"].shape) == (CFG.B, 8, 256)


@pytest.mark.parametrize("case", ["none", "aligned", "crossing"])
def test_matches_golden_and_writes_idx_cache_row_start_pos_over_4(case: str):
    inputs = make_inputs(CFG, CASES[case], seed=2)
    outputs, sites, problems = run_kernel(inputs)
    assert problems == []
    compress = case != "none"
    assert ("kv_hadamard" in sites) == compress and "kv_write" not in sites
    kv = np.asarray(outputs["kv"])
    cache, before = np.asarray(outputs["kv_cache"]).astype(np.float32), inputs["kv_cache"].float().numpy()
    row = CASES[case] // 4
    others = [r for r in range(CFG.CACHE_ROWS) if r != row]
    assert np.array_equal(cache[:, others], before[:, others])
    assert not kv[:, 1:].any()
    if compress:
        assert row == 5
        assert not np.array_equal(cache[:, row], before[:, row])
        assert np.array_equal(cache[:, row], torch.from_numpy(kv[:, 0]).bfloat16().float().numpy())
    else:
        assert np.array_equal(cache[:, row], before[:, row]) and not kv.any()


def test_golden_comparison_fails_on_wrong_data():
    """Not vacuous: a golden with one hadamard column negated differs in kv and the cache only; a golden one
    position later (no compression) differs in every output."""
    inputs = make_inputs(CFG, CASES["aligned"], seed=3)
    flipped = dict(inputs, hadamard=inputs["hadamard"].clone())
    flipped["hadamard"][:, 7] *= -1
    _, _, problems = run_kernel(inputs, golden_inputs=flipped)
    assert [line.split(":")[0] for line in problems] == ["kv", "kv_cache"]
    _, _, later = run_kernel(inputs, golden_inputs=dict(inputs, start_pos=CASES["aligned"] + 1))
    assert [line.split(":")[0] for line in later] == list(golden.OUTPUTS)


def test_golden_requires_the_rotation_and_a_head_sized_hadamard():
    inputs = make_inputs(CFG, CASES["aligned"])
    with pytest.raises(ValueError, match="always rotates"):
        indexer_compressor(CFG, dict(inputs, rotate=False))
    with pytest.raises(ValueError, match=r"hadamard \(64, 64\) must be \[128, 128\]"):
        indexer_compressor(CFG, dict(inputs, hadamard=inputs["hadamard"][:64, :64]))


def test_builder_takes_only_indexer_configs():
    with pytest.raises(TypeError, match="IndexerCompressorConfig"):
        build_indexer_compressor(REDUCED_R4)


def test_full_size_compiles_and_matches_golden():
    inputs = make_inputs(INDEXER_COMPRESSOR_FULL, start_pos_cases(INDEXER_COMPRESSOR_FULL)["crossing"], seed=5)
    outputs, sites, problems = run_kernel(inputs, INDEXER_COMPRESSOR_FULL)
    assert problems == [] and "kv_hadamard" in sites
    assert np.asarray(outputs["kv_cache"]).shape == (64, 2048, 128)
