"""Inputs of the ratio-128 compressor for the three start_pos cases of KERNELS.md ("Tests per kernel").

Every case starts from random (non-zero) states and a random cache, so a missing or misplaced write shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import ml_dtypes
import numpy as np
import torch

from ppc.runtime.golden import ScalarSpec, TensorSpec

from .config import CompressorR128Config
from .golden import OUTPUTS

ARG_ORDER = (
    "kv_state", "score_state", "x", "wkv", "wgate", "ape", "norm_w", "cos", "sin",
    "even_select", "odd_select", "hadamard", "kv_cache", "start_pos", "rotate", "kv",
)  # fmt: skip
SCALAR_DTYPES = {"start_pos": "i32", "rotate": "bool"}


def start_pos_cases(cfg: CompressorR128Config) -> dict[str, int]:
    """no compression (pos%R + S < R), aligned ((pos+S)%R == 0), crossing (pos%R == R-1); cache row 1 for the last two."""
    R, S = cfg.R, cfg.S
    return {"none": 3, "aligned": 2 * R - S, "crossing": 2 * R - 1}


def pair_selectors(rope: int) -> tuple[torch.Tensor, torch.Tensor]:
    """0/1 bf16 [rope, rope/2] matrices: y @ even picks y[..., 0::2], y @ odd picks y[..., 1::2]."""
    even = torch.zeros(rope, rope // 2, dtype=torch.bfloat16)
    odd = torch.zeros(rope, rope // 2, dtype=torch.bfloat16)
    idx = torch.arange(rope // 2)
    even[2 * idx, idx] = 1
    odd[2 * idx + 1, idx] = 1
    return even, odd


def hadamard(n: int) -> torch.Tensor:
    """Sylvester Hadamard matrix scaled by n^-0.5 (orthonormal), in bf16."""
    h = torch.ones(1, 1)
    while h.shape[0] < n:
        h = torch.cat([torch.cat([h, h], 1), torch.cat([h, -h], 1)], 0)
    if h.shape[0] != n:
        raise ValueError(f"hadamard size {n} is not a power of two")
    return (h * (1.0 / math.sqrt(n))).to(torch.bfloat16)


def make_inputs(cfg: CompressorR128Config, start_pos: int, rotate: bool, seed: int = 0) -> dict[str, object]:
    """Random inputs of one decode step (named as the kernel's parameters)."""
    g = torch.Generator().manual_seed(seed)
    B, S, D, R, HD, half = cfg.B, cfg.S, cfg.D, cfg.R, cfg.HEAD_DIM, cfg.ROPE // 2

    def randn(*shape: int, scale: float = 1.0) -> torch.Tensor:
        return torch.randn(*shape, generator=g) * scale

    theta = randn(1, half, scale=3.0)
    even, odd = pair_selectors(cfg.ROPE)
    return {
        "kv_state": randn(B, R, HD),
        "score_state": randn(B, R, HD),
        "x": randn(B, S, D).to(torch.bfloat16),
        "wkv": randn(D, HD, scale=D**-0.5).to(torch.bfloat16),
        "wgate": randn(D, HD, scale=D**-0.5).to(torch.bfloat16),
        "ape": randn(R, HD, scale=0.5),
        "norm_w": 1.0 + randn(HD, scale=0.1),
        "cos": torch.cos(theta),
        "sin": torch.sin(theta),
        "even_select": even,
        "odd_select": odd,
        "hadamard": hadamard(HD),
        "kv_cache": randn(B, cfg.CACHE_ROWS, HD).to(torch.bfloat16),
        "start_pos": start_pos,
        "rotate": rotate,
        "kv": torch.zeros(B, S, HD),
    }


def arguments_in_order(inputs: Mapping[str, object], order: Sequence[str]) -> list[object]:
    """`inputs` as kernel arguments in `order`: fresh numpy arrays (bf16 via ml_dtypes), scalars as is.
    The kernel writes its Out/InOut arguments in place, so the torch inputs stay untouched for the golden."""

    def to_numpy(v: object) -> object:
        if not isinstance(v, torch.Tensor):
            return v
        if v.dtype == torch.bfloat16:
            return v.float().numpy().astype(ml_dtypes.bfloat16)
        return v.numpy().copy()

    return [to_numpy(inputs[name]) for name in order]


def kernel_args(inputs: dict[str, object]) -> list[object]:
    """The inputs as kernel arguments in `ARG_ORDER` (see `arguments_in_order`)."""
    return arguments_in_order(inputs, ARG_ORDER)


def named(args: list[object]) -> dict[str, np.ndarray]:
    """Kernel arguments by parameter name (to read the written outputs back)."""
    return dict(zip(ARG_ORDER, args))


def harness_specs(cfg: CompressorR128Config, start_pos: int, rotate: bool, seed: int = 0) -> list[TensorSpec | ScalarSpec]:
    """The same inputs as `make_inputs`, as golden-harness specs (`ppc.runtime.golden.run_jit`)."""
    inputs = make_inputs(cfg, start_pos, rotate, seed)
    return [
        ScalarSpec(name, SCALAR_DTYPES[name], inputs[name]) if name in SCALAR_DTYPES
        else TensorSpec(name, tuple(inputs[name].shape), inputs[name].dtype, inputs[name], is_output=name in OUTPUTS)
        for name in ARG_ORDER
    ]  # fmt: skip


def model_run(size: str = "full", seed: int = 0):
    """`ppc-run compressor_r128`: both variants in the calibration case of NPU_MODEL.md (start_pos=127, rotate)."""
    from ppc.models.registry import ModelRun

    from . import golden
    from .compressor_r128 import build_compressor_r128
    from .config import CONFIGS

    cfg = CONFIGS[size]
    inputs = make_inputs(cfg, start_pos=cfg.R - 1, rotate=True, seed=seed)
    expected = golden.compressor_r128(cfg, inputs)
    entries = build_compressor_r128(cfg)
    return ModelRun(
        title=f"compressor r128 ({size}: B={cfg.B} S={cfg.S} D={cfg.D} HEAD_DIM={cfg.HEAD_DIM}, "
        f"start_pos={cfg.R - 1}, rotate)",
        variants={"parallel": entries.parallel, "spmd": entries.spmd},
        make_args=lambda: kernel_args(inputs),
        output_names={name: ARG_ORDER.index(name) for name in golden.OUTPUTS},
        check=lambda outputs: golden.mismatches(outputs, expected),
    )
