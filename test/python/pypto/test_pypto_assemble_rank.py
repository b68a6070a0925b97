"""`pl.assemble` / `pl.store` of a lower-rank source into a tensor: PyPTO's rule is a block whose extra leading
axes are 1 (the offsets index every destination axis, the source covers the trailing ones)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime.errors import PlRuntimeError

INPUTS = Path(__file__).parent / "Inputs"

KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[8, 16], pl.FP32], y: pl.InOut[pl.Tensor[[3, 10, 32], pl.FP32]],
         z: pl.InOut[pl.Tensor[[2, 8, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        t = pl.exp(x[0:4, :])
        y = pl.assemble(y, t, [2, 6, 16])
        pl.store(pl.neg(x[4:5, :]), [1, 3, 0], y)
    z = pl.assemble(z, x, [1, 0, 0])
    return y, z
"""


def _run(ns, x):
    y, z = np.zeros((3, 10, 32), np.float32), np.zeros((2, 8, 16), np.float32)
    ns["main"](x, y, z)
    return y, z


def test_source_fills_the_trailing_axes_at_the_offsets(load_kernel):
    ns = load_kernel(KERNEL)
    x = np.random.default_rng(0).standard_normal((8, 16)).astype(np.float32)
    y, z = _run(ns, x)
    want_y = np.zeros_like(y)
    want_y[2, 6:10, 16:32] = np.exp(x[0:4])
    want_y[1, 3, 0:16] = -x[4]
    np.testing.assert_allclose(y, want_y, rtol=1e-6)
    want_z = np.zeros_like(z)
    want_z[1] = x  # a GM tensor source (orchestration level) follows the same rule
    np.testing.assert_array_equal(z, want_z)


def test_the_lift_is_a_reshape_with_unit_leading_axes(load_kernel):
    ns = load_kernel(KERNEL)
    x = np.ones((8, 16), np.float32)
    text = str(ns["main"].compile(x, np.zeros((3, 10, 32), np.float32), np.zeros((2, 8, 16), np.float32))
               .ir_after("frontend"))
    assert "-> !pl.tile<1x4x16xf32" in text and "-> !pl.tile<1x1x16xf32" in text
    assert "-> !pl.tensor<1x8x16xf32>" in text


def test_a_block_past_an_axis_is_a_located_error(load_kernel):
    """PyPTO's store would spill the rows into the next block of the flat buffer; ppc refuses it."""
    ns = load_kernel(KERNEL.replace("[2, 6, 16]", "[2, 7, 16]"))
    with pytest.raises(PlDiagnostic, match=r"kernel.py:9:\d+: error: 'pl.assemble' out of bounds on axis 1: "
                       r"offset 7 \+ size 4 > dimension 10"):
        _run(ns, np.ones((8, 16), np.float32))


BLOCKED = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[8, 16], pl.FP32], y: pl.InOut[pl.Tensor[[16, 1, 4, 16], pl.FP32]]):
    for b in pl.range(4):
        with pl.at(level=pl.Level.CORE_GROUP):
            y = pl.assemble(y, x[0:3, :], [0, 0, b, 0])
    return y
"""


def test_a_block_past_an_axis_at_run_time_is_a_located_error(load_kernel):
    """qwen3_32b/decode_4d's form: [3, 16] rows at [h, 0, b, 0] go down axis 2, past its 4 rows from b = 2."""
    ns = load_kernel(BLOCKED)
    with pytest.raises(PlRuntimeError, match=r"kernel.py:8:\d+: error: .*offsets \[0, 0, 2, 0\] with shape "
                       r"\[1, 1, 3, 16\] out of bounds for tensor \[16, 1, 4, 16\]$"):
        ns["main"](np.ones((8, 16), np.float32), np.zeros((16, 1, 4, 16), np.float32))


def test_a_lower_rank_source_into_a_tile_is_refused(load_kernel):
    source = KERNEL.replace("y = pl.assemble(y, t, [2, 6, 16])",
                            "u = pl.assemble(pl.full([2, 4, 16], dtype=pl.FP32, value=0.0), t, [0, 0, 0])")
    ns = load_kernel(source)
    with pytest.raises(PlDiagnostic, match=r"kernel.py:9:\d+: error: pl.assemble writes a rank-2 source into a "
                       r"rank-3 tile; PyPTO lifts a lower-rank source only into a tensor"):
        ns["main"].lower(np.ones((8, 16), np.float32), np.zeros((3, 10, 32), np.float32),
                         np.zeros((2, 8, 16), np.float32))


def test_rank_lift_pypto_file_passes(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "rank_lift.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'y' PASS" in done.stdout and "[RUN]   'z' PASS" in done.stdout
