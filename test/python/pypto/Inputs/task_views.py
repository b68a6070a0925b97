"""A pypto-lib style file writing outputs through views made inside task scopes: a `pl.reshape` of an output
taken inside a `pl.at` and written in a loop there, one taken inside each `pl.spmd` block, and one passed to an
inline helper that writes its parameter. A reshape is a view of the output's memory, so every write lands."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

FLAT_ROWS = ROWS * 2
FLAT_COLS = COLS // 2
ROWS_PER_BLOCK = FLAT_ROWS // BLOCKS


@pl.jit.inline
def exp_into(src: pl.Tensor[[FLAT_ROWS, FLAT_COLS], pl.FP32], dst: pl.Tensor[[FLAT_ROWS, FLAT_COLS], pl.FP32]):
    dst[0:FLAT_ROWS, :] = pl.exp(src[0:FLAT_ROWS, :])


@pl.jit
def task_views(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    z: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    w: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows_in_loop"):
        flat_y = pl.reshape(y, [FLAT_ROWS, FLAT_COLS])
        flat_x = pl.reshape(x, [FLAT_ROWS, FLAT_COLS])
        for b in pl.range(BLOCKS):
            r0 = b * ROWS_PER_BLOCK
            flat_y[r0:r0 + ROWS_PER_BLOCK, :] = pl.mul(flat_x[r0:r0 + ROWS_PER_BLOCK, :], 2.0)
    with pl.spmd(BLOCKS, name_hint="rows_per_block") as i:
        flat_z = pl.reshape(z, [FLAT_ROWS, FLAT_COLS])
        r0 = pl.tile.get_block_idx() * ROWS_PER_BLOCK
        flat_z[r0:r0 + ROWS_PER_BLOCK, :] = pl.neg(pl.reshape(x, [FLAT_ROWS, FLAT_COLS])[r0:r0 + ROWS_PER_BLOCK, :])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="helper"):
        exp_into(pl.reshape(x, [FLAT_ROWS, FLAT_COLS]), pl.reshape(w, [FLAT_ROWS, FLAT_COLS]))
    return y, z, w


def golden_task_views(tensors):
    import torch

    tensors["y"][:] = tensors["x"] * 2.0
    tensors["z"][:] = -tensors["x"]
    tensors["w"][:] = torch.exp(tensors["x"])


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("z", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("w", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(task_views, build_tensor_specs(), golden_task_views, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
