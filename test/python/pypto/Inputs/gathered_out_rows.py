"""A pypto-lib style file whose Out `table` is filled for its first `filled` rows by one SPMD task and then
gathered at row indices loaded at run time by a second: which rows the gather reads is only known at run
time, so ppc checks it then.  By default every row is filled; `--reach-unwritten` fills only half, so some
indices pick rows never written, which read as fresh device memory (zeros), as on the device (the golden
says so)."""

import pypto.language as pl

from config import COLS, ROWS


@pl.jit
def gathered_out_rows(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    pick: pl.Tensor[[ROWS], pl.INT32],
    table: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    gathered: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    filled: pl.Scalar[pl.INDEX],
):
    for i in pl.spmd(ROWS, name_hint="fill"):
        if i < filled:
            table[i : i + 1, :] = pl.mul(x[i : i + 1, :], 2.0)
    for i in pl.spmd(ROWS, name_hint="gather"):
        src = pl.cast(pl.read(pick, [i]), pl.INDEX)
        gathered[i : i + 1, :] = table[src : src + 1, :]
    return table, gathered


def golden_gathered_out_rows(tensors):
    import torch

    filled = tensors["filled"]
    table = torch.zeros(ROWS, COLS)  # rows never written: fresh device memory
    table[:filled] = tensors["x"][:filled] * 2.0
    tensors["table"][:] = table
    tensors["gathered"][:] = table[tensors["pick"].long()]


def build_tensor_specs(reach_unwritten=False):
    import torch
    from golden import ScalarSpec, TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("pick", [ROWS], torch.int32, init_value=lambda: (torch.arange(ROWS, dtype=torch.int32) * 5) % ROWS),
        TensorSpec("table", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("gathered", [ROWS, COLS], torch.float32, is_output=True),
        ScalarSpec("filled", torch.int64, ROWS // 2 if reach_unwritten else ROWS),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    parser.add_argument("--reach-unwritten", action="store_true")
    args = parser.parse_args()
    result = run_jit(
        gathered_out_rows, build_tensor_specs(args.reach_unwritten), golden_gathered_out_rows,
        runtime_cfg=dict(platform=args.platform),
    )
    raise SystemExit(0 if result.passed else 1)
