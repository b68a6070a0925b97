"""A pypto-lib style file whose Out `score` is written only where a guard holds and read back (the shape of
the DeepSeek-V4 indexers): one SPMD task initialises the rows its guard keeps, a second writes the first
`visible` columns of each row under `if visible > c0`, and a third reads the row under the same guard,
keeping the visible columns through set_validshape + fillpad; it also gathers rows of `score` at indices
loaded at run time (a region ppc cannot prove written at compile time: checked at run time)."""

import pypto.language as pl

from config import COLS, ROWS

GROUP = 16  # rows per block group; the guard keeps `rows` of the last group
TILE = 32  # columns per score tile


@pl.jit
def guarded_rows(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    visible: pl.Tensor[[ROWS], pl.INT32],
    pick: pl.Tensor[[ROWS], pl.INT32],
    score: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    best: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    picked: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    rows: pl.Scalar[pl.INDEX],
):
    groups = (rows + GROUP - 1) // GROUP
    for i in pl.spmd(groups * GROUP, name_hint="init"):
        base = (i // GROUP) * GROUP
        if i - base < pl.min(GROUP, rows - base):
            score[i : i + 1, :] = pl.full([1, COLS], dtype=pl.FP32, value=-1.0)
    for i in pl.spmd(groups * GROUP, name_hint="score"):
        base = (i // GROUP) * GROUP
        if i - base < pl.min(GROUP, rows - base):
            seen = pl.cast(pl.read(visible, [i]), pl.INDEX)
            for c in pl.range(COLS // TILE):
                c0 = c * TILE
                if seen > c0:
                    part = pl.set_validshape(x[i : i + 1, c0 : c0 + TILE], 1, pl.min(TILE, seen - c0))
                    score[i : i + 1, c0 : c0 + TILE] = pl.fillpad(part, pad_value=pl.PadValue.min)
    for i in pl.spmd(groups * GROUP, name_hint="best"):
        base = (i // GROUP) * GROUP
        if i - base < pl.min(GROUP, rows - base):
            seen = pl.cast(pl.read(visible, [i]), pl.INDEX)
            row = pl.fillpad(pl.set_validshape(score[i : i + 1, :], 1, seen), pad_value=pl.PadValue.zero)
            best[i : i + 1, :] = pl.mul(row, 2.0)
            src = pl.cast(pl.read(pick, [i]), pl.INDEX)
            picked[i : i + 1, :] = score[src : src + 1, :]
    return score, best, picked


def golden_guarded_rows(tensors):
    import torch

    x, visible, pick = tensors["x"], tensors["visible"], tensors["pick"]
    score = torch.full((ROWS, COLS), -1.0)
    cols = torch.arange(COLS)
    for i in range(ROWS):
        v = int(visible[i])
        score[i] = torch.where(cols < v, x[i], torch.where(cols < ((v + TILE - 1) // TILE) * TILE, float("-inf"), -1.0))
    tensors["score"][:] = score
    best = torch.where(cols < visible.view(-1, 1), score, torch.zeros(()))
    tensors["best"][:] = best * 2.0
    tensors["picked"][:] = score[pick.long()]


def build_tensor_specs():
    import torch
    from golden import ScalarSpec, TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("visible", [ROWS], torch.int32, init_value=lambda: torch.arange(ROWS, dtype=torch.int32) * 2 + 1),
        TensorSpec("pick", [ROWS], torch.int32, init_value=lambda: (torch.arange(ROWS, dtype=torch.int32) * 7) % ROWS),
        TensorSpec("score", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("best", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("picked", [ROWS, COLS], torch.float32, is_output=True),
        ScalarSpec("rows", torch.int64, ROWS),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()
    result = run_jit(guarded_rows, build_tensor_specs(), golden_guarded_rows, runtime_cfg=dict(platform=args.platform))
    raise SystemExit(0 if result.passed else 1)
