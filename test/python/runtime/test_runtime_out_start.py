"""An Out starts undefined, as on the device: NaN for floats, the dtype's minimum for ints (never the caller's data).

The programs below are lowered IR run as given (no pass checks them), the way the PR #659 kernel reached
the device: a kernel that reads an Out it did not write gets NaN, where an InOut gets the caller's values.
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
    program.run(x, acc)
    if direction == "out":
        assert np.isnan(acc).all()
    else:
        np.testing.assert_array_equal(acc, x + 1)


def test_unwritten_elements_of_an_out_reach_the_caller_undefined() -> None:
    """Rows 8..15 are never written: the whole buffer is copied back, so the caller's 5s become the sentinel."""
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
    program.run(np.ones((16, 64), np.float32), np.full((16, 64), 7, np.int32), fo, io)
    assert (fo[:8] == 1).all() and np.isnan(fo[8:]).all()
    assert (io[:8] == 7).all() and (io[8:] == np.iinfo(np.int32).min).all()


@pytest.mark.parametrize(("staging", "start"), [("undefined", np.nan), ("zeroed", 0.0), ("copied", 1.0)])
def test_out_staging_follows_the_simpler_version(staging: str, start: float) -> None:
    """What an Out read sees before any write: today's simpler (undefined), mid-2026 (zeroed), earlier (copied)."""
    program = compile_text(single_kernel({"x": ACC}, {"acc": ACC}, ACCUMULATE, out_dir="out"))
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64)
    acc = np.ones((16, 64), dtype=np.float32)
    program.run(x, acc, out_staging=staging)
    np.testing.assert_array_equal(acc, x + start)


def test_an_unknown_out_staging_is_refused() -> None:
    program = compile_text(single_kernel({"x": ACC}, {"acc": ACC}, ACCUMULATE, out_dir="out"))
    x = np.zeros((16, 64), dtype=np.float32)
    with pytest.raises(PlRuntimeError, match="unknown Out staging 'zero': expected one of undefined, zeroed, copied"):
        program.run(x, x.copy(), out_staging="zero")
