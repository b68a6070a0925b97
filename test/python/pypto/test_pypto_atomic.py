"""`pl.assemble(..., atomic=pl.AtomicType.Add)`: an atomic-add store of a tile into GM (split-K)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic

INPUTS = Path(__file__).parent / "Inputs"

KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[4, 16, 32], pl.INT32], y: pl.InOut[pl.Tensor[[16, 32], pl.INT32]]):
    for i in pl.spmd(4):
        part = pl.reshape(x[i:i + 1, :, :], [16, 32])
        y = pl.assemble(y, part, [0, 0], atomic=pl.AtomicType.Add)
    return y
"""


def test_blocks_add_into_what_the_region_held(load_kernel):
    ns = load_kernel(KERNEL)
    x = np.arange(4 * 16 * 32, dtype=np.int32).reshape(4, 16, 32)
    y = np.full((16, 32), 7, np.int32)
    program = ns["main"].compile(x, y)
    assert "atomic_add" in str(program.module)
    ns["main"](x, y)
    np.testing.assert_array_equal(y, 7 + x.sum(axis=0))


def test_split_k_pypto_file_passes(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "atomic_add.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'y' PASS" in done.stdout


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("atomic=pl.AtomicType.Add", "atomic=2", "atomic must be pl.AtomicType.None_ or pl.AtomicType.Add, got 2"),
        ("    for i in pl.spmd(4):\n        part = pl.reshape(x[i:i + 1, :, :], [16, 32])\n        y = ",
         "    part = pl.reshape(x[0:1, :, :], [16, 32])\n    y = ",
         r"kernel.py:7:9: error: atomic=pl.AtomicType.Add adds a tile into a GM tensor inside a task scope"),
        ("pl.INT32], y: pl.InOut[pl.Tensor[[16, 32], pl.INT32]]", "pl.INT64], y: pl.InOut[pl.Tensor[[16, 32], pl.INT64]]",
         "'pl.assemble' atomic_add does not support i64"),
    ],
)
def test_bad_atomic_assembles_are_located_errors(load_kernel, old, new, message):
    assert old in KERNEL
    ns = load_kernel(KERNEL.replace(old, new, 1))
    dtype = np.int64 if "INT64" in new else np.int32
    with pytest.raises(PlDiagnostic, match=message):
        ns["main"].lower(np.ones((4, 16, 32), dtype), np.ones((16, 32), dtype))
