"""A pypto-lib style file with `pl.gather_row`: a kernel-driven paged gather of KV rows into an L1
accumulator (one multi-row run whose row count is a run-time `valid_shape`, then per-row gathers through a
block table, invalid slots reading row 0), fed to a `b_trans` matmul; and the same rows gathered transposed
(`transpose=True`) into a `pl.create_l1(..., transpose=True)` operand of a plain matmul."""

import pypto.language as pl

ROWS = 16  # accumulator rows (gathered KV slots)
DIM = 32
BLOCK = 8  # page size of the pool
BLOCKS = 6  # physical pages
HEADS = 4


@pl.jit
def gather_rows(
    pool: pl.Tensor[[BLOCKS * BLOCK, DIM], pl.BF16],
    block_table: pl.Tensor[[BLOCKS], pl.INT32],
    slots: pl.Tensor[[ROWS], pl.INT32],
    run_len: pl.Tensor[[1], pl.INT32],
    q: pl.Tensor[[HEADS, DIM], pl.BF16],
    scores: pl.Out[pl.Tensor[[HEADS, ROWS], pl.FP32]],
    scores_t: pl.Out[pl.Tensor[[HEADS, ROWS], pl.FP32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="gather_kv"):
        kv = pl.create_l1([ROWS, DIM], pl.BF16)
        kv_t = pl.create_l1([DIM, ROWS], pl.BF16, transpose=True)
        # slots [0, run) are the first rows of page block_table[0]: one transfer of `run` rows
        run = pl.cast(pl.read(run_len, [0]), pl.INDEX)
        first = pl.cast(pl.read(block_table, [0]), pl.INDEX) * BLOCK
        kv = pl.gather_row(kv, pool, [0, 0], [first, 0], [BLOCK, DIM], valid_shape=[run, DIM])
        for r in pl.range(ROWS):
            slot = pl.read(slots, [r])
            phys = 0
            if slot >= 0:
                page = pl.cast(pl.read(block_table, [slot // BLOCK]), pl.INDEX)
                phys = page * BLOCK + slot % BLOCK
            if r >= run:
                kv = pl.gather_row(kv, pool, [r, 0], [phys, 0], [1, DIM])
            kv_t = pl.gather_row(kv_t, pool, [0, r], [phys, 0], [1, DIM], True)
        scores[:, :] = pl.matmul(q[:, :], kv, b_trans=True, out_dtype=pl.FP32)
        scores_t[:, :] = pl.matmul(q[:, :], kv_t, out_dtype=pl.FP32)
    return scores, scores_t


def golden_gather_rows(tensors):
    import torch

    table, slots = tensors["block_table"].long(), tensors["slots"].long()
    phys = torch.where(slots >= 0, table[slots.clamp(min=0) // BLOCK] * BLOCK + slots.clamp(min=0) % BLOCK, 0)
    kv = tensors["pool"][phys].float()
    q = tensors["q"].float()
    tensors["scores"][:] = q @ kv.T
    tensors["scores_t"][:] = q @ kv.T


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    run = 5
    slots = torch.tensor([0, 1, 2, 3, 4, 17, -1, 9, 30, 31, 12, -1, 40, 8, 23, 47], dtype=torch.int32)
    return [
        TensorSpec("pool", [BLOCKS * BLOCK, DIM], torch.bfloat16, init_value=torch.randn),
        TensorSpec("block_table", [BLOCKS], torch.int32,
                   init_value=torch.tensor([3, 5, 0, 1, 4, 2], dtype=torch.int32)),
        TensorSpec("slots", [ROWS], torch.int32, init_value=slots),
        TensorSpec("run_len", [1], torch.int32, init_value=torch.tensor([run], dtype=torch.int32)),
        TensorSpec("q", [HEADS, DIM], torch.bfloat16, init_value=torch.randn),
        TensorSpec("scores", [HEADS, ROWS], torch.float32, is_output=True),
        TensorSpec("scores_t", [HEADS, ROWS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(gather_rows, build_tensor_specs(), golden_gather_rows, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-3, atol=1e-3)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
