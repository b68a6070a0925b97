"""A pypto-lib style kernel file driven the way the Qwen3-14B files drive theirs: the backend type is set from
the platform, `compile(..., config=RunConfig(...))` builds the program, a HOST-level entry is defined next to
the chip entry, and the golden harness checks several row counts of one dynamic axis.

`--rows` takes several sizes: one compiled program serves them all (the file checks `compile` hands back the
same object). `--call-host` calls the HOST entry, which ppc refuses at its definition.
"""

import pypto.language as pl
from pypto.backend import BackendType, set_backend_type
from pypto.runtime import RunConfig

from config import COLS

T_DYN = pl.dynamic("T_DYN")
T_TILE = 16


@pl.jit
def double_rows(
    x: pl.Tensor[[T_DYN, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[T_DYN, COLS], pl.FP32]],
):
    x.bind_dynamic(0, T_DYN)
    y.bind_dynamic(0, T_DYN)
    tiles = pl.tensor.dim(x, 0) // T_TILE
    for i in pl.spmd(tiles, name_hint="double_rows"):
        tg = i * T_TILE
        y[tg:tg + T_TILE, :] = pl.add(x[tg:tg + T_TILE, :], x[tg:tg + T_TILE, :])
    return y


@pl.jit.host
def double_rows_host(
    x: pl.Tensor[[T_DYN, COLS], pl.FP32],
    y: pl.Out[pl.Tensor[[T_DYN, COLS], pl.FP32]],
):
    return double_rows(x, y)


def golden_double_rows(tensors):
    tensors["y"][:] = tensors["x"] * 2


def build_tensor_specs(rows: int):
    import torch
    from pypto.runtime import TensorSpec

    return [
        TensorSpec("x", [rows, COLS], torch.float32, init_value=torch.randn),
        TensorSpec("y", [rows, COLS], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    import torch
    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    parser.add_argument("--rows", type=int, nargs="+", default=[32])
    parser.add_argument("--call-host", action="store_true")
    args = parser.parse_args()

    backend_type = BackendType.Ascend950 if args.platform.startswith("a5") else BackendType.Ascend910B
    set_backend_type(backend_type)
    config = RunConfig(platform=args.platform, device_id=0, enable_dep_gen=False, dump_passes=False)
    sample = [torch.zeros(T_TILE, COLS), torch.zeros(T_TILE, COLS)]
    compiled = double_rows.compile(*sample, config=config)
    print(f"[run_config] backend={config.backend_type.name} chip={compiled.platform}")
    if args.call_host:
        double_rows_host(*sample, config=config)

    for rows in args.rows:
        result = run_jit(
            fn=double_rows,
            specs=build_tensor_specs(rows),
            golden_fn=golden_double_rows,
            runtime_cfg=dict(platform=args.platform, device_id=0),
        )
        if not result.passed:
            if result.error:
                print(result.error)
            raise SystemExit(1)
    assert double_rows.compile(*sample, config=config) is compiled
    print(f"[run_config] one compiled program served rows {args.rows}")
