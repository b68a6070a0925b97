"""Torch golden of the ratio-4 (CSA) "overlap" KV compressor (KERNELS.md §2).

The shared compressor golden (golden.py, `compressor_step`) with overlap factor COFF = 2: the same rounding
points as the ratio-128 golden (f32 projections, bf16 pooled / normed / roped values, f32 hadamard, bf16
cache); tokens go to the current-window slots R + r; the pool runs over the 2R slots of `pooling_window`
(front half of the previous window, back half of the current one); the current window then becomes the
previous one.  Outputs and tolerances are the ratio-128 ones (`golden.OUTPUTS`, `golden.COMPARE`,
`golden.mismatches`).
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from .config import CompressorR4Config
from .golden import compressor_step


def compressor_r4(cfg: CompressorR4Config, inputs: Mapping[str, object]) -> dict[str, torch.Tensor]:
    """Run one decode step; returns new `kv`, `kv_state`, `score_state`, `kv_cache` (inputs are not modified)."""
    return compressor_step(cfg, inputs, coff=cfg.COFF)
