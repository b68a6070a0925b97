"""Named models for `ppc-run NAME`: each builds its variants, their inputs and their golden check.

A model run is what a kernel author compares: several `@pl.jit` variants of one kernel fed identical
inputs, each checked against the torch golden, then their modelled timings side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModelRun:
    title: str
    variants: Mapping[str, Any]  # variant name -> @pl.jit entry
    make_args: Callable[[], list[Any]]  # fresh kernel arguments (outputs are written in place)
    output_names: Mapping[str, int]  # output name -> position in the arguments
    check: Callable[[Mapping[str, Any]], list[str]]  # golden mismatches of the outputs; [] when all agree


def compressor_r128(size: str = "full", seed: int = 0) -> ModelRun:
    """The seed kernel in the calibration case of NPU_MODEL.md (start_pos=127, rotate=True)."""
    from .deepseek_v4 import golden
    from .deepseek_v4.cases import ARG_ORDER, kernel_args, make_inputs
    from .deepseek_v4.compressor_r128 import build_compressor_r128
    from .deepseek_v4.config import CONFIGS

    cfg = CONFIGS[size]
    inputs = make_inputs(cfg, start_pos=cfg.R - 1, rotate=True, seed=seed)
    expected = golden.compressor_r128(cfg, inputs)
    entries = build_compressor_r128(cfg)
    return ModelRun(
        title=f"compressor r128 ({size}: B={cfg.B} S={cfg.S} D={cfg.D} HEAD_DIM={cfg.HEAD_DIM}, start_pos={cfg.R - 1}, rotate)",
        variants={"parallel": entries.parallel, "spmd": entries.spmd},
        make_args=lambda: kernel_args(inputs),
        output_names={name: ARG_ORDER.index(name) for name in golden.OUTPUTS},
        check=lambda outputs: golden.mismatches(outputs, expected),
    )


MODELS: dict[str, Callable[..., ModelRun]] = {"compressor_r128": compressor_r128}
