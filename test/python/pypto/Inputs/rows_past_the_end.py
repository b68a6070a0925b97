"""A pypto-lib style file whose launch has one block too many: that block's slice runs past the rows of `x`,
a located run-time error naming the kernel and block."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

ROWS_PER_BLOCK = ROWS // BLOCKS


@pl.jit
def copy_rows(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Out[pl.Tensor[[ROWS + ROWS_PER_BLOCK, COLS], pl.FP32]]):
    for i in pl.spmd(BLOCKS + 1, name_hint="copy_rows"):
        off = i * ROWS_PER_BLOCK
        y[off:off + ROWS_PER_BLOCK, :] = pl.mul(x[off:off + ROWS_PER_BLOCK, :], 1.0)
    return y


def golden_copy_rows(tensors):
    tensors["y"][:ROWS] = tensors["x"]


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.rand),
            TensorSpec("y", [ROWS + ROWS_PER_BLOCK, COLS], torch.float32, is_output=True)]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3")
    args = parser.parse_args()
    result = run_jit(fn=copy_rows, specs=build_tensor_specs(), golden_fn=golden_copy_rows,
                     runtime_cfg=dict(platform=args.platform))
    raise SystemExit(0 if result.passed else 1)
