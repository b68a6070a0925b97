"""The run-time check of Out reads the direction check cannot decide (runtime/out_reads.py): a read at a region
that depends on loaded values passes silently when earlier writes covered it, warns once per read site at the
read when they did not (the element reads as the staging says), and fails located with `strict_out_reads`.
Writes through any view (a reshape) count; a read-modify-write is checked against what came before it; a
slice padded by set_validshape + fillpad is checked on the part it keeps."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from ppc import pl
from ppc.dialects.diagnostics import capture_diagnostics
from ppc.runtime.errors import PlRuntimeError
from ppc.runtime.out_reads import checked_outs

T = pl.Tensor[[64, 64], pl.FP32]
IDX = pl.Tensor[[64], pl.INT32]
X = np.arange(64 * 64, dtype=np.float32).reshape(64, 64)


@pl.jit
def gather_rows(x: T, y: pl.Out[T], z: pl.Out[T], pick: IDX):
    for i in pl.spmd(32, name_hint="fill"):
        y[i : i + 1, :] = x[i : i + 1, :]
    for i in pl.spmd(64, name_hint="gather"):
        src = pl.cast(pl.read(pick, [i]), pl.INDEX)
        z[i : i + 1, :] = y[src : src + 1, :]  # <- here
    return y, z


@pl.jit
def gather_reshaped(x: T, y: pl.Out[T], z: pl.Out[T], pick: IDX):
    flat = pl.reshape(y, [32, 128])
    for i in pl.spmd(16, name_hint="fill"):
        flat[i : i + 1, :] = pl.reshape(x[2 * i : 2 * i + 2, :], [1, 128])
    for i in pl.spmd(64, name_hint="gather"):
        src = pl.cast(pl.read(pick, [i]), pl.INDEX)
        z[i : i + 1, :] = y[src : src + 1, :]  # <- here
    return y, z


@pl.jit
def accumulate(x: T, y: pl.Out[T], pick: IDX):
    for i in pl.spmd(1, name_hint="acc"):
        y[0:32, :] = x[0:32, :]
        for k in pl.range(4):
            src = pl.cast(pl.read(pick, [k]), pl.INDEX)
            y = pl.assemble(y, x[k : k + 1, :], [src, 0], atomic=pl.AtomicType.Add)  # <- here
    return y


@pl.jit
def padded(x: T, y: pl.Out[T], z: pl.Out[T], pick: IDX, n: pl.Scalar[pl.INDEX]):
    for i in pl.spmd(64, name_hint="fill"):
        y[i : i + 1, 0:32] = x[i : i + 1, 0:32]
    for i in pl.spmd(64, name_hint="gather"):
        src = pl.cast(pl.read(pick, [i]), pl.INDEX)
        row = pl.fillpad(pl.set_validshape(y[src : src + 1, :], 1, n), pad_value=pl.PadValue.zero)  # <- here
        z[i : i + 1, :] = row
    return y, z


def _line(fn) -> int:
    lines, first = inspect.getsourcelines(fn.fn)
    return first + next(i for i, line in enumerate(lines) if "# <- here" in line)


def _run(fn, *args, **options) -> list[str]:
    """Run `fn` (compiled first); the run-time warnings it printed."""
    program = fn.compile(*args)
    with capture_diagnostics() as found:
        program.run(*args, **options)
    return [f"{d.loc.line}: {d.message}" for d in found if d.severity == "warning"]


def _outs() -> tuple[np.ndarray, np.ndarray]:
    return np.full((64, 64), 7, np.float32), np.full((64, 64), 7, np.float32)


def test_a_gather_of_written_rows_runs_silently() -> None:
    y, z = _outs()
    pick = (np.arange(64, dtype=np.int32) * 5) % 32
    assert _run(gather_rows, X, y, z, pick) == []
    np.testing.assert_array_equal(z, X[pick])


def test_a_gather_of_unwritten_rows_warns_once_at_the_read_and_reads_zeros() -> None:
    y, z = _outs()
    pick = np.arange(64, dtype=np.int32)[::-1].copy()
    (warning,) = _run(gather_rows, X, y, z, pick)
    assert warning.startswith(
        f"{_line(gather_rows)}: read of never-written elements of Out 'y': kernel 'gather' block 0 reads "
        "y[63:64, 0:64] (64 of the 64 elements it uses), never written in this run; they read as zeros"
    )
    np.testing.assert_array_equal(z[:32], 0)
    np.testing.assert_array_equal(z[32:], X[pick[32:]])


def test_poison_staging_still_poisons_and_says_so() -> None:
    y, z = _outs()
    (warning,) = _run(gather_rows, X, y, z, np.arange(64, dtype=np.int32), out_staging="poison")
    assert "they read as poison" in warning
    assert np.isnan(z[32:]).all()


def test_strict_out_reads_is_a_located_error() -> None:
    y, z = _outs()
    program = gather_rows.compile(X, y, z, np.zeros(64, np.int32))
    with pytest.raises(PlRuntimeError) as info:
        program.run(X, y, z, np.full(64, 40, np.int32), strict_out_reads=True)
    assert info.value.loc.line == _line(gather_rows) and info.value.context == "kernel 'gather' block 0"
    assert str(info.value).startswith(
        f"{__file__}:{_line(gather_rows)}:27: error: kernel 'gather' block 0: read of never-written elements of Out 'y': y[40:41, 0:64]"
    )
    np.testing.assert_array_equal(y, 7)  # nothing written back


def test_writes_through_a_reshaped_view_count() -> None:
    y, z = _outs()
    assert _run(gather_reshaped, X, y, z, np.arange(64, dtype=np.int32) % 32) == []
    (warning,) = _run(gather_reshaped, X, y, z, np.full(64, 32, np.int32))
    assert "reads y[32:33, 0:64]" in warning


def test_a_read_modify_write_is_checked_against_what_came_before_it() -> None:
    y = np.zeros((64, 64), np.float32)
    assert _run(accumulate, X, y, np.array([0, 5, 31, 2] + [0] * 60, np.int32)) == []
    (warning,) = _run(accumulate, X, y, np.array([0, 40, 40, 2] + [0] * 60, np.int32))
    assert warning.startswith(f"{_line(accumulate)}: ") and "reads y[40:41, 0:64]" in warning  # once per site
    np.testing.assert_array_equal(y[40], X[1] + X[2])


def test_a_padded_slice_is_checked_on_the_part_it_keeps() -> None:
    y, z = _outs()
    pick = np.arange(64, dtype=np.int32)
    assert _run(padded, X, y, z, pick, 32) == []
    (warning,) = _run(padded, X, y, z, pick, 40)
    assert warning.startswith(f"{_line(padded)}: ")
    assert "reads y[0:1, 32:40] (8 of the 40 elements it uses)" in warning


def test_only_an_out_with_a_checked_read_gets_a_mask() -> None:
    y, z = _outs()
    program = gather_rows.compile(X, y, z, np.zeros(64, np.int32))
    assert checked_outs(program.module) == {"y"}  # z is written only: no mask, no cost
