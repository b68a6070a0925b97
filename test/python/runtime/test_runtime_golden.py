"""The golden harness: inputs from specs, run_jit against a torch golden, and the comparators."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
import torch

from ppc.runtime.golden import (
    ScalarSpec,
    TensorSpec,
    make_inputs,
    ratio_allclose,
    ratio_reldiff,
    run_jit,
    topk_pair_compare,
)
from rt_programs import compile_text, single_kernel

# out = x * s + y in bf16 (rounded after the multiply and after the add, like torch)
BODY = """
  %c16 = arith.constant 16 : index
  %off = arith.muli %bi, %c16 : index
  %xs = pl.slice %x[%off, %c0] : !pl.tensor<32x64xbf16> -> !pl.tile<16x64xbf16, vec>
  %ys = pl.slice %y[%off, %c0] : !pl.tensor<32x64xbf16> -> !pl.tile<16x64xbf16, vec>
  %m = pl.mul %xs, %s : (!pl.tile<16x64xbf16, vec>, f32) -> !pl.tile<16x64xbf16, vec>
  %a = pl.add %m, %ys : !pl.tile<16x64xbf16, vec>
  %out_new = pl.assemble %a into %out[%off, %c0] : !pl.tile<16x64xbf16, vec> into !pl.tensor<32x64xbf16> -> !pl.tensor<32x64xbf16>"""
TEXT = single_kernel({"x": ((32, 64), "bf16"), "y": ((32, 64), "bf16")}, {"out": ((32, 64), "bf16")}, BODY,
                     blocks=2, scalars={"s": "f32"})


class FakeJit:
    """Stands in for a frontend `@pl.jit` object: `.compile(*args, platform=)` -> CompiledProgram."""

    def __init__(self, text: str):
        self.text = text
        self.compiled_for: list = []

    def compile(self, *args, platform: str = "a2a3"):
        self.compiled_for.append((tuple(np.shape(a) for a in args), platform))
        return compile_text(self.text, platform)


SPECS = [
    TensorSpec("x", [32, 64], torch.bfloat16),
    TensorSpec("y", [32, 64], "bf16"),
    TensorSpec("out", [32, 64], ml_dtypes.bfloat16, is_output=True),
    ScalarSpec("s", "f32", 0.75),
]


def golden(t):
    t["out"][:] = t["x"] * t["s"] + t["y"]


def test_run_jit_passes_bit_exact_against_torch():
    fn = FakeJit(TEXT)
    result = run_jit(fn, SPECS, golden, platform="a5", compare={"out": ratio_allclose(atol=0, rtol=0)})
    assert result.passed, result.summary()
    assert fn.compiled_for == [(((32, 64), (32, 64), (32, 64), ()), "a5")]
    assert result.run.report.platform == "a5"
    assert str(result.comparisons["out"]).startswith("out: PASS 0/2048")
    assert result.outputs["out"].any()  # the kernel really wrote the output


def test_run_jit_reports_a_wrong_golden():
    result = run_jit(FakeJit(TEXT), SPECS, lambda t: {"out": t["x"] * t["s"] - t["y"]})
    assert not result.passed
    summary = result.summary()
    assert summary.startswith("out: FAIL ") and "elements outside atol=1e-05 rtol=1e-05" in summary
    assert "worst at [" in summary


def test_run_jit_rejects_compare_on_non_outputs():
    with pytest.raises(ValueError, match="not outputs"):
        run_jit(FakeJit(TEXT), SPECS, golden, compare={"x": ratio_allclose()})


def test_make_inputs_is_seeded_and_honours_init_values():
    specs = [
        TensorSpec("a", [4, 4], "f32"),
        TensorSpec("b", [2, 3], "i8", init_value=lambda shape, rng: np.arange(6).reshape(shape)),
        TensorSpec("c", [2], "bf16", init_value=1.5),
        TensorSpec("d", [2, 2], "f32", is_output=True),
        TensorSpec("e", [2, 2], "f32", init_value=torch.ones(2, 2), is_output=True),
        ScalarSpec("n", "i32", 7),
    ]
    one, two, other = make_inputs(specs, 1), make_inputs(specs, 1), make_inputs(specs, 2)
    assert np.array_equal(one["a"], two["a"]) and not np.array_equal(one["a"], other["a"])
    assert one["b"].dtype == np.int8 and one["b"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert one["c"].dtype == ml_dtypes.bfloat16 and one["c"].astype(np.float32).tolist() == [1.5, 1.5]
    assert not one["d"].any() and one["e"].tolist() == [[1, 1], [1, 1]] and one["n"] == 7
    with pytest.raises(ValueError, match="init_value of 'x' has shape"):
        make_inputs([TensorSpec("x", [3], "f32", init_value=np.zeros(4))])


def test_ratio_allclose_allows_a_fraction_of_outliers():
    expected = np.zeros(1000, np.float32)
    actual = expected.copy()
    actual[:8] = 1.0  # 0.8% of the points
    assert ratio_allclose(1e-3, 1e-3, max_error_ratio=0.008)(actual, expected, {}).passed
    bad = ratio_allclose(1e-3, 1e-3, max_error_ratio=0.007)(actual, expected, {})
    assert not bad.passed and bad.summary.startswith("8/1000 (0.800%) elements outside")
    assert not ratio_allclose()(np.zeros(3), np.zeros(4), {}).passed


def test_ratio_reldiff():
    expected = np.array([1.0, 100.0, 0.0, np.nan])
    assert ratio_reldiff(0.01)(np.array([1.005, 100.9, 0.0, np.nan]), expected, {}).passed
    c = ratio_reldiff(0.01)(np.array([1.02, 100.0, 0.0, np.nan]), expected, {})
    assert not c.passed and "worst at [0]" in c.summary


def test_topk_pair_compare_accepts_swapped_ties_only():
    scores = np.array([[5.0, 3.0, 5.0, 1.0, 4.0]])
    golden_idx = np.array([[0, 2, 4, -1]]) + 10  # offset 10 like the indexer's WIN offset; -1+10 is not pad
    golden_idx[0, 3] = -1
    compare = topk_pair_compare("score", offset=10)
    tied_swap = np.array([[12, 10, 14, -1]])
    assert compare(tied_swap, golden_idx, {"score": scores}).passed
    wrong = np.array([[12, 10, 11, -1]])  # picks score 3 instead of 4
    result = compare(wrong, golden_idx, {"score": scores})
    assert not result.passed and result.summary.startswith("1/1 rows select different scores")
    moved_pad = np.array([[12, 10, -1, 14]])
    assert not compare(moved_pad, golden_idx, {"score": scores}).passed
    duplicate = np.array([[10, 10, 14, -1]])
    assert not compare(duplicate, golden_idx, {"score": scores}).passed
