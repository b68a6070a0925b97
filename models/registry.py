"""Named models for `ppc-run NAME`: each builds its variants, their inputs and their golden check.

A model run is what a kernel author compares: one or more `@pl.jit` variants of one kernel fed identical
inputs, each checked against the torch golden, then their modelled timings side by side.  Each kernel's
`*_cases.py` module builds its own `ModelRun` (`model_run(size, seed)`); this table names them.
"""

from __future__ import annotations

import importlib
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


def _lazy(module: str) -> Callable[..., ModelRun]:
    """`model_run` of a cases module, imported on use (the kernels and goldens need torch)."""

    def build(size: str = "full", seed: int = 0) -> ModelRun:
        return importlib.import_module(f"ppc.models.deepseek_v4.{module}").model_run(size, seed)

    return build


MODELS: dict[str, Callable[..., ModelRun]] = {
    "compressor_r128": _lazy("cases"),
    "compressor_r4": _lazy("compressor_r4_cases"),
    "lightning_indexer": _lazy("indexer_cases"),
    "sparse_attention": _lazy("sparse_attention_cases"),
    "indexer_compressor": _lazy("indexer_compressor_cases"),
}
