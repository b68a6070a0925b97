"""A pypto-lib style kernel file with a dynamic row count: y = x * alpha + bias over T_DYN rows.

The token count is a `pl.dynamic` symbol bound in the entry; `pl.tensor.dim` reads it at run time and the
ragged last tile loads and stores only its valid rows.  `--rows` picks the size (any number of rows runs
through the same compiled program).
"""

import pypto.language as pl

from config import COLS

T_DYN = pl.dynamic("T_DYN")
T_TILE = 16


@pl.jit
def dyn_rows(
    x: pl.Tensor[[T_DYN, COLS], pl.FP32],
    bias: pl.Tensor[[1, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[T_DYN, COLS], pl.FP32]],
    alpha: pl.Scalar[pl.FP32],
):
    x.bind_dynamic(0, T_DYN)
    y.bind_dynamic(0, T_DYN)
    t_dim = pl.tensor.dim(x, 0)
    tiles = (t_dim + T_TILE - 1) // T_TILE
    for i in pl.spmd(tiles, name_hint="dyn_rows"):
        tg = i * T_TILE
        valid_rows = pl.min(T_TILE, t_dim - tg)
        rows = pl.slice(x, [T_TILE, COLS], [tg, 0], valid_shape=[valid_rows, COLS])
        scaled = pl.col_expand_add(pl.mul(rows, alpha), bias[0:1, :])
        y[tg:tg + T_TILE, :] = scaled
    return y


def golden_dyn_rows(tensors):
    tensors["y"][:] = tensors["x"] * tensors["alpha"] + tensors["bias"]


def build_tensor_specs(rows: int, alpha: float = 0.5):
    import torch
    from golden import ScalarSpec, TensorSpec

    return [
        TensorSpec("x", [rows, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("bias", [1, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [rows, COLS], torch.float32, is_output=True),
        ScalarSpec("alpha", torch.float32, alpha),
    ]


if __name__ == "__main__":
    import argparse

    from golden import ratio_allclose, run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    parser.add_argument("--rows", type=int, default=40)
    args = parser.parse_args()

    print(f"--- dyn_rows: T={args.rows} ---")
    result = run_jit(
        fn=dyn_rows,
        specs=build_tensor_specs(args.rows),
        golden_fn=golden_dyn_rows,
        runtime_cfg=dict(platform=args.platform),
        compare_fn={"y": ratio_allclose(atol=1e-6, rtol=1e-6, max_error_ratio=0.0)},
    )
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
