"""A pypto-lib style kernel whose two [ROWS, 208] f32 row blocks (104 KiB each) are live at once: 208 KiB of
UB, over a2a3's usable 184 KiB, within a5's 240 KiB."""

import pypto.language as pl

ROWS, COLS = 128, 208


@pl.jit
def add_rows(x: pl.Tensor[[2 * ROWS, COLS], pl.FP32], y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="add_rows"):
        top = x[0:ROWS, :]
        bottom = x[ROWS:2 * ROWS, :]
        y[:, :] = pl.add(top, bottom)
    return y


def golden_add_rows(tensors):
    tensors["y"][:] = tensors["x"][:ROWS] + tensors["x"][ROWS:]


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [2 * ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()
    result = run_jit(fn=add_rows, specs=build_tensor_specs(), golden_fn=golden_add_rows,
                     runtime_cfg=dict(platform=args.platform), rtol=1e-5, atol=1e-5)
    if not result.passed:
        raise SystemExit(1)
