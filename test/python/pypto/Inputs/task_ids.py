"""A pypto-lib style file with explicit task ordering: `with pl.spmd(...) as tid`, `with pl.at(...) as tid`,
`deps=[...]`, `pl.system.task_dummy`, `allow_early_resolve` / `sync_start`, and a helper taking a
`pl.Scalar[pl.TASK_ID]`. The second scope reads only `x`, so only its explicit deps order it after the first."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

ROWS_PER_BLOCK = ROWS // BLOCKS


@pl.jit.inline
def negate(x: pl.Tensor[[ROWS, COLS], pl.FP32], z: pl.Tensor[[ROWS, COLS], pl.FP32], after: pl.Scalar[pl.TASK_ID]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="negate", deps=[after, None]) as neg_tid:
        z[0:ROWS, :] = pl.neg(x[0:ROWS, :])
    return z


@pl.jit
def task_ids(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    z: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
):
    with pl.spmd(BLOCKS, name_hint="exp_rows", allow_early_resolve=True, sync_start=True) as exp_tid:
        for i in pl.range(BLOCKS):
            y[i * ROWS_PER_BLOCK:(i + 1) * ROWS_PER_BLOCK, :] = pl.exp(x[i * ROWS_PER_BLOCK:(i + 1) * ROWS_PER_BLOCK, :])
    barrier = pl.system.task_dummy(deps=[exp_tid])
    z = negate(x, z, barrier)
    return y, z


def golden_task_ids(tensors):
    import torch

    tensors["y"][:] = torch.exp(tensors["x"])
    tensors["z"][:] = -tensors["x"]


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("z", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(task_ids, build_tensor_specs(), golden_task_ids, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
