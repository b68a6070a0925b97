"""A `@pl.jit.inline` helper writing into a tensor parameter writes the caller's tensor (PyPTO splices the
helper at the call site and every version of a tensor is one device buffer), also when the call sits inside a
task scope and the helper returns nothing (passes/inline.py)."""

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

@pl.jit.inline
def double(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32]):
    r = pl.tile.get_block_idx() * 8
    HELPER

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    for b in pl.spmd(2):
        CALL
    return y
"""


def run(load_kernel, helper: str, call: str = "double(x, y)") -> tuple[np.ndarray, np.ndarray]:
    ns = load_kernel(KERNEL.replace("HELPER", helper.strip().replace("\n", "\n    ")).replace("CALL", call))
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64) / 100
    y = np.full((16, 64), -1.0, np.float32)
    ns["main"](x, y)
    return x, y


@pytest.mark.parametrize("helper", [
    "y[r : r + 8, :] = pl.mul(x[r : r + 8, :], 2.0)",
    "pl.store(pl.mul(pl.load(x, [r, 0], [8, 64]), 2.0), [r, 0], y)",
    "y[r : r + 8, :] = pl.mul(x[r : r + 8, :], 2.0)\nreturn y",
])
def test_a_helper_write_inside_a_task_reaches_the_caller(load_kernel, helper):
    x, y = run(load_kernel, helper)
    np.testing.assert_array_equal(y, x * 2)


def test_two_helpers_writing_the_same_tensor_both_land(load_kernel):
    """The second call sees the first one's version, so neither write is dropped as dead."""
    x, y = run(load_kernel, "y[r : r + 4, :] = pl.mul(x[r : r + 4, :], 2.0)",
               call="double(x, y)\n        y[b * 8 + 4 : b * 8 + 8, :] = pl.neg(x[b * 8 + 4 : b * 8 + 8, :])")
    rows = (np.arange(16) % 8 < 4)[:, None]
    np.testing.assert_array_equal(y, np.where(rows, x * 2, -x))


def test_a_parameter_written_and_rebound_is_refused(load_kernel):
    with pytest.raises(PlDiagnostic, match=r"kernel\.py:8:5: .*parameter 'y' of inline function 'double' is both "
                       "written in place and rebound"):
        run(load_kernel, "y[r : r + 8, :] = pl.mul(x[r : r + 8, :], 2.0)\ny = x")


def test_pypto_style_helpers_writing_their_output_pass(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "helper_writes.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("[RUN]   'y' PASS") == 2


PLACED = """
from ppc import pl

@pl.jit.inline
def write(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32], r: pl.Scalar[pl.INDEX]):
    x = pl.reshape(x, [16, 64])  # rebinding the other parameter must not lose the write into `y`
    y[r : r + 8, :] = pl.exp(x[r : r + 8, :])

@pl.jit.inline
def task(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32], r: pl.Scalar[pl.INDEX]):
    x = pl.reshape(x, [16, 64])
    with pl.at(level=pl.Level.CORE_GROUP):
        y[r : r + 8, :] = pl.exp(x[r : r + 8, :])

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    CALLS
    return y
"""


@pytest.mark.parametrize("calls", [
    "task(x, y, 0)\ntask(x, y, 8)",  # outside any task: the helper opens one
    "with pl.at(level=pl.Level.CORE_GROUP):\n    write(x, y, 0)\n    write(x, y, 8)",
    "for b in pl.spmd(2):\n    write(x, y, b * 8)",
    "for i in pl.range(2):\n    task(x, y, i * 8)",
    "with pl.at(level=pl.Level.CORE_GROUP):\n    for i in pl.range(2):\n        write(x, y, i * 8)",
], ids=["orchestration", "at", "spmd", "loop", "loop-in-task"])
def test_a_helper_write_reaches_the_caller_wherever_it_is_called(load_kernel, calls):
    ns = load_kernel(PLACED.replace("CALLS", calls.replace("\n", "\n    ")))
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64) / 1000
    y = np.zeros_like(x)
    ns["main"](x, y)
    np.testing.assert_allclose(y, np.exp(x), rtol=1e-6)
