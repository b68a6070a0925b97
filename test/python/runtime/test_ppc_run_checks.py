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


PYPTO_CALLER = """import numpy as np
import pypto.language as pl

@pl.jit
def k(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


if __name__ == "__main__":
    x = np.zeros((8, 16), np.float32)
    k(x, np.zeros((16, 16), np.float32))
"""

BAD_SPEC = """from ppc import pl
from ppc.runtime.golden import TensorSpec


@pl.jit
def copy(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y = pl.store(pl.load(x, [0, 0], [16, 16]), [0, 0], y)
    return y


SPECS = [TensorSpec("x", [8, 16], "float32"), TensorSpec("y", [16, 16], "float32", is_output=True)]
"""

# (files written to tmp_path, arguments, the one line expected on stderr); `{tmp}` is tmp_path
MISUSES = [
    ({}, ["::copy"], "ppc-run: error: target must be FILE.py::ENTRY or FILE.mlir, got '::copy'"),
    ({}, ["{kernel}::copy", "--entry", "main"], "ppc-run: error: --entry names the orchestration function of a "
     ".mlir target; a .py target names its entry as FILE.py::ENTRY"),
    ({}, ["{kernel}::copy", "--set", "=3"], "ppc-run: error: --set expects name=value, got '=3'"),
    ({}, ["{kernel}::copy", "--trace="], "ppc-run: error: --trace needs a file or folder name"),
    ({"bad.mlir": b"\xff\xfe"}, ["{tmp}/bad.mlir"],
     "{tmp}/bad.mlir:1:1: error: the input is not UTF-8 text: byte 0xff (invalid start byte)"),
    ({"script.py": "import sys\nsys.exit(3)\n"}, ["{tmp}/script.py::copy"],
     "ppc-run: error: cannot import {tmp}/script.py: it exits while being imported (SystemExit: 3); guard its "
     'script part with `if __name__ == "__main__":`'),
    ({"broken.py": "x = 1\ny = x / 0\n"}, ["{tmp}/broken.py::copy"],
     "{tmp}/broken.py:2:5: error: cannot import the file: ZeroDivisionError: division by zero"),
    ({"syntax.py": "def f(:\n"}, ["{tmp}/syntax.py::copy"], "{tmp}/syntax.py:1:7: error: invalid syntax"),
    ({"syntax.py": "import pypto.language as pl\ndef f(:\n"}, ["--pypto", "{tmp}/syntax.py"],
     "{tmp}/syntax.py:2:7: error: invalid syntax"),
    ({"badspec.py": BAD_SPEC}, ["{tmp}/badspec.py::copy"],  # ppc-run made the call: no caller line to point at
     "{tmp}/badspec.py:6:13: error: parameter 'x' is annotated pl.Tensor[[16, 16], pl.FP32] but the argument has "
     "shape [8, 16] and dtype pl.FP32"),
    ({"caller.py": PYPTO_CALLER}, ["--pypto", "{tmp}/caller.py"],
     "{tmp}/caller.py:13:5: error: parameter 'x' is annotated pl.Tensor[[16, 16], pl.FP32] but the argument has "
     "shape [8, 16] and dtype pl.FP32\n{tmp}/caller.py:5:10: note: the parameters are declared here"),
]


@pytest.mark.parametrize("files,argv,line", MISUSES, ids=[" ".join(m[1]) for m in MISUSES])
def test_misuse_is_one_line_before_anything_runs(kernel, tmp_path, capsys, files, argv, line):
    for name, text in files.items():
        (tmp_path / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    assert main([a.format(kernel=kernel, tmp=tmp_path) for a in argv]) == 1
    out = capsys.readouterr()
    assert out.err == line.format(tmp=tmp_path) + "\n" and not out.out
