"""PyPTO's `pl.gather` forms (index and mask), `pl.create_tensor(init_value=)`, `pl.UINT8` and the
truncating run-time scalar cast: pypto-lib style files pass their goldens, and misuse is one located error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime.errors import PlRuntimeError

INPUTS = Path(__file__).parent / "Inputs"
NUMPY = {"INT32": np.int32, "FP32": np.float32, "BF16": ml_dtypes.bfloat16, "INT8": np.int8}


def _run(name: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / name), "-p", "a2a3sim"]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


def test_gather_forms_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    done = _run("gather_forms.py", tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    for name in ("rope", "top_values", "top_ids"):
        assert f"[RUN]   '{name}' PASS" in done.stdout


def test_codebook_fill_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    done = _run("codebook_fill.py", tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "[RUN]   'out' PASS  shape=(64, 64) dtype=torch.float32" in done.stdout
    assert "[RUN]   'hi_codes' PASS  shape=(64, 32) dtype=torch.uint8" in done.stdout


GATHER = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[4, 8], pl.FP32], i: pl.Tensor[[4, 3], pl.INT32], y: pl.Out[pl.Tensor[[4, 3], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = CALL
    return y
"""


def _gather(load_kernel, call: str, index: np.ndarray):
    ns = load_kernel(GATHER.replace("CALL", call))
    x = np.arange(32, dtype=np.float32).reshape(4, 8)
    y = np.zeros((4, 3), np.float32)
    ns["main"](x, index.astype(np.int32), y)
    return x, y


def test_index_form_is_torch_gather_along_dim(load_kernel):
    index = np.array([[7, 0, 3], [1, 1, 1], [0, 6, 2], [5, 4, 7]])
    x, y = _gather(load_kernel, "pl.gather(x[:, :], -1, i[:, :])", index)
    np.testing.assert_array_equal(y, np.take_along_axis(x, index, axis=1))
    _, y0 = _gather(load_kernel, "pl.gather(x[:, 0:3], dim=0, index=i[:, :])", index % 4)
    np.testing.assert_array_equal(y0, np.take_along_axis(x[:, :3], index % 4, axis=0))


def test_out_of_range_index_is_a_located_run_time_error(load_kernel):
    with pytest.raises(PlRuntimeError, match=r"kernel.py:7:\d+: error: kernel 'main_task' block 0: "
                                             r"pl.gather index 8 out of range \[0, 8\) on axis 1 of the source$"):
        _gather(load_kernel, "pl.gather(x[:, :], dim=-1, index=i[:, :])", np.full((4, 3), 8))
    with pytest.raises(PlRuntimeError, match=r"pl.gather index -1 out of range"):
        _gather(load_kernel, "pl.gather(x[:, :], dim=-1, index=i[:, :])", np.full((4, 3), -1))


@pytest.mark.parametrize(
    "call, message",
    [
        ("pl.gather(x[:, :], dim=-1, index=i[:, :], mask_pattern=1)", r"pl.gather takes one form"),
        ("pl.gather(x[:, :], kvalue=1.0, cmp_mode='eq', out_cols=3)", r"compare form of pl.gather .* not supported"),
        ("pl.gather(x[:, :], dim=-1)", r"index form of pl.gather needs both dim and index"),
        ("pl.gather(x[:, :], dim=2, index=i[:, :])", r"'dim' of pl.gather must be in \[-2, 2\), got 2"),
        ("pl.gather(x[:, :], dim=-1, index=i[:, :], output_dtype=pl.INT32)", r"output_dtype is only valid for the mask"),
        ("pl.gather(x[:, :], dim=-1, index=x[:, 0:3])", r"index must be i32 \(or i16 with a 16-bit source\), got f32"),
        ("pl.gather(x[:, 0:6], mask_pattern=8)", r"mask_pattern must be 1-7"),
        ("pl.gather(x[:, 0:6], mask_pattern=3)", r"mask_pattern 3 needs a row length divisible by 4, got 6"),
    ],
)
def test_gather_misuse_is_one_located_error(load_kernel, call, message):
    ns = load_kernel(GATHER.replace("CALL", call))
    with pytest.raises(PlDiagnostic, match=message) as info:
        ns["main"].lower(np.zeros((4, 8), np.float32), np.zeros((4, 3), np.int32), np.zeros((4, 3), np.float32))
    assert info.value.loc.line == 7


@pytest.mark.parametrize("pattern, first, stride", [(1, 0, 2), (2, 1, 2), (3, 0, 4), (4, 1, 4), (5, 2, 4), (6, 3, 4), (7, 0, 1)])
def test_mask_patterns_keep_pytos_positions(load_kernel, pattern, first, stride):
    cols = 8 // stride
    source = f"""
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[4, 8], pl.INT32], y: pl.Out[pl.Tensor[[4, {cols}], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.gather(x[:, :], mask_pattern={pattern}, output_dtype=pl.FP32)
    return y
"""
    x = np.arange(32, dtype=np.int32).reshape(4, 8) + 0x3F800000  # bit patterns of floats near 1.0
    y = np.zeros((4, cols), np.float32)
    load_kernel(source)["main"](x, y)
    np.testing.assert_array_equal(y, x[:, first::stride].view(np.float32))


