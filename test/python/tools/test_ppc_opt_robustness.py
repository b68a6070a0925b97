"""ppc-opt and ppc-run on hostile .mlir input and on their own bugs: one located line, exit 1, never a
traceback (unless PPC_DEBUG=1) and never a hang."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from xdsl.dialects.func import FuncOp

from ppc.passes import pipeline
from ppc.tools import opt

PROGRAM = "func.func @f() {\n  func.return\n}\n"


def _broken_cse(monkeypatch):
    """Make the `cse` pass fail like a ppc bug would, while it looks at the function."""
    cse = pipeline.PASSES["cse"]()

    def apply(self, ctx, module):
        for op in module.walk():
            if isinstance(op, FuncOp):
                raise KeyError("lost")

    monkeypatch.setattr(cse, "apply", apply)


def test_an_internal_error_names_the_stage_the_op_and_its_place(tmp_path, monkeypatch, capsys):
    _broken_cse(monkeypatch)
    monkeypatch.delenv("PPC_DEBUG", raising=False)
    path = tmp_path / "k.mlir"
    path.write_text(PROGRAM)
    with pytest.raises(SystemExit) as done:
        opt.main([str(path), "-p", "cse"])
    assert done.value.code == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (f"{path}:1:1: error: internal error in pass 'cse' on 'func.func': KeyError: 'lost' "
                    "(a ppc bug: please report it with this input; PPC_DEBUG=1 shows the traceback)")


def test_ppc_debug_shows_the_traceback_of_an_internal_error(tmp_path, monkeypatch):
    _broken_cse(monkeypatch)
    monkeypatch.setenv("PPC_DEBUG", "1")
    path = tmp_path / "k.mlir"
    path.write_text(PROGRAM)
    with pytest.raises(KeyError, match="lost"):
        opt.main([str(path), "-p", "cse"])


def _ppc_run(path: Path) -> subprocess.CompletedProcess:
    # a hang is the failure this guards against: the timeout turns it into an error of the test
    return subprocess.run([sys.executable, "-m", "ppc.tools.run", str(path)], capture_output=True, text=True,
                          timeout=60)


def test_ppc_run_answers_an_unterminated_string_at_once(tmp_path):
    path = tmp_path / "s.mlir"
    path.write_text('func.func @f() "' + "a" * 40 + "\n")
    done = _ppc_run(path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"{path}:1:16: error: unterminated string literal (a string closes with "
                                        "\" on its own line; escapes: \\n \\t \\\\ \\\" and two hex digits)"]


def test_ppc_run_locates_a_byte_that_is_not_utf8(tmp_path):
    path = tmp_path / "b.mlir"
    path.write_bytes(b"func.func @f() {\n  \xff\n}\n")
    done = _ppc_run(path)
    assert done.returncode == 1
    assert re.fullmatch(rf"{re.escape(str(path))}:2:3: error: the input is not UTF-8 text: byte 0xff \(.*\)\n",
                        done.stderr)


def test_ppc_run_locates_a_parameter_it_cannot_size(tmp_path):
    path = tmp_path / "d.mlir"
    path.write_text("func.func @k(%x: !pl.tensor<?x4xf32>) attributes {pl.kind = #pl.kind<orchestration>} {\n"
                    "  func.return\n}\n")
    done = _ppc_run(path)
    assert done.returncode == 1
    assert done.stderr == (f"{path}:1:1: error: parameter 'x' has a dynamic shape: ppc-run cannot choose its size\n")


def test_ppc_run_locates_a_module_without_an_orchestration_function(tmp_path):
    path = tmp_path / "n.mlir"
    path.write_text("func.func @k() {\n  func.return\n}\n")
    done = _ppc_run(path)
    assert done.returncode == 1
    assert done.stderr.startswith(f"{path}:1:1: error: the module must have exactly one orchestration function")


def test_output_at_the_nesting_limit_parses_again():
    """The printed module adds a level (`builtin.module`): the limit counts it either way (a fuzzer finding)."""
    from ppc.dialects.parsing import MAX_NESTING
    from ppc.tools.fuzz_opt import run_tool

    loops = MAX_NESTING - 2  # under the module and the function
    text = ("func.func @f(%n: index) {\n" + "".join(f"scf.for %i{k} = %n to %n step %n {{\n" for k in range(loops))
            + "}\n" * loops + "func.return\n}\n")
    code, printed, err = run_tool("opt", text, [], timeout=30)
    assert (code, err) == (0, "")
    assert run_tool("opt", printed, [], timeout=30) == (0, printed, "")
    deeper = text.replace("{\n", "{\nscf.for %j = %n to %n step %n {\n", 1).replace("func.return", "}\nfunc.return")
    code, _, err = run_tool("opt", deeper, [], timeout=30)
    assert code == 1 and f"operations nested more than {MAX_NESTING} deep" in err
