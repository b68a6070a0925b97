"""PyPTO's shape rules at the language level: an integer index drops its axis (a tile stays at least 2-D),
an all-integer index reads one element, subscript writes take the reduced rank (or a padded tile whose valid
shape fits), N-D row/col reductions and broadcasts, and helper argument types."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic

INPUTS = Path(__file__).parent / "Inputs"

HEADER = """
from ppc import pl
"""


def test_the_kernel_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "int_index.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("rows", "narrow", "sums", "scaled"):
        assert f"[RUN]   '{name}' PASS" in done.stdout


def _frontend(load_kernel, body: str, *args) -> str:
    ns = load_kernel(HEADER + body)
    return str(ns["main"].lower(*args, pipeline="frontend"))


READS = """
@pl.jit
def main(x: pl.Tensor[[4, 8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    view = x[1, :, 0:32]
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="t"):
        row = x[2, 3, :]
        e = x[0, 1, 2]
        t = x[0:1, :, :]
        col = t[0, 1, 0:16]
        y[0, :] = pl.add(row, e)
        y[1:2, 0:16] = col
        y[2, 0:32] = view[0, :]
    return y
"""


def test_integer_indices_drop_axes(load_kernel):
    x, y = np.zeros((4, 8, 64), np.float32), np.zeros((8, 64), np.float32)
    text = _frontend(load_kernel, READS, x, y)
    assert "-> !pl.tensor<8x32xf32>" in text  # a tensor view: the indexed axis is gone
    assert "!pl.tile<1x1x64xf32, vec> -> !pl.tile<64xf32, vec>" in text  # a tensor's window: natural rank
    assert "pl.read %x[" in text and "-> f32" in text  # every axis indexed: one element
    assert "!pl.tile<1x1x16xf32, vec> -> !pl.tile<1x16xf32, vec>" in text  # a tile's window: kept 2-D
    # the 1-D row is written into `y[0, :]` as [1, 64]: the dropped axis comes back as a unit axis
    assert "!pl.tile<64xf32, vec> -> !pl.tile<1x64xf32, vec>" in text


def test_a_write_of_the_wrong_rank_names_the_dropped_axis(load_kernel):
    ns = load_kernel(HEADER + """
@pl.jit
def main(x: pl.Tensor[[8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="t"):
        y[0, 0:64] = x[0:2, :]
    return y
""")
    x = np.zeros((8, 64), np.float32)
    with pytest.raises(PlDiagnostic, match=r"kernel.py:7:9: error: cannot assign a \[2, 64\] value to the \[64\] "
                                           r"region of 'y' \(an integer index drops its axis, leaving 1-D\)"):
        ns["main"].lower(x, x.copy())


def test_a_padded_tile_writes_only_when_its_valid_shape_fits(load_kernel):
    body = """
@pl.jit
def main(x: pl.Tensor[[8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 4], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="t"):
        y[0:8, 0:4] = pl.slice(x, [8, 8], [0, 0], valid_shape=[8, VALID])
    return y
"""
    x, y = np.arange(512, dtype=np.float32).reshape(8, 64), np.zeros((8, 4), np.float32)
    load_kernel(HEADER + body.replace("VALID", "4"))["main"](x, y)
    np.testing.assert_array_equal(y, x[:, :4])
    ns = load_kernel(HEADER + body.replace("VALID", "5"))
    with pytest.raises(PlDiagnostic, match=r"cannot assign a \[8, 8\] \(valid \[8, 5\]\) value to the \[8, 4\] region"):
        ns["main"].lower(x, y)


def test_nd_reductions_keep_batch_axes(load_kernel):
    ns = load_kernel(HEADER + """
@pl.jit
def main(x: pl.Tensor[[2, 4, 16], pl.FP32], y: pl.Out[pl.Tensor[[2, 1, 16], pl.FP32]],
         z: pl.InOut[pl.Tensor[[3, 4, 1], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="t"):
        y[:, :, :] = pl.col_sum(x[:, :, :])
        z = pl.assemble(z, pl.row_max(x[1:2, :, :]), [2, 0, 0])
    return y, z
""")
    x = np.random.default_rng(0).standard_normal((2, 4, 16)).astype(np.float32)
    y, z = np.zeros((2, 1, 16), np.float32), np.full((3, 4, 1), 7.0, np.float32)
    ns["main"](x, y, z)
    np.testing.assert_allclose(y, x.sum(axis=1, keepdims=True), rtol=1e-6)
    np.testing.assert_array_equal(z[2], x[1].max(axis=-1, keepdims=True))
    np.testing.assert_array_equal(z[:2], 7.0)


HELPERS = """
@pl.jit.incore
def first_rows(x: pl.Tensor[[8, 64], pl.FP32], n: pl.Scalar[pl.INT32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    for r in pl.range(8):
        if r < n:
            y[r:r + 1, :] = x[r:r + 1, :]
    return y


@pl.jit
def main(x: pl.Tensor[[pl.dynamic("N"), 64], pl.FP32], y: pl.InOut[pl.Tensor[[8, 64], pl.FP32]]):
    n = pl.tensor.dim(x, 0)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="t"):
        y = first_rows(x, n, y)
    return y
"""


def test_incore_integer_scalars_convert_and_dynamic_tensors_fit_static_annotations(load_kernel):
    """(Run through an inline helper by int_index.py.)"""
    ns = load_kernel(HEADER + HELPERS)
    x, y = np.ones((6, 64), np.float32), np.zeros((8, 64), np.float32)
    text = str(ns["main"].lower(x, y, pipeline="frontend"))
    assert "arith.index_cast" in text  # the index size is converted to the annotated i32
    assert "(!pl.tensor<?x64xf32>, i32, !pl.tensor<8x64xf32>)" in text  # the parameter keeps the dynamic axis
