"""A pypto-lib style file whose inline helpers write their output parameter without returning it, called
inside a `pl.spmd` body: an aligned-tile helper (slice write, after rebinding its input parameter) and a
ragged-tile helper (`pl.store` of a valid_shape tile), picked per block by an `if`. The writes must reach
the caller's `y`."""

import pypto.language as pl

from config import COLS

T_DYN = pl.dynamic("HELPER_WRITES_T")
T_TILE = 8


@pl.jit.inline
def _full_tile(x: pl.Tensor[[T_DYN, COLS], pl.FP32], y: pl.Tensor[[T_DYN, COLS], pl.FP32]):
    x = pl.reshape(x, [pl.tensor.dim(x, 0), COLS])  # rebinding another parameter leaves the write to `y` intact
    r0 = pl.tile.get_block_idx() * T_TILE
    y[r0 : r0 + T_TILE, :] = pl.mul(x[r0 : r0 + T_TILE, :], 2.0)


@pl.jit.inline
def _tail_tile(x: pl.Tensor[[T_DYN, COLS], pl.FP32], y: pl.Tensor[[T_DYN, COLS], pl.FP32]):
    r0 = pl.tile.get_block_idx() * T_TILE
    rows = pl.tensor.dim(x, 0) - r0
    t = pl.load(x, [r0, 0], [T_TILE, COLS], valid_shape=[rows, COLS], target_memory=pl.MemorySpace.Vec)
    pl.store(pl.set_validshape(pl.mul(t, 2.0), rows, COLS), [r0, 0], y)


@pl.jit.inline
def double_rows(x: pl.Tensor[[T_DYN, COLS], pl.FP32], y: pl.Tensor[[T_DYN, COLS], pl.FP32]):
    t_dim = pl.tensor.dim(x, 0)
    with pl.spmd((t_dim + T_TILE - 1) // T_TILE, name_hint="double_rows") as tid:
        r0 = pl.tile.get_block_idx() * T_TILE
        if pl.min(T_TILE, t_dim - r0) == T_TILE:
            _full_tile(x, y)
        else:
            _tail_tile(x, y)
    return tid


@pl.jit
def helper_writes(x: pl.Tensor[[T_DYN, COLS], pl.FP32], y: pl.Out[pl.Tensor[[T_DYN, COLS], pl.FP32]]):
    x.bind_dynamic(0, T_DYN)
    y.bind_dynamic(0, T_DYN)
    double_rows(x, y)
    return y


def golden_helper_writes(tensors):
    tensors["y"][:] = tensors["x"] * 2.0


def build_tensor_specs(rows):
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [rows, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [rows, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    for rows in (32, 27):  # aligned only, then a ragged last tile
        result = run_jit(helper_writes, build_tensor_specs(rows), golden_helper_writes,
                         runtime_cfg=dict(platform=args.platform), rtol=1e-6, atol=1e-6)
        if not result.passed:
            if result.error:
                print(result.error)
            raise SystemExit(1)
