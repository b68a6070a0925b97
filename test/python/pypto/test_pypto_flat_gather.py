"""`pl.tile.gather` (PyPTO's flat row-major offsets into the source tile), `pl.tensor.gather` and
`pl.create_l1`: a pypto-lib style file passes its golden; bad indices are located errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime.errors import PlRuntimeError

INPUTS = Path(__file__).parent / "Inputs"

KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[2, 4], pl.FP32], i: pl.Tensor[[2, 3], INDEX], y: pl.Out[pl.Tensor[[2, 3], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.tile.gather(x[:, :], i[:, :], pl.create_tile([2, 3], dtype=pl.INT32))
    return y
"""


def test_flat_gather_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "flat_gather.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    for name in ("cos_il", "odd", "proj"):
        assert f"[RUN]   '{name}' PASS" in done.stdout


def test_tile_gather_offsets_address_the_whole_tile(load_kernel):
    main = load_kernel(KERNEL.replace("INDEX", "pl.INT32"))["main"]
    x = np.arange(8, dtype=np.float32).reshape(2, 4) * 10
    y = np.zeros((2, 3), np.float32)
    main(x, np.array([[7, 0, 4], [1, 5, 3]], np.int32), y)
    np.testing.assert_array_equal(y, [[70, 0, 40], [10, 50, 30]])  # offset 7 is row 1, column 3
    with pytest.raises(PlRuntimeError, match=r"pl.gather index 8 out of range \[0, 8\)"):
        main(x, np.array([[8, 0, 0], [0, 0, 0]], np.int32), y)


def test_tile_gather_index_dtype_follows_pypto(load_kernel):
    main = load_kernel(KERNEL.replace("INDEX", "pl.FP32"))["main"]
    with pytest.raises(PlDiagnostic, match=r"index must be i32 \(or i16 with a 16-bit source\), got f32") as info:
        main(np.zeros((2, 4), np.float32), np.zeros((2, 3), np.float32), np.zeros((2, 3), np.float32))
    assert info.value.loc.line == 7
