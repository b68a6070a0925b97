"""A pypto-lib style kernel file: y = x * alpha + bias, checked by its own __main__ golden run."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

ROWS_PER_BLOCK = ROWS // BLOCKS


@pl.jit
def scale_bias(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    bias: pl.Tensor[[ROWS, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    alpha: pl.Scalar[pl.FP32],
):
    for i in pl.spmd(BLOCKS, name_hint="scale_bias"):
        off = i * ROWS_PER_BLOCK
        rows = pl.mul(x[off:off + ROWS_PER_BLOCK, :], alpha)
        y[off:off + ROWS_PER_BLOCK, :] = pl.add(rows, bias[off:off + ROWS_PER_BLOCK, :])
    return y


def golden_scale_bias(tensors):
    tensors["y"][:] = tensors["x"] * tensors["alpha"] + tensors["bias"]


def build_tensor_specs(alpha: float = 0.5):
    import torch
    from golden import ScalarSpec, TensorSpec

    def init_bias():
        return torch.arange(ROWS * COLS).reshape(ROWS, COLS) / (ROWS * COLS)

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("bias", [ROWS, COLS], torch.float32, init_value=init_bias),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
        ScalarSpec("alpha", torch.float32, alpha),
    ]


if __name__ == "__main__":
    import argparse

    from golden import ratio_allclose, run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    parser.add_argument("-d", "--device", type=int, default=0)
    parser.add_argument("--enable-chip-swimlane", nargs="?", const=4, default=0, type=int)
    args = parser.parse_args()

    result = run_jit(
        fn=scale_bias,
        specs=build_tensor_specs(),
        golden_fn=golden_scale_bias,
        runtime_cfg=dict(platform=args.platform, device_id=args.device,
                         enable_chip_swimlane=args.enable_chip_swimlane),
        rtol=1e-5,
        atol=1e-5,
        compare_fn={"y": ratio_allclose(atol=1e-6, rtol=1e-6, max_error_ratio=0.0)},
    )
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
