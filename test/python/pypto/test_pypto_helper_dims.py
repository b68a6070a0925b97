"""A helper's annotated-dynamic axis stays dynamic when the caller's is static (PyPTO's rule for a dep's
declared `pl.dynamic` axes): `bind_dynamic` accepts it, `pl.tensor.dim` reads it at run time, and a window read
past its run-time extent is a located run-time error.  Also the scalar `pl.cast` to UINT32 of qwen3's top-k."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.runtime import PlRuntimeError

INPUTS = Path(__file__).parent / "Inputs"


@pytest.mark.parametrize("name", ["helper_dyn_rows", "index_ramp"])
def test_the_kernel_file_passes_its_golden(tmp_path, name):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / f"{name}.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'y' PASS" in done.stdout


KERNEL = """
from ppc import pl

T = pl.dynamic("T")


@pl.jit.inline
def head(x: pl.Tensor[[T, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32]):
    x.bind_dynamic(0, T)
    t = pl.tensor.dim(x, 0)
    flat = pl.reshape(x, [t, 64])
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:16, :] = pl.exp(flat[0:16, :])
    return y


@pl.jit
def main(x: pl.Tensor[[ROWS, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    y = head(x, y)
    return y
"""


def test_the_size_is_read_at_run_time(load_kernel):
    ns = load_kernel(KERNEL.replace("ROWS", "32"))
    x, y = np.zeros((32, 64), np.float32), np.zeros((16, 64), np.float32)
    text = str(ns["main"].lower(x, y, pipeline="frontend"))
    assert "pl.dim %x {axis = 0 : i64}" in text and "!pl.tensor<?x64xf32>" in text
    ns["main"](x, y)
    assert (y == 1.0).all()


def test_a_read_past_the_run_time_extent_is_a_located_error(load_kernel):
    """PyPTO trusts the symbolic bound (an out-of-bounds read is undefined there): here it is an error at run
    time, where the compile-time extent check no longer applies."""
    ns = load_kernel(KERNEL.replace("ROWS", "8"))
    with pytest.raises(PlRuntimeError, match=r"pl.slice offsets \[0, 0\] with shape \[16, 64\] out of bounds "
                       r"for tensor \[8, 64\]") as info:
        ns["main"](np.zeros((8, 64), np.float32), np.zeros((16, 64), np.float32))
    assert "kernel.py:13:" in str(info.value)  # the slice's line in KERNEL
