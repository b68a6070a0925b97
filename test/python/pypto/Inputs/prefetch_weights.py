"""A pypto-lib style file warming weights into L2 with `pl.prefetch` (as the deepseek v4 mtp decode kernels
do): a task prefetches the flattened weights after the norm task, then the projection reads them. The
prefetch changes no value, so the golden is the plain computation."""

import pypto.language as pl

from config import COLS, ROWS

K = 64


@pl.jit
def prefetch_weights(
    x: pl.Tensor[[ROWS, K], pl.FP32],
    w: pl.Tensor[[K, COLS], pl.FP32],
    bias: pl.Tensor[[1, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
):
    w_flat = pl.reshape(w, [K * COLS])
    scaled = pl.create_tensor([ROWS, K], dtype=pl.FP32)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="scale") as scale_tid:
        scaled[:, :] = pl.mul(x[:, :], 0.5)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="prefetch_w", deps=[scale_tid]):
        ctx = pl.prefetch.make_context()
        pl.prefetch.async_prefetch(w_flat, ctx)
        event = pl.prefetch.async_prefetch(bias, ctx)
        pl.prefetch.wait(event, pl.prefetch.session(ctx))
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="proj"):
        acc = pl.matmul(scaled[:, :], w[:, :])
        y[:, :] = pl.add(acc, pl.col_expand(acc, bias[:, :]))
    return y


def golden_prefetch_weights(tensors):
    acc = (tensors["x"].double() * 0.5) @ tensors["w"].double()
    tensors["y"][:] = (acc + tensors["bias"].double()).float()


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, K], torch.float32, init_value=torch.randn),
        TensorSpec("w", [K, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("bias", [1, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(prefetch_weights, build_tensor_specs(), golden_prefetch_weights,
                     runtime_cfg=dict(platform=args.platform), rtol=1e-4, atol=1e-4)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
