"""`pl.split_aiv(2, mode=pl.SplitMode.NONE)`: both AIV lanes of a core group run the body with their lane index
(run lane 0 then lane 1); the halving modes and a region outside a task scope are refused."""

from __future__ import annotations

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic

KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.spmd(2):
        b = pl.tile.get_block_idx()
        for aiv_id in SPLIT:
            r0 = b * 8 + aiv_id * 4
            y[r0:r0 + 4, :] = pl.add(x[r0:r0 + 4, :], pl.cast(aiv_id, pl.FP32))
    return y
"""


def run(load_kernel, split="pl.split_aiv(2, mode=pl.SplitMode.NONE)", kernel=KERNEL):
    ns = load_kernel(kernel.replace("SPLIT", split))
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64)
    y = np.zeros_like(x)
    ns["main"](x, y)
    return x, y


def test_each_lane_runs_the_body_with_its_index(load_kernel):
    x, y = run(load_kernel)
    lane = np.repeat([0, 1, 0, 1], 4)[:, None]
    np.testing.assert_array_equal(y, x + lane)


@pytest.mark.parametrize(("split", "message"), [
    ("pl.split_aiv(4, mode=pl.SplitMode.NONE)", r"pl.split_aiv splits a core group's 2 AIV lanes: n must be 2, got 4"),
    ("pl.split_aiv(2, mode=pl.SplitMode.UP_DOWN)",
     r"pl.split_aiv\(mode=pl.SplitMode.UP_DOWN\) \(tiles halved between the AIV lanes\) is not supported by ppc"),
    ("pl.split_aiv(2, mode='rows')", r"mode of pl.split_aiv must be a pl.SplitMode, got 'rows'"),
    ("pl.split_aiv(2)", r"wrong arguments to pl.split_aiv: missing a required argument: 'mode'"),
])
def test_refusals_are_located(load_kernel, split, message):
    with pytest.raises(PlDiagnostic, match=r"kernel.py:8:23: error: " + message):
        run(load_kernel, split)


def test_a_region_outside_a_task_is_refused(load_kernel):
    kernel = KERNEL.replace("    with pl.spmd(2):\n        b = pl.tile.get_block_idx()\n", "    b = 0\n    if True:\n")
    with pytest.raises(PlDiagnostic, match=r"kernel.py:\d+:\d+: error: pl.split_aiv outside a task scope is not "
                       r"supported by ppc"):
        run(load_kernel, kernel=kernel)
