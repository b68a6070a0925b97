"""PyPTO's index reductions `pl.row_argmax` / `row_argmin` / `col_argmax` / `col_argmin`: int32 indices of
the [M, 1] / [1, N] shape, pto-isa's scan order (ties keep the first index, a NaN is never better, a NaN at
index 0 is never beaten), the source's valid extent only, exact scratch tiles, located refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime import numerics
from ppc.runtime.npu.config import A2A3
from ppc.runtime.npu.cost import reduction_cycles, vector_op

INPUTS = Path(__file__).parent / "Inputs"
NAN, INF = np.nan, np.inf


@pytest.mark.parametrize(("name", "row", "want"), [
    ("row_argmax", [1.0, 3.0, 3.0, 2.0], 1),       # a tie keeps the first index
    ("row_argmin", [2.0, 0.5, 7.0, 0.5], 1),
    ("row_argmax", [1.0, NAN, 5.0, NAN], 2),       # a NaN is never better
    ("row_argmin", [4.0, NAN, 5.0, 3.0], 3),
    ("row_argmax", [NAN, 9.0, 10.0, 1.0], 0),      # ... nor beaten at index 0
    ("row_argmin", [NAN, -9.0, 0.0, 1.0], 0),
    ("row_argmax", [-INF, NAN, -INF, NAN], 0),     # all -inf but NaNs: index 0, not a NaN's
    ("row_argmax", [-0.0, 0.0, -1.0, 0.0], 0),     # -0 == +0: a tie
])
def test_scan_semantics(name, row, want):
    a = np.array([row], np.float32)
    got = numerics.arg_reduce_fn(name)(a)
    assert got.dtype == np.int32 and got.shape == (1, 1) and got[0, 0] == want
    col = numerics.arg_reduce_fn(name.replace("row_", "col_"))(a.T.astype(np.float16))
    assert col.shape == (1, 1) and col[0, 0] == want


def test_col_reductions_keep_batch_axes():
    a = np.array([[[3, 1], [3, 4], [0, 4]], [[0, 2], [5, 2], [5, 1]]], np.uint16)
    np.testing.assert_array_equal(numerics.arg_reduce_fn("col_argmax")(a), [[[0, 1]], [[1, 0]]])
    np.testing.assert_array_equal(numerics.arg_reduce_fn("col_argmin")(a), [[[2, 0]], [[0, 2]]])


def test_priced_as_the_matching_reduction():
    assert vector_op("row_argmax", 32768, A2A3, reduce_len=512).cycles == reduction_cycles(32768, 512, A2A3)
    assert vector_op("col_argmin", 4096, A2A3, reduce_len=8).cycles == vector_op("col_min", 4096, A2A3, reduce_len=8).cycles


KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], r: pl.Out[pl.Tensor[[16, 1], pl.INT32]],
         c: pl.Out[pl.Tensor[[1, 64], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        BODY
    return r, c
"""


def run(load_kernel, body: str, x: np.ndarray):
    ns = load_kernel(KERNEL.replace("BODY", body.strip().replace("\n", "\n        ")))
    r, c = np.full((16, 1), -1, np.int32), np.full((1, 64), -1, np.int32)
    ns["main"](x, r, c)
    return r, c


def test_valid_extent_bounds_the_scan(load_kernel):
    """Only the 5 x 7 valid corner is scanned (the max past column 7 is not seen); other cells are 0."""
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64) % 11
    r, c = run(load_kernel, """
t = pl.set_validshape(pl.tile.load(x, [0, 0], [16, 64]), 5, 7)
tmp = pl.tile.create([16, 64], dtype=pl.FP32)
pl.tile.store(pl.tile.row_argmax(t, tmp), [0, 0], r)
pl.tile.store(pl.tile.col_argmin(t, tmp), [0, 0], c)
""", x)
    np.testing.assert_array_equal(r[:5, 0], x[:5, :7].argmax(axis=1))
    np.testing.assert_array_equal(c[0, :7], x[:5, :7].argmin(axis=0))


def test_unified_forms_on_tensors_and_tiles(load_kernel):
    x = np.random.default_rng(3).integers(0, 3, (16, 64)).astype(np.float32)
    r, c = run(load_kernel, """
r[:, :] = pl.row_argmin(x[:, :])
t = pl.load(x, [0, 0], [16, 64])
c[:, :] = pl.col_argmax(t, pl.tile.create([16, 64], dtype=pl.FP32))
""", x)
    np.testing.assert_array_equal(r[:, 0], x.argmin(axis=1))
    np.testing.assert_array_equal(c[0], x.argmax(axis=0))


@pytest.mark.parametrize(("body", "message"), [
    ("r[:, :] = pl.row_argmax(pl.load(x, [0, 0], [16, 64]), pl.tile.create([16, 128], dtype=pl.FP32))",
     r"the scratch tile of pl.row_argmax must have exactly the operand's shape and dtype \[16, 64\] f32, "
     r"got \[16, 128\] f32"),
    ("c[:, :] = pl.tile.col_argmin(pl.load(x, [0, 0], [16, 64]), pl.tile.create([16, 64], dtype=pl.FP16))",
     r"must have exactly the operand's shape and dtype \[16, 64\] f32, got \[16, 64\] f16"),
    ("r[:, :] = pl.tile.row_argmin(pl.load(x, [0, 0], [16, 64]))",
     r"wrong arguments to pl.tile.row_argmin: missing a required argument: 'tmp_tile'"),
    ("r[:, :] = pl.row_argmax(x, pl.tile.create([16, 64], dtype=pl.FP32))",
     r"pl.row_argmax of a tensor takes no tmp_tile"),
    ("r[:, :] = pl.row_argmax(pl.cast(pl.load(x, [0, 0], [16, 64]), pl.BF16))",
     r"'pl.row_argmax' operand must be f16, f32, ui16 or ui32, got bf16"),
])
def test_refusals_are_located(load_kernel, body, message):
    with pytest.raises(PlDiagnostic, match=r"kernel.py:8:\d+: error: .*" + message):
        run(load_kernel, body, np.zeros((16, 64), np.float32))


def test_pypto_kernel_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "arg_reductions.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("rmax", "rmin", "cmax", "cmin", "first"):
        assert f"[RUN]   '{name}' PASS" in done.stdout
