"""The ratio-4 (CSA) compressor kernel through the frontend, the pipeline and the executor.

Structure: every dispatch site split into blocks is one `pl.spmd` task (kv_hadamard in the then-arm and
kv_write in the else-arm of `if rotate`, all pooling sites under `if pos + S >= R`); kv_zero is a single
`pl.at` task.  Numerics: every start_pos case, both rotate settings, against the torch golden with
KERNELS.md tolerances, from random non-zero states and cache; the comparison is shown to fail on wrong data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import torch
from ppc.dialects.diagnostics import PlDiagnostic, capture_diagnostics, verify_module
from ppc.dialects.task_ops import AtOp, DispatchOp, SpmdOp
from ppc.models.deepseek_v4 import golden
from ppc.models.deepseek_v4.cases import kernel_args, named
from ppc.models.deepseek_v4.compressor_r4 import build_compressor_r4
from ppc.models.deepseek_v4.compressor_r4_cases import make_inputs, start_pos_cases
from ppc.models.deepseek_v4.compressor_r4_golden import compressor_r4
from ppc.models.deepseek_v4.config import FULL_R4, REDUCED_R4, CompressorR4Config
from ppc.runtime.program import CompiledProgram, RunResult
from test_compressor_r128_kernel import block_count, branch_arm
from xdsl.dialects import scf
from xdsl.dialects.func import FuncOp

CFG = REDUCED_R4
CASES = start_pos_cases(CFG)
COMPRESS_SITES = {
    "softmax_pool", "state_shift_scatter_next", "rmsnorm", "rope", "kv_hadamard", "kv_write", "kv_and_cache_write",
}  # fmt: skip
SPMD_SITES = {"kv_score_proj", "score_ape_state_scatter"} | COMPRESS_SITES


def spmd_blocks(cfg: CompressorR4Config) -> dict[str, int]:
    out_blocks, groups_1 = cfg.OUT_DIM // cfg.OUT_CHUNK, cfg.B // cfg.BATCH_CHUNK_1
    return {
        "kv_score_proj": out_blocks,
        "score_ape_state_scatter": out_blocks,
        "softmax_pool": groups_1 * (cfg.HEAD_DIM // cfg.HEAD_CHUNK),
        "state_shift_scatter_next": out_blocks,
        "rmsnorm": groups_1,
        "rope": groups_1,
        "kv_hadamard": (cfg.B // cfg.BATCH_CHUNK_0) * (cfg.HEAD_DIM // cfg.OUT_CHUNK),
        "kv_write": groups_1,
        "kv_and_cache_write": groups_1,
    }


@dataclass(frozen=True)
class KernelRun:
    result: RunResult
    outputs: dict
    problems: list[str]  # golden mismatches; empty when every output is within tolerance

    def sites(self) -> dict[str, tuple[int, int]]:
        """Dispatch site name -> (tasks submitted, blocks run)."""
        counts: dict[str, tuple[int, int]] = {}
        for t in self.result.tasks:
            tasks, blocks = counts.get(t.name, (0, 0))
            counts[t.name] = (tasks + 1, blocks + len(t.blocks))
        return counts


def run_kernel(inputs: dict, cfg: CompressorR4Config = CFG, golden_inputs: dict | None = None) -> KernelRun:
    """Compile and run the kernel on `inputs`; compare with the golden of `golden_inputs` (default: the same)."""
    args = kernel_args(inputs)
    result = CompiledProgram(build_compressor_r4(cfg).lower(*args), "a2a3").run(*args)
    outputs = named(args)
    expected = compressor_r4(cfg, inputs if golden_inputs is None else golden_inputs)
    return KernelRun(result, outputs, golden.mismatches(outputs, expected))


def lower(pipeline: str, cfg: CompressorR4Config = CFG):
    args = kernel_args(make_inputs(cfg, start_pos_cases(cfg)["crossing"], True))
    with capture_diagnostics() as diagnostics:
        module = build_compressor_r4(cfg).lower(*args, pipeline=pipeline)
    assert [str(d) for d in diagnostics] == []
    verify_module(module)
    return module


def inside_if(op) -> int:
    """How many scf.if ops enclose `op`."""
    depth, parent = 0, op.parent_op()
    while parent is not None:
        depth += isinstance(parent, scf.IfOp)
        parent = parent.parent_op()
    return depth


def test_frontend_form_has_one_spmd_task_per_site():
    module = lower("frontend")
    scopes = [op for op in module.walk() if isinstance(op, AtOp | SpmdOp)]
    spmd = {op.name_hint.data: op for op in scopes if isinstance(op, SpmdOp)}
    at = [op.name_hint.data for op in scopes if isinstance(op, AtOp)]
    assert at == ["kv_zero"]
    assert sorted(op.name_hint.data for op in scopes if isinstance(op, SpmdOp)) == sorted(SPMD_SITES)
    assert branch_arm(spmd["kv_hadamard"]) == "then"
    assert branch_arm(spmd["kv_write"]) == "else"
    assert {site for site, op in spmd.items() if inside_if(op)} == COMPRESS_SITES
    assert inside_if(spmd["softmax_pool"]) == 1


@pytest.mark.parametrize("cfg", [REDUCED_R4, FULL_R4], ids=["reduced", "full"])
def test_default_pipeline_dispatches_each_site_once_with_its_blocks(cfg: CompressorR4Config):
    module = lower("default", cfg)
    (entry,) = [op for op in module.ops if isinstance(op, FuncOp) and op.sym_name.data == "compressor_r4_spmd"]
    sites = {op.name_hint.data: block_count(op) for op in entry.walk() if isinstance(op, DispatchOp)}
    assert sites == {"kv_zero": 1, **spmd_blocks(cfg)}
    if cfg is FULL_R4:
        assert spmd_blocks(cfg) == {
            "kv_score_proj": 16, "score_ape_state_scatter": 16, "softmax_pool": 32, "state_shift_scatter_next": 16,
            "rmsnorm": 4, "rope": 4, "kv_hadamard": 8, "kv_write": 4, "kv_and_cache_write": 4,
        }  # fmt: skip


@pytest.mark.parametrize("rotate", [False, True])
@pytest.mark.parametrize("case", ["none", "aligned", "crossing"])
def test_matches_golden(case: str, rotate: bool):
    inputs = make_inputs(CFG, CASES[case], rotate, seed=1)
    run = run_kernel(inputs)
    assert run.problems == []
    compress = case != "none"
    expected_sites = {"kv_zero", "kv_score_proj", "score_ape_state_scatter"}
    if compress:
        expected_sites |= COMPRESS_SITES - {"kv_write" if rotate else "kv_hadamard"}
    assert set(run.sites()) == expected_sites
    blocks = spmd_blocks(CFG)
    assert all(run.sites()[site] == (1, blocks[site]) for site in expected_sites - {"kv_zero"})
    kv = np.asarray(run.outputs["kv"])
    assert not kv[:, 1:].any()
    assert kv[:, 0].any() == compress
    cache = np.asarray(run.outputs["kv_cache"]).astype(np.float32)
    assert np.array_equal(cache, inputs["kv_cache"].float().numpy()) != compress


def test_golden_comparison_fails_on_wrong_data():
    """The check is not vacuous: a golden fed the previous window's front half +1 (pooled, then shifted away)
    differs in kv and the cache only; a golden one position later (no compression) differs everywhere it
    pools or scatters."""
    inputs = make_inputs(CFG, CASES["aligned"], rotate=True, seed=4)
    front_changed = dict(inputs, kv_state=inputs["kv_state"].clone())
    front_changed["kv_state"][:, : CFG.R, : CFG.HEAD_DIM] += 1.0
    run = run_kernel(inputs, golden_inputs=front_changed)
    assert [line.split(":")[0] for line in run.problems] == ["kv", "kv_cache"]
    later = run_kernel(inputs, golden_inputs=dict(inputs, start_pos=CASES["aligned"] + 1))
    assert [line.split(":")[0] for line in later.problems] == list(golden.OUTPUTS)


def test_full_size_compiles_and_matches_golden():
    inputs = make_inputs(FULL_R4, start_pos_cases(FULL_R4)["crossing"], rotate=True, seed=5)
    args = kernel_args(inputs)
    program = build_compressor_r4(FULL_R4).compile(*args)
    assert isinstance(program, CompiledProgram)
    program.run(*args)
    assert golden.mismatches(named(args), compressor_r4(FULL_R4, inputs)) == []


def test_arguments_of_another_size_are_reported_at_the_call_with_a_note_at_the_annotation():
    args = kernel_args(make_inputs(CFG, CASES["none"], rotate=False))
    args[0] = np.zeros((CFG.B, CFG.R, CFG.OUT_DIM), dtype=np.float32)  # a kv_state with one window only
    with pytest.raises(PlDiagnostic, match=rf"^{__file__}:\d+:\d+: error: parameter 'kv_state'.*\n.*compressor_r4\.py:\d+:\d+: note: "):
        build_compressor_r4(CFG).lower(*args, pipeline="frontend")


def test_inputs_are_not_modified_by_the_golden():
    inputs = make_inputs(CFG, CASES["crossing"], rotate=True)
    before = {k: v.clone() for k, v in inputs.items() if isinstance(v, torch.Tensor)}
    compressor_r4(CFG, inputs)
    assert all(torch.equal(inputs[k], v) for k, v in before.items())
