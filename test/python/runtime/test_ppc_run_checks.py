"""`ppc-run` honours what its target file and command line say, or refuses it before running (issue 11):
COMPARE's output -> comparator form, a --trace folder, --set booleans; a ppc bug is one located line."""

from __future__ import annotations

import textwrap

import pytest

from ppc.tools import run_checks
from ppc.tools.run import main

KERNEL = textwrap.dedent('''
    from ppc import pl
    from ppc.runtime.golden import Comparison


    @pl.jit
    def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]], flag: pl.Scalar[pl.BOOL]):
        with pl.at(level=pl.Level.CORE_GROUP):
            t = pl.load(x, [0, 0], [16, 16])
            if flag:
                t = pl.add(t, t)
            y = pl.store(t, [0, 0], y)
        return y


    def GOLDEN(t):
        t["y"][:] = t["x"] + 1  # not what copy computes
''')


@pytest.fixture
def kernel(tmp_path):
    path = tmp_path / "kernel.py"
    path.write_text(KERNEL)
    return path


def test_compare_as_an_output_map_is_honoured(kernel, capsys):
    assert main([f"{kernel}::copy", "--check"]) == 1  # the default tolerance sees the wrong golden
    assert "y: FAIL" in capsys.readouterr().out
    kernel.write_text(KERNEL + 'COMPARE = {"y": lambda actual, expected, tensors: Comparison(True, "custom")}\n')
    assert main([f"{kernel}::copy", "--check"]) == 0
    assert "y: PASS custom" in capsys.readouterr().out


def test_compare_per_entry_is_still_read(kernel, capsys):
    kernel.write_text(KERNEL + 'COMPARE = {"copy": {"y": lambda a, e, t: Comparison(True, "per entry")}}\n')
    assert main([f"{kernel}::copy", "--check"]) == 0
    assert "y: PASS per entry" in capsys.readouterr().out


def test_trace_into_a_folder_writes_inside_it(kernel, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    assert main([f"{kernel}::copy", "--trace", f"{out}/"]) == 0
    assert (out / "trace.json").is_file() and not (tmp_path / "out.json").exists()
    assert f"trace written to {out / 'trace.json'}" in capsys.readouterr().err
    assert run_checks.trace_file(str(out), "swimlane.json") == out / "swimlane.json"  # a model's base name


@pytest.mark.parametrize("spelling,twice", [("true", True), ("On", True), ("0", False), ("no", False)])
def test_set_reads_boolean_spellings(kernel, capsys, spelling, twice):
    kernel.write_text(KERNEL.replace("+ 1  # not what copy computes", "* (2 if FLAG else 1)") + f"FLAG = {twice}\n")
    assert main([f"{kernel}::copy", "--check", "--set", f"flag={spelling}"]) == 0, capsys.readouterr()


def test_an_internal_error_is_one_line_and_ppc_debug_adds_the_traceback(kernel, capsys, monkeypatch):
    import ppc.runtime.program as program

    def broken(*_args):
        raise IndexError("a ppc bug")

    monkeypatch.setattr(program, "simulate", broken)
    assert main([f"{kernel}::copy"]) == 1
    err = capsys.readouterr().err
    assert err == "error: internal error in run: IndexError: a ppc bug (please report this bug)\n"
    monkeypatch.setenv("PPC_DEBUG", "1")
    assert main([f"{kernel}::copy"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and "in broken" in err
    assert err.endswith("error: internal error in run: IndexError: a ppc bug (please report this bug)\n")
