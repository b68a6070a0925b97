"""`ppc-run`: .mlir and .py::entry targets, report/JSON/trace output, --compare, and one-line errors."""

from __future__ import annotations

import json
import textwrap

import pytest

from ppc.tools.run import main
from test_runtime_program import WALKTHROUGH, _split_program

PY_KERNELS = textwrap.dedent('''
    from ppc import pl
    from ppc.runtime.golden import ScalarSpec, TensorSpec

    @pl.jit
    def spmd(x: pl.Tensor[[64, 128], pl.FP32], y: pl.Out[pl.Tensor[[64, 128], pl.FP32]]):
        for i in pl.spmd(4, name_hint="quarters"):
            off = i * 16
            y[off:off + 16, :] = pl.exp(x[off:off + 16, :])
        return y

    @pl.jit
    def parallel(x: pl.Tensor[[64, 128], pl.FP32], y: pl.Out[pl.Tensor[[64, 128], pl.FP32]]):
        for r in pl.parallel(0, 64, 16):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
                y[r:r + 16, :] = pl.exp(x[r:r + 16, :])
        return y

    @pl.jit
    def scaled(x: pl.Tensor[[64, 128], pl.FP32], y: pl.Out[pl.Tensor[[64, 128], pl.FP32]], flag: pl.Scalar[pl.BOOL]):
        if flag:
            for i in pl.spmd(4, name_hint="quarters"):
                off = i * 16
                y[off:off + 16, :] = pl.mul(x[off:off + 16, :], 2.0)
        return y

    SPECS = {"scaled": [TensorSpec("x", [64, 128], pl.FP32, init_value=1.0),
                        TensorSpec("y", [64, 128], pl.FP32, is_output=True), ScalarSpec("flag", pl.BOOL, True)],
             "spmd": [TensorSpec("x", [64, 128], pl.FP32), TensorSpec("y", [64, 128], pl.FP32, is_output=True)]}

    def _golden_exp(t):
        t["y"][:] = t["x"].exp()

    GOLDEN = {"spmd": _golden_exp, "scaled": lambda t: {"y": t["x"] * 3}}
''')


@pytest.fixture
def files(tmp_path):
    (tmp_path / "walk.mlir").write_text(WALKTHROUGH)
    (tmp_path / "par.mlir").write_text(_split_program(False, 4, 1))
    (tmp_path / "spmd.mlir").write_text(_split_program(True, 4, 1))
    (tmp_path / "kernels.py").write_text(PY_KERNELS)
    return tmp_path


def test_mlir_target_prints_report_and_writes_trace(files, capsys):
    trace = files / "trace.json"
    assert main([str(files / "walk.mlir"), "--set", "flag=1", "--trace", str(trace), "--platform", "a5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("NPU model report (a5)") and "quarters" in out
    assert any(e.get("name") == "quarters" for e in json.loads(trace.read_text())["traceEvents"])


def test_json_report_and_seeded_inputs(files, capsys):
    assert main([str(files / "walk.mlir"), "--json", "--seed", "3"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["tasks"] == 4  # flag defaults to false: the parallel branch
    assert main([str(files / "walk.mlir"), "--json", "--seed", "3"]) == 0
    assert json.loads(capsys.readouterr().out) == first


def test_compare_two_mlir_entries(files, capsys):
    assert main([str(files / "par.mlir"), "--compare", str(files / "spmd.mlir")]) == 0
    out = capsys.readouterr().out
    summary = out[out.index("compare "):]
    assert "output y: identical" in summary
    assert "Total Test Time" in summary and "avg Head OH per block" in summary
    assert "tasks (submits)                 4    ->          1" in summary


def test_py_targets_with_frontend_and_specs(files, capsys):
    kernels = files / "kernels.py"
    assert main([f"{kernels}::parallel", "--compare", f"{kernels}::spmd"]) == 0
    out = capsys.readouterr().out
    assert "output y: identical" in out and "tasks (submits)                 4    ->          1" in out
    assert main([f"{kernels}::scaled", "--json"]) == 0  # SPECS: flag = True -> one spmd task
    assert json.loads(capsys.readouterr().out)["tasks"] == 1


def test_check_runs_the_files_golden(files, capsys):
    kernels = files / "kernels.py"
    assert main([f"{kernels}::spmd", "--check"]) == 0
    out = capsys.readouterr().out
    assert f"golden check of {kernels}::spmd:\ny: PASS 0/8192" in out
    assert main([f"{kernels}::scaled", "--check"]) == 1  # the golden says x * 3, the kernel computes x * 2
    assert "y: FAIL 8192/8192 (100.000%) elements outside" in capsys.readouterr().out
    assert main([f"{kernels}::parallel", "--check"]) == 1
    assert capsys.readouterr().err.strip() == f"ppc-run: error: --check needs a GOLDEN function for {kernels}::parallel (see ppc-run --help)"


@pytest.mark.parametrize("argv,message", [
    (["nothere.mlir"], "ppc-run: error: no such file: nothere.mlir"),
    (["{d}/walk.mlir", "--set", "flag"], "ppc-run: error: --set expects name=value, got 'flag'"),
    (["{d}/walk.mlir", "--set", "zz=1"], "ppc-run: error: --set names no scalar parameter: zz"),
    (["{d}/kernels.py::nope"], "ppc-run: error: {d}/kernels.py has no @pl.jit entry named 'nope'"),
    (["{d}/kernels.py"], "ppc-run: error: target must be FILE.py::ENTRY or FILE.mlir, got '{d}/kernels.py'"),
    (["{d}/bad.mlir"], "{d}/bad.mlir:2:1: error: unexpected end of input (Expected argument or type)"),
    (["{d}/oob.mlir"], "{d}/oob.mlir:{line}:3: error: kernel 'quarters' block 3: pl.slice offsets [56, 0] with shape "
                       "[16, 128] out of bounds for tensor [64, 128]"),
])
def test_errors_are_one_line_with_exit_1(files, capsys, argv, message):
    (files / "bad.mlir").write_text("func.func @f(\n")
    oob = WALKTHROUGH.replace("%off = arith.muli %i, %c16 : index", "%o0 = arith.muli %i, %c16 : index\n"
                              "  %c8 = arith.constant 8 : index\n  %off = arith.addi %o0, %c8 : index")
    (files / "oob.mlir").write_text(oob)
    line = next(i for i, text in enumerate(oob.splitlines(), 1) if "pl.slice %x[%off" in text)
    d = str(files)
    assert main([a.format(d=d) for a in argv] + (["--set", "flag=1"] if "oob" in argv[0] else [])) == 1
    err = capsys.readouterr().err.strip()
    assert err == message.format(d=d, line=line)