FILL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[4, 8], pl.FP32], y: pl.Out[pl.Tensor[[4, 8], DTYPE]]):
    t = pl.create_tensor([4, 8], dtype=DTYPE, init_value=VALUE)
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = t[:, :]
    return y
"""


@pytest.mark.parametrize("dtype, value, want", [("INT32", "-1", -1), ("FP32", "float('-inf')", -np.inf),
                                                ("BF16", "0.0", 0), ("INT8", "7.0", 7)])
def test_create_tensor_init_value_fills_at_allocation(load_kernel, dtype, value, want):
    ns = load_kernel(FILL.replace("DTYPE", f"pl.{dtype}").replace("VALUE", value))
    y = np.full((4, 8), 5, NUMPY[dtype])
    ns["main"](np.zeros((4, 8), np.float32), y)
    assert (y.astype(np.float32) == want).all()


@pytest.mark.parametrize("dtype, value, message", [
    ("BF16", "1.0", r"init_value must be 0 for bf16 \(PyPTO fills 16-bit floats only with zeros\), got 1.0"),
    ("INT8", "300", r"constant 300 does not fit in i8"),
    ("INT32", "0.5", r"cannot use 0.5 as an integer value of type i32"),
])
def test_create_tensor_init_value_misuse(load_kernel, dtype, value, message):
    ns = load_kernel(FILL.replace("DTYPE", f"pl.{dtype}").replace("VALUE", value))
    with pytest.raises(PlDiagnostic, match=message) as info:
        ns["main"].lower(np.zeros((4, 8), np.float32), np.zeros((4, 8), NUMPY[dtype]))
    assert info.value.loc.line == 6


SCALAR_CAST = """
from ppc import pl

@pl.jit
def main(f: pl.Tensor[[1], pl.FP32], y: pl.Out[pl.Tensor[[1], pl.INT32]]):
    y = pl.write(y, [0], pl.cast(pl.read(f, [0]), pl.INT32MODE))
    return y
"""


@pytest.mark.parametrize("mode", ["", ", mode='round'", ", mode='trunc'"])
def test_run_time_scalar_cast_truncates_toward_zero(load_kernel, mode):
    ns = load_kernel(SCALAR_CAST.replace("MODE", mode))
    for value, want in [(2.5, 2), (-2.7, -2), (0.99, 0)]:
        y = np.zeros(1, np.int32)
        ns["main"](np.array([value], np.float32), y)
        assert y[0] == want


def test_run_time_scalar_cast_refuses_other_modes_and_non_integral_values(load_kernel):
    ns = load_kernel(SCALAR_CAST.replace("MODE", ", mode='rint'"))
    with pytest.raises(PlDiagnostic, match=r"kernel.py:6:\d+: error: pl.cast of a run-time scalar from f32 to i32 "
                                           r"truncates toward zero \(PyPTO's scalar cast\); mode='rint' is not supported"):
        ns["main"].lower(np.zeros(1, np.float32), np.zeros(1, np.int32))
    ns = load_kernel(SCALAR_CAST.replace("MODE", ""))
    for bad in (np.nan, 3e9):
        with pytest.raises(PlRuntimeError, match=r"kernel.py:6:\d+: error: .*float .* has no value in i32"):
            ns["main"](np.array([bad], np.float32), np.zeros(1, np.int32))


def test_uint8_is_a_tensor_element_type_only(load_kernel):
    ns = load_kernel("""
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[4, 8], pl.UINT8], n: pl.Scalar[pl.UINT8], y: pl.Out[pl.Tensor[[4, 8], pl.UINT8]]):
    return y
""")
    with pytest.raises(PlDiagnostic, match=r"pl.Scalar\[pl.UINT8\] is not supported"):
        ns["main"].lower(np.zeros((4, 8), np.uint8), 1, np.zeros((4, 8), np.uint8))


def test_concat_defaults_to_columns_as_in_pypto(load_kernel):
    ns = load_kernel("""
from ppc import pl

@pl.jit
def main(a: pl.Tensor[[4, 8], pl.FP32], b: pl.Tensor[[4, 8], pl.FP32], y: pl.Out[pl.Tensor[[4, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.concat(a[:, :], b[:, :])
    return y
""")
    a, b = np.ones((4, 8), np.float32), np.full((4, 8), 2.0, np.float32)
    y = np.zeros((4, 16), np.float32)
    ns["main"](a, b, y)
    np.testing.assert_array_equal(y, np.concatenate([a, b], axis=1))
