"""A pypto-lib style file using both forms of `pl.gather`: the index form interleaves rope halves
(`cos[:, dup]`, `x[:, swap]`, as the deepseek v4 rope kernels do) and the mask form splits sort32's
(value, index) pairs into top-k values (P0101) and ids (P1010 read as INT32)."""

import pypto.language as pl

from config import ROWS

HALF = 32
ROPE = 2 * HALF
SORT = 64
P0101, P1010 = 1, 2  # pl.tile.MaskPattern values


@pl.jit
def gather_forms(
    x: pl.Tensor[[ROWS, ROPE], pl.FP32],
    cos: pl.Tensor[[ROWS, HALF], pl.FP32],
    dup_idx: pl.Tensor[[ROWS, ROPE], pl.INT32],
    swap_idx: pl.Tensor[[ROWS, ROPE], pl.INT32],
    scores: pl.Tensor[[ROWS, SORT], pl.FP32],
    ids: pl.Tensor[[ROWS, SORT], pl.INT32],
    rope: pl.Out[pl.Tensor[[ROWS, ROPE], pl.FP32]],
    top_values: pl.Out[pl.Tensor[[ROWS, SORT], pl.FP32]],
    top_ids: pl.Out[pl.Tensor[[ROWS, SORT], pl.INT32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rope_interleave"):
        cos_il = pl.gather(cos[:, :], dim=-1, index=dup_idx[:, :])
        swapped = pl.gather(x[:, :], dim=1, index=swap_idx[:, :])
        rope[:, :] = pl.add(pl.mul(x[:, :], cos_il), swapped)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="topk"):
        pairs = pl.mrgsort(pl.sort32(scores[:, :], ids[:, :]), block_len=32)
        top_values[:, :] = pl.gather(pairs, mask_pattern=P0101)
        top_ids[:, :] = pl.gather(pairs, mask_pattern=P1010, output_dtype=pl.INT32)
    return rope, top_values, top_ids


def golden_gather_forms(tensors):
    import torch

    x, idx = tensors["x"], tensors["swap_idx"].long()
    cos_il = torch.gather(tensors["cos"], -1, tensors["dup_idx"].long())
    tensors["rope"][:] = x * cos_il + torch.gather(x, 1, idx)
    top = torch.sort(tensors["scores"], dim=-1, descending=True, stable=True)
    tensors["top_values"][:] = top.values
    tensors["top_ids"][:] = top.indices.int()


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    pairs = torch.arange(ROPE) // 2  # each rope pair reads one cos column: [0, 0, 1, 1, ...]
    swap = torch.arange(ROPE) ^ 1  # the partner in the pair: [1, 0, 3, 2, ...]
    return [
        TensorSpec("x", [ROWS, ROPE], torch.float32, init_value=torch.randn),
        TensorSpec("cos", [ROWS, HALF], torch.float32, init_value=torch.randn),
        TensorSpec("dup_idx", [ROWS, ROPE], torch.int32, init_value=pairs.int().expand(ROWS, ROPE).clone()),
        TensorSpec("swap_idx", [ROWS, ROPE], torch.int32, init_value=swap.int().expand(ROWS, ROPE).clone()),
        TensorSpec("scores", [ROWS, SORT], torch.float32, init_value=lambda: torch.randperm(ROWS * SORT).float().reshape(ROWS, SORT)),
        TensorSpec("ids", [ROWS, SORT], torch.int32, init_value=torch.arange(SORT).int().expand(ROWS, SORT).clone()),
        TensorSpec("rope", [ROWS, ROPE], torch.float32, is_output=True),
        TensorSpec("top_values", [ROWS, SORT], torch.float32, is_output=True),
        TensorSpec("top_ids", [ROWS, SORT], torch.int32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(gather_forms, build_tensor_specs(), golden_gather_forms, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
