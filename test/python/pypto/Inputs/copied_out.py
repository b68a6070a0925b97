"""A pypto-lib file of the copied-Out era (simpler before 2026-06-15): the kernel adds into its Out, whose device
buffer then held the caller's data. Right under `--out-staging copied`, a located error under the others."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

ROWS_PER_BLOCK = ROWS // BLOCKS


@pl.jit
def accumulate_into(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]]):
    for i in pl.spmd(BLOCKS, name_hint="accumulate_into"):
        off = i * ROWS_PER_BLOCK
        y[off:off + ROWS_PER_BLOCK, :] = pl.add(y[off:off + ROWS_PER_BLOCK, :], x[off:off + ROWS_PER_BLOCK, :])
    return y


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.rand),
            TensorSpec("y", [ROWS, COLS], torch.float32, init_value=torch.rand, is_output=True)]


def golden(tensors):
    tensors["y"][:] = tensors["y"] + tensors["x"]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3")
    args = parser.parse_args()
    result = run_jit(fn=accumulate_into, specs=build_tensor_specs(), golden_fn=golden,
                     runtime_cfg=dict(platform=args.platform))
    raise SystemExit(0 if result.passed else 1)
