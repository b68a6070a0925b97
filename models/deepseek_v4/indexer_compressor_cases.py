"""Inputs of the indexer compressor for the three start_pos cases of KERNELS.md ("Tests per kernel"): the
ratio-4 compressor's (compressor_r4_cases.py: random non-zero states and cache, cache row 5 for the compressing
cases) at the indexer config, always with `rotate=True` and the HEAD_DIM × HEAD_DIM hadamard."""

from __future__ import annotations

from . import compressor_r4_cases
from .config import IndexerCompressorConfig

start_pos_cases = compressor_r4_cases.start_pos_cases


def make_inputs(cfg: IndexerCompressorConfig, start_pos: int, seed: int = 0) -> dict[str, object]:
    """Random inputs of one decode step (named as the kernel's parameters; `kv_cache` is the idx_kv_cache)."""
    return compressor_r4_cases.make_inputs(cfg, start_pos, rotate=True, seed=seed)


def model_run(size: str = "full", seed: int = 0):
    """`ppc-run indexer_compressor`: the kernel on the crossing case."""
    from ppc.models.registry import ModelRun

    from . import cases, golden
    from .config import INDEXER_COMPRESSOR_CONFIGS
    from .indexer_compressor import build_indexer_compressor
    from .indexer_compressor_golden import indexer_compressor

    cfg = INDEXER_COMPRESSOR_CONFIGS[size]
    start_pos = start_pos_cases(cfg)["crossing"]
    inputs = make_inputs(cfg, start_pos, seed=seed)
    expected = indexer_compressor(cfg, inputs)
    return ModelRun(
        title=f"indexer compressor ({size}: B={cfg.B} S={cfg.S} D={cfg.D} HEAD_DIM={cfg.HEAD_DIM} "
        f"OUT_DIM={cfg.OUT_DIM}, start_pos={start_pos}, rotate; kv_cache = idx_kv_cache)",
        variants={"spmd": build_indexer_compressor(cfg)},
        make_args=lambda: cases.kernel_args(inputs),
        output_names={name: cases.ARG_ORDER.index(name) for name in golden.OUTPUTS},
        check=lambda outputs: golden.mismatches(outputs, expected),
    )
