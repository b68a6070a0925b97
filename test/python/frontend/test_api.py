"""The frontend's Python API: `from ppc import pl`, `entry.lower(*args, pipeline=...)`, argument specs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp

import ppc
from ppc import pl
from ppc.dialects.diagnostics import PlDiagnostic, verify_module
from ppc.dialects.parsing import parse_mlir

Rows = pl.Tensor[[32, 64], pl.BF16]


@pl.jit.inline
def double(t):
    return pl.add(t, t)


@pl.jit
def entry(x: Rows, y: pl.Out[Rows], n: pl.Scalar[pl.INT32]):
    for i in pl.spmd(2, name_hint="halves"):
        y[i * 16 : i * 16 + 16, :] = double(x[i * 16 : i * 16 + 16, :])
    return y


def test_pl_is_the_language_module_and_version_is_kept():
    assert ppc.pl is pl
    assert ppc.__version__ == "0.1.0"
    assert {"jit", "Tensor", "Scalar", "Out", "InOut", "spmd", "at", "matmul", "row_sum", "fillpad"} <= set(pl.__all__)


def test_pl_ops_refuse_to_run_as_python():
    with pytest.raises(pl.NotExecutable, match="pl.exp can only be used inside a @pl.jit function"):
        pl.exp(np.zeros(4))


def test_lower_with_tensors_and_specs_gives_the_same_module():
    @dataclass
    class Spec:
        shape: tuple[int, ...]
        dtype: str

    by_annotation = str(entry.lower(pipeline="frontend"))
    ml_bf16 = pytest.importorskip("ml_dtypes").bfloat16
    x = np.zeros((32, 64), ml_bf16)
    assert str(entry.lower(x, x, 3, pipeline="frontend")) == by_annotation
    assert str(entry.lower(Rows, Spec((32, 64), "bfloat16"), 3, pipeline="frontend")) == by_annotation


def test_lower_accepts_torch_tensors():
    torch = pytest.importorskip("torch")
    x = torch.zeros((32, 64), dtype=torch.bfloat16)
    module = entry.lower(x, x, 1, pipeline="frontend")
    assert isinstance(module, ModuleOp)


def test_module_holds_entry_and_helpers_and_verifies():
    module = entry.lower(pipeline="frontend")
    funcs = [op for op in module.ops if isinstance(op, FuncOp)]
    assert [f.sym_name.data for f in funcs] == ["entry", "double"]
    assert [str(f.attributes["pl.kind"]) for f in funcs] == ["#pl.kind<orchestration>", "#pl.kind<inline>"]
    verify_module(module)
    # The printed module parses back (custom syntax round-trips).
    verify_module(parse_mlir(str(module)))


def test_every_op_is_located_in_this_file():
    module = entry.lower(pipeline="frontend")
    for op in module.walk():
        if op is module:
            continue
        assert op.location.filename.data == __file__, op.name
        assert op.location.line.data > 0


def test_lower_is_repeatable():
    assert str(entry.lower(pipeline="frontend")) == str(entry.lower(pipeline="frontend"))


def test_default_pipeline_lowers_to_dispatches():
    module = entry.lower()
    names = {op.name for op in module.walk()}
    assert "pl.dispatch" in names
    assert not any(n.startswith("pl.local.") for n in names) and "func.call" not in names
    kinds = {f.sym_name.data: str(f.attributes["pl.kind"]) for f in module.ops if isinstance(f, FuncOp)}
    assert kinds == {"entry": "#pl.kind<orchestration>", "halves": "#pl.kind<incore>"}


def test_compile_records_the_ir_after_every_pass():
    program = entry.compile()
    assert "pl.local.decl" in program.ir_after("frontend")
    assert "pl.local.decl" not in program.ir_after("pl-ssa")
    assert "pl.dispatch" in program.ir_after("pl-outline-tasks")
    with pytest.raises(KeyError, match="no IR recorded after pass 'pl-bogus'"):
        program.ir_after("pl-bogus")


def test_calling_the_entry_compiles_once_and_writes_outputs_in_place():
    ml_bf16 = pytest.importorskip("ml_dtypes").bfloat16
    x = (np.arange(32 * 64, dtype=np.float32).reshape(32, 64) / 64).astype(ml_bf16)
    y = np.zeros((32, 64), ml_bf16)
    result = entry(x, y, 1)
    np.testing.assert_array_equal(y.astype(np.float32), (x.astype(np.float32) * 2).astype(ml_bf16).astype(np.float32))
    assert result.report.total_us > 0
    compiled = dict(entry._compiled)
    y2 = np.zeros_like(y)
    entry(x, y2, 5)
    assert entry._compiled == compiled  # same shapes and dtypes: the program is reused
    np.testing.assert_array_equal(y2.astype(np.float32), y.astype(np.float32))


def test_unknown_pipeline_is_rejected():
    with pytest.raises(PlDiagnostic, match=r"test_api.py:\d+:\d+: error: unknown pipeline 'fast'"):
        entry.lower(pipeline="fast")


def test_kernels_defined_in_functions_see_closure_constants_and_keep_columns():
    rows = 8  # a closure constant (annotations, being strings here, must use module-level names)

    @pl.jit()
    def nested(x: Rows, y: pl.Out[Rows]):
        with pl.at(level=pl.Level.CORE_GROUP):
            y[0:rows, :] = pl.exp(x[0:rows, :])
        return y

    module = nested.lower(pipeline="frontend")
    exp = next(op for op in module.walk() if op.name == "pl.exp")
    assert str(exp.results[0].type) == "!pl.tile<8x64xbf16, vec>"
    source_line = Path(__file__).read_text().splitlines()[exp.location.line.data - 1]
    assert source_line[exp.location.column.data - 1 :].startswith("pl.exp(")
