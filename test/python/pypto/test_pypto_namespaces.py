"""PyPTO's explicit op namespaces `pl.tile.*` / `pl.tensor.*` (frontend/namespaces.py, frontend/explicit.py):
PyPTO's signatures mapped onto ppc's ops, operand kinds checked, options ppc cannot honour refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic

INPUTS = Path(__file__).parent / "Inputs"


def test_pypto_style_file_with_explicit_namespaces_passes(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "tile_namespace.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("y", "row_max", "first"):
        assert f"[RUN]   '{name}' PASS" in done.stdout


KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    for b in pl.spmd(2):
        BODY
    return y
"""
ROWS = "        "


def run(load_kernel, body: str) -> np.ndarray:
    ns = load_kernel(KERNEL.replace("BODY", body.strip().replace("\n", "\n" + ROWS)))
    x = np.arange(16 * 64, dtype=np.float32).reshape(16, 64) / 100
    y = np.full((16, 64), -1.0, np.float32)
    ns["main"](x, y)
    return x, y


def test_statement_form_store_updates_its_output_tensor(load_kernel):
    """`pl.store(t, offs, y)` as a statement writes y (the analysis sees y updated by the op's stub)."""
    x, y = run(load_kernel, """
t = pl.tile.load(x, [b * 8, 0], [8, 64])
pl.store(pl.tile.add(t, 1.0), [b * 8, 0], y)
""")
    np.testing.assert_array_equal(y, x + 1)


def test_block_index_and_scratch_reductions(load_kernel):
    x, y = run(load_kernel, """
r0 = pl.tile.get_block_idx() * 8
t = pl.tile.load(x, [r0, 0], [8, 64])
m = pl.tile.row_max(t, pl.tile.create([8, 64], dtype=pl.FP32))
pl.tile.store(pl.tile.row_expand_sub(t, m), [r0, 0], y)
""")
    np.testing.assert_allclose(y, x - x.max(axis=1, keepdims=True))


def test_store_writes_only_the_valid_part(load_kernel):
    x, y = run(load_kernel, """
t = pl.set_validshape(pl.tile.load(x, [b * 8, 0], [8, 64]), 2, 3)
pl.tile.store(t, [b * 8, 0], y, shapes=[2, 3])
""")
    for r in (0, 8):  # the rest of an Out that nothing writes is fresh device memory (zeros), not the caller's -1
        np.testing.assert_array_equal(y[r : r + 2, :3], x[r : r + 2, :3])
        assert (y[r : r + 2, 3:] == 0).all() and (y[r + 2 : r + 8] == 0).all()


def test_mask_pattern_has_pyptos_values():
    """`pl.gather`'s mask form takes PyPTO's numbering (P0101 = 1: the even positions)."""
    from ppc import pl

    assert (pl.tile.MaskPattern.P0101, pl.tile.MaskPattern.P1010, pl.tile.MaskPattern.P1111) == (1, 2, 7)
    assert pl.Mem is pl.MemorySpace


@pytest.mark.parametrize(("body", "message"), [
    ("y[b * 8:b * 8 + 8, :] = pl.tile.add(x, 1.0)",
     r"'lhs' of pl.tile.add must be a tile \(loaded or created inside a task scope\), got a tensor"),
    ("y[b * 8:b * 8 + 8, :] = pl.tile.load(x, [b * 8, 0], [8, 64], clamp=True)",
     r"'clamp' of pl.tile.load is not supported by ppc \(only its default False\)"),
    ("y[b * 8:b * 8 + 8, :] = pl.tile.row_sum(pl.tile.load(x, [b * 8, 0], [8, 64]))",
     r"wrong arguments to pl.tile.row_sum: missing a required argument: 'tmp_tile'"),
    ("pl.tile.store(pl.tile.load(x, [b * 8, 0], [8, 64]), [b * 8, 0], y, shapes=[4, 64])",
     r"'shapes' of pl.tile.store must be the tile's shape \[8, 64\] or its static valid shape"),
    ("pl.system.sync_set(0)", r"pl.system.sync_set is not supported by ppc"),
    ("y[b * 8:b * 8 + 8, :] = pl.tile.sels(x, x, x, 0.0)", r"pl.tile.sels is not supported by ppc"),
    ("y[b * 8:b * 8 + 8, :] = pl.set_validshape(pl.reshape(pl.tile.load(x, [b * 8, 0], [8, 64]), [2, 4, 64]), 1, 1)",
     r"pl.set_validshape needs a 2-D tile, got a rank-3"),
    ("t = pl.tensor.read(pl.tile.full([8, 64], dtype=pl.FP32, value=0.0), [0, 0], 1)",
     r"wrong arguments to pl.tensor.read: too many positional arguments"),
])
def test_refusals_are_located(load_kernel, body, message):
    with pytest.raises(PlDiagnostic, match=r"kernel.py:7:\d+: error: " + message):
        run(load_kernel, body)


def test_explicit_ops_refuse_to_run_in_plain_python():
    from ppc import pl

    with pytest.raises(pl.NotExecutable, match="pl.tile.load can only be used inside a @pl.jit function"):
        pl.tile.load(None, [0], [1])
    with pytest.raises(pl.NotExecutable, match="pl.store can only be used inside a @pl.jit function"):
        pl.store(None, [0], None)


def test_unified_valid_shape_ops_take_a_scratch_tensor_in_a_task(load_kernel):
    """PyPTO's unified pl.set_validshape / pl.fillpad accept a GM tensor in a task (a pl.create_tensor scratch):
    it is loaded whole, so the padding only replaces the columns past the valid shape."""
    x, y = run(load_kernel, """
s = pl.create_tensor([8, 64], dtype=pl.FP32)
s[:, :] = x[b * 8:b * 8 + 8, :]
v = pl.fillpad(pl.set_validshape(s, 8, 16), pad_value=pl.PadValue.zero)
y[b * 8:b * 8 + 8, :] = v
""")
    expected = x.copy()
    expected[:, 16:] = 0
    np.testing.assert_array_equal(y, expected)


def test_assemble_drops_the_unit_batch_axis_of_a_batched_matmul(load_kernel):
    """pl.assemble of a [1, M, N] tile (a 1xMxK operand's matmul) into a 2-D tensor writes its [M, N] block."""
    x, y = run(load_kernel, """
a = pl.reshape(x[b * 8:b * 8 + 8, 0:16], [1, 8, 16])
w = pl.full([1, 64, 16], dtype=pl.FP32, value=0.5)
acc = pl.matmul(a, w, b_trans=True)
y = pl.assemble(y, acc, [b * 8, 0])
""")
    expected = x[:, 0:16].sum(axis=1, keepdims=True) * 0.5 * np.ones((1, 64), np.float32)
    np.testing.assert_allclose(y, expected, rtol=1e-6)


def test_load_takes_the_older_valid_shapes_spelling(load_kernel):
    """`pl.load(..., valid_shapes=)` (PyPTO before #2233) is `valid_shape=`; giving both is a located error."""
    x, y = run(load_kernel, """
t = pl.load(x, [b * 8, 0], [8, 64], valid_shapes=[8, 16])
y[b * 8:b * 8 + 8, :] = pl.fillpad(t, pad_value=pl.PadValue.zero)
""")
    expected = x.copy()
    expected[:, 16:] = 0
    np.testing.assert_array_equal(y, expected)
    with pytest.raises(PlDiagnostic, match="valid_shape or its older spelling valid_shapes, not both"):
        run(load_kernel, "t = pl.load(x, [b * 8, 0], [8, 64], valid_shape=[8, 16], valid_shapes=[8, 16])")
