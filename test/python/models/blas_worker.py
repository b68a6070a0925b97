"""Run every model kernel at reduced size and print a JSON digest of each output's bytes, plus one of a raw
float32 numpy matmul (the probe that tells whether this process's OpenBLAS kernel differs from another's).
Run as a script by test_blas_independence.py, once per OPENBLAS_CORETYPE."""

from __future__ import annotations

import hashlib
import json
import sys

import numpy as np


def digest(value) -> str:
    if hasattr(value, "numpy"):  # a torch tensor: its raw bytes (bf16 has no numpy dtype)
        import torch

        value = value.detach().contiguous().view(torch.uint8).numpy()
    return hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()


def probe() -> str:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((64, 300), dtype=np.float32)
    b = rng.standard_normal((300, 48), dtype=np.float32)
    return digest(a @ b)


def kernel_outputs() -> dict[str, str]:
    from ppc.models.registry import MODELS

    found = {}
    for name, build in MODELS.items():
        model = build(size="reduced", seed=0)
        for variant, entry in model.variants.items():
            values = model.make_args()
            entry(*values)
            for out, i in model.output_names.items():
                found[f"{name}/{variant}/{out}"] = digest(values[i])
    return found


if __name__ == "__main__":
    json.dump({"probe": probe(), "outputs": kernel_outputs()}, sys.stdout)
