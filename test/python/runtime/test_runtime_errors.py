"""Every run-time error class ends in one located message (and never in a half-written output)."""

from __future__ import annotations

import re

import ml_dtypes
import numpy as np
import pytest
import torch

from ppc.runtime.errors import PlRuntimeError
from rt_programs import compile_text, single_kernel

ROWS = """
  %c16 = arith.constant 16 : index
  %off = arith.muli %bi, %c16 : index
  %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  %out_new = pl.assemble %t into %out[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>"""
SPEC = {"x": ((64, 128), "f32")}, {"out": ((64, 128), "f32")}


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _run_error(text: str, *args) -> str:
    program = compile_text(text)
    with pytest.raises(PlRuntimeError) as info:
        program.run(*args)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_out_of_bounds_slice_names_kernel_block_offsets_shape_and_location():
    text = single_kernel(*SPEC, ROWS, blocks=5)  # block 4 reads rows 64..79 of a 64-row tensor
    x, out = np.ones((64, 128), np.float32), np.full((64, 128), 3.0, np.float32)
    message = _run_error(text, x, out)
    line = _line_of(text, "pl.slice")
    assert message == (
        f"test.mlir:{line}:3: error: kernel 'k' block 4: pl.slice offsets [64, 0] with shape [16, 128] out of bounds "
        "for tensor [64, 128]"
    )
    assert (out == 3.0).all()  # blocks 0-3 ran, but nothing is written back after an error


def test_out_of_bounds_assemble():
    body = ROWS.replace("%out[%off, %c0]", "%out[%c0, %off]").replace(
        "%t = pl.slice %x[%off, %c0]", "%t = pl.slice %x[%c0, %c0]")
    text = single_kernel(*SPEC, body, blocks=2)  # block 1 writes columns 16..143
    message = _run_error(text, np.ones((64, 128), np.float32), np.zeros((64, 128), np.float32))
    line = _line_of(text, "pl.assemble")
    assert message == (
        f"test.mlir:{line}:3: error: kernel 'k' block 1: pl.assemble offsets [0, 16] with shape [16, 128] out of "
        "bounds for tensor [64, 128]"
    )


def test_out_of_bounds_scalar_read():
    body = ("  %c64 = arith.constant 64 : index\n  %row = arith.addi %bi, %c64 : index\n  %v = pl.read %x[%row, %bi] : !pl.tensor<64x128xf32> -> f32\n"
            "  %out_new = pl.write %v into %out[%c0, %c0] : f32 into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>")
    message = _run_error(single_kernel(*SPEC, body, out_dir="inout"), np.ones((64, 128), np.float32),
                         np.zeros((64, 128), np.float32))
    assert re.fullmatch(r"test\.mlir:\d+:\d+: error: kernel 'k' block 0: pl\.read indices \[64, 0\] with shape \[1, 1\] "
                        r"out of bounds for tensor \[64, 128\]", message)


def test_negative_offset_is_out_of_bounds():
    body = ROWS.replace("%off = arith.muli %bi, %c16 : index", "%off = arith.subi %bi, %c16 : index")
    message = _run_error(single_kernel(*SPEC, body), np.ones((64, 128), np.float32), np.zeros((64, 128), np.float32))
    assert "pl.slice offsets [-16, 0] with shape [16, 128] out of bounds" in message


@pytest.fixture(scope="module")
def rows_program():
    return compile_text(single_kernel(*SPEC, ROWS, blocks=4, scalars={"n": "i32"}))


def test_argument_shape_mismatch(rows_program):
    with pytest.raises(PlRuntimeError, match=r"^\S+test_runtime_errors\.py:\d+:\d+: error: argument 'x' of 'main': expected shape \[64, 128\], got \[64, 64\]\ntest\.mlir:2:1: note: the parameters are declared here$"):
        rows_program.run(np.ones((64, 64), np.float32), np.zeros((64, 128), np.float32), 1)


def test_argument_dtype_mismatch_numpy_and_torch(rows_program):
    with pytest.raises(PlRuntimeError, match=r"^\S+test_runtime_errors\.py:\d+:\d+: error: argument 'out' of 'main': expected dtype f32, got bf16\ntest\.mlir:2:1: note: the parameters are declared here$"):
        rows_program.run(np.ones((64, 128), np.float32), np.zeros((64, 128), ml_dtypes.bfloat16), 1)
    with pytest.raises(PlRuntimeError, match=r"^\S+test_runtime_errors\.py:\d+:\d+: error: argument 'x' of 'main': expected dtype f32, got f64\ntest\.mlir:2:1: note: the parameters are declared here$"):
        rows_program.run(torch.ones(64, 128, dtype=torch.float64), torch.zeros(64, 128), 1)


