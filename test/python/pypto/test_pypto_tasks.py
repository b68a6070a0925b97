"""PyPTO's task ids: `as tid` on pl.at / pl.spmd, `deps=`, `pl.system.task_dummy`, `allow_early_resolve`,
`sync_start` - kept on the dispatch, explicit deps ordering the modelled tasks, and the two hints changing the
modelled schedule (never a result)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime.errors import PlRuntimeError

INPUTS = Path(__file__).parent / "Inputs"


def test_explicit_deps_order_the_modelled_tasks(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "task_ids.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'z' PASS" in done.stdout and "[RUN]   'y' PASS" in done.stdout
    assert "not implemented yet" not in done.stderr  # both hints are modelled now
    # negate reads only x: without its deps=[task_dummy(exp_rows)] it would be ready at once
    path = re.findall(r"#\d+\s+(\w+)\s+ready\s+([\d.]+)\s+start\s+[\d.]+\s+finish\s+([\d.]+)", done.stdout)
    assert [p[0] for p in path] == ["exp_rows", "negate"]
    assert float(path[1][1]) >= float(path[0][2])


KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]],
         z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, allow_early_resolve=True) as first:
        y[0:16, :] = pl.exp(x[0:16, :])
    prev = None
    for i in pl.range(2):
        with pl.spmd(2, deps=[first, prev], name_hint="second") as prev:
            z[0:16, :] = pl.neg(x[0:16, :])
    return y, z
"""


def test_task_attributes_reach_the_dispatch(load_kernel):
    ns = load_kernel(KERNEL)
    x = np.ones((16, 64), np.float32)
    program = ns["main"].compile(x, x.copy(), x.copy())
    text = str(program.ir_after("frontend"))
    assert "pl.at attributes {level = #pl.level<core_group>, pl.task = 0 : i64, pl.early_resolve} {" in text
    # the loop body is built once, so `prev` is still None there: task ids are compile-time (frontend/tasks.py)
    assert 'attributes {name = "second", pl.task = 1 : i64, pl.deps = [0 : i64]} {' in text
    final = str(program.module)
    assert re.search(r"pl\.dispatch @main_task\(.*\{name = \"main_task\", pl.task = 0 : i64, pl.early_resolve\}", final)
    assert re.search(r"pl\.dispatch @second\(.*\{name = \"second\", pl.task = 1 : i64, pl.deps = \[0 : i64\]\}", final)


def run_pypto(path, tmp_path, *extra):
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(path), "-p", "a2a3sim", *extra]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'y' PASS" in done.stdout and not done.stderr
    total = float(re.search(r"Total Test Time\s+([\d.]+) us", done.stdout)[1])
    path = re.findall(r"#\d+\s+(\w+)\s+ready\s+([\d.]+)\s+start\s+([\d.]+)", done.stdout)
    return total, [(name, float(start) - float(ready)) for name, ready, start in path]


def test_early_resolve_shortens_the_modelled_chain(tmp_path):
    pytest.importorskip("torch")
    flagged, flagged_path = run_pypto(INPUTS / "early_resolve.py", tmp_path)
    plain, plain_path = run_pypto(INPUTS / "early_resolve.py", tmp_path, "--no-early-resolve")
    assert [name for name, _ in flagged_path] == [name for name, _ in plain_path] == ["exp_rows"] + ["halve"] * 6
    # each consumer was pre-staged: it starts a doorbell latency after its producer's completion; unflagged,
    # it is popped (0.28 us) and its launch seen (0.25 us) only then
    assert [gap for _, gap in flagged_path[1:]] == pytest.approx([0.25] * 6, abs=1e-3)
    assert [gap for _, gap in plain_path[1:]] == pytest.approx([0.53] * 6, abs=1e-3)
    assert flagged < plain - 1.0


EARLY = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, allow_early_resolve=True) as first:
        y[0:16, :] = pl.exp(x[0:16, :])
    with pl.spmd(2, allow_early_resolve=True, sync_start=True):
        y[0:16, :] = pl.add(y[0:16, :], 1.0)
    with pl.at(level=pl.Level.CORE_GROUP, deps=[pl.system.task_dummy(deps=[first])]) as last:
        y[0:16, :] = pl.mul(y[0:16, :], 2.0)
    return y
"""


def test_hints_change_the_schedule_not_the_result(load_kernel):
    x = np.random.default_rng(0).standard_normal((16, 64)).astype(np.float32)
    runs = []
    for source in (EARLY, EARLY.replace("allow_early_resolve=True", "allow_early_resolve=False")):
        ns = load_kernel(source)
        runs.append(ns["main"].compile(x, np.zeros_like(x)).run(x, np.zeros_like(x)))
    flagged, plain = runs
    assert np.array_equal(flagged.outputs[0], plain.outputs[0])
    assert [(t.early_resolve, t.sync_start, t.dummy_producer) for t in flagged.tasks] == [
        (True, False, False), (True, True, False), (False, False, True)
    ]
    # the spmd pre-stages behind exp; the last task waits on a task_dummy, an unflagged producer in the runtime
    assert [r.prestaged for r in flagged.timeline.blocks] == [False, True, True, False]
    assert not any(r.prestaged for r in plain.timeline.blocks)


def test_sync_start_wider_than_the_chip_is_a_located_error(load_kernel):
    ns = load_kernel(EARLY.replace("pl.spmd(2,", "pl.spmd(49,"))
    x = np.ones((16, 64), np.float32)
    with pytest.raises(PlRuntimeError, match=r"kernel.py:8:5: error: .*sync_start=True launches 49 blocks at "
                                             r"once, but a2a3 has only 48 AIV cores$"):
        ns["main"].compile(x, x.copy()).run(x, x.copy())


def test_a_tensor_is_not_a_dependency(load_kernel):
    ns = load_kernel(KERNEL.replace("deps=[first, prev]", "deps=[x]"))
    with pytest.raises(PlDiagnostic, match=r"kernel.py:11:\d+: error: deps entries must be task ids .* got "
                                           r"!pl.tensor<16x64xf32>"):
        ns["main"].lower(np.ones((16, 64), np.float32), np.ones((16, 64), np.float32), np.ones((16, 64), np.float32))


def test_hint_flags_must_be_bools(load_kernel):
    ns = load_kernel(KERNEL.replace("allow_early_resolve=True", "allow_early_resolve=x"))
    with pytest.raises(PlDiagnostic, match="allow_early_resolve must be a compile-time bool"):
        ns["main"].lower(np.ones((16, 64), np.float32), np.ones((16, 64), np.float32), np.ones((16, 64), np.float32))


def test_inline_helpers_return_task_ids(tmp_path):
    """`return tid` and `return out, tid` from inline helpers give the caller task ids its deps= can name."""
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "helper_task_id.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert all(f"[RUN]   '{name}' PASS" in done.stdout for name in "ywz")
    # negate reads only x: only the returned ids put it after exp (the longer of the two helpers' tasks)
    path = re.findall(r"#\d+\s+(\w+)\s+ready\s+([\d.]+)\s+start\s+[\d.]+\s+finish\s+([\d.]+)", done.stdout)
    assert [p[0] for p in path] == ["exp", "negate"]
    assert float(path[1][1]) >= float(path[0][2])
