"""A pypto-lib style file written with PyPTO's explicit op namespaces: `pl.tile.load` / `pl.tile.store`
(statement form, with `shapes=`), `pl.tile.get_block_idx` in a captured `pl.spmd`, `pl.tile.create` as a
reduction scratch, 3-argument `pl.set_validshape` / `pl.tile.set_validshape`, `pl.tile.assemble` of a
one-element valid tile, `pl.tensor.read` / `pl.tensor.dim`, `pl.tile.MaskPattern` and `pl.MemorySpace`."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

ROWS_PER_BLOCK = ROWS // BLOCKS


@pl.jit
def tile_namespace(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    scale: pl.Tensor[[1, 1], pl.FP32],
    y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    row_max: pl.Out[pl.Tensor[[ROWS, 1], pl.FP32]],
    first: pl.Out[pl.Tensor[[ROWS, 8], pl.FP32]],
):
    rows = pl.tensor.dim(x, 0)
    with pl.spmd(BLOCKS, name_hint="tiles") as tid:
        blk = pl.tile.get_block_idx()
        r0 = blk * ROWS_PER_BLOCK
        s = pl.tensor.read(scale, [0, 0])
        t = pl.tile.load(x, [r0, 0], [ROWS_PER_BLOCK, COLS], target_memory=pl.MemorySpace.Vec)
        scaled = pl.tile.muls(pl.tile.exp(t), s)
        pl.tile.store(scaled, [r0, 0], y, shapes=[ROWS_PER_BLOCK, COLS])
        tmp = pl.tile.create([ROWS_PER_BLOCK, COLS], dtype=pl.FP32, target_memory=pl.MemorySpace.Vec)
        pl.tile.store(pl.tile.row_max(t, tmp), [r0, 0], row_max)
        # keep only element [0, 0] of each row block: rows r0.. get x[r0, 0] in column 0, zeros elsewhere
        corner = pl.set_validshape(pl.tile.slice(t, [1, 8], [0, 0]), 1, 1)
        block = pl.tile.assemble(pl.tile.full([ROWS_PER_BLOCK, 8], dtype=pl.FP32, value=0.0), corner, [0, 0])
        pl.tile.store(pl.tile.set_validshape(block, rows // ROWS, 8), [r0, 0], first)
        pl.tile.store(pl.tile.full([ROWS_PER_BLOCK - 1, 8], dtype=pl.FP32, value=0.0), [r0 + 1, 0], first)
    return y, row_max, first


def golden_tile_namespace(tensors):
    import torch

    x = tensors["x"]
    tensors["y"][:] = torch.exp(x) * tensors["scale"][0, 0]
    tensors["row_max"][:] = x.max(dim=1, keepdim=True).values
    first = torch.zeros(ROWS, 8)
    first[::ROWS_PER_BLOCK, 0] = x[::ROWS_PER_BLOCK, 0]
    tensors["first"][:] = first


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("scale", [1, 1], torch.float32, init_value=lambda: torch.full((1, 1), 0.5)),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("row_max", [ROWS, 1], torch.float32, is_output=True),
        TensorSpec("first", [ROWS, 8], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(tile_namespace, build_tensor_specs(), golden_tile_namespace,
                     runtime_cfg=dict(platform=args.platform), rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
