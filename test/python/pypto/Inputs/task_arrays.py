"""A pypto-lib style file collecting task ids in a `pl.array` of `pl.TASK_ID`: producer g (a loop of
`pl.at` tasks, indexed by the loop variable) and the consumers that wait for one element each, for a list
of elements (`deps=[tids[j] for j in ...]`) and for the whole array; an inline helper with
`auto_scope=False` takes the array as a `pl.Array[...]` parameter and opens a `pl.scope()`.
The consumers read only `x`, so only these explicit deps order them after the producers."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

ROWS_PER_BLOCK = ROWS // BLOCKS


@pl.jit.inline(auto_scope=False)
def produce(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Tensor[[ROWS, COLS], pl.FP32],
            tids: pl.Array[BLOCKS, pl.TASK_ID]):
    with pl.scope():
        for g in pl.parallel(BLOCKS):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="produce") as tid:
                rows = x[g * ROWS_PER_BLOCK:(g + 1) * ROWS_PER_BLOCK, :]
                y[g * ROWS_PER_BLOCK:(g + 1) * ROWS_PER_BLOCK, :] = pl.exp(rows)
            tids[g] = tid
    return y


@pl.jit
def task_arrays(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    z: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
):
    tids = pl.array.create(BLOCKS, pl.TASK_ID)
    y = produce(x, y, tids)
    for g in pl.range(BLOCKS):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="consume", deps=[tids[g]]):
            z[g * ROWS_PER_BLOCK:(g + 1) * ROWS_PER_BLOCK, :] = pl.neg(x[g * ROWS_PER_BLOCK:(g + 1) * ROWS_PER_BLOCK, :])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="first_two", deps=[tids[j] for j in range(2)]):
        z[0:ROWS_PER_BLOCK, :] = pl.neg(x[0:ROWS_PER_BLOCK, :])
    with pl.spmd(BLOCKS, name_hint="after_all", deps=[tids]):
        z[0:ROWS_PER_BLOCK, :] = pl.neg(x[0:ROWS_PER_BLOCK, :])
    return y, z


def golden_task_arrays(tensors):
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

    result = run_jit(task_arrays, build_tensor_specs(), golden_task_arrays, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
