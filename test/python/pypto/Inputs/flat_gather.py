"""A pypto-lib style file with `pl.tile.gather` (flat row-major offsets into the source tile, so each row
adds `row * cols` itself, as the rope kernels do), `pl.tensor.gather`'s mask form and a `pl.create_l1`
accumulator assembled row by row and fed to a matmul."""

import pypto.language as pl

ROWS = 8
HALF = 16
ROPE = 2 * HALF
P1010 = 2  # pl.tile.MaskPattern.P1010


@pl.jit
def flat_gather(
    cos: pl.Tensor[[ROWS, HALF], pl.FP32],
    dup: pl.Tensor[[ROWS, ROPE], pl.INT32],
    row_base: pl.Tensor[[ROWS, ROPE], pl.INT32],
    pairs: pl.Tensor[[ROWS, ROPE], pl.FP32],
    w: pl.Tensor[[ROPE, ROPE], pl.BF16],
    cos_il: pl.Out[pl.Tensor[[ROWS, ROPE], pl.FP32]],
    odd: pl.Out[pl.Tensor[[ROWS, HALF], pl.FP32]],
    proj: pl.Out[pl.Tensor[[ROWS, ROPE], pl.FP32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="interleave"):
        flat_idx = pl.add(dup[:, :], row_base[:, :])  # row r of the source starts at r * HALF
        tmp = pl.create_tile([ROWS, ROPE], dtype=pl.INT32, target_memory=pl.MemorySpace.Vec)
        cos_il[:, :] = pl.tile.gather(cos[:, :], flat_idx, tmp)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="odd"):
        odd[:, :] = pl.tensor.gather(pairs[:, :], mask_pattern=P1010)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="l1"):
        acc = pl.create_l1([ROPE, ROPE], pl.BF16)
        for r in pl.range(ROPE):
            acc = pl.assemble(acc, w[ROPE - 1 - r : ROPE - r, :], [r, 0])  # rows reversed
        proj[:, :] = pl.matmul(pl.cast(cos_il[:, :], pl.BF16), acc)
    return cos_il, odd, proj


def golden_flat_gather(tensors):
    import torch

    cos_il = torch.gather(tensors["cos"], 1, tensors["dup"].long())
    tensors["cos_il"][:] = cos_il
    tensors["odd"][:] = tensors["pairs"][:, 1::2]
    tensors["proj"][:] = cos_il.bfloat16().float() @ tensors["w"].flip(0).float()


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    dup = (torch.arange(ROPE) // 2).int().expand(ROWS, ROPE).clone()
    return [
        TensorSpec("cos", [ROWS, HALF], torch.float32, init_value=torch.randn),
        TensorSpec("dup", [ROWS, ROPE], torch.int32, init_value=dup),
        TensorSpec("row_base", [ROWS, ROPE], torch.int32,
                   init_value=(torch.arange(ROWS) * HALF).int()[:, None].expand(ROWS, ROPE).clone()),
        TensorSpec("pairs", [ROWS, ROPE], torch.float32, init_value=torch.randn),
        TensorSpec("w", [ROPE, ROPE], torch.bfloat16, init_value=torch.randn),
        TensorSpec("cos_il", [ROWS, ROPE], torch.float32, is_output=True),
        TensorSpec("odd", [ROWS, HALF], torch.float32, is_output=True),
        TensorSpec("proj", [ROWS, ROPE], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(flat_gather, build_tensor_specs(), golden_flat_gather, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-3, atol=1e-3)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
