"""A pypto-lib style file with one full-occupancy `pl.spmd` split into three phases by two hard
`pl.system.syncall` barriers, handing data between blocks through GM scratch tensors (the hc_pre pattern):
split-K matmul partials, a cross-block reduction of them (split between the two AIV lanes of each core
group with `pl.split_aiv`), and a write of a neighbour block's rows. Every phase
reads rows other blocks wrote in the phase before, so without the barriers the result is wrong."""

import pypto.language as pl

NUM_CORES = 24  # a2a3: one block per core group, as a hard mix syncall requires
ROW_TILE = 8
LANE_ROWS = ROW_TILE // 2
ROWS = NUM_CORES * ROW_TILE
K_SLICE = 32
K = NUM_CORES * K_SLICE
COLS = 64


@pl.jit
def syncall_phases(
    x: pl.Tensor[[ROWS, K], pl.FP32],
    w: pl.Tensor[[K, COLS], pl.FP32],
    out: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
):
    partials = pl.create_tensor([NUM_CORES * ROWS, COLS], dtype=pl.FP32)
    total = pl.create_tensor([ROWS, COLS], dtype=pl.FP32)
    with pl.spmd(NUM_CORES, name_hint="split_k", sync_start=True) as _tid:
        core = pl.tile.get_block_idx()
        k0 = core * K_SLICE
        part = pl.matmul(x[0:ROWS, k0:k0 + K_SLICE], w[k0:k0 + K_SLICE, 0:COLS], out_dtype=pl.FP32)
        partials = pl.assemble(partials, part, [core * ROWS, 0])
        pl.system.syncall(core_type="mix")

        for aiv_id in pl.split_aiv(2, mode=pl.SplitMode.NONE):  # each AIV lane reduces half of the rows
            h0 = core * ROW_TILE + aiv_id * LANE_ROWS
            acc = partials[h0:h0 + LANE_ROWS, 0:COLS]
            for j in pl.range(1, NUM_CORES):
                acc = pl.add(acc, partials[j * ROWS + h0:j * ROWS + h0 + LANE_ROWS, 0:COLS])
            total = pl.assemble(total, acc, [h0, 0])
        pl.system.syncall(core_type="mix")

        r0 = core * ROW_TILE
        n0 = ((core + 1) % NUM_CORES) * ROW_TILE
        out[r0:r0 + ROW_TILE, 0:COLS] = pl.add(total[n0:n0 + ROW_TILE, 0:COLS], 1.0)
    return out


def golden_syncall_phases(tensors):
    import torch

    x, w = tensors["x"].double(), tensors["w"].double()
    tensors["out"][:] = (torch.roll(x @ w, -ROW_TILE, dims=0) + 1.0).float()


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, K], torch.float32, init_value=torch.randn),
        TensorSpec("w", [K, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("out", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(syncall_phases, build_tensor_specs(), golden_syncall_phases,
                     runtime_cfg=dict(platform=args.platform), rtol=1e-4, atol=1e-3)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
