"""PyPTO's `pl.scatter` / `pl.tensor.scatter` (index and mask forms): a pypto-lib style file passes its
golden, duplicates keep the last value, an out-of-range index and misuse are one located error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime import numerics
from ppc.runtime.errors import PlRuntimeError

INPUTS = Path(__file__).parent / "Inputs"


def test_scatter_forms_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "scatter_forms.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "[RUN]   'rope' PASS" in done.stdout and "[RUN]   'placed' PASS" in done.stdout


def test_index_scatter_keeps_the_last_of_equal_indices():
    dst = np.zeros((2, 4), np.float32)
    index = np.array([[1, 1, 3], [0, 2, 0]])
    src = np.array([[10, 11, 12], [20, 21, 22]], np.float32)
    out = numerics.scatter_index(dst, index, src)
    np.testing.assert_array_equal(out, [[0, 11, 0, 12], [22, 0, 21, 0]])
    assert not dst.any()  # value semantics: the destination is not written in place


def test_mask_scatter_writes_only_the_selected_columns():
    dst = np.full((2, 8), -1, np.int32)
    out = numerics.scatter_mask(dst, np.array([[1, 2], [3, 4]], np.int32), 4, 2)  # P0100
    np.testing.assert_array_equal(out, [[-1, -1, 1, -1, -1, -1, 2, -1], [-1, -1, 3, -1, -1, -1, 4, -1]])


KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[4, 8], pl.FP32], i: pl.Tensor[[4, 3], pl.INT32], v: pl.Tensor[[4, 3], pl.FP32],
         y: pl.Out[pl.Tensor[[4, 8], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = CALL
    return y
"""


def _scatter(load_kernel, call: str, index: np.ndarray) -> np.ndarray:
    ns = load_kernel(KERNEL.replace("CALL", call))
    x = np.arange(32, dtype=np.float32).reshape(4, 8)
    v = -np.arange(12, dtype=np.float32).reshape(4, 3) - 1
    y = np.zeros((4, 8), np.float32)
    ns["main"](x, index.astype(np.int32), v, y)
    return y


def test_index_form_in_a_kernel(load_kernel):
    index = np.array([[7, 0, 3], [1, 1, 1], [0, 6, 2], [5, 4, 7]])
    y = _scatter(load_kernel, "pl.tensor.scatter(x[:, :], -1, i[:, :], v[:, :])", index)
    expected = np.arange(32, dtype=np.float32).reshape(4, 8)
    expected[0, [7, 0, 3]] = [-1, -2, -3]
    expected[1, 1] = -6
    expected[2, [0, 6, 2]] = [-7, -8, -9]
    expected[3, [5, 4, 7]] = [-10, -11, -12]
    np.testing.assert_array_equal(y, expected)


def test_out_of_range_index_is_a_located_run_time_error(load_kernel):
    with pytest.raises(PlRuntimeError, match=r"kernel.py:8:\d+: error: kernel 'main_task' block 0: pl.scatter "
                                             r"index 8 out of range \[0, 8\) on the last axis of the input$"):
        _scatter(load_kernel, "pl.scatter(x[:, :], dim=1, index=i[:, :], src=v[:, :])", np.full((4, 3), 8))


@pytest.mark.parametrize(
    "call, message",
    [
        ("pl.scatter(x[:, :], -1, i[:, :], v[:, :], mask_pattern=1, dst=x[:, :])", r"pl.scatter takes one form"),
        ("pl.scatter(v[:, :], mask_pattern=1)", r"the mask form of pl.scatter needs both mask_pattern and dst"),
        ("pl.scatter(x[:, :], -1, i[:, :])", r"the index form of pl.scatter needs dim, index and src"),
        ("pl.scatter(x[:, :], 0, i[:, :], v[:, :])", r"scatters along the last axis only"),
        ("pl.scatter(x[:, :], -1, v[:, :], v[:, :])", r"index must be i32 for a f32 input, got f32"),
        ("pl.scatter(x[:, :], -1, i[:, 0:2], v[:, :])", r"index must have src's shape \[4, 3\], got \[4, 2\]"),
        ("pl.tensor.scatter(v[:, :], mask_pattern=2, dst=x[:, :])", r"needs dst of shape \[4, 6\]"),
        ("pl.tensor.scatter(x[:, 0:4], mask_pattern=9, dst=x[:, :])", r"mask_pattern must be 1-7"),
        ("pl.tensor.scatter(x[:, 0:4], mask_pattern=1, dst=pl.cast(x[:, :], pl.BF16))", r"dtypes differ"),
    ],
)
def test_misuse_is_one_located_error(load_kernel, call, message):
    with pytest.raises(PlDiagnostic, match=message) as err:
        _scatter(load_kernel, call, np.zeros((4, 3)))
    assert "kernel.py:8:" in str(err.value)
