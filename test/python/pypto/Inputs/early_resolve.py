"""A pypto-lib style chain of short dependent tasks, each flagged `allow_early_resolve=True`: the runtime may
pre-stage every consumer on an idle core while its producer runs and start it by doorbell when the producer
finishes. `--no-early-resolve` runs the same chain unflagged; the results are identical, only time moves."""

import pypto.language as pl

from config import COLS, ROWS

STEPS = 6
EARLY_RESOLVE = True


@pl.jit
def early_chain(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="exp_rows", allow_early_resolve=EARLY_RESOLVE):
        y[0:ROWS, :] = pl.exp(x[0:ROWS, :])
    for _ in pl.range(STEPS):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="halve", allow_early_resolve=EARLY_RESOLVE):
            y[0:ROWS, :] = pl.mul(y[0:ROWS, :], 0.5)
    return y


def golden_early_chain(tensors):
    import torch

    tensors["y"][:] = torch.exp(tensors["x"]) * 0.5**STEPS


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    parser.add_argument("--no-early-resolve", action="store_true")
    args = parser.parse_args()
    EARLY_RESOLVE = not args.no_early_resolve

    result = run_jit(early_chain, build_tensor_specs(), golden_early_chain, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
