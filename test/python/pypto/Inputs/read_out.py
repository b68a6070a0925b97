"""A pypto-lib style file whose kernel reads its Out parameter: a located compile error."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

ROWS_PER_BLOCK = ROWS // BLOCKS


@pl.jit
def accumulate(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]]):
    for i in pl.spmd(BLOCKS, name_hint="accumulate"):
        off = i * ROWS_PER_BLOCK
        y[off:off + ROWS_PER_BLOCK, :] = pl.add(y[off:off + ROWS_PER_BLOCK, :], x[off:off + ROWS_PER_BLOCK, :])
    return y


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.rand),
            TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True)]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3")
    args = parser.parse_args()
    result = run_jit(fn=accumulate, specs=build_tensor_specs(), runtime_cfg=dict(platform=args.platform))
    raise SystemExit(0 if result.passed else 1)
