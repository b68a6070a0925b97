"""The sparse-attention kernel (core entry and the entry with the output projection) through the frontend,
the pipeline and the executor.

Structure: the core is two `pl.spmd` sites, kv_gather (one block per token) and sparse_attn (one block per
token x head chunk); the projection entry adds proj_a, quant and proj_b.  Both sizes lower and compile.
Numerics: both index-list cases against the torch golden with the KERNELS.md attention tolerance, at the
reduced size and at key tilings with several tiles / padded tile lanes; deliberately wrong golden inputs
(a padding id treated as real, a sink dropped, swapped wo_a groups, a wrong weight scale) must fail the
comparison; a bad id is a located runtime error.
"""

import dataclasses

import numpy as np
import pytest
from xdsl.dialects import arith
from xdsl.dialects.func import FuncOp

from ppc.dialects.diagnostics import PlDiagnostic, capture_diagnostics, verify_module
from ppc.dialects.task_ops import AtOp, DispatchOp, SpmdOp
from ppc.models.deepseek_v4 import sparse_attention_golden as golden
from ppc.models.deepseek_v4.config import SPARSE_ATTENTION_FULL as FULL
from ppc.models.deepseek_v4.config import SPARSE_ATTENTION_REDUCED as CFG
from ppc.models.deepseek_v4.config import SparseAttentionConfig
from ppc.models.deepseek_v4.sparse_attention import build_sparse_attention
from ppc.models.deepseek_v4.sparse_attention_cases import (
    CASES, OPROJ_ARG_ORDER, harness_specs, kernel_args, make_inputs, model_run, named,
)
from ppc.runtime.errors import PlRuntimeError
from ppc.runtime.golden import run_jit
from ppc.runtime.program import CompiledProgram

SITES = {"kv_gather", "sparse_attn"}


def lower(pipeline: str, cfg: SparseAttentionConfig = CFG):
    args = kernel_args(make_inputs(cfg, "padded"))
    with capture_diagnostics() as diagnostics:
        module = build_sparse_attention(cfg).core.lower(*args, pipeline=pipeline)
    assert [str(d) for d in diagnostics] == []
    verify_module(module)
    return module


def run(cfg: SparseAttentionConfig, inputs: dict):
    """Compile and run the kernel on `inputs`; returns (run result, written `out`)."""
    args = kernel_args(inputs)
    result = CompiledProgram(build_sparse_attention(cfg).core.lower(*args), "a2a3").run(*args)
    return result, named(args)["out"]


def test_frontend_form_has_the_two_spmd_sites():
    module = lower("frontend")
    scopes = [op for op in module.walk() if isinstance(op, AtOp | SpmdOp)]
    assert all(isinstance(op, SpmdOp) for op in scopes)
    assert sorted(op.name_hint.data for op in scopes) == sorted(SITES)


def block_count(op: DispatchOp) -> int:
    owner = op.blocks.owner
    assert isinstance(owner, arith.ConstantOp), f"{op.name_hint.data}: block count is not a constant"
    return owner.value.value.data


