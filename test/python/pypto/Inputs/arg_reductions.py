"""A pypto-lib style file using PyPTO's index reductions: `pl.row_argmax` / `pl.col_argmax` on tensor slices
(no scratch), `pl.tile.row_argmin` / `pl.tile.col_argmin` on a loaded tile with a `pl.tile.create` scratch,
and `pl.tensor.row_argmax` on a `pl.full` scratch with a partly written row. Inputs are small integers,
so rows and columns have ties: the golden is torch's first-occurrence argmax/argmin."""

import pypto.language as pl

from config import COLS, ROWS

NEG_INF = float("-inf")


@pl.jit
def arg_reductions(
    x: pl.Tensor[[ROWS, COLS], pl.FP32],
    rmax: pl.Out[pl.Tensor[[ROWS, 1], pl.INT32]],
    rmin: pl.Out[pl.Tensor[[ROWS, 1], pl.INT32]],
    cmax: pl.Out[pl.Tensor[[1, COLS], pl.INT32]],
    cmin: pl.Out[pl.Tensor[[1, COLS], pl.INT32]],
    first: pl.Out[pl.Tensor[[1, 1], pl.INT32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="arg_reductions"):
        rmax[:, :] = pl.row_argmax(x[:, :])
        cmax[:, :] = pl.col_argmax(x[:, :])
        t = pl.tile.load(x, [0, 0], [ROWS, COLS], target_memory=pl.MemorySpace.Vec)
        tmp = pl.tile.create([ROWS, COLS], dtype=pl.FP32, target_memory=pl.MemorySpace.Vec)
        pl.tile.store(pl.tile.row_argmin(t, tmp), [0, 0], rmin)
        pl.tile.store(pl.tile.col_argmin(t, tmp), [0, 0], cmin)
        scores = pl.full([8, COLS], dtype=pl.FP32, value=NEG_INF)
        scores[0:1, 0:COLS] = x[ROWS - 1:ROWS, :]
        winner = pl.read(pl.tensor.row_argmax(scores), [0, 0])
        pl.write(first, [0, 0], winner)
    return rmax, rmin, cmax, cmin, first


def golden_arg_reductions(tensors):
    import torch

    x = tensors["x"]
    tensors["rmax"][:] = torch.argmax(x, dim=1, keepdim=True).to(torch.int32)
    tensors["rmin"][:] = torch.argmin(x, dim=1, keepdim=True).to(torch.int32)
    tensors["cmax"][:] = torch.argmax(x, dim=0, keepdim=True).to(torch.int32)
    tensors["cmin"][:] = torch.argmin(x, dim=0, keepdim=True).to(torch.int32)
    tensors["first"][:] = torch.argmax(x[ROWS - 1]).to(torch.int32)


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    def ties():
        return torch.randint(0, 4, (ROWS, COLS)).to(torch.float32)

    return [
        TensorSpec("x", [ROWS, COLS], torch.float32, init_value=ties),
        *(TensorSpec(name, [ROWS, 1], torch.int32, is_output=True) for name in ("rmax", "rmin")),
        *(TensorSpec(name, [1, COLS], torch.int32, is_output=True) for name in ("cmax", "cmin")),
        TensorSpec("first", [1, 1], torch.int32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    parser.add_argument("-d", "--device", type=int, default=0)
    args = parser.parse_args()

    result = run_jit(
        fn=arg_reductions,
        specs=build_tensor_specs(),
        golden_fn=golden_arg_reductions,
        runtime_cfg=dict(platform=args.platform, device_id=args.device),
        rtol=0,
        atol=0,
    )
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
