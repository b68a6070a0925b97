"""`pl.gather_row` (PyPTO's kernel-driven gather into an L1 accumulator): a pypto-lib style file passes its
golden; the box moved is `valid_shape` (run-time) inside the static window, transposed on request; every
bad offset or extent is a located error; the whole source counts as read; each gather is one priced GM load
of exactly the rows it reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.data_ops import GatherRowOp
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime.errors import PlRuntimeError
from ppc.runtime.gm import GmTensor
from ppc.runtime.interp import PreparedFunction, Recorder
from ppc.runtime.npu import A2A3
from ppc.runtime.pricing import Pricer

INPUTS = Path(__file__).parent / "Inputs"

KERNEL = """
from ppc import pl

@pl.jit
def main(pool: pl.Tensor[[16, 8], pl.FP32], n: pl.Tensor[[2], pl.INT32], y: pl.Out[pl.Tensor[[4, 8], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        k = pl.cast(pl.read(n, [0]), pl.INDEX)
        at = pl.cast(pl.read(n, [1]), pl.INDEX)
        acc = pl.full([4, 8], pl.FP32, -1.0)
        y[:, :] = GATHER
    return y
"""
POOL = np.arange(128, dtype=np.float32).reshape(16, 8)


def _main(load_kernel, gather: str):
    return load_kernel(KERNEL.replace("GATHER", gather))["main"]


def test_gather_row_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "gather_row.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    for name in ("scores", "scores_t"):
        assert f"[RUN]   '{name}' PASS" in done.stdout


def test_valid_shape_moves_only_its_box(load_kernel):
    main = _main(load_kernel, "pl.gather_row(acc, pool, [at, 0], [5, 2], [4, 8], valid_shape=[k, 3])")
    y = np.zeros((4, 8), np.float32)
    main(POOL, np.array([2, 1], np.int32), y)
    expected = np.full((4, 8), -1.0, np.float32)
    expected[1:3, 0:3] = POOL[5:7, 2:5]  # rows beyond the run and columns beyond 3 keep the accumulator's
    np.testing.assert_array_equal(y, expected)
    main(POOL, np.array([0, 3], np.int32), y)  # an empty box moves nothing
    np.testing.assert_array_equal(y, np.full((4, 8), -1.0, np.float32))


def test_transpose_lands_the_row_as_a_column(load_kernel):
    main = _main(load_kernel, "pl.reshape(pl.tensor.gather_row(pl.tensor.create_l1([8, 4], pl.FP32), pool, [0, at], "
                              "[k, 0], [1, 8], True), [4, 8])")
    y = np.zeros((4, 8), np.float32)
    main(POOL, np.array([9, 2], np.int32), y)
    expected = np.zeros((8, 4), np.float32)
    expected[:, 2] = POOL[9]
    np.testing.assert_array_equal(y, expected.reshape(4, 8))


@pytest.mark.parametrize(("gather", "n", "message"), [
    ("pl.gather_row(acc, pool, [0, 0], [k, 0], [1, 8])", [16, 0],
     r"pl.gather_row source offsets \[16, 0\] with shape \[1, 8\] out of bounds for tensor \[16, 8\]"),
    ("pl.gather_row(acc, pool, [at, 0], [0, 0], [4, 8], valid_shape=[k, 8])", [2, 3],
     r"pl.gather_row accumulator offsets \[3, 0\] with shape \[2, 8\] out of bounds for tile \[4, 8\]"),
    ("pl.gather_row(acc, pool, [0, 0], [0, 0], [2, 8], valid_shape=[k, 8])", [3, 0],
     r"pl.gather_row valid_shape \[3, 8\] is outside the window \[2, 8\]"),
])  # fmt: skip
def test_bad_boxes_are_located_run_time_errors(load_kernel, gather, n, message):
    main = _main(load_kernel, gather)
    with pytest.raises(PlRuntimeError, match=message) as info:
        main(POOL, np.array(n, np.int32), np.zeros((4, 8), np.float32))
    assert ":10:" in str(info.value)


@pytest.mark.parametrize(("gather", "message"), [
    ("pl.gather_row(acc, pool, [0, 0], [0, 0], [k, 8])", r"'shapes' of pl.gather_row must be compile-time integers"),
    ("pl.gather_row(acc, acc, [0, 0], [0, 0], [1, 8])", r"the source of pl.gather_row must be a GM tensor"),
    ("pl.gather_row(y, pool, [0, 0], [0, 0], [1, 8])", r"the accumulator of pl.gather_row must be a tile"),
    ("pl.gather_row(acc, pool, [0, 0], [0, 0], [2, 8], True, valid_shape=[k, 8])",
     r"'pl.gather_row' transpose needs a constant valid shape"),
    ("pl.gather_row(acc, pool, [0, 0], [0, 0], [2, 8], valid_shape=[3, 8])",
     r"'pl.gather_row' valid extent 3 is outside the window's 2 on axis 0"),
    ("pl.gather_row(acc, pool, [3, 0], [0, 0], [2, 8])",
     r"'pl.gather_row' accumulator out of bounds on axis 0: offset 3 \+ size 2 > dimension 4"),
])  # fmt: skip
def test_bad_calls_are_located_compile_errors(load_kernel, gather, message):
    main = _main(load_kernel, gather)
    with pytest.raises(PlDiagnostic, match=message) as info:
        main(POOL, np.zeros(2, np.int32), np.zeros((4, 8), np.float32))
    assert info.value.loc.line == 10


def test_gather_row_outside_a_task_is_refused(load_kernel):
    source = KERNEL.replace("    with pl.at(level=pl.Level.CORE_GROUP):\n", "    if True:\n")
    main = load_kernel(source.replace("pl.full([4, 8], pl.FP32, -1.0)", "y")
                       .replace("GATHER", "pl.gather_row(acc, pool, [0, 0], [0, 0], [1, 8])"))["main"]
    with pytest.raises(PlDiagnostic, match=r"pl\.gather_row is a compute op: it must be inside a task scope"):
        main(POOL, np.zeros(2, np.int32), np.zeros((4, 8), np.float32))


SOURCE_EFFECTS = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[16, 8], pl.FP32], y: pl.Out[pl.Tensor[[16, 8], pl.FP32]], z: pl.Out[pl.Tensor[[1, 8], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:WRITTEN, :] = x[0:WRITTEN, :]
    with pl.at(level=pl.Level.CORE_GROUP):
        z[:, :] = pl.gather_row(pl.create_l1([1, 8], pl.FP32), y, [0, 0], [0, 0], [1, 8])
    return y, z
"""


def test_the_whole_source_counts_as_read(load_kernel):
    """The rows gathered are data-dependent: even row 0, written just before, is a read of all of `y`."""
    args = (POOL, np.zeros((16, 8), np.float32), np.zeros((1, 8), np.float32))
    load_kernel(SOURCE_EFFECTS.replace("WRITTEN", "16"))["main"](*args)
    main = load_kernel(SOURCE_EFFECTS.replace("WRITTEN", "8"))["main"]
    with pytest.raises(PlDiagnostic, match=r"'y' is declared Out .* but its old contents may be read here") as info:
        main(*args)
    assert info.value.loc.line == 9


def test_each_gather_is_one_load_of_the_rows_it_reads(load_kernel):
    main = _main(load_kernel, "pl.gather_row(acc, pool, [0, 0], [k, 0], [4, 8], valid_shape=[at, 8])")
    n = np.array([5, 3], np.int32)
    program = main.compile(POOL, n, np.zeros((4, 8), np.float32))
    (kernel,) = [f for f in program.module.ops if any(isinstance(op, GatherRowOp) for op in f.walk())]
    prepared = PreparedFunction.prepare(kernel, "kernel", Pricer(A2A3, "AIV"))
    rec = Recorder()
    pool = GmTensor(POOL.copy())
    prepared.run([GmTensor(n), pool, GmTensor(np.zeros((4, 8), np.float32)), 0], rec)
    loads = [op for op, _ in rec.ops if op.kind == "load" and op.gm_bytes == 3 * 8 * 4]  # 3 rows of 8 f32
    assert len(loads) == 1
    assert pool.regions((5, 0), (3, 8))[0] in rec.reads
    assert pool.whole_regions()[0] not in rec.reads