@pytest.mark.parametrize("cfg", [CFG, FULL], ids=["reduced", "full"])
def test_default_pipeline_dispatches_one_block_per_token_and_head_chunk(cfg: SparseAttentionConfig):
    module = lower("default", cfg)
    (entry,) = [op for op in module.ops if isinstance(op, FuncOp) and op.sym_name.data == "sparse_attention"]
    blocks = {op.name_hint.data: block_count(op) for op in entry.walk() if isinstance(op, DispatchOp)}
    tokens = cfg.B * cfg.S
    assert blocks == {"kv_gather": tokens, "sparse_attn": tokens * cfg.H // cfg.HEAD_CHUNK}
    if cfg is FULL:
        assert blocks == {"kv_gather": 128, "sparse_attn": 512}


def test_full_size_compiles():
    args = kernel_args(make_inputs(FULL, "padded"))
    assert isinstance(build_sparse_attention(FULL).core.compile(*args), CompiledProgram)


@pytest.mark.parametrize("key_tile", [CFG.KEY_TILE, 8, 64], ids=["tile16", "tile8", "tile64_padded_lanes"])
@pytest.mark.parametrize("case", CASES)
def test_matches_golden(case: str, key_tile: int):
    cfg = dataclasses.replace(CFG, KEY_TILE=key_tile)
    inputs = make_inputs(cfg, case, seed=1)
    result, out = run(cfg, inputs)
    assert golden.mismatches({"out": out}, golden.sparse_attention(cfg, inputs)) == []
    assert np.count_nonzero(np.asarray(out, dtype=np.float32)) > 0.99 * out.size
    sites = {t.name: len(t.blocks) for t in result.tasks}
    assert sites == {"kv_gather": cfg.B * cfg.S, "sparse_attn": cfg.B * cfg.S * cfg.H // cfg.HEAD_CHUNK}


def test_comparison_catches_a_wrong_mask_and_a_dropped_sink():
    """The kernel's output is compared with goldens of deliberately wrong inputs: each must fail."""
    inputs = make_inputs(CFG, "padded", seed=5)
    _, out = run(CFG, inputs)
    assert golden.mismatches({"out": out}, golden.sparse_attention(CFG, inputs)) == []

    unmasked = inputs["idx"].clone()
    unmasked[unmasked == -1] = 0  # padding read as window row 0
    no_sink = inputs["attn_sink"].clone()
    no_sink[0] = -1e4  # head 0 without its sink
    for wrong in ({"idx": unmasked}, {"attn_sink": no_sink}):
        problems = golden.mismatches({"out": out}, golden.sparse_attention(CFG, {**inputs, **wrong}))
        assert len(problems) == 1 and problems[0].startswith("out:"), wrong.keys()


def test_all_padding_compressed_row_attends_to_the_window_only():
    """Token (B-1, 0) has no compressed key: its output ignores the compressed cache entirely."""
    inputs = make_inputs(CFG, "padded", seed=6)
    _, out = run(CFG, inputs)
    scrambled = dict(inputs, cmp_kv=inputs["cmp_kv"].flip(1).clone())
    _, out2 = run(CFG, scrambled)
    b = CFG.B - 1
    assert np.array_equal(out[b, 0], out2[b, 0])
    assert not np.array_equal(out[b, 1], out2[b, 1])


def test_golden_harness():
    specs = harness_specs(CFG, "padded", seed=3)
    result = run_jit(build_sparse_attention(CFG).core, specs, lambda t: golden.sparse_attention(CFG, t), compare={"out": golden.COMPARE["out"]})
    assert result.passed, result.summary()


def test_arguments_of_another_size_are_reported_at_the_call_with_a_note_at_the_annotation():
    args = kernel_args(make_inputs(CFG, "dense"))
    args[3] = np.zeros((CFG.B, CFG.S, CFG.NK + 1), dtype=np.int32)  # idx one id too long
    with pytest.raises(PlDiagnostic, match=rf"^{__file__}:\d+:\d+: error: parameter 'idx'.*\n.*sparse_attention\.py:\d+:\d+: note: "):
        build_sparse_attention(CFG).core.lower(*args, pipeline="frontend")


def test_an_id_past_the_compressed_cache_is_a_located_runtime_error():
    """Only padding is masked; a real id beyond the cache is bad input, reported at the gather's slice."""
    inputs = make_inputs(CFG, "dense")
    inputs["idx"][0, 1, CFG.WIN + 3] = CFG.WIN + CFG.CACHE_ROWS
    args = kernel_args(inputs)
    with pytest.raises(PlRuntimeError, match=r"sparse_attention\.py:\d+:\d+: error: kernel 'kv_gather' block 1: pl\.slice .* out of bounds"):
        build_sparse_attention(CFG).core.compile(*args).run(*args)


# ----------------------------------------------------------------------------------- with the output projection
OPROJ_SITES = {"kv_gather": 4, "sparse_attn": 8, "proj_a": 4, "quant": 2, "proj_b": 4}  # REDUCED blocks


def run_oproj(cfg: SparseAttentionConfig, inputs: dict):
    args = kernel_args(inputs, OPROJ_ARG_ORDER)
    result = CompiledProgram(build_sparse_attention(cfg).with_oproj.lower(*args), "a2a3").run(*args)
    return result, named(args, OPROJ_ARG_ORDER)["attn_out"]


@pytest.mark.parametrize("cfg", [CFG, FULL], ids=["reduced", "full"])
def test_oproj_dispatch_sites(cfg: SparseAttentionConfig):
    args = kernel_args(make_inputs(cfg, "padded"), OPROJ_ARG_ORDER)
    with capture_diagnostics() as diagnostics:
        module = build_sparse_attention(cfg).with_oproj.lower(*args, pipeline="default")
    assert [str(d) for d in diagnostics] == []
    verify_module(module)
    (entry,) = [op for op in module.ops if isinstance(op, FuncOp) and op.sym_name.data == "sparse_attention_oproj"]
    blocks = {op.name_hint.data: block_count(op) for op in entry.walk() if isinstance(op, DispatchOp)}
    T = cfg.B * cfg.S
    assert blocks == {
        "kv_gather": T, "sparse_attn": T * cfg.H // cfg.HEAD_CHUNK, "proj_a": cfg.O_GROUPS * cfg.O_LORA // cfg.LORA_CHUNK,
        "quant": T // cfg.QUANT_ROWS, "proj_b": cfg.D // cfg.OUT_CHUNK,
    }  # fmt: skip
    if cfg is CFG:
        assert blocks == OPROJ_SITES
    else:
        assert isinstance(build_sparse_attention(cfg).with_oproj.compile(*args), CompiledProgram)


@pytest.mark.parametrize("case", CASES)
def test_oproj_matches_golden(case: str):
    inputs = make_inputs(CFG, case, seed=8)
    result, attn_out = run_oproj(CFG, inputs)
    assert golden.mismatches({"attn_out": attn_out}, golden.sparse_attention_oproj(CFG, inputs)) == []
    assert {t.name: len(t.blocks) for t in result.tasks} == OPROJ_SITES


def test_oproj_comparison_catches_wrong_group_order_and_weight_scale():
    inputs = make_inputs(CFG, "padded", seed=9)
    _, attn_out = run_oproj(CFG, inputs)
    swapped = inputs["wo_a"].flip(0).clone()  # group g projected with the other group's wo_a
    scale = inputs["wo_b_scale"].clone()
    scale[: CFG.D // 8] *= 1.05  # 5% off on an eighth of the channels
    for wrong in ({"wo_a": swapped}, {"wo_b_scale": scale}):
        problems = golden.mismatches({"attn_out": attn_out}, golden.sparse_attention_oproj(CFG, {**inputs, **wrong}))
        assert len(problems) == 1 and problems[0].startswith("attn_out:"), wrong.keys()


def test_oproj_golden_harness():
    specs = harness_specs(CFG, "dense", seed=10, order=OPROJ_ARG_ORDER)
    result = run_jit(
        build_sparse_attention(CFG).with_oproj, specs, lambda t: golden.sparse_attention_oproj(CFG, t),
        compare={"attn_out": golden.COMPARE["attn_out"]},
    )  # fmt: skip
    assert result.passed, result.summary()


def test_model_run_checks_the_projection_output():
    model = model_run("reduced", seed=11)
    (entry,) = model.variants.values()
    values = model.make_args()
    entry.compile(*values).run(*values)
    outputs = {name: values[i] for name, i in model.output_names.items()}
    assert list(outputs) == ["attn_out"] and model.check(outputs) == []
    outputs["attn_out"][0, 0, :9] += 1.0  # 9 of 1024 points (0.88%) wrong: beyond the 0.8% allowance
    assert len(model.check(outputs)) == 1


def test_a_token_without_any_real_key_outputs_zeros():
    """All ids −1: every probability mass goes to the sink, which carries no value."""
    inputs = make_inputs(CFG, "padded", seed=12)
    inputs["idx"][0, 1] = -1
    _, out = run(CFG, inputs)
    assert not np.asarray(out[0, 1], dtype=np.float32).any()
    assert np.isfinite(np.asarray(out, dtype=np.float32)).all()
    assert golden.mismatches({"out": out}, golden.sparse_attention(CFG, inputs)) == []
