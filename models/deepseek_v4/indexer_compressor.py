"""DeepSeek-V4 indexer compressor (KERNELS.md §3): the ratio-4 (CSA) overlap compressor of compressor_r4.py at
the index head size, always rotated.

It is not a second kernel: §3 is §2 with HEAD_DIM 128 (OUT_DIM 256) and rotate on, so the entry is
`build_compressor_r4` specialised to an `IndexerCompressorConfig` (same dispatch sites, same arguments in
`cases.ARG_ORDER`).  Two conventions make it the indexer's compressor: its `kv_cache` argument is the lightning
indexer's idx_kv_cache [B, MAX_SEQ / 4, HEAD_DIM] (row start_pos // 4 written on compression), and it is always
called with `rotate=True` and a HEAD_DIM × HEAD_DIM hadamard (indexer_compressor_cases.py supplies both, the
golden rejects anything else), so the `kv_write` arm of the kernel is never taken.
"""

from typing import Any

from .compressor_r4 import build_compressor_r4
from .config import IndexerCompressorConfig


def build_indexer_compressor(cfg: IndexerCompressorConfig) -> Any:
    """The `pl.jit` entry for `cfg` (cached per config, like every compressor builder)."""
    if not isinstance(cfg, IndexerCompressorConfig):
        raise TypeError(f"expected an IndexerCompressorConfig, got {type(cfg).__name__}")
    return build_compressor_r4(cfg)
