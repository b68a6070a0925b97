"""Capacity checks (passes/check_capacity.py) seen from `ppc-run --pypto` and the Python API: a task whose
live tiles overflow a memory of the chip it is compiled for is refused, located, naming the tiles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic, capture_diagnostics

INPUTS = Path(__file__).parent / "Inputs"


def ppc_run_pypto(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / name), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


def test_pypto_file_over_a2a3_ub_is_one_located_line(tmp_path):
    pytest.importorskip("torch")
    done = ppc_run_pypto("wide_rows.py", "-p", "a2a3sim", cwd=tmp_path)
    assert done.returncode == 1
    path = INPUTS / "wide_rows.py"
    assert done.stderr == (
        f"{path}:13:18: error: tiles live here need 208 KiB of UB (184 KiB on a2a3): "
        f"'top' [128, 208] f32 104 KiB at {path}:12:15, 'bottom' [128, 208] f32 104 KiB at {path}:13:18\n")


def test_the_same_file_fits_a5_and_passes(tmp_path):
    pytest.importorskip("torch")
    done = ppc_run_pypto("wide_rows.py", "-p", "a5sim", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN] PASS" in done.stdout


SCORES = """
from ppc import pl

@pl.jit
def scores(q: pl.Tensor[[160, 64], pl.BF16], k: pl.Tensor[[64, 256], pl.BF16],
           s: pl.Out[pl.Tensor[[160, 256], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="scores"):
        m = pl.matmul(q[:, :], k[:, :])
        s[:, :] = pl.exp(m)
    return s
"""


def test_a_vector_read_matmul_result_must_fit_l0c_of_the_chip(load_kernel):
    scores = load_kernel(SCORES)["scores"]
    q = np.zeros((160, 64), ml_dtypes.bfloat16)
    k = np.zeros((64, 256), ml_dtypes.bfloat16)
    s = np.zeros((160, 256), np.float32)
    with pytest.raises(PlDiagnostic) as refused:
        scores.compile(q, k, s, platform="a2a3")
    assert refused.value.loc.line == 8  # the matmul
    assert refused.value.message.startswith(
        "tiles live here need 160 KiB of L0C (128 KiB on a2a3): 'm' [160, 256] f32 160 KiB at ")
    assert scores.compile(q, k, s, platform="a5").platform == "a5"  # L0C is 256 KiB on a5


SEQUENTIAL = """
from ppc import pl

@pl.jit
def halves(x: pl.Tensor[[1024, 128], pl.FP32], y: pl.Out[pl.Tensor[[1024, 128], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="halves"):
        for r in pl.range(0, 1024, 256):
            y[r:r + 256, :] = pl.exp(x[r:r + 256, :])
        last = x[768:1024, :]
        y[768:1024, :] = pl.add(last, last)
    return y
"""


def test_tiles_never_live_together_fit_and_run(load_kernel):
    """Five 128 KiB tiles (640 KiB in all) pass through UB, one at a time (a loop iteration's tile is dead
    before the next is loaded; the exp may overwrite its input)."""
    halves = load_kernel(SEQUENTIAL)["halves"]
    x = np.arange(1024 * 128, dtype=np.float32).reshape(1024, 128) / 1e5
    y = np.zeros_like(x)
    with capture_diagnostics() as found:
        halves(x, y)
    assert not found
    np.testing.assert_array_equal(y[768:], x[768:] + x[768:])
    np.testing.assert_array_equal(y[:768], np.exp(x[:768]))


PIPELINED = """
from ppc import pl

@pl.jit
def stream(x: pl.Tensor[[768, 128], pl.FP32], y: pl.Out[pl.Tensor[[768, 128], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="stream"):
        for r in pl.pipeline(0, 768, 192, stage=2):
            y[r:r + 192, :] = pl.exp(x[r:r + 192, :])
    return y
"""


@pytest.mark.parametrize("platform, slots", [("a2a3", 1), ("a5", 2)])
def test_pipeline_slots_that_do_not_fit_are_shed_with_a_warning(load_kernel, platform, slots):
    stream = load_kernel(PIPELINED)["stream"]
    x = np.zeros((768, 128), np.float32)
    with capture_diagnostics() as found:
        program = stream.compile(x, np.zeros_like(x), platform=platform)
    assert f"pl.stages = {slots} : i64" in str(program.module)
    assert [d.loc.line for d in found] == ([7] if slots == 1 else [])


SPLIT = """
from ppc import pl

@pl.jit
def two_blocks(x: pl.Tensor[[512, 128], pl.FP32], y: pl.Out[pl.Tensor[[256, 128], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="two_blocks", optimizations=HINTS):
        y[:, :] = pl.add(x[0:256, :], x[256:512, :])
    return y
"""


@pytest.mark.parametrize("hints, fits", [("[pl.split(pl.SplitMode.UP_DOWN)]", True), ("[pl.auto_chunk]", False)])
def test_a_split_task_has_the_ub_of_both_aiv_cores(load_kernel, hints, fits):
    """The task's pl.split hint reaches its kernel: 256 KiB of vector tiles fit two AIV cores' 2 x 184 KiB."""
    two_blocks = load_kernel(SPLIT.replace("HINTS", hints))["two_blocks"]
    args = (np.zeros((512, 128), np.float32), np.zeros((256, 128), np.float32))
    if fits:
        assert "pl.optimizations = [\"split\"]" in str(two_blocks.compile(*args).module)
    else:
        with pytest.raises(PlDiagnostic, match=r"need 256 KiB of UB \(184 KiB on a2a3\)"):
            two_blocks.compile(*args)


WIDE = """
from ppc import pl

@pl.jit
def add_rows(x: pl.Tensor[[256, 208], pl.FP32], y: pl.Out[pl.Tensor[[128, 208], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="add_rows"):
        y[:, :] = pl.add(x[0:128, :], x[128:256, :])
    return y
"""


def test_ppc_run_checks_a_lowered_module_for_the_chosen_platform(load_kernel, tmp_path, capsys):
    from ppc.tools.run import main

    add_rows = load_kernel(WIDE)["add_rows"]
    lowered = add_rows.compile(np.zeros((256, 208), np.float32), np.zeros((128, 208), np.float32), platform="a5")
    path = tmp_path / "wide.mlir"
    path.write_text(str(lowered.module))
    assert main([str(path), "--platform", "a5"]) == 0
    capsys.readouterr()
    assert main([str(path), "--platform", "a2a3"]) == 1
    assert "error: tiles live here need 208 KiB of UB (184 KiB on a2a3)" in capsys.readouterr().err


PLACED = """
from ppc import pl

@pl.jit
def attend(q: pl.Tensor[[64, 512], pl.BF16], kv: pl.Tensor[[128, 512], pl.BF16], p: pl.Tensor[[64, 128], pl.BF16],
           s: pl.Out[pl.Tensor[[64, 128], pl.FP32]], o: pl.Out[pl.Tensor[[64, 512], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="attend"):
        kv_tile = pl.load(kv, [0, 0], [128, 512], target_memory=pl.MemorySpace.Mat)
        kv_t = pl.tile.transpose_view(kv_tile)
        s[:, :] = pl.matmul(q[:, :], kv_t)
        o[:, :] = pl.matmul(p[:, :], kv_tile)
    return s, o
"""


def test_a_tile_placed_in_l1_and_its_transpose_view_are_one_l1_buffer(load_kernel):
    """As decode_sparse_attn_hca.py of pypto-lib does: 128 KiB of keys loaded into L1 (`target_memory=Mat`),
    read through a `transpose_view` and directly. Neither is in UB (two 128 KiB UB tiles do not fit a2a3)."""
    attend = load_kernel(PLACED)["attend"]
    q, kv, p = (np.ones(shape, ml_dtypes.bfloat16) for shape in [(64, 512), (128, 512), (64, 128)])
    s, o = np.zeros((64, 128), np.float32), np.zeros((64, 512), np.float32)
    program = attend.compile(q, kv, p, s, o, platform="a2a3")
    assert 'pl.target_memory = "mat"' in str(program.module)
    program.run(q, kv, p, s, o)
    np.testing.assert_array_equal(s, np.full((64, 128), 512, np.float32))
    np.testing.assert_array_equal(o, np.full((64, 512), 128, np.float32))
