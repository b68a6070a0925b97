"""A pypto-lib style file using both forms of `pl.scatter`: the mask form puts rotated rope halves back
into their even / odd columns (the inverse of the mask-form gathers that split them, as the deepseek v4
dspark kernel does), and the index form writes each row's values to the columns a permutation names."""

import pypto.language as pl

from config import ROWS

HALF = 32
ROPE = 2 * HALF
WIDE = 96  # the index form's destination rows are wider than its source rows
P0101, P1010 = 1, 2  # pl.tile.MaskPattern values


@pl.jit
def scatter_forms(
    x: pl.Tensor[[ROWS, ROPE], pl.FP32],
    base: pl.Tensor[[ROWS, WIDE], pl.FP32],
    cols: pl.Tensor[[ROWS, ROPE], pl.INT32],
    vals: pl.Tensor[[ROWS, ROPE], pl.FP32],
    rope: pl.Out[pl.Tensor[[ROWS, ROPE], pl.FP32]],
    placed: pl.Out[pl.Tensor[[ROWS, WIDE], pl.FP32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rope_rotate"):
        even = pl.gather(x[:, :], mask_pattern=pl.tile.MaskPattern.P0101)
        odd = pl.gather(x[:, :], mask_pattern=P1010)
        out = pl.full([ROWS, ROPE], dtype=pl.FP32, value=0.0)
        out = pl.tensor.scatter(pl.neg(odd), mask_pattern=P0101, dst=out)
        out = pl.tensor.scatter(even, mask_pattern=pl.tile.MaskPattern.P1010, dst=out)
        rope[:, :] = out
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="place"):
        placed[:, :] = pl.scatter(base[:, :], -1, cols[:, :], vals[:, :])
    return rope, placed


def golden_scatter_forms(tensors):
    x = tensors["x"]
    tensors["rope"][:, 0::2] = -x[:, 1::2]
    tensors["rope"][:, 1::2] = x[:, 0::2]
    placed = tensors["base"].clone()
    placed.scatter_(1, tensors["cols"].long(), tensors["vals"])  # distinct columns per row: order-free
    tensors["placed"][:] = placed


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    torch.manual_seed(0)
    cols = torch.stack([torch.randperm(WIDE)[:ROPE] for _ in range(ROWS)]).to(torch.int32)
    return [
        TensorSpec("x", [ROWS, ROPE], torch.float32, init_value=torch.randn),
        TensorSpec("base", [ROWS, WIDE], torch.float32, init_value=torch.randn),
        TensorSpec("cols", [ROWS, ROPE], torch.int32, init_value=cols),
        TensorSpec("vals", [ROWS, ROPE], torch.float32, init_value=torch.randn),
        TensorSpec("rope", [ROWS, ROPE], torch.float32, is_output=True),
        TensorSpec("placed", [ROWS, WIDE], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(scatter_forms, build_tensor_specs(), golden_scatter_forms,
                     runtime_cfg=dict(platform=args.platform), rtol=0, atol=0)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
