"""A pypto-lib style kernel file writing 2-D tiles into higher-rank tensors, as the prefill/decode layers do.

PyPTO stores a lower-rank tile as a block whose extra leading axes are 1: `[TOK, CHUNK]` at `[b, p0, d0]`
of a `[B, S, H]` output fills `y[b, p0:p0+TOK, d0:d0+CHUNK]`; a `[1, CHUNK]` row at `[c, 0, b, 0]` of a
blocked `[H/CHUNK, 1, B, CHUNK]` tensor fills `z[c, 0, b, :]`.  The last token block is ragged (a run-time
valid row count), so only its valid rows are written.
"""

import pypto.language as pl

B = 2
S = 40
H = 128
TOK = 16
CHUNK = 64
BLOCKS = (S + TOK - 1) // TOK


@pl.jit
def rank_lift(
    x: pl.Tensor[[B * S, H], pl.FP32],
    y: pl.Out[pl.Tensor[[B, S, H], pl.FP32]],
    z: pl.Out[pl.Tensor[[H // CHUNK, 1, B, CHUNK], pl.FP32]],
):
    for b in pl.range(B):
        for pb in pl.range(BLOCKS):
            p0 = pb * TOK
            valid_rows = pl.min(TOK, S - p0)
            for c in pl.range(H // CHUNK):
                d0 = c * CHUNK
                with pl.at(level=pl.Level.CORE_GROUP, name_hint="scale"):
                    rows = pl.slice(x, [TOK, CHUNK], [b * S + p0, d0], valid_shape=[valid_rows, CHUNK])
                    y = pl.assemble(y, pl.mul(rows, 2.0), [b, p0, d0])
        for c in pl.range(H // CHUNK):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="first_row"):
                row = pl.add(pl.slice(x, [1, CHUNK], [b * S, c * CHUNK]), 1.0)
                pl.store(row, [c, 0, b, 0], z)
    return y, z


def golden_rank_lift(tensors):
    x = tensors["x"].reshape(B, S, H)
    tensors["y"][:] = x * 2.0
    tensors["z"][:] = (x[:, 0, :] + 1.0).reshape(B, H // CHUNK, CHUNK).permute(1, 0, 2).reshape(H // CHUNK, 1, B, CHUNK)


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [B * S, H], torch.float32, init_value=torch.randn),
        TensorSpec("y", [B, S, H], torch.float32, is_output=True),
        TensorSpec("z", [H // CHUNK, 1, B, CHUNK], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(rank_lift, build_tensor_specs(), golden_rank_lift, runtime_cfg=dict(platform=args.platform),
                     rtol=0, atol=0)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
