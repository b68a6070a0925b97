"""A pypto-lib style kernel file whose `@pl.jit.inline` helper declares its row axis dynamic (annotation and
`bind_dynamic`) while the entry passes statically shaped tensors, as qwen3's prefill layer is called with a
static-capacity buffer.  PyPTO keeps the helper's axis dynamic: `pl.tensor.dim` is read at run time and the
flattened view built from it has a run-time row count."""

import pypto.language as pl

from config import COLS, ROWS

T_DYN = pl.dynamic("T_DYN")
T_TILE = 16


@pl.jit.inline
def double_rows(x: pl.Tensor[[T_DYN, COLS], pl.FP32], y: pl.Tensor[[T_DYN, COLS], pl.FP32]):
    x.bind_dynamic(0, T_DYN)
    y.bind_dynamic(0, T_DYN)
    t_dim = pl.tensor.dim(x, 0)
    x_flat = pl.reshape(x, [t_dim // 2, 2 * COLS])
    y_flat = pl.reshape(y, [t_dim // 2, 2 * COLS])
    for i in pl.spmd(t_dim // 2 // T_TILE, name_hint="double_rows"):
        t0 = i * T_TILE
        y_flat[t0 : t0 + T_TILE, :] = pl.mul(x_flat[t0 : t0 + T_TILE, :], 2.0)
    return y


@pl.jit
def helper_dyn_rows(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]]):
    y = double_rows(x, y)
    return y


def golden_helper_dyn_rows(tensors):
    tensors["y"][:] = tensors["x"] * 2.0


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(helper_dyn_rows, build_tensor_specs(), golden_helper_dyn_rows,
                     runtime_cfg=dict(platform=args.platform), rtol=0.0, atol=0.0)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
