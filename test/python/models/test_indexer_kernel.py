"""The lightning indexer kernel (scoring + top-k) through the frontend, the pipeline and the executor.

Structure: five dispatch sites, the int8 matmuls accumulate in i32, the top-k is sort32 + a chain of
mrgsort merges + gather.  Numerics: every start_pos case (no visible rows, L < IDX_TOPK with -1 padding,
L > IDX_TOPK with a partial key tile, all rows) and a case with tied scores across the top-k cut, against
the torch golden with the KERNELS.md tolerance; the full size compiles and matches too.
"""

import numpy as np
import pytest
from xdsl.dialects.builtin import IntegerType
from xdsl.dialects.func import FuncOp

from ppc.dialects import compute_ops as C
from ppc.dialects.diagnostics import capture_diagnostics, verify_module
from ppc.dialects.task_ops import AtOp, DispatchOp, SpmdOp
from ppc.models.deepseek_v4 import indexer_golden as golden
from ppc.models.deepseek_v4.config import INDEXER_FULL, INDEXER_REDUCED, IndexerConfig
from ppc.models.deepseek_v4.indexer import build_indexer
from ppc.models.deepseek_v4.indexer_cases import kernel_args, make_inputs, named, start_pos_cases

CFG = INDEXER_REDUCED
CASES = start_pos_cases(CFG)
SITES = {"q_proj", "weights_proj", "q_rope_hadamard_quant", "indexer_score", "indexer_topk"}


def lower(pipeline: str, cfg: IndexerConfig = CFG):
    args = kernel_args(make_inputs(cfg, start_pos_cases(cfg)["long"]))
    with capture_diagnostics() as diagnostics:
        module = build_indexer(cfg).lower(*args, pipeline=pipeline)
    assert [str(d) for d in diagnostics] == []
    verify_module(module)
    return module


def run_kernel(cfg: IndexerConfig, inputs: dict) -> dict:
    args = kernel_args(inputs)
    build_indexer(cfg).compile(*args).run(*args)
    return named(args)


def test_frontend_form_has_the_task_scopes_and_sort_chain():
    module = lower("frontend")
    scopes = [op for op in module.walk() if isinstance(op, AtOp | SpmdOp)]
    assert sorted(op.name_hint.data for op in scopes) == sorted(SITES)
    (topk,) = [op for op in scopes if op.name_hint.data == "indexer_topk"]
    body = list(topk.walk())
    merges = [op.block_len.value.data for op in body if isinstance(op, C.MrgSortOp)]
    assert merges == [32 << m for m in range((CFG.CACHE_ROWS // 32).bit_length() - 1)] == [32, 64]
    assert sum(isinstance(op, C.Sort32Op) for op in body) == 1
    assert [op.mask_pattern.value.data for op in body if isinstance(op, C.GatherOp)] == [2]  # P1010: the ids
    int8_matmuls = [op for op in module.walk() if isinstance(op, C.MatmulOp | C.MatmulAccOp)
                    and isinstance(op.lhs.type.element_type, IntegerType)]  # fmt: skip
    assert int8_matmuls and all(str(op.result.type.element_type) == "i32" for op in int8_matmuls)


@pytest.mark.parametrize("cfg", [CFG, INDEXER_FULL], ids=["reduced", "full"])
def test_default_pipeline_dispatches_every_site(cfg: IndexerConfig):
    module = lower("default", cfg)
    entries = [op for op in module.ops if isinstance(op, FuncOp) and op.sym_name.data == "lightning_indexer"]
    assert len(entries) == 1
    dispatched = {op.name_hint.data for op in entries[0].walk() if isinstance(op, DispatchOp)}
    assert dispatched == SITES


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_golden(case: str):
    inputs = make_inputs(CFG, CASES[case], seed=1)
    got = run_kernel(CFG, inputs)
    assert golden.mismatches(CFG, got, golden.indexer(CFG, inputs)) == []


def test_tied_scores_across_the_topk_cut():
    inputs = make_inputs(CFG, CASES["full"], seed=2, tie_group=3)
    expected = golden.indexer(CFG, inputs)
    score = expected["score"].numpy()
    kth = np.sort(score, axis=-1)[..., ::-1][..., CFG.IDX_TOPK - 1 : CFG.IDX_TOPK + 1]
    assert (kth[..., 0] == kth[..., 1]).any()  # some row's cut falls inside a run of equal scores
    got = run_kernel(CFG, inputs)
    assert golden.mismatches(CFG, got, expected) == []


def test_golden_comparison_catches_a_wrong_visible_length():
    """Deliberate bug: the kernel sees one compressed row more than the golden (start_pos + RATIO)."""
    start_pos = CASES["short"]
    got = run_kernel(CFG, make_inputs(CFG, start_pos + CFG.RATIO, seed=1))
    problems = golden.mismatches(CFG, got, golden.indexer(CFG, make_inputs(CFG, start_pos, seed=1)))
    assert [p.split(":")[0] for p in problems] == ["score", "topk_idxs"]


def test_full_size_matches_golden():
    inputs = make_inputs(INDEXER_FULL, start_pos_cases(INDEXER_FULL)["long"], seed=1)
    got = run_kernel(INDEXER_FULL, inputs)
    assert golden.mismatches(INDEXER_FULL, got, golden.indexer(INDEXER_FULL, inputs)) == []


def test_ppc_run_reports_golden_and_sites(capsys):
    from ppc.tools.run import main

    assert main(["lightning_indexer", "--size", "reduced"]) == 0
    out = capsys.readouterr().out
    assert "golden check: OK" in out and "Total Test Time" in out
    for site in SITES:
        assert f"  {site} " in out


def test_start_pos_past_the_cache_is_one_located_error():
    from ppc.runtime.errors import PlRuntimeError

    args = kernel_args(make_inputs(CFG, CFG.MAX_SEQ + 8 * CFG.RATIO))
    with pytest.raises(PlRuntimeError, match=r"indexer\.py:\d+:\d+: error: kernel 'indexer_score'.*out of bounds"):
        build_indexer(CFG).compile(*args).run(*args)
