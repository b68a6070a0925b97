"""Inputs of the ratio-4 compressor for the three start_pos cases of KERNELS.md ("Tests per kernel").

The ratio-128 inputs (cases.py) at the same head size, with the OUT_DIM-wide tensors (projection weights,
`ape`, the 2R-slot states) replaced; arguments are passed in the same `cases.ARG_ORDER`.  States and cache
start random (non-zero), so a missing or misplaced write shows.
"""

from __future__ import annotations

import torch

from . import cases
from .config import CompressorR4Config


def start_pos_cases(cfg: CompressorR4Config) -> dict[str, int]:
    """no compression (pos%R + S < R), aligned ((pos+S)%R == 0), crossing (pos%R == R-1); cache row 5 for the
    last two (not 0 or 1, so the row index really is start_pos // R)."""
    R, S = cfg.R, cfg.S
    if S >= R:
        raise ValueError(f"S={S} must be below R={R} for a step without compression")
    return {"none": 5 * R + (R - S - 1), "aligned": 6 * R - S, "crossing": 6 * R - 1}


def make_inputs(cfg: CompressorR4Config, start_pos: int, rotate: bool, seed: int = 0) -> dict[str, object]:
    """Random inputs of one decode step (named as the kernel's parameters)."""
    inputs = cases.make_inputs(cfg, start_pos, rotate, seed)
    g = torch.Generator().manual_seed(seed + 1_000)
    B, D, W, L = cfg.B, cfg.D, cfg.OUT_DIM, cfg.STATE_LEN

    def randn(*shape: int, scale: float = 1.0) -> torch.Tensor:
        return torch.randn(*shape, generator=g) * scale

    inputs.update(
        kv_state=randn(B, L, W),
        score_state=randn(B, L, W),
        wkv=randn(D, W, scale=D**-0.5).to(torch.bfloat16),
        wgate=randn(D, W, scale=D**-0.5).to(torch.bfloat16),
        ape=randn(cfg.R, W, scale=0.5),
    )
    return inputs


def model_run(size: str = "full", seed: int = 0):
    """`ppc-run compressor_r4`: the spmd kernel on the crossing case with rotation."""
    from ppc.models.registry import ModelRun

    from . import golden
    from .compressor_r4 import build_compressor_r4
    from .compressor_r4_golden import compressor_r4
    from .config import R4_CONFIGS

    cfg = R4_CONFIGS[size]
    start_pos = start_pos_cases(cfg)["crossing"]
    inputs = make_inputs(cfg, start_pos, rotate=True, seed=seed)
    expected = compressor_r4(cfg, inputs)
    return ModelRun(
        title=f"compressor r4 ({size}: B={cfg.B} S={cfg.S} D={cfg.D} OUT_DIM={cfg.OUT_DIM}, start_pos={start_pos}, rotate)",
        variants={"spmd": build_compressor_r4(cfg)},
        make_args=lambda: cases.kernel_args(inputs),
        output_names={name: cases.ARG_ORDER.index(name) for name in golden.OUTPUTS},
        check=lambda outputs: golden.mismatches(outputs, expected),
    )
