"""A pypto-lib style split-K matmul: every block of one `pl.spmd` adds its partial product into the same
zero-seeded GM tensor with `pl.assemble(..., atomic=pl.AtomicType.Add)`; a last task casts the sum."""

import pypto.language as pl

from config import BLOCKS, COLS, ROWS

K = COLS * BLOCKS
N = 32


@pl.jit
def atomic_add(
    a: pl.Tensor[[ROWS, K], pl.BF16],
    b: pl.Tensor[[K, N], pl.BF16],
    y: pl.Out[pl.Tensor[[ROWS, N], pl.FP32]],
):
    acc = pl.create_tensor([ROWS, N], dtype=pl.FP32)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="seed"):
        acc[0:ROWS, 0:N] = pl.full([ROWS, N], dtype=pl.FP32, value=0.0)
    for kb in pl.spmd(BLOCKS, name_hint="split_k"):
        k0 = kb * COLS
        part = pl.matmul(a[0:ROWS, k0:k0 + COLS], b[k0:k0 + COLS, 0:N], out_dtype=pl.FP32)
        acc = pl.assemble(acc, part, [0, 0], atomic=pl.AtomicType.Add)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="publish"):
        y[0:ROWS, 0:N] = acc[0:ROWS, 0:N]
    return y


def golden_atomic_add(tensors):
    tensors["y"][:] = tensors["a"].float() @ tensors["b"].float()


def build_tensor_specs():
    import torch
    from golden import TensorSpec

    return [
        TensorSpec("a", [ROWS, K], torch.bfloat16, init_value=torch.randn),
        TensorSpec("b", [K, N], torch.bfloat16, init_value=torch.randn),
        TensorSpec("y", [ROWS, N], torch.float32, is_output=True),
    ]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(atomic_add, build_tensor_specs(), golden_atomic_add, runtime_cfg=dict(platform=args.platform),
                     rtol=1e-4, atol=1e-3)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
