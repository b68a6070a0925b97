"""A pypto-lib style kernel whose Out is half written; its golden expects zeros in the other half (as
pypto-lib files do: every simpler staging leaves them 0 -- copied zeros, a memset, or fresh device memory)."""

import pypto.language as pl

from config import COLS, ROWS

HALF = ROWS // 2


@pl.jit
def top_half(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="top"):
        y[0:HALF, :] = pl.exp(x[0:HALF, :])
    return y


def golden_top_half(tensors):
    import torch

    tensors["y"][:HALF] = torch.exp(tensors["x"][:HALF])


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
    result = run_jit(fn=top_half, specs=build_tensor_specs(), golden_fn=golden_top_half,
                     runtime_cfg=dict(platform=args.platform), rtol=1e-5, atol=1e-5)
    if not result.passed:
        raise SystemExit(1)
