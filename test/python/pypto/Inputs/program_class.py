"""A pypto-lib style `@pl.program` file: the Opaque method's entry returns an inline helper's result
(`return shift_rows(...)`), the helper takes `auto_scope=False`, and `__main__` runs it with `run(program=...)`."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

ROWS_PER_BLOCK = ROWS // BLOCKS


@pl.jit.inline(auto_scope=False)
def shift_rows(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Tensor[[ROWS, COLS], pl.FP32]):
    for i in pl.spmd(BLOCKS, name_hint="shift_rows"):
        src = ((i + 1) % BLOCKS) * ROWS_PER_BLOCK
        y[i * ROWS_PER_BLOCK:(i + 1) * ROWS_PER_BLOCK, :] = pl.exp(x[src:src + ROWS_PER_BLOCK, :])
    return y


def build_program():
    @pl.program
    class ShiftRows:
        @pl.function(type=pl.FunctionType.Opaque)
        def shift_rows_layer(
            self,
            x: pl.Tensor[[ROWS, COLS], pl.FP32],
            y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
        ) -> pl.Tensor[[ROWS, COLS], pl.FP32]:
            return shift_rows(x, y)

    return ShiftRows


def golden_shift_rows(tensors):
    import torch

    tensors["y"][:] = torch.exp(torch.roll(tensors["x"], -ROWS_PER_BLOCK, dims=0))


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run(
        program=build_program(),
        specs=build_tensor_specs(),
        golden_fn=golden_shift_rows,
        compile_cfg=dict(dump_passes=False),
        runtime_cfg=dict(platform=args.platform),
        rtol=1e-5,
        atol=1e-5,
    )
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