def test_missing_and_extra_arguments(rows_program):
    x, out = np.ones((64, 128), np.float32), np.zeros((64, 128), np.float32)
    with pytest.raises(PlRuntimeError, match=r"^\S+test_runtime_errors\.py:\d+:\d+: error: 'main' takes 3 arguments \(x, out, n\), got 2: missing 'n'\ntest\.mlir:2:1: note: the parameters are declared here$"):
        rows_program.run(x, out)
    with pytest.raises(PlRuntimeError, match=r"^\S+test_runtime_errors\.py:\d+:\d+: error: 'main' takes 3 arguments \(x, out, n\), got 4: 1 extra\ntest\.mlir:2:1: note: the parameters are declared here$"):
        rows_program.run(x, out, 1, 2)


def test_wrong_argument_kinds(rows_program):
    x, out = np.ones((64, 128), np.float32), np.zeros((64, 128), np.float32)
    with pytest.raises(PlRuntimeError, match=r"^\S+test_runtime_errors\.py:\d+:\d+: error: argument 'n' of 'main': expected a int scalar \(i32\), got float\ntest\.mlir:2:1: note: the parameters are declared here$"):
        rows_program.run(x, out, 1.5)
    with pytest.raises(PlRuntimeError, match=r"^\S+test_runtime_errors\.py:\d+:\d+: error: argument 'x' of 'main': expected a tensor \(numpy array or torch tensor\), got list\ntest\.mlir:2:1: note: the parameters are declared here$"):
        rows_program.run([[1.0]], out, 1)


def test_writing_an_in_argument_is_reported():
    text = single_kernel(*SPEC, ROWS.replace("%t into %out[", "%t into %x["), results={"out": "%out"})
    text = text.replace("%out_new = pl.assemble", "%x_new = pl.assemble")
    x = np.ones((64, 128), np.float32)
    message = _run_error(text, x, np.zeros((64, 128), np.float32))
    assert re.match(r"test\.mlir:\d+:\d+: error: kernel 'k' block 0: pl\.assemble writes into a tensor the entry "
                    r"received as an In argument; declare it pl\.Out or pl\.InOut", message)
    assert (x == 1.0).all()


def test_dispatch_with_no_blocks():
    text = single_kernel(*SPEC, ROWS, scalars={"n": "index"}).replace(
        "%nb = arith.constant 1 : index", "%nb = arith.addi %n, %n : index")
    message = _run_error(text, np.ones((64, 128), np.float32), np.zeros((64, 128), np.float32), 0)
    line = _line_of(text, "pl.dispatch")
    assert message == (
        f"test.mlir:{line}:3: error: orchestration 'main': pl.dispatch of kernel 'k' with 0 blocks (needs at least 1)"
    )


def test_integer_division_by_zero_in_orchestration():
    text = single_kernel(*SPEC, ROWS, scalars={"n": "index"}).replace(
        "%nb = arith.constant 1 : index", "%one = arith.constant 1 : index\n  %nb = arith.divsi %one, %n : index")
    message = _run_error(text, np.ones((64, 128), np.float32), np.zeros((64, 128), np.float32), 0)
    assert re.fullmatch(r"test\.mlir:\d+:\d+: error: orchestration 'main': integer division by zero in 'arith\.divsi'",
                        message)


def test_unlowered_task_scope_is_rejected_at_compile_time():
    text = """
func.func @main(%y: !pl.tensor<4x4xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<4x4xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %r = pl.at outs(%o = %y : !pl.tensor<4x4xf32>) attributes {name = "t"} {
    pl.yield %o : !pl.tensor<4x4xf32>
  }
  func.return %r : !pl.tensor<4x4xf32>
}"""
    with pytest.raises(PlRuntimeError, match=r"^test.mlir:3:3: error: orchestration 'main': op 'pl.at' is not supported by the executor$"):
        compile_text(text)


def test_unknown_platform():
    with pytest.raises(PlRuntimeError, match=r"unknown NPU platform 'a9'"):
        compile_text(single_kernel(*SPEC, ROWS), platform="a9")
