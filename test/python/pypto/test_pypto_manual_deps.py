"""PyPTO's dependency opt-outs and returned helper-call chains: `pl.create_tensor(manual_dep=True)` kept on the
op, `pl.manual_scope()` run in place with tracked plus explicit deps (PyPTO's nesting rules checked), and an
entry returning a helper call whose results are traced through nested helper calls to its outputs; an inline
helper's writes inside a task are never lost (returned and assigned, or a located error)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic

INPUTS = Path(__file__).parent / "Inputs"
X = np.arange(16 * 64, dtype=np.float32).reshape(16, 64) / 100


def test_manual_deps_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "manual_deps.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'y' PASS" in done.stdout and "[RUN]   'z' PASS" in done.stdout


HELPERS = """
from ppc import pl

@pl.jit.inline
def double(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:16, :] = pl.add(x[0:16, :], x[0:16, :])
    return y

@pl.jit.inline
def swap(x: pl.Tensor[[16, 64], pl.FP32], a: pl.Tensor[[16, 64], pl.FP32], b: pl.Tensor[[16, 64], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP):
        a[0:16, :] = pl.neg(x[0:16, :])
    return double(x, b), a
"""


def test_entry_returns_a_chain_of_helper_calls(load_kernel):
    ns = load_kernel(HELPERS + """
@pl.jit.inline
def unpack(x: pl.Tensor[[16, 64], pl.FP32], p: pl.Tensor[[16, 64], pl.FP32], q: pl.Tensor[[16, 64], pl.FP32]):
    first, second = swap(x, p, q)
    return second, first

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]],
         z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    return unpack(x, z, y)
""")
    y, z = np.zeros_like(X), np.zeros_like(X)
    ns["main"](X, y, z)
    np.testing.assert_array_equal(y, 2 * X)  # unpack -> swap's `double(x, b)` -> b = q = y
    np.testing.assert_array_equal(z, -X)


def test_untraceable_helper_result_is_refused(tmp_path, load_kernel):
    ns = load_kernel(HELPERS + """
@pl.jit.inline
def fresh(x: pl.Tensor[[16, 64], pl.FP32]):
    t = pl.create_tensor([16, 64], dtype=pl.FP32)
    return double(x, t)

@pl.jit.inline
def via(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32]):
    r = fresh(x)
    return r

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    return via(x, y)
""")
    with pytest.raises(PlDiagnostic) as err:
        ns["main"].lower(X, X.copy())
    assert str(err.value).startswith(
        f"{tmp_path / 'kernel.py'}:28:12: error: 'return via(x, y)': 'fresh' returns 'double(x, t)', which is "
        "neither one of its parameters nor a helper result that is one, so it names no output"
    )


MANUAL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    scratch = pl.create_tensor([16, 64], dtype=pl.FP32, manual_dep={flag})
    with pl.manual_scope():
        with pl.at(level=pl.Level.CORE_GROUP) as fill:
            scratch[0:16, :] = pl.exp(x[0:16, :])
        with pl.at(level=pl.Level.CORE_GROUP, deps=[fill]):
            y[0:16, :] = pl.neg(scratch[0:16, :])
{extra}    return y
"""


def test_manual_dep_is_kept_and_the_manual_scope_runs(load_kernel):
    ns = load_kernel(MANUAL.format(flag=True, extra=""))
    y = np.zeros_like(X)
    program = ns["main"].compile(X, y)
    assert "manual_dep : !pl.tensor<16x64xf32>" in str(program.ir_after("frontend"))
    ns["main"](X, y)
    np.testing.assert_allclose(y, -np.exp(X), rtol=1e-6)


@pytest.mark.parametrize(("flag", "extra", "line", "message"), [
    ("1", "", 6, "'manual_dep' of pl.create_tensor must be True or False, got 1"),
    ("False", "    with pl.manual_scope():\n        with pl.scope(mode=pl.ScopeMode.MANUAL):\n            pass\n", 13,
     "a manual scope may not be nested inside a manual scope"),
    ("False", "    with pl.scope(mode=pl.ScopeMode.MANUAL):\n        with pl.scope():\n            pass\n", 13,
     "an AUTO scope may not be nested inside a manual scope"),
    ("False", "    with pl.at(level=pl.Level.CORE_GROUP):\n        with pl.manual_scope():\n            pass\n", 13,
     "pl.scope is only allowed in orchestration code, not inside a task scope or kernel"),
])
def test_manual_dependency_misuse_is_located(tmp_path, load_kernel, flag, extra, line, message):
    ns = load_kernel(MANUAL.format(flag=flag, extra=extra))
    with pytest.raises(PlDiagnostic) as err:
        ns["main"].lower(X, X.copy())
    assert str(err.value).startswith(f"{tmp_path / 'kernel.py'}:{line}:")
    assert f"error: {message}" in str(err.value)


def test_a_helper_returns_a_task_id_for_deps(load_kernel):
    ns = load_kernel("""
from ppc import pl

@pl.jit.inline
def produce(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP) as tid:
        y[0:16, :] = pl.exp(x[0:16, :])
    return tid, y

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]],
         z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    done, y = produce(x, y)
    with pl.at(level=pl.Level.CORE_GROUP, deps=[done]):
        z[0:16, :] = pl.neg(x[0:16, :])
    return y, z
""")
    y, z = np.zeros_like(X), np.zeros_like(X)
    program = ns["main"].compile(X, y, z)
    text = str(program.ir_after("frontend"))
    assert "pl.task = 0 : i64" in text and "pl.deps = [0 : i64]" in text
    assert "-> !pl.tensor<16x64xf32>" in text  # the helper's func returns only the tensor
    ns["main"](X, y, z)
    np.testing.assert_allclose(y, np.exp(X), rtol=1e-6)
    np.testing.assert_array_equal(z, -X)


WRITER = """
from ppc import pl

@pl.jit.inline
def write(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Tensor[[16, 64], pl.FP32]):
    x = pl.reshape(x, [16, 64])  # rebinding a parameter is no write
    y[0:16, :] = pl.exp(x[0:16, :])
{ret}
@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        {call}
    return y
"""


@pytest.mark.parametrize(("ret", "call"), [
    ("", "write(x, y)"),  # unreturned: the helper's `y` is the caller's (PyPTO inlines it)
    ("    return y\n", "write(x, y)"),  # returned but discarded: the write happened all the same
    ("    return y\n", "y = write(x, y)"),
])
def test_a_write_inside_a_task_helper_reaches_the_caller(load_kernel, ret, call):
    """Also while the helper rebinds another parameter (`x = pl.reshape(x, ...)`)."""
    ns = load_kernel(WRITER.format(ret=ret, call=call))
    y = np.zeros_like(X)
    ns["main"](X, y)
    np.testing.assert_allclose(y, np.exp(X), rtol=1e-6)
