"""A pypto-lib style file whose inline helpers return task ids: `return tid` alone and `return out, tid`.
The caller orders a task that reads only `x` after both helpers' tasks through those ids."""

import pypto.language as pl

from config import COLS, ROWS


@pl.jit.inline
def scale_rows(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Tensor[[ROWS, COLS], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="scale") as scale_tid:
        y[0:ROWS, :] = pl.mul(x[0:ROWS, :], 2.0)
    return scale_tid


@pl.jit.inline
def exp_rows(x: pl.Tensor[[ROWS, COLS], pl.FP32], w: pl.Tensor[[ROWS, COLS], pl.FP32]):
    with pl.spmd(2, name_hint="exp") as exp_tid:
        b = pl.tile.get_block_idx()
        w[b * (ROWS // 2):(b + 1) * (ROWS // 2), :] = pl.exp(x[b * (ROWS // 2):(b + 1) * (ROWS // 2), :])
    return w, exp_tid


@pl.jit
def helper_task_id(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    w: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    z: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
):
    first = scale_rows(x, y)
    w, second = exp_rows(x, w)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="negate", deps=[first, second]):
        z[0:ROWS, :] = pl.neg(x[0:ROWS, :])
    return y, w, z


def golden_helper_task_id(tensors):
    import torch

    tensors["y"][:] = tensors["x"] * 2.0
    tensors["w"][:] = torch.exp(tensors["x"])
    tensors["z"][:] = -tensors["x"]


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("w", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("z", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(helper_task_id, build_tensor_specs(), golden_helper_task_id,
                     runtime_cfg=dict(platform=args.platform), rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
