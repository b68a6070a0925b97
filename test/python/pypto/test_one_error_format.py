"""Every class of user-facing error, from every entry point (ppc-opt, ppc-run, ppc-run --pypto, a script that
imports ppc), is one line `FILE:LINE[:COL]: error: MESSAGE`, location first, exit status non-zero, no traceback."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ppc.tools.pypto_corpus import _ERROR

INPUTS = Path(__file__).parent / "Inputs"
ONE_ERROR = re.compile(r"^(\S+:\d+(:\d+)?: )?error: ")

BAD_SHAPES = """func.func @f(%a: !pl.tile<16x128xf32, vec>, %b: !pl.tile<8x128xf32, vec>) {
  %r = pl.add %a, %b : (!pl.tile<16x128xf32, vec>, !pl.tile<8x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  func.return
}
"""

HARNESS = """import pypto.language as pl
from golden import run_jit

run_jit(None, [], runtime_dir="build_output")
"""

UNSUPPORTED = """import pypto.language as pl

N = pl.not_a_ppc_construct(4)
"""

PYPTO_NAME = "from pypto.runtime import RunConfig, DistributedWorker\n"

SCRIPT = '''import numpy as np
from ppc import pl


@pl.jit
def grow(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    y[:, :] = pl.add(y[:, :], x[:, :])
    return y


grow(np.zeros((16, 16), np.float32), np.zeros((16, 16), np.float32))
'''

# (name, files written to tmp_path, `python -m` module and arguments (`script`: run script.py), where the line starts)
CASES = [
    ("frontend error, ppc-run --pypto", {}, ["ppc.tools.run", "--pypto", str(INPUTS / "read_out.py")],
     f"{INPUTS / 'read_out.py'}:14:"),
    ("frontend error, a script importing ppc", {"script.py": SCRIPT}, ["script"], "{tmp}/script.py:7:"),
    ("verifier error, ppc-opt", {"bad.mlir": BAD_SHAPES}, ["ppc.tools.opt", "{tmp}/bad.mlir"], "{tmp}/bad.mlir:2:3:"),
    ("parse error, ppc-run", {"bad.mlir": "func.func @f(\n"}, ["ppc.tools.run", "{tmp}/bad.mlir"],
     "{tmp}/bad.mlir:2:1:"),
    ("run-time out-of-bounds slice, ppc-run --pypto", {},
     ["ppc.tools.run", "--pypto", str(INPUTS / "rows_past_the_end.py"), "-p", "a2a3sim"],
     f"{INPUTS / 'rows_past_the_end.py'}:15:49:"),
    ("harness error, ppc-run --pypto", {"kernel.py": HARNESS},
     ["ppc.tools.run", "--pypto", "{tmp}/kernel.py"], "{tmp}/kernel.py:4:1:"),
    ("unsupported pl name, ppc-run --pypto", {"kernel.py": UNSUPPORTED},
     ["ppc.tools.run", "--pypto", "{tmp}/kernel.py"], "{tmp}/kernel.py:3:5:"),
    ("unsupported pypto name, ppc-run --pypto", {"kernel.py": PYPTO_NAME},
     ["ppc.tools.run", "--pypto", "{tmp}/kernel.py"], "{tmp}/kernel.py:1:1:"),
]


@pytest.mark.parametrize("files,command,where", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_error_class_is_one_located_line(tmp_path, files, command, where):
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    argv = [a.format(tmp=tmp_path) for a in command]
    runner = ["-m", *argv] if argv[0] != "script" else [str(tmp_path / "script.py")]
    done = subprocess.run([sys.executable, *runner], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert ONE_ERROR.match(line) and line.startswith(where.format(tmp=tmp_path)), line


def test_the_out_of_bounds_line_names_kernel_block_and_the_slice(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "rows_past_the_end.py"),
                           "-p", "a2a3sim"], capture_output=True, text=True, cwd=tmp_path)
    assert done.stderr.strip() == (f"{INPUTS / 'rows_past_the_end.py'}:15:49: error: kernel 'copy_rows_1' block 4: "
                                   "pl.slice offsets [64, 0] with shape [16, 128] out of bounds for tensor [64, 128]")
    assert done.returncode == 1 and "[RUN]" not in done.stdout


def test_the_corpus_sweep_takes_a_run_time_error_as_the_first_failure():
    line = "models/x.py:15:49: error: kernel 'k' block 4: pl.slice offsets [64, 0] out of bounds"
    assert _ERROR.match(line) and ONE_ERROR.match(line)
    assert not _ERROR.match("[RUN]   'y' FAIL  shape=(32, 64)")


def test_a_ppc_opt_bug_is_one_line_of_the_tool(monkeypatch, capsys):
    from ppc.tools import opt

    def broken(self):
        raise KeyError("lost")

    monkeypatch.setattr(opt.PpcOptMain, "run", broken)
    with pytest.raises(SystemExit) as done:
        opt.main(["input.mlir"])
    assert done.value.code == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert re.fullmatch(r"ppc-opt: error: internal error \(a ppc bug\) at \S+test_one_error_format\.py:\d+: "
                        r"KeyError: 'lost'", line), line
