"""The Python API under odd calls (issue 11): keywords, kernels made in factories, constants changed between
calls, arguments with no data or no room for results, and ppc's own bugs, which stay one located line."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from ppc import pl
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.dialects.internal import PlInternalError
from ppc.runtime.errors import PlRuntimeError

SCALE = 2.0
T = pl.dynamic("T")


class Config:
    rows = 16


CONFIG = Config()


@pl.jit.inline
def scaled(t):
    return pl.mul(t, SCALE)


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(scaled(pl.load(x, [0, 0], [CONFIG.rows, 16])), [0, 0], y)
    return y


@pl.jit
def rows(x: pl.Tensor[[T, 16], pl.FP32], y: pl.Out[pl.Tensor[[T, 16], pl.FP32]]):
    for i in pl.range(0, pl.tensor.dim(x, 0), 8):
        with pl.at(level=pl.Level.CORE_GROUP):
            y = pl.store(pl.load(x, [i, 0], [8, 16]), [i, 0], y)
    return y


def _xy():
    return np.arange(256, dtype=np.float32).reshape(16, 16), np.zeros((16, 16), np.float32)


def test_keyword_arguments_bind_by_name():
    x, y = _xy()
    copy(y=y, x=x)
    np.testing.assert_array_equal(y, x * 2)
    y2 = np.zeros_like(y)
    copy.compile(x, y=y2).run(x, y2)
    np.testing.assert_array_equal(y2, y)
    assert "pl.dispatch" in str(copy.lower(x=x, y=y))


def test_changing_a_constant_the_kernel_reads_recompiles():
    global SCALE
    x, y = _xy()
    copy(x, y)
    np.testing.assert_array_equal(y, x * 2)
    try:
        SCALE = 3.0  # read by the inline helper the kernel calls
        copy(x, y)
        np.testing.assert_array_equal(y, x * 3)
        CONFIG.rows = 8  # read through an attribute chain
        y[:] = -1
        copy(x, y)
        np.testing.assert_array_equal(y[:8], x[:8] * 3)
    finally:
        SCALE, CONFIG.rows = 2.0, 16
    compiled = len(copy._compiled)
    copy(x, y)  # back to the first values: the first program is reused
    assert len(copy._compiled) == compiled
    np.testing.assert_array_equal(y, x * 2)


def test_a_closure_constant_is_part_of_the_key():
    def make():
        factor = 1.0

        @pl.jit
        def times(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
            with pl.at(level=pl.Level.CORE_GROUP):
                y = pl.store(pl.mul(pl.load(x, [0, 0], [16, 16]), factor), [0, 0], y)
            return y

        def set_factor(value):
            nonlocal factor
            factor = value

        return times, set_factor

    times, set_factor = make()
    x, y = _xy()
    times(x, y)
    np.testing.assert_array_equal(y, x)
    set_factor(5.0)
    times(x, y)
    np.testing.assert_array_equal(y, x * 5)


def factory():
    @pl.jit
    def twice(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
        """A docstring whose second line
starts at column 0 (textwrap.dedent then leaves the whole function indented)."""
        with pl.at(level=pl.Level.CORE_GROUP):
            y = pl.store(pl.add(pl.load(x, [0, 0], [16, 16]), pl.load(x, [0, 0], [16, 16])), [0, 0], y)
        return y

    return twice


def test_a_kernel_made_in_a_factory_with_a_column_0_docstring_compiles_at_its_own_columns():
    x, y = _xy()
    twice = factory()
    twice(x, y)
    np.testing.assert_array_equal(y, x * 2)
    (add,) = [op for op in twice.lower(pipeline="frontend").walk() if op.name == "pl.add"]
    line = next(i for i, text in enumerate(open(__file__), 1) if "pl.store(pl.add(" in text)
    assert (add.location.line.data, add.location.column.data) == (line, 26)  # the file's own column


def test_zero_rows_of_a_dynamic_axis_run():
    x = np.zeros((0, 16), np.float32)
    y = np.zeros((0, 16), np.float32)
    assert rows(x, y).report.tasks == 0


def test_torch_tensors_without_plain_data_are_refused_at_the_call():
    torch = pytest.importorskip("torch")
    x, y = torch.ones(16, 16), torch.zeros(16, 16)
    with pytest.raises(PlRuntimeError, match=r"argument 'x' of 'copy': a sparse_coo tensor is not supported") as info:
        copy(x.to_sparse(), y)
    assert info.value.loc.line == info.traceback[0].lineno + 1
    with pytest.raises(PlRuntimeError, match=r"argument 'y' of 'copy': the tensor is an expanded view"):
        copy(x, torch.zeros(16).expand(16, 16))
    copy(x, y)
    assert bool((y == 2).all())


def test_an_unknown_platform_is_the_callers_error():
    x, y = _xy()
    with pytest.raises(PlDiagnostic, match=r"test_call_robustness.py:\d+:\d+: error: unknown NPU platform: platform 'a9'; known platforms: a2a3, a5") as info:
        copy(x, y, platform="a9")
    assert info.value.loc.line == info.traceback[0].lineno + 1


def test_an_internal_error_is_located_and_keeps_its_cause(monkeypatch):
    import ppc.frontend.ops as ops

    def broken(*_args):
        raise ZeroDivisionError("a ppc bug")

    @pl.jit
    def exp(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
        with pl.at(level=pl.Level.CORE_GROUP):
            y = pl.store(pl.exp(pl.load(x, [0, 0], [16, 16])), [0, 0], y)
        return y

    monkeypatch.setitem(ops._UNARY, "exp", broken)
    with pytest.raises(PlInternalError) as info:
        exp.lower()
    err = info.value
    line = exp.parsed.tree.lineno + 2
    assert str(err) == (f"{__file__}:{line}:26: error: internal error in lower: ZeroDivisionError: a ppc bug "
                        "(please report this bug)")
    assert isinstance(err.__cause__, ZeroDivisionError)


SCRIPT = """
import numpy as np
from ppc import pl
import ppc.runtime.program as program


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


def broken(*args):
    return {}["a ppc bug"]


program.simulate = broken
copy(np.ones((16, 16), np.float32), np.zeros((16, 16), np.float32))
"""


@pytest.mark.parametrize("debug", [False, True])
def test_an_uncaught_internal_error_is_one_line_unless_ppc_debug(tmp_path, monkeypatch, debug):
    (tmp_path / "script.py").write_text(textwrap.dedent(SCRIPT))
    monkeypatch.setenv("PPC_DEBUG", "1" if debug else "")
    done = subprocess.run([sys.executable, str(tmp_path / "script.py")], capture_output=True, text=True)
    assert done.returncode == 1
    last = "error: internal error in run: KeyError: 'a ppc bug' (please report this bug)"
    assert done.stderr.strip().splitlines()[-1] == last
    assert ("Traceback" in done.stderr) == debug
    assert ("in broken" in done.stderr) == debug  # the traceback is the cause's, down to the failing line
