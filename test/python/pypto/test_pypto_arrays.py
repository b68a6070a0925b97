"""PyPTO's `pl.array` of `pl.TASK_ID` (frontend/arrays.py): elements indexed by loop variables give each
consumer exactly the producer dispatches it names; `pl.scope()` (AUTO) runs its body in place."""

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
def main(x: pl.Tensor[[64, 32], pl.FP32], y: pl.Out[pl.Tensor[[64, 32], pl.FP32]],
         z: pl.Out[pl.Tensor[[64, 32], pl.FP32]]):
    tids = pl.array.create(4, pl.TASK_ID)
    for g in pl.parallel(4):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="produce") as tid:
            y[g * 16:(g + 1) * 16, :] = pl.exp(x[g * 16:(g + 1) * 16, :])
        tids = pl.array.update_element(tids, 3 - g, tid)
    for g in pl.range(4):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="consume", deps=[tids[g]]):
            z[g * 16:(g + 1) * 16, :] = pl.neg(x[g * 16:(g + 1) * 16, :])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="pair", deps=[tids[j] for j in range(4) if j % 2 == 1]):
        z[0:16, :] = pl.neg(x[0:16, :])
    latest = pl.system.task_dummy(deps=[tids])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="all", deps=[latest]):
        y[0:16, :] = pl.exp(x[0:16, :])
    return y, z
"""


def _run(ns):
    x = np.random.default_rng(0).standard_normal((64, 32)).astype(np.float32)
    y, z = np.zeros_like(x), np.zeros_like(x)
    result = ns["main"].compile(x, y, z).run(x, y, z)
    np.testing.assert_allclose(z, -x)
    return [(t.name, set(t.deps)) for t in result.tasks]


def test_elements_indexed_by_loop_variables_name_their_own_dispatch(load_kernel):
    tasks = _run(load_kernel(KERNEL))
    assert [n for n, _ in tasks] == ["produce"] * 4 + ["consume"] * 4 + ["pair", "all"]
    # producer g was stored at element 3 - g, so consumer g waits for producer 3 - g and nothing else
    assert [d for _, d in tasks[4:8]] == [{3}, {2}, {1}, {0}]
    assert tasks[8][1] == {2, 0} | {4}  # elements 1 and 3, and consume 0's write of z[0:16] (tracked)
    assert tasks[9][1] == {0, 1, 2, 3}  # the whole array (y[0:16]: also produce 3's tracked write)


def test_an_element_never_stored_names_no_task(load_kernel):
    ns = load_kernel(KERNEL.replace("tids = pl.array.update_element(tids, 3 - g, tid)", "pass"))
    tasks = _run(ns)
    assert [d for _, d in tasks[4:8]] == [set()] * 4


def test_pypto_file_with_task_arrays_and_a_scope_passes(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "task_arrays.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'z' PASS" in done.stdout and "[RUN]   'y' PASS" in done.stdout
    assert "tasks (submits)                10" in done.stdout  # the produce loop stays 4 tasks (ids are stored)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("pl.array.create(4, pl.TASK_ID)", "pl.array.create(4, pl.INT32)",
         r"kernel.py:7:12: error: pl.array.create of pl.INT32 \(a run-time scalar array\) is not supported by ppc"),
        ("pl.array.create(4, pl.TASK_ID)", "pl.array.create(0, pl.TASK_ID)",
         "pl.array.create needs a positive compile-time extent, got 0"),
        ("update_element(tids, 3 - g, tid)", "update_element(tids, 3 - g, x)",
         r"a pl.TASK_ID array element takes a task id .* got !pl.tensor<64x32xf32>"),
        ("deps=[tids[g]]", "deps=[tids[4]]", r"index 4 is out of range for pl.Array\[4, pl.TASK_ID\]"),
        ("z[0:16, :] = pl.neg(x[0:16, :])\n    latest", "z[0:16, :] = pl.neg(x[0:16, :])\n        tids[0] = tids[1]\n    latest",
         "kernel.py:17:19: error: reading a pl.array element is only allowed in orchestration code"),
        ("deps=[tids[j] for j in range(4) if j % 2 == 1]", "deps=[tids[j] for i in range(2) for j in range(2)]",
         "a list comprehension in a pl kernel takes one 'for name in ...' clause"),
    ],
)
def test_bad_array_uses_are_located_errors(load_kernel, old, new, message):
    assert old in KERNEL
    ns = load_kernel(KERNEL.replace(old, new, 1))
    with pytest.raises(PlDiagnostic, match=message):
        ns["main"].lower(*[np.ones((64, 32), np.float32)] * 3)


def test_an_array_does_not_cross_into_an_entry(load_kernel):
    ns = load_kernel("""
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[16, 16], pl.FP32], tids: pl.Array[1, pl.TASK_ID]):
    return x
""")
    with pytest.raises(PlDiagnostic, match=r"kernel.py:5:\d+: error: bad annotation for parameter 'tids': a pl.Array "
                                           r"parameter takes a pl.array.create\(...\) array, which only a "
                                           r"@pl.jit.inline helper can receive"):
        ns["main"].lower(np.ones((16, 16), np.float32), None)


SCOPED = """
from ppc import pl

@pl.jit.inline(auto_scope=False)
def helper(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Tensor[[16, 16], pl.FP32]):
    with pl.scope():
        t = pl.create_tensor([16, 16], dtype=pl.FP32)
        with pl.at(level=pl.Level.CORE_GROUP):
            t[:, :] = pl.exp(x[:, :])
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.neg(t[:, :])
    return y

@pl.jit
def main(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    y = helper(x, y)
    return y
"""


@pytest.mark.parametrize("scope", ["pl.scope()", "pl.manual_scope()", "pl.scope(mode=pl.ScopeMode.MANUAL)"])
def test_auto_scope_runs_its_body_in_place(load_kernel, scope):
    ns = load_kernel(SCOPED.replace("pl.scope()", scope))
    x = np.linspace(-1, 1, 256, dtype=np.float32).reshape(16, 16)
    y = np.zeros_like(x)
    ns["main"](x, y)
    np.testing.assert_allclose(y, -np.exp(x), rtol=1e-6)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("(auto_scope=False)", "", r"kernel.py:6:10: error: pl.scope\(\) \(mode AUTO\) needs "
         r"@pl.jit...\(auto_scope=False\) on 'helper'"),
        ("pl.scope()", "pl.scope(mode=1)", "mode must be pl.ScopeMode.AUTO or pl.ScopeMode.MANUAL, got 1"),
        ("            t[:, :] = pl.exp(x[:, :])", "            with pl.scope():\n                t[:, :] = pl.exp(x[:, :])",
         "pl.scope is only allowed in orchestration code"),
    ],
)
def test_scope_rules_are_located_errors(load_kernel, old, new, message):
    assert old in SCOPED
    ns = load_kernel(SCOPED.replace(old, new, 1))
    with pytest.raises(PlDiagnostic, match=message):
        ns["main"].lower(np.ones((16, 16), np.float32), np.ones((16, 16), np.float32))
