"""PyPTO's program structure under `ppc-run --pypto` and in `pl`: `@pl.program` classes, an entry that returns
an inline call's result, decorator keywords."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.frontend import language as pl

INPUTS = Path(__file__).parent / "Inputs"


def ppc_run_pypto(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / name), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


def test_program_class_runs_through_run_program(tmp_path):
    pytest.importorskip("torch")
    done = ppc_run_pypto("program_class.py", "-p", "a2a3sim", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'y' PASS  shape=(64, 128) dtype=torch.float32" in done.stdout
    assert "shift_rows" in done.stdout  # the task in the model report


HELPERS = """
from ppc import pl

@pl.jit.inline(auto_scope=False)
def double(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.assemble(y, pl.add(x[0:16, :], x[0:16, :]), [0, 0])
    return y
"""


def test_program_methods_call_each_other_through_self(tmp_path, load_kernel):
    ns = load_kernel(HELPERS + """
@pl.program
class P:
    @pl.function(type=pl.FunctionType.Inline)
    def twice(self, x: pl.Tensor[[16, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32]):
        y = pl.assemble(y, pl.mul(x[0:16, :], 2.0), [0, 0])
        return y

    @pl.function(type=pl.FunctionType.Orchestration)
    def main(self, x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
        with pl.at(level=pl.Level.CORE_GROUP):
            y = self.twice(x, y)
        return y
""")
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64)
    y = np.zeros_like(x)
    ns["P"](x, y)
    np.testing.assert_array_equal(y, 2 * x)
    assert ns["P"].twice.program is ns["P"]


def test_entry_returns_the_helpers_result(tmp_path, load_kernel):
    ns = load_kernel(HELPERS + """
@pl.jit(auto_scope=False)
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    return double(x, y)
""")
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64)
    y = np.zeros_like(x)
    ns["main"](x, y)
    np.testing.assert_array_equal(y, 2 * x)
    assert not ns["main"].auto_scope and not ns["double"].auto_scope


def test_returned_helper_result_must_name_an_entry_parameter(tmp_path, load_kernel):
    ns = load_kernel(HELPERS + """
@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    scratch = pl.create_tensor([16, 64], dtype=pl.FP32)
    return double(x, scratch)
""")
    with pytest.raises(PlDiagnostic) as err:
        ns["main"].lower(np.zeros((16, 64), np.float32), np.zeros((16, 64), np.float32))
    assert str(err.value).startswith(f"{tmp_path / 'kernel.py'}:13:12: error: 'return double(x, scratch)': "
                                     "'double' returns 'y', which is not one of its parameters passed a parameter "
                                     "of 'main', so it names no output")


def test_program_needs_one_entry(tmp_path, load_kernel):
    with pytest.raises(PlDiagnostic) as err:
        load_kernel(HELPERS + """
@pl.program
class NoEntry:
    @pl.function(type=pl.FunctionType.InCore)
    def k(self, x: pl.Tensor[[16, 64], pl.FP32]):
        return x
""")
    assert str(err.value) == (f"{tmp_path / 'kernel.py'}:10:1: error: @pl.program 'NoEntry' needs exactly one "
                              "@pl.function of type Opaque or Orchestration (its entry), found 0")


def test_unknown_function_type_is_refused():
    with pytest.raises(ValueError, match="pl.function type must be one of"):
        pl.function(type="Group")
