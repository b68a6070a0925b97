"""A pypto-lib style file whose entry returns a chain of helper calls: the entry returns `outer(...)`, which
unpacks `pair(...)`, which returns `scale_rows(...)` next to a parameter. `scale_rows` fills a
`manual_dep=True` scratch tensor inside `pl.manual_scope()` through a helper that also returns its task id,
which orders the consumer with `deps=`."""

import pypto.language as pl

from config import COLS, ROWS


@pl.jit.inline
def fill(x: pl.Tensor[[ROWS, COLS], pl.FP32], scratch: pl.Tensor[[ROWS, COLS], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="fill") as fill_tid:
        scratch[0:ROWS, :] = pl.mul(x[0:ROWS, :], 2.0)
    return scratch, fill_tid


@pl.jit.inline
def scale_rows(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Tensor[[ROWS, COLS], pl.FP32]):
    scratch = pl.create_tensor([ROWS, COLS], dtype=pl.FP32, manual_dep=True)
    with pl.manual_scope():
        scratch, fill_tid = fill(x, scratch)
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="shift", deps=[fill_tid]):
            y[0:ROWS, :] = pl.add(scratch[0:ROWS, :], 1.0)
    return y


@pl.jit.inline
def pair(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Tensor[[ROWS, COLS], pl.FP32],
         z: pl.Tensor[[ROWS, COLS], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="exp_rows"):
        z[0:ROWS, :] = pl.exp(x[0:ROWS, :])
    return scale_rows(x, y), z


@pl.jit.inline
def outer(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Tensor[[ROWS, COLS], pl.FP32],
          z: pl.Tensor[[ROWS, COLS], pl.FP32]):
    y_out, z_out = pair(x, y, z)
    return y_out, z_out


@pl.jit
def manual_deps(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
    z: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]],
):
    return outer(x, y, z)


def golden_manual_deps(tensors):
    import torch

    tensors["y"][:] = tensors["x"] * 2.0 + 1.0
    tensors["z"][:] = torch.exp(tensors["x"])


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True),
        TensorSpec("z", [ROWS, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(manual_deps, build_tensor_specs(), golden_manual_deps, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
