"""Harness benchmark: what the pypto golden harness (`ppc.runtime.pypto_golden.run_jit`) costs around a kernel
that reads almost nothing of a large input, as a full-model weight file does at scale.

The kernel doubles one 16x64 tile of a [rows, 16384] bf16 input, so a run is building the input (torch's
randn, the file's own cost), the golden's clone of it and the harness's bookkeeping; the figure to watch is
the end-to-end time over the time to build the input (1 + one clone's worth when no other copy is made).
"""

from __future__ import annotations

import time

from ppc.frontend import language as pl

ROWS = pl.dynamic("ROWS")
COLS = 16384


@pl.jit
def first_tile_twice(x: pl.Tensor[[ROWS, COLS], pl.BF16], y: pl.Out[pl.Tensor[[16, 64], pl.BF16]]):
    x.bind_dynamic(0, ROWS)
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:16, :] = pl.add(x[0:16, 0:64], x[0:16, 0:64])
    return y


def _golden(tensors) -> None:
    tensors["y"].copy_(tensors["x"][:16, :64] * 2)


def run(rows: int) -> dict[str, float]:
    """Seconds for building the input alone and for the whole `run_jit`; raises if the golden check fails."""
    import contextlib
    import io

    import torch

    from . import pypto_golden as golden

    start = time.perf_counter()
    torch.randn(rows, COLS, dtype=torch.bfloat16)
    build = time.perf_counter() - start
    specs = [golden.TensorSpec("x", [rows, COLS], torch.bfloat16, init_value=torch.randn),
             golden.TensorSpec("y", [16, 64], torch.bfloat16, is_output=True)]
    first_tile_twice.compile(torch.empty(rows, COLS, dtype=torch.bfloat16), torch.empty(16, 64, dtype=torch.bfloat16))
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        result = golden.run_jit(first_tile_twice, specs, _golden)
    total = time.perf_counter() - start
    if not result.passed:
        raise AssertionError(result.error)
    return {"mib": rows * COLS * 2 / 2**20, "build_s": build, "run_jit_s": total}
