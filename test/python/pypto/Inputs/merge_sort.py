"""A pypto-lib style top-k over whole rows with both formats of `pl.mrgsort`: sort32 makes runs of 32 pairs,
format 1 (`block_len=64` words) merges four runs at a time, format 2 merges the two halves that leaves
(`pl.mrgsort(a, b)`), and a 3-way format-2 merge sorts a row of three runs. Scores repeat, so the golden's
stable sort also checks that equal scores keep their order across the merges."""

import pypto.language as pl

ROWS = 4
WIDE = 256  # 8 runs of 32 -> 2 runs of 128 -> 1 run
NARROW = 96  # 3 runs of 32
P0101, P1010 = 1, 2  # pl.tile.MaskPattern values


@pl.jit
def merge_sort(
    wide: pl.Tensor[[ROWS, WIDE], pl.FP32],
    narrow: pl.Tensor[[ROWS, NARROW], pl.FP32],
    wide_values: pl.Out[pl.Tensor[[ROWS, WIDE], pl.FP32]],
    wide_ids: pl.Out[pl.Tensor[[ROWS, WIDE], pl.INT32]],
    narrow_ids: pl.Out[pl.Tensor[[ROWS, NARROW], pl.INT32]],
):
    for r in pl.spmd(ROWS, name_hint="row_topk"):
        pairs = pl.sort32(wide[r : r + 1, :], pl.arange(0, [1, WIDE], dtype=pl.UINT32))
        pairs = pl.mrgsort(pairs, block_len=64)
        merged = pl.mrgsort(pairs[:, 0:WIDE], pairs[:, WIDE : 2 * WIDE])
        wide_values[r : r + 1, :] = pl.gather(merged, mask_pattern=P0101)
        wide_ids[r : r + 1, :] = pl.gather(merged, mask_pattern=P1010, output_dtype=pl.INT32)
        runs = pl.sort32(narrow[r : r + 1, :], pl.arange(0, [1, NARROW], dtype=pl.UINT32))
        three = pl.mrgsort(runs[:, 0:64], runs[:, 64:128], runs[:, 128:192])
        narrow_ids[r : r + 1, :] = pl.gather(three, mask_pattern=P1010, output_dtype=pl.INT32)
    return wide_values, wide_ids, narrow_ids


def golden_merge_sort(tensors):
    import torch

    top = torch.sort(tensors["wide"], dim=-1, descending=True, stable=True)
    tensors["wide_values"][:] = top.values
    tensors["wide_ids"][:] = top.indices.int()
    tensors["narrow_ids"][:] = torch.sort(tensors["narrow"], dim=-1, descending=True, stable=True).indices.int()


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    def repeated(cols):
        return lambda: torch.randint(0, 16, (ROWS, cols)).float()  # many equal scores

    return [
        TensorSpec("wide", [ROWS, WIDE], torch.float32, init_value=repeated(WIDE)),
        TensorSpec("narrow", [ROWS, NARROW], torch.float32, init_value=repeated(NARROW)),
        TensorSpec("wide_values", [ROWS, WIDE], torch.float32, is_output=True),
        TensorSpec("wide_ids", [ROWS, WIDE], torch.int32, is_output=True),
        TensorSpec("narrow_ids", [ROWS, NARROW], torch.int32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(merge_sort, build_tensor_specs(), golden_merge_sort, runtime_cfg=dict(platform=args.platform))
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
