"""A pypto-lib style file in the manner of qwen3's turboquant dequant and deepseek's padded buffers:
nibble-packed `pl.UINT8` codes are unpacked (UINT8 -> FP16 -> FP32, hi = trunc(code / 16)) and looked up in
a codebook with the index form of `pl.gather`; a `pl.create_tensor(..., init_value=...)` buffer keeps its
fill wherever no task writes it; a run-time FP32 scalar cast to INT32 without a mode truncates (PyPTO's
scalar cast) and decides how many row blocks are written."""

import pypto.language as pl

from config import ROWS

HALF = 32
LEVELS = 16
BLOCK = 8
FILL = -2.0


@pl.jit
def codebook_fill(
    packed: pl.Tensor[[ROWS, HALF], pl.UINT8],
    codebook: pl.Tensor[[ROWS, LEVELS], pl.FP32],
    blocks: pl.Tensor[[1], pl.FP32],
    out: pl.Out[pl.Tensor[[ROWS, 2 * HALF], pl.FP32]],
    hi_codes: pl.Out[pl.Tensor[[ROWS, HALF], pl.UINT8]],
):
    decoded = pl.create_tensor([ROWS, 2 * HALF], dtype=pl.FP32, init_value=FILL)
    n_blocks = pl.cast(pl.read(blocks, [0]), pl.INT32)
    for b in pl.range(n_blocks):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="dequant"):
            r0 = b * BLOCK
            code = pl.cast(pl.cast(packed[r0:r0 + BLOCK, :], target_type=pl.FP16), target_type=pl.FP32)
            hi = pl.cast(pl.div(code, 16.0), target_type=pl.INT32, mode="trunc")
            lo = pl.cast(pl.sub(code, pl.mul(pl.cast(hi, target_type=pl.FP32), 16.0)), target_type=pl.INT32)
            book = codebook[r0:r0 + BLOCK, :]
            decoded[r0:r0 + BLOCK, 0:HALF] = pl.gather(book, dim=-1, index=lo)
            decoded[r0:r0 + BLOCK, HALF:2 * HALF] = pl.gather(book, dim=-1, index=hi)
            hi_codes[r0:r0 + BLOCK, :] = pl.cast(pl.cast(hi, target_type=pl.FP16), target_type=pl.UINT8, mode="trunc")
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="copy_out"):
        out[:, :] = decoded[:, :]
    return out, hi_codes


def golden_codebook_fill(tensors):
    import torch

    rows = int(tensors["blocks"][0]) * BLOCK  # int() truncates, as the kernel's scalar cast does
    code = tensors["packed"].long()
    book = tensors["codebook"]
    out = torch.full((ROWS, 2 * HALF), FILL)
    out[:rows, :HALF] = torch.gather(book, -1, code % 16)[:rows]
    out[:rows, HALF:] = torch.gather(book, -1, code // 16)[:rows]
    tensors["out"][:] = out
    hi = torch.zeros((ROWS, HALF), dtype=torch.uint8)
    hi[:rows] = (code // 16).to(torch.uint8)[:rows]
    tensors["hi_codes"][:] = hi


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("packed", [ROWS, HALF], torch.uint8, init_value=lambda: torch.randint(0, 256, (ROWS, HALF), dtype=torch.uint8)),
        TensorSpec("codebook", [ROWS, LEVELS], torch.float32, init_value=torch.randn),
        TensorSpec("blocks", [1], torch.float32, init_value=torch.tensor([5.9])),  # 5 blocks of 8 rows, not 6
        TensorSpec("out", [ROWS, 2 * HALF], torch.float32, is_output=True),
        TensorSpec("hi_codes", [ROWS, HALF], torch.uint8, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(codebook_fill, build_tensor_specs(), golden_codebook_fill, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
