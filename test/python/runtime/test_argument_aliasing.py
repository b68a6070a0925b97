"""Entry arguments that overlap in memory, one of them written, are refused at call time (located at the
entry's definition): Out/InOut run on private copies, so aliasing would silently lose or mix results."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ppc.runtime.errors import PlRuntimeError
from rt_programs import compile_text, single_kernel

SHAPE = ((8, 16), "f32")
COPY = """
  %t = pl.slice %a[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<8x16xf32, vec>
  %e = pl.exp %t : !pl.tile<8x16xf32, vec>
  %y_new = pl.assemble %e into %y[%c0, %c0] : !pl.tile<8x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
  %z_new = pl.assemble %e into %z[%c0, %c0] : !pl.tile<8x16xf32, vec> into !pl.tensor<8x16xf32> -> !pl.tensor<8x16xf32>
"""


@pytest.fixture(scope="module")
def program():
    return compile_text(single_kernel({"a": SHAPE, "b": SHAPE}, {"y": SHAPE, "z": SHAPE}, COPY))


def _message(first: str, second: str, written: str) -> str:
    return (f"arguments '{first}' and '{second}' of 'main' share memory, and '{written}' is "
            "written (pl.Out): pass tensors that do not overlap")


def test_same_array_for_two_outs(program):
    a = np.ones((8, 16), np.float32)
    y = np.zeros_like(a)
    with pytest.raises(PlRuntimeError) as err:
        program.run(a, a, y, y)
    assert err.value.detail == _message("y", "z", "y")
    assert not y.any()


def test_in_and_out_overlapping_views(program):
    base = np.zeros((16, 16), np.float32)
    z = np.zeros((8, 16), np.float32)
    with pytest.raises(PlRuntimeError) as err:
        program.run(base[4:12], base[4:12], base[0:8], z)  # rows 4..7 shared
    assert err.value.detail == _message("a", "y", "y")


def test_torch_views_of_one_storage(program):
    base = torch.zeros(16, 16)
    with pytest.raises(PlRuntimeError) as err:
        program.run(base[:8], base[:8], torch.zeros(8, 16), base[7:15])  # row 7 shared by a, b and z
    assert err.value.detail == _message("a", "z", "z")


def test_disjoint_views_and_a_shared_in_are_accepted(program):
    base = np.random.default_rng(1).standard_normal((8, 32)).astype(np.float32)
    out = np.zeros((8, 32), np.float32)
    # the same In twice is fine; interleaved column views of one buffer do not overlap
    program.run(base[:, :16], base[:, :16], out[:, ::2], out[:, 1::2])
    np.testing.assert_array_equal(out[:, ::2], np.exp(base[:, :16]))
    np.testing.assert_array_equal(out[:, 1::2], np.exp(base[:, :16]))
