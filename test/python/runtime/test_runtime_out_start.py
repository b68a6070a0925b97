"""An Out starts as today's device gives it: fresh memory, read as zeros (never the caller's data);
`poison` staging marks it NaN / int min instead, so what the kernels never wrote shows up.

The programs below are lowered IR run as given (no pass checks them), the way the PR #659 kernel reached
the device: a kernel that reads an Out it did not write gets no caller values, where an InOut does.
"""

from __future__ import annotations

import numpy as np
import pytest

from ppc.runtime.errors import PlRuntimeError
from rt_programs import compile_text, single_kernel

ACC = ((16, 64), "f32")

# acc += x: reads the old contents of acc
ACCUMULATE = """
  %x_t = pl.slice %x[%c0, %c0] : !pl.tensor<16x64xf32> -> !pl.tile<16x64xf32, vec>
  %old = pl.slice %acc[%c0, %c0] : !pl.tensor<16x64xf32> -> !pl.tile<16x64xf32, vec>
  %sum = pl.add %old, %x_t : !pl.tile<16x64xf32, vec>
  %acc_new = pl.assemble %sum into %acc[%c0, %c0] : !pl.tile<16x64xf32, vec> into !pl.tensor<16x64xf32> -> !pl.tensor<16x64xf32>
"""


@pytest.mark.parametrize("direction", ["out", "inout"])
def test_a_read_of_an_out_sees_nan_where_an_inout_sees_the_callers_values(direction: str) -> None:
    program = compile_text(single_kernel({"x": ACC}, {"acc": ACC}, ACCUMULATE, out_dir=direction))
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64)
    acc = np.ones((16, 64), dtype=np.float32)
    program.run(x, acc, out_staging="poison")
    if direction == "out":
        assert np.isnan(acc).all()
    else:
        np.testing.assert_array_equal(acc, x + 1)


def run_half_writer(**staging: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows 0..7 of two Outs written, rows 8..15 never; the whole buffers are copied back over the caller's 5s."""
    body = """
  %c8 = arith.constant 8 : index
  %f = pl.slice %src[%c0, %c0] : !pl.tensor<16x64xf32> -> !pl.tile<8x64xf32, vec>
  %i = pl.slice %isrc[%c0, %c0] : !pl.tensor<16x64xi32> -> !pl.tile<8x64xi32, vec>
  %fo_new = pl.assemble %f into %fo[%c0, %c0] : !pl.tile<8x64xf32, vec> into !pl.tensor<16x64xf32> -> !pl.tensor<16x64xf32>
  %io_new = pl.assemble %i into %io[%c0, %c0] : !pl.tile<8x64xi32, vec> into !pl.tensor<16x64xi32> -> !pl.tensor<16x64xi32>
"""
    shapes = {"src": ((16, 64), "f32"), "isrc": ((16, 64), "i32")}
    program = compile_text(single_kernel(shapes, {"fo": ((16, 64), "f32"), "io": ((16, 64), "i32")}, body))
    fo = np.full((16, 64), 5, dtype=np.float32)
    io = np.full((16, 64), 5, dtype=np.int32)
    program.run(np.ones((16, 64), np.float32), np.full((16, 64), 7, np.int32), fo, io, **staging)
    return fo, io


def test_unwritten_elements_of_an_out_reach_the_caller_as_fresh_device_memory() -> None:
    """The default (simpler since PR #1365): no memset, no copy-in; fresh device memory reads as zeros, the
    zeros pypto-lib goldens expect in rows an Out never gets (the DeepSeek-V4 decode compressors' kv)."""
    fo, io = run_half_writer()  # the default staging
    assert (fo[:8] == 1).all() and (fo[8:] == 0).all()
    assert (io[:8] == 7).all() and (io[8:] == 0).all()


def test_poison_staging_marks_the_unwritten_elements_of_an_out() -> None:
    fo, io = run_half_writer(out_staging="poison")
    assert (fo[:8] == 1).all() and np.isnan(fo[8:]).all()
    assert (io[:8] == 7).all() and (io[8:] == np.iinfo(np.int32).min).all()


@pytest.mark.parametrize(("staging", "start"), [("undefined", 0.0), ("zeroed", 0.0), ("copied", 1.0), ("poison", np.nan)])
def test_out_staging_follows_the_simpler_version(staging: str, start: float) -> None:
    """What an Out read sees before any write: today's simpler (undefined: fresh memory), mid-2026 (zeroed),
    earlier (copied), and ppc's marker (poison)."""
    program = compile_text(single_kernel({"x": ACC}, {"acc": ACC}, ACCUMULATE, out_dir="out"))
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64)
    acc = np.ones((16, 64), dtype=np.float32)
    program.run(x, acc, out_staging=staging)
    np.testing.assert_array_equal(acc, x + start)


def test_an_unknown_out_staging_is_refused() -> None:
    program = compile_text(single_kernel({"x": ACC}, {"acc": ACC}, ACCUMULATE, out_dir="out"))
    x = np.zeros((16, 64), dtype=np.float32)
    with pytest.raises(PlRuntimeError, match="unknown Out staging 'zero': expected one of undefined, zeroed, copied, poison"):
        program.run(x, x.copy(), out_staging="zero")
