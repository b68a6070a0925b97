"""PyPTO's task ids: `as tid` on pl.at / pl.spmd, `deps=`, `pl.system.task_dummy`, `allow_early_resolve`,
`sync_start` - kept on the dispatch, and explicit deps ordering the modelled tasks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic

INPUTS = Path(__file__).parent / "Inputs"


def test_explicit_deps_order_the_modelled_tasks(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "task_ids.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'z' PASS" in done.stdout and "[RUN]   'y' PASS" in done.stdout
    assert "remark: optimization 'allow_early_resolve' is not implemented yet; kept as an attribute" in done.stderr
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


def test_a_tensor_is_not_a_dependency(load_kernel):
    ns = load_kernel(KERNEL.replace("deps=[first, prev]", "deps=[x]"))
    with pytest.raises(PlDiagnostic, match=r"kernel.py:11:\d+: error: deps entries must be task ids .* got "
                                           r"!pl.tensor<16x64xf32>"):
        ns["main"].lower(np.ones((16, 64), np.float32), np.ones((16, 64), np.float32), np.ones((16, 64), np.float32))


def test_hint_flags_must_be_bools(load_kernel):
    ns = load_kernel(KERNEL.replace("allow_early_resolve=True", "allow_early_resolve=x"))
    with pytest.raises(PlDiagnostic, match="allow_early_resolve must be a compile-time bool"):
        ns["main"].lower(np.ones((16, 64), np.float32), np.ones((16, 64), np.float32), np.ones((16, 64), np.float32))
