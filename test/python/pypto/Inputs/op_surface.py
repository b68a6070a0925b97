"""A pypto-lib style kernel file using the ops pypto-lib models need beyond the basics: pl.rsqrt / pl.log
(with high_precision), pl.transpose, pl.arange(start, shape, dtype=), pl.row_min, pl.col_expand_expdif,
a slice wider than its source with valid_shape, a batched (1 x M x K) matmul and a pl.split hint."""

import pypto.language as pl

T = 16
D = 64
K = 32
TAIL = 20  # a [T, TAIL] tensor loaded into a [T, PAD] tile: only valid_shape columns are read
PAD = 32
EPS = 1e-6


@pl.jit
def op_surface(
    x: pl.Tensor[[T, D], pl.FP32],
    a: pl.Tensor[[1, T, D], pl.BF16],
    w: pl.Tensor[[1, D, K], pl.BF16],
    tail: pl.Tensor[[T, TAIL], pl.FP32],
    y: pl.Out[pl.Tensor[[T, D], pl.FP32]],
    e: pl.Out[pl.Tensor[[T, D], pl.FP32]],
    xt: pl.Out[pl.Tensor[[D, T], pl.FP32]],
    mn: pl.Out[pl.Tensor[[T, 1], pl.FP32]],
    padded: pl.Out[pl.Tensor[[T, PAD], pl.FP32]],
    z: pl.Out[pl.Tensor[[1, T, K], pl.FP32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, optimizations=[pl.split(pl.SplitMode.UP_DOWN)], name_hint="vec"):
        tile = x[:, :]
        inv = pl.rsqrt(pl.add(pl.mul(pl.row_sum(pl.mul(tile, tile)), 1.0 / D), EPS), high_precision=True)
        y[:, :] = pl.row_expand_mul(pl.log(pl.add(pl.abs(tile), 1.0), high_precision=True), inv)
        e[:, :] = pl.col_expand_expdif(tile, pl.col_max(tile))
        xt[:, :] = pl.transpose(tile, axis1=0, axis2=-1)
        ids = pl.cast(pl.arange(0, [1, D], dtype=pl.INT32), target_type=pl.FP32)
        mn[:, :] = pl.row_min(pl.col_expand_add(tile, ids))
        wide = pl.slice(tail, [T, PAD], [0, 0], valid_shape=[T, TAIL])
        padded[:, :] = pl.fillpad(wide, pad_value=pl.PadValue.zero)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="cube"):
        z[:, :, :] = pl.matmul(a[:, :, :], w[:, :, :])
    return y, e, xt, mn, padded, z


def golden_op_surface(tensors):
    import torch

    x = tensors["x"]
    inv = torch.rsqrt((x * x).sum(dim=-1, keepdim=True) * (1.0 / D) + EPS)
    tensors["y"][:] = torch.log(x.abs() + 1.0) * inv
    tensors["e"][:] = torch.exp(x - x.amax(dim=0, keepdim=True))
    tensors["xt"][:] = x.T
    tensors["mn"][:] = (x + torch.arange(D, dtype=torch.float32)).amin(dim=-1, keepdim=True)
    tensors["padded"][:] = 0
    tensors["padded"][:, :TAIL] = tensors["tail"]
    tensors["z"][:] = torch.matmul(tensors["a"].float(), tensors["w"].float())


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [T, D], torch.float32, init_value=torch.randn),
        TensorSpec("a", [1, T, D], torch.bfloat16, init_value=torch.randn),
        TensorSpec("w", [1, D, K], torch.bfloat16, init_value=torch.randn),
        TensorSpec("tail", [T, TAIL], torch.float32, init_value=torch.randn),
        TensorSpec("y", [T, D], torch.float32, is_output=True),
        TensorSpec("e", [T, D], torch.float32, is_output=True),
        TensorSpec("xt", [D, T], torch.float32, is_output=True),
        TensorSpec("mn", [T, 1], torch.float32, is_output=True),
        TensorSpec("padded", [T, PAD], torch.float32, is_output=True),
        TensorSpec("z", [1, T, K], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    parser.add_argument("-d", "--device", type=int, default=0)
    args = parser.parse_args()

    result = run_jit(
        fn=op_surface,
        specs=build_tensor_specs(),
        golden_fn=golden_op_surface,
        runtime_cfg=dict(platform=args.platform, device_id=args.device),
        rtol=1e-6,
        atol=1e-6,
    )
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
