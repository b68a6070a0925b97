"""Inputs of the lightning indexer (scoring + top-k) for its start_pos cases.

The cache is random in every row, including rows past L, so a score or a top-k id that reads beyond the
visible rows shows.  With few index heads, relu zeroes every head of some keys, so exact ties (score 0)
occur and the tie-aware top-k comparison is exercised.
"""

import numpy as np
import torch

from .cases import arguments_in_order, hadamard, pair_selectors
from .config import IndexerConfig

ARG_ORDER = (
    "x", "qr", "qr_scale", "wq_b", "wq_b_scale", "weights_proj", "cos", "sin", "even_select", "odd_select",
    "hadamard", "idx_kv_cache", "start_pos", "score", "topk_idxs",
)  # fmt: skip
OUTPUT_NAMES = ("score", "topk_idxs")


def start_pos_cases(cfg: IndexerConfig) -> dict[str, int]:
    """L = (start_pos + S) // RATIO: `short` has L < IDX_TOPK (ids padded with -1, a partial key tile),
    `long` has L > IDX_TOPK and a partial last key tile, `full` sees every cache row, `empty` none."""
    S, R = cfg.S, cfg.RATIO
    short = R * (cfg.IDX_TOPK // 2) + 1 - S
    long = R * (cfg.CACHE_ROWS // 2 + cfg.KEY_CHUNK // 2 + 3) + 1 - S
    return {"empty": 0, "short": short, "long": long, "full": cfg.MAX_SEQ - S}


def make_inputs(cfg: IndexerConfig, start_pos: int, seed: int = 0, tie_group: int = 1) -> dict[str, object]:
    """Random inputs of one decode step (named as the kernel's parameters); outputs start as garbage.
    `tie_group` > 1 repeats every cache row that many times, so equal scores straddle the top-k cut."""
    g = torch.Generator().manual_seed(seed)
    B, S, D, IH, IDX_DIM, TOKENS, half = cfg.B, cfg.S, cfg.D, cfg.IH, cfg.IDX_DIM, cfg.TOKENS, cfg.ROPE // 2

    def randn(*shape: int, scale: float = 1.0) -> torch.Tensor:
        return torch.randn(*shape, generator=g) * scale

    def int8(*shape: int) -> torch.Tensor:
        return torch.randint(-127, 128, shape, generator=g, dtype=torch.int8)

    def uniform(*shape: int, lo: float, hi: float) -> torch.Tensor:
        return lo + (hi - lo) * torch.rand(*shape, generator=g)

    theta = uniform(S, half, lo=0.0, hi=6.3)
    even, odd = pair_selectors(cfg.ROPE)
    return {
        "x": randn(B, S, D).to(torch.bfloat16),
        "qr": int8(TOKENS, cfg.Q_LORA),
        "qr_scale": uniform(TOKENS, 1, lo=0.5 / 127, hi=1.5 / 127),
        "wq_b": int8(cfg.Q_LORA, IH * IDX_DIM),
        "wq_b_scale": uniform(IH * IDX_DIM, lo=0.5, hi=1.5) / (73.0 * cfg.Q_LORA**0.5),
        "weights_proj": randn(D, IH, scale=D**-0.5).to(torch.bfloat16),
        "cos": torch.cos(theta),
        "sin": torch.sin(theta),
        "even_select": even.float(),
        "odd_select": odd.float(),
        "hadamard": hadamard(IDX_DIM),
        "idx_kv_cache": tied_rows(randn(B, cfg.CACHE_ROWS, IDX_DIM), tie_group).to(torch.bfloat16),
        "start_pos": start_pos,
        "score": randn(B, S, cfg.CACHE_ROWS),
        "topk_idxs": torch.randint(-5, 1000, (B, S, cfg.IDX_TOPK), generator=g, dtype=torch.int32),
    }


def tied_rows(cache: torch.Tensor, group: int) -> torch.Tensor:
    """Rows r of [B, rows, dim] replaced by row r - r % group (runs of `group` identical rows)."""
    rows = torch.arange(cache.shape[1])
    return cache[:, rows - rows % group]


def kernel_args(inputs: dict[str, object]) -> list[object]:
    """The inputs as kernel arguments in `ARG_ORDER` (fresh numpy arrays, bf16 via ml_dtypes)."""
    return arguments_in_order(inputs, ARG_ORDER)


def named(args: list[object]) -> dict[str, np.ndarray]:
    """Kernel arguments by parameter name (to read the written outputs back)."""
    return dict(zip(ARG_ORDER, args))


def model_run(size: str = "full", seed: int = 0):
    """`ppc-run lightning_indexer`: scoring + top-k on the `long` case (more visible rows than IDX_TOPK)."""
    from ppc.models.registry import ModelRun

    from . import indexer_golden as golden
    from .config import INDEXER_CONFIGS
    from .indexer import build_indexer

    cfg = INDEXER_CONFIGS[size]
    start_pos = start_pos_cases(cfg)["long"]
    inputs = make_inputs(cfg, start_pos, seed)
    expected = golden.indexer(cfg, inputs)
    return ModelRun(
        title=f"lightning indexer ({size}: B={cfg.B} S={cfg.S} IH={cfg.IH} IDX_DIM={cfg.IDX_DIM}, start_pos={start_pos})",
        variants={"parallel": build_indexer(cfg)},
        make_args=lambda: kernel_args(inputs),
        output_names={name: ARG_ORDER.index(name) for name in OUTPUT_NAMES},
        check=lambda outputs: golden.mismatches(cfg, outputs, expected),
    )
