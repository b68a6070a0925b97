"""A pypto-lib style file for PyPTO's shape rules: an integer index drops its axis (reads and writes); an
all-integer index reads one element; a padded tile (valid_shape) written into its narrower region; row_sum /
row_expand_mul on a 3-D tile (leading batch axis); an index
scalar passed to a `pl.Scalar[pl.INT32]` inline parameter; a dynamic tensor passed for a static annotation."""

import pypto.language as pl

from config import COLS

R = 8
HALF = 4
N_DYN = pl.dynamic("N_DYN")


@pl.jit.inline
def scale_first(v: pl.Tensor[[R, COLS], pl.FP32], limit: pl.Scalar[pl.INT32], y: pl.Tensor[[R, COLS], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="scale_first"):
        for r in pl.range(R):
            if r < limit:
                y[r:r + 1, :] = pl.mul(v[r:r + 1, :], 2.0)
    return y


@pl.jit
def int_index(
    x: pl.Tensor[[2, R, COLS], pl.FP32],
    w: pl.Tensor[[N_DYN, COLS], pl.FP32],
    rows: pl.Out[pl.Tensor[[2, COLS], pl.FP32]],
    narrow: pl.Out[pl.Tensor[[R, HALF], pl.FP32]],
    sums: pl.Out[pl.Tensor[[2, R, 1], pl.FP32]],
    scaled: pl.Out[pl.Tensor[[R, COLS], pl.FP32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        first = x[0, 3, :]  # [COLS]: both integer axes dropped
        corner = x[1, 2, 5]  # one element
        rows[0, :] = pl.add(first, corner)
        rows[1, 0:COLS] = x[1, 0, :]
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="narrow"):
        plane = x[0, :, :]  # [R, COLS]
        padded = pl.slice(plane, [R, 2 * HALF], [0, 0], valid_shape=[R, HALF])
        narrow[0:R, 0:HALF] = padded  # an [R, 2 * HALF] tile whose valid [R, HALF] fits the region
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="sums"):
        block = x[0:2, :, :]
        total = pl.row_sum(block)  # [2, R, 1]
        for b in pl.range(2):
            inv = pl.reshape(pl.recip(pl.add(total[b:b + 1, :, :], 1.0)), [R, 1])
            part = pl.row_sum(pl.row_expand_mul(x[b:b + 1, :, :], inv))  # [1, R, 1]
            sums = pl.assemble(sums, part, [b, 0, 0])
    n = pl.tensor.dim(w, 0)
    scaled = scale_first(w, n, scaled)
    return rows, narrow, sums, scaled


def golden_int_index(tensors):
    import torch

    x, w = tensors["x"], tensors["w"]
    tensors["rows"][0] = x[0, 3] + x[1, 2, 5]
    tensors["rows"][1] = x[1, 0]
    tensors["narrow"][:] = x[0, :, :HALF]
    total = x.sum(dim=-1, keepdim=True)
    tensors["sums"][:] = (x * (1.0 / (total + 1.0))).sum(dim=-1, keepdim=True)
    tensors["scaled"][:] = w * 2.0


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [2, R, COLS], torch.float32, init_value=torch.rand),
        TensorSpec("w", [R, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("rows", [2, COLS], torch.float32, is_output=True),
        TensorSpec("narrow", [R, HALF], torch.float32, is_output=True),
        TensorSpec("sums", [2, R, 1], torch.float32, is_output=True),
        TensorSpec("scaled", [R, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(int_index, build_tensor_specs(), golden_int_index, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
