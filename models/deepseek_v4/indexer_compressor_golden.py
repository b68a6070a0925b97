"""Torch golden of the indexer compressor (KERNELS.md §3): the ratio-4 golden (compressor_r4_golden.py, same
rounding points, outputs and tolerances `golden.COMPARE`) with the rotation required, since §3 always rotates."""

from __future__ import annotations

from collections.abc import Mapping

import torch

from .compressor_r4_golden import compressor_r4
from .config import IndexerCompressorConfig


def indexer_compressor(cfg: IndexerCompressorConfig, inputs: Mapping[str, object]) -> dict[str, torch.Tensor]:
    """Run one decode step; returns new `kv`, `kv_state`, `score_state`, `kv_cache` (the idx_kv_cache)."""
    if inputs["rotate"] is not True:
        raise ValueError(f"the indexer compressor always rotates: rotate={inputs['rotate']!r}, expected True")
    hd = cfg.HEAD_DIM
    if tuple(inputs["hadamard"].shape) != (hd, hd):
        raise ValueError(f"hadamard {tuple(inputs['hadamard'].shape)} must be [{hd}, {hd}] (HEAD_DIM²)")
    return compressor_r4(cfg, inputs)
