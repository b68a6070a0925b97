"""A pypto-lib style kernel that writes its Out only where a run-time mapping says so (as the DeepSeek-V4
decode compressors write kv[b, 0, :] only for a batch whose compression boundary has a cache slot); its
golden, like theirs, expects the rows never written to stay 0 -- what fresh device memory holds."""

import pypto.language as pl

from config import COLS

B = 4
S = 2


@pl.jit
def boundary_rows(
    x: pl.Tensor[[B, COLS], pl.FP32],
    slot: pl.Tensor[[B, S], pl.INT64],
    kv: pl.Out[pl.Tensor[[B, S, COLS], pl.FP32]],
):
    kv_flat = pl.reshape(kv, [B * S, COLS])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="boundary_write"):
        for b in pl.range(B):
            if pl.read(slot, [b, 0]) >= 0:
                kv_flat[b * S : b * S + 1, :] = pl.exp(x[b : b + 1, :])
    kv = pl.reshape(kv_flat, [B, S, COLS])
    return kv


def golden_boundary_rows(tensors):
    import torch

    for b in range(B):
        if int(tensors["slot"][b, 0]) >= 0:
            tensors["kv"][b, 0] = torch.exp(tensors["x"][b])


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    def init_slot():
        return torch.tensor([[3, 4], [-1, -1], [7, 8], [-1, 2]], dtype=torch.int64)

    return [
        TensorSpec("x", [B, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("slot", [B, S], torch.int64, init_value=init_slot),
        TensorSpec("kv", [B, S, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import ratio_allclose, run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()
    result = run_jit(fn=boundary_rows, specs=build_tensor_specs(), golden_fn=golden_boundary_rows,
                     runtime_cfg=dict(platform=args.platform), rtol=1e-5, atol=1e-5,
                     compare_fn={"kv": ratio_allclose(atol=1e-4, rtol=1.0 / 128, max_error_ratio=0.0)})
    if not result.passed:
        raise SystemExit(1)
