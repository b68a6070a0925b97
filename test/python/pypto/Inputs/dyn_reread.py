"""A pypto-lib style file whose declared Out is re-read after a run-time-sized write: one block per row
gathers `emb` rows (a launch of T_DYN blocks), then 16-row windows, their valid rows clipped at T_DYN, read
them back.  Every read lies in the rows the first launch wrote, so the Out needs no InOut."""

import pypto.language as pl

from config import COLS

T_DYN = pl.dynamic("T_DYN")
T_TILE = 16
BLOCKS = 3


@pl.jit
def dyn_reread(
    ids: pl.Tensor[[T_DYN], pl.INT64],
    table: pl.Tensor[[64, COLS], pl.FP32],
    emb: pl.Out[pl.Tensor[[T_DYN, COLS], pl.FP32]],
    y: pl.Out[pl.Tensor[[T_DYN, COLS], pl.FP32]],
):
    ids.bind_dynamic(0, T_DYN)
    emb.bind_dynamic(0, T_DYN)
    y.bind_dynamic(0, T_DYN)
    t_dim = pl.tensor.dim(ids, 0)
    for t in pl.spmd(t_dim, name_hint="gather_rows"):
        row = pl.cast(pl.read(ids, [t]), target_type=pl.INDEX)
        emb[t : t + 1, :] = table[row : row + 1, :]
    tiles = (t_dim + T_TILE - 1) // T_TILE
    for block in pl.spmd(BLOCKS, name_hint="double_rows"):
        for tile in pl.range(block, tiles, BLOCKS):
            t0 = tile * T_TILE
            valid_rows = pl.min(T_TILE, t_dim - t0)
            rows = pl.slice(emb, [T_TILE, COLS], [t0, 0], valid_shape=[valid_rows, COLS])
            y[t0 : t0 + T_TILE, :] = pl.add(rows, rows)
    return emb, y


def golden_dyn_reread(tensors):
    tensors["emb"][:] = tensors["table"][tensors["ids"]]
    tensors["y"][:] = 2 * tensors["emb"]


def build_tensor_specs(rows: int):
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("ids", [rows], torch.int64, init_value=lambda: torch.randint(0, 64, (rows,))),
        TensorSpec("table", [64, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("emb", [rows, COLS], torch.float32, is_output=True),
        TensorSpec("y", [rows, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    parser.add_argument("--rows", type=int, default=40)
    args = parser.parse_args()

    result = run_jit(dyn_reread, build_tensor_specs(args.rows), golden_dyn_reread,
                     runtime_cfg=dict(platform=args.platform), rtol=1e-6, atol=1e-6)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
