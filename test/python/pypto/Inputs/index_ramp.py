"""A pypto-lib style kernel file building per-group index ramps as qwen3's top-k does: the group's start, an
index scalar, is cast to `pl.UINT32` (a same-width-or-narrower integer cast) to seed a UINT32 `pl.arange`."""

import pypto.language as pl

from config import COLS, ROWS

GROUP = 32


@pl.jit
def index_ramp(x: pl.Tensor[[ROWS, COLS], pl.INT32], y: pl.Out[pl.Tensor[[ROWS, COLS], pl.INT32]]):
    for r in pl.spmd(ROWS, name_hint="index_ramp"):
        for g in pl.range(COLS // GROUP):
            start = g * GROUP + pl.read(x, [r, 0])
            ramp = pl.arange(pl.cast(start, target_type=pl.UINT32), [1, GROUP], dtype=pl.UINT32)
            y[r : r + 1, g * GROUP : (g + 1) * GROUP] = pl.cast(ramp, target_type=pl.INT32)
    return y


def golden_index_ramp(tensors):
    import torch

    tensors["y"][:] = tensors["x"][:, 0:1] + torch.arange(COLS, dtype=torch.int32)


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.int32, init_value=lambda: torch.randint(0, 1000, (ROWS, COLS))),
        TensorSpec("y", [ROWS, COLS], torch.int32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(index_ramp, build_tensor_specs(), golden_index_ramp,
                     runtime_cfg=dict(platform=args.platform), rtol=0.0, atol=0.0)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
