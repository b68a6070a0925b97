"""The ratio-128 compressor kernel (both variants) through the frontend, the pipeline and the executor.

Structure: the `parallel` variant dispatches every site as one-block tasks from parallel loops; the `spmd`
variant turns kv_score_proj, softmax_pool (both arms of `if pre < S`), kv_write (else-arm of `if rotate`)
and state_scatter_next into single multi-block tasks.  Numerics: every start_pos case, both rotate settings,
both variants against the torch golden with KERNELS.md tolerances, from random non-zero states and cache.
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects import arith, scf
from xdsl.dialects.func import FuncOp

from ppc.dialects.diagnostics import PlDiagnostic, capture_diagnostics, verify_module
from ppc.dialects.task_ops import AtOp, DispatchOp, SpmdOp
from ppc.models.deepseek_v4 import golden
from ppc.models.deepseek_v4.cases import harness_specs, kernel_args, make_inputs, start_pos_cases
from ppc.models.deepseek_v4.compressor_r128 import build_compressor_r128
from ppc.models.deepseek_v4.config import FULL, REDUCED, CompressorR128Config
from ppc.models.deepseek_v4.run_compressor_r128 import VARIANTS, run_variant
from ppc.runtime.golden import run_jit

CFG = REDUCED
CASES = start_pos_cases(CFG)
SPMD_SITES = {"kv_score_proj", "softmax_pool", "kv_write", "state_scatter_next"}
ALL_SITES = SPMD_SITES | {
    "kv_zero", "score_ape_state_scatter", "rmsnorm", "rope", "kv_hadamard", "kv_and_cache_write",
}  # fmt: skip


def lower(variant: str, pipeline: str, cfg: CompressorR128Config = CFG):
    entry = getattr(build_compressor_r128(cfg), variant)
    args = kernel_args(make_inputs(cfg, start_pos_cases(cfg)["crossing"], True))
    with capture_diagnostics() as diagnostics:
        module = entry.lower(*args, pipeline=pipeline)
    assert [str(d) for d in diagnostics] == []
    verify_module(module)
    return module


def entry_function(module) -> FuncOp:
    (entry,) = [op for op in module.ops if isinstance(op, FuncOp) and op.sym_name.data.startswith("compressor_r128_")]
    return entry


def branch_arm(op) -> str | None:
    """'then'/'else' of the innermost scf.if enclosing `op`, None if there is none."""
    while op is not None:
        region, parent = op.parent_region(), op.parent_op()
        if isinstance(parent, scf.IfOp):
            return "then" if region is parent.true_region else "else"
        op = parent
    return None


def in_parallel_loop(op) -> bool:
    parent = op.parent_op()
    while parent is not None:
        if isinstance(parent, scf.ForOp) and "parallel" in str(parent.attributes.get("pl.loop")):
            return True
        parent = parent.parent_op()
    return False


@pytest.mark.parametrize("variant", VARIANTS)
def test_frontend_form_verifies_with_the_expected_task_scopes(variant: str):
    module = lower(variant, "frontend")
    scopes = [op for op in module.walk() if isinstance(op, AtOp | SpmdOp)]
    names = {op.name_hint.data for op in scopes}
    assert names == ALL_SITES
    spmd = [op for op in scopes if isinstance(op, SpmdOp)]
    if variant == "parallel":
        assert spmd == []
        assert all(in_parallel_loop(op) for op in scopes)
    else:
        assert sorted(op.name_hint.data for op in spmd) == sorted([*SPMD_SITES, "softmax_pool"])
        pools = [op for op in spmd if op.name_hint.data == "softmax_pool"]
        assert sorted(branch_arm(op) for op in pools) == ["else", "then"]
        (kv_write,) = [op for op in spmd if op.name_hint.data == "kv_write"]
        assert branch_arm(kv_write) == "else"


def block_count(op: DispatchOp) -> int:
    owner = op.blocks.owner
    assert isinstance(owner, arith.ConstantOp), f"{op.name_hint.data}: block count is not a constant"
    return owner.value.value.data


@pytest.mark.parametrize("cfg", [REDUCED, FULL], ids=["reduced", "full"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_default_pipeline_dispatches(variant: str, cfg: CompressorR128Config):
    module = lower(variant, "default", cfg)
    dispatches = [op for op in entry_function(module).walk() if isinstance(op, DispatchOp)]
    # The outliner may suffix a repeated kernel name (the second softmax_pool site).
    sites = {op: op.name_hint.data.removesuffix("_1") for op in dispatches}
    assert set(sites.values()) == ALL_SITES
    spmd_blocks = {
        "kv_score_proj": cfg.HEAD_DIM // cfg.OUT_CHUNK,
        "softmax_pool": (cfg.B // cfg.BATCH_CHUNK_1) * (cfg.HEAD_DIM // cfg.HEAD_CHUNK),
        "kv_write": cfg.B // cfg.BATCH_CHUNK_1,
        "state_scatter_next": cfg.HEAD_DIM // cfg.OUT_CHUNK,
    }
    if cfg is FULL:
        assert spmd_blocks == {"kv_score_proj": 8, "softmax_pool": 32, "kv_write": 4, "state_scatter_next": 8}
    for op, site in sites.items():
        want = spmd_blocks[site] if variant == "spmd" and site in SPMD_SITES else 1
        assert block_count(op) == want, site
        if want > 1:
            assert not in_parallel_loop(op), site


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("rotate", [False, True])
@pytest.mark.parametrize("case", ["none", "aligned", "crossing"])
def test_matches_golden(variant: str, case: str, rotate: bool):
    run = run_variant(CFG, variant, make_inputs(CFG, CASES[case], rotate, seed=1))
    assert run.problems == []


def test_variants_agree_bit_for_bit_with_different_task_graphs():
    inputs = make_inputs(CFG, CASES["crossing"], rotate=True, seed=2)
    par, spmd = (run_variant(CFG, v, inputs) for v in VARIANTS)
    for name in golden.OUTPUTS:
        assert np.array_equal(np.asarray(par.outputs[name]), np.asarray(spmd.outputs[name])), name
    par_sites, spmd_sites = par.sites(), spmd.sites()
    assert par_sites.keys() == spmd_sites.keys()
    for site, (tasks, blocks) in par_sites.items():
        assert tasks == blocks, site  # one block per pl.at task
        if site in SPMD_SITES:
            assert spmd_sites[site] == (1, blocks), site
        else:
            assert spmd_sites[site] == (tasks, blocks), site
    assert spmd.result.report.tasks < par.result.report.tasks


def test_no_compression_dispatches_only_projection_and_scatter():
    run = run_variant(CFG, "spmd", make_inputs(CFG, CASES["none"], rotate=True))
    assert set(run.sites()) == {"kv_zero", "kv_score_proj", "score_ape_state_scatter"}
    assert not np.asarray(run.outputs["kv"]).any()


@pytest.mark.parametrize("variant", VARIANTS)
def test_golden_harness(variant: str):
    def golden_fn(tensors: dict) -> dict:
        return golden.compressor_r128(CFG, tensors)

    entry = getattr(build_compressor_r128(CFG), variant)
    specs = harness_specs(CFG, CASES["crossing"], rotate=True, seed=3)
    result = run_jit(entry, specs, golden_fn, compare=golden.COMPARE)
    assert result.passed, result.summary()


def test_arguments_of_another_size_are_reported_at_the_call_with_a_note_at_the_annotation():
    args = kernel_args(make_inputs(CFG, CASES["none"], rotate=False))
    args[2] = np.zeros((CFG.B, CFG.S, 2 * CFG.D), dtype=args[2].dtype)  # x with the wrong hidden size
    with pytest.raises(PlDiagnostic, match=rf"^{__file__}:\d+:\d+: error: parameter 'x'.*\n.*compressor_r128\.py:\d+:\d+: note: "):
        build_compressor_r128(CFG).spmd.lower(*args, pipeline="frontend")
