"""Inputs of the sparse-attention core: random q / caches / sinks / positions and index lists per case.

Cases ("Tests per kernel" plus the padding rules of §5):
- `dense`: every id real (window ids a permutation of 0..WIN-1, compressed ids distinct rows).
- `padded`: about a quarter of the window and compressed ids are −1, and token (B-1, 0) has ALL its
  compressed ids −1 (its only keys are window rows).
Every token keeps at least one real window id (a decode token always sees itself).  Sinks are drawn in
[−1, 3], large enough to take a visible share of the probability mass.
"""

from __future__ import annotations

import numpy as np
import torch

from ppc.runtime.golden import TensorSpec

from .cases import arguments_in_order, pair_selectors
from .config import SparseAttentionConfig
from .sparse_attention_golden import OPROJ_OUTPUTS, OUTPUTS

ARG_ORDER = ("q", "win_kv", "cmp_kv", "idx", "attn_sink", "cos", "sin", "even_select", "odd_select", "out")
OPROJ_ARG_ORDER = (*ARG_ORDER[:-1], "wo_a", "wo_b", "wo_b_scale", "attn_out")
CASES = ("dense", "padded")


def index_lists(cfg: SparseAttentionConfig, case: str, g: torch.Generator) -> torch.Tensor:
    """idx [B, S, NK] int32: window ids 0..WIN-1 then compressed ids WIN+j, −1 = padding (see module doc)."""
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; expected one of {CASES}")
    B, S, WIN, TOPK = cfg.B, cfg.S, cfg.WIN, cfg.TOPK
    if TOPK > cfg.CACHE_ROWS:
        raise ValueError(f"TOPK={TOPK} distinct compressed ids need CACHE_ROWS >= TOPK, got {cfg.CACHE_ROWS}")
    idx = torch.empty(B, S, cfg.NK, dtype=torch.int32)
    for b in range(B):
        for s in range(S):
            idx[b, s, :WIN] = torch.randperm(WIN, generator=g)
            idx[b, s, WIN:] = WIN + torch.randperm(cfg.CACHE_ROWS, generator=g)[:TOPK]
    if case == "padded":
        drop = torch.rand(B, S, cfg.NK, generator=g) < 0.25
        drop[:, :, 0] = False  # keep one real window id per token
        idx[drop] = -1
        idx[B - 1, 0, WIN:] = -1
    return idx


def make_inputs(cfg: SparseAttentionConfig, case: str, seed: int = 0) -> dict[str, torch.Tensor]:
    """Random inputs of one decode step (named as the kernel's parameters)."""
    g = torch.Generator().manual_seed(seed)
    B, S, H, HD, half = cfg.B, cfg.S, cfg.H, cfg.HEAD_DIM, cfg.ROPE // 2

    def randn(*shape: int, scale: float = 1.0) -> torch.Tensor:
        return torch.randn(*shape, generator=g) * scale

    theta = randn(B, S, half, scale=3.0)
    even, odd = pair_selectors(cfg.ROPE)
    return {
        "q": randn(B, S, H, HD, scale=1.5).to(torch.bfloat16),
        "win_kv": randn(B, cfg.WIN, HD).to(torch.bfloat16),
        "cmp_kv": randn(B, cfg.CACHE_ROWS, HD).to(torch.bfloat16),
        "idx": index_lists(cfg, case, g),
        "attn_sink": torch.rand(H, generator=g) * 4.0 - 1.0,
        "cos": torch.cos(theta),
        "sin": torch.sin(theta),
        "even_select": even,
        "odd_select": odd,
        "out": torch.zeros(B, S, H, HD, dtype=torch.bfloat16),
        # Output projection (the `with_oproj` entry): wo_b is an int8 weight with per-output-channel scales.
        "wo_a": randn(cfg.O_GROUPS, cfg.O_LORA, cfg.O_GROUP_IN, scale=cfg.O_GROUP_IN**-0.5).to(torch.bfloat16),
        "wo_b": torch.randint(-127, 128, (cfg.D, cfg.O_GROUPS * cfg.O_LORA), generator=g, dtype=torch.int8),
        "wo_b_scale": (0.5 + torch.rand(cfg.D, generator=g)) / (127.0 * (cfg.O_GROUPS * cfg.O_LORA) ** 0.5),
        "attn_out": torch.zeros(B, S, cfg.D, dtype=torch.bfloat16),
    }


def kernel_args(inputs: dict[str, torch.Tensor], order: tuple[str, ...] = ARG_ORDER) -> list[np.ndarray]:
    """The inputs as kernel arguments in `order` (`ARG_ORDER` of the core entry, `OPROJ_ARG_ORDER` of the
    one with the output projection): fresh numpy arrays (bf16 via ml_dtypes)."""
    return arguments_in_order(inputs, order)


def named(args: list[np.ndarray], order: tuple[str, ...] = ARG_ORDER) -> dict[str, np.ndarray]:
    """Kernel arguments by parameter name (to read the written outputs back)."""
    return dict(zip(order, args))


def harness_specs(
    cfg: SparseAttentionConfig, case: str, seed: int = 0, order: tuple[str, ...] = ARG_ORDER
) -> list[TensorSpec]:
    """The same inputs as `make_inputs`, as golden-harness specs (`ppc.runtime.golden.run_jit`)."""
    inputs = make_inputs(cfg, case, seed)
    return [
        TensorSpec(name, tuple(inputs[name].shape), inputs[name].dtype, inputs[name], is_output=name in OUTPUTS + OPROJ_OUTPUTS)
        for name in order
    ]


def model_run(size: str = "full", seed: int = 0):
    """`ppc-run sparse_attention`: the entry with the output projection on the `padded` case."""
    from ppc.models.registry import ModelRun

    from . import sparse_attention_golden as golden
    from .config import SPARSE_ATTENTION_CONFIGS
    from .sparse_attention import build_sparse_attention

    cfg = SPARSE_ATTENTION_CONFIGS[size]
    inputs = make_inputs(cfg, "padded", seed)
    expected = golden.sparse_attention_oproj(cfg, inputs)
    return ModelRun(
        title=f"sparse attention + output projection ({size}: B={cfg.B} S={cfg.S} H={cfg.H} HEAD_DIM={cfg.HEAD_DIM}, "
        f"{cfg.NK} ids per token, D={cfg.D})",
        variants={"spmd": build_sparse_attention(cfg).with_oproj},
        make_args=lambda: kernel_args(inputs, OPROJ_ARG_ORDER),
        output_names={name: OPROJ_ARG_ORDER.index(name) for name in golden.OPROJ_OUTPUTS},
        check=lambda outputs: golden.mismatches(outputs, expected),
    )
