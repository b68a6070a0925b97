"""The Out old-contents check on the DeepSeek-V4 shapes: guarded writes read back under the same guard,
reads narrowed by set_validshape + fillpad, self-copies, and reads at run-time-loaded indices (a warning).
Each accepted form has a twin that really reads unwritten contents and must still be an error, at the
line marked `# <- here`."""

from __future__ import annotations

import inspect

import pytest

from ppc import pl
from ppc.dialects.attributes import CHECKED_READ, Direction
from ppc.dialects.diagnostics import PlDiagnostic, capture_diagnostics
from ppc.passes.guarded_regions import Context, Guarded, holds
from ppc.passes.index_regions import Affine, BlockSymbol, Box

T = pl.Tensor[[64, 64], pl.FP32]
IDX = pl.Tensor[[64], pl.INT32]


@pl.jit
def guarded_cover(x: T, y: pl.Out[T], rows: pl.Scalar[pl.INDEX]):
    for i in pl.spmd(64, name_hint="init"):
        if i < rows:
            y[i : i + 1, :] = x[i : i + 1, :]
    for i in pl.spmd(64, name_hint="twice"):
        if i < rows:
            y[i : i + 1, :] = pl.mul(y[i : i + 1, :], 2.0)
    return y


@pl.jit
def unguarded_read(x: T, y: pl.Out[T], rows: pl.Scalar[pl.INDEX]):
    for i in pl.spmd(64, name_hint="init"):
        if i < rows:
            y[i : i + 1, :] = x[i : i + 1, :]
    for i in pl.spmd(64, name_hint="twice"):
        y[i : i + 1, :] = pl.mul(y[i : i + 1, :], 2.0)  # <- here
    return y


@pl.jit
def weaker_guard(x: T, y: pl.Out[T], rows: pl.Scalar[pl.INDEX]):
    for i in pl.spmd(64, name_hint="init"):
        if i < rows:
            y[i : i + 1, :] = x[i : i + 1, :]
    for i in pl.spmd(64, name_hint="twice"):
        if i <= rows:
            y[i : i + 1, :] = pl.mul(y[i : i + 1, :], 2.0)  # <- here
    return y


@pl.jit
def next_row(x: T, y: pl.Out[T], rows: pl.Scalar[pl.INDEX]):
    for i in pl.spmd(64, name_hint="init"):
        if i < rows:
            y[i : i + 1, :] = x[i : i + 1, :]
    for i in pl.spmd(63, name_hint="shift"):
        if i < rows:
            y[i : i + 1, :] = y[i + 1 : i + 2, :]  # <- here
    return y


@pl.jit
def else_arm(x: T, y: pl.Out[T], rows: pl.Scalar[pl.INDEX]):
    for i in pl.spmd(64, name_hint="init"):
        if i < rows:
            y[i : i + 1, :] = x[i : i + 1, :]
    for i in pl.spmd(64, name_hint="tail"):
        if i >= rows:
            y[i : i + 1, :] = pl.neg(x[i : i + 1, :])
        else:
            y[i : i + 1, :] = pl.exp(y[i : i + 1, :])
    return y


@pl.jit
def padded_read(x: T, y: pl.Out[T]):
    for i in pl.spmd(64, name_hint="half"):
        y[i : i + 1, 0:32] = x[i : i + 1, 0:32]
    for i in pl.spmd(64, name_hint="pad"):
        row = pl.fillpad(pl.set_validshape(y[i : i + 1, :], 1, 32), pad_value=pl.PadValue.zero)
        y[i : i + 1, :] = row
    return y


@pl.jit
def padded_too_wide(x: T, y: pl.Out[T]):
    for i in pl.spmd(64, name_hint="half"):
        y[i : i + 1, 0:32] = x[i : i + 1, 0:32]
    for i in pl.spmd(64, name_hint="pad"):
        row = pl.fillpad(pl.set_validshape(y[i : i + 1, :], 1, 48), pad_value=pl.PadValue.zero)  # <- here
        y[i : i + 1, :] = row
    return y


@pl.jit
def valid_not_padded(x: T, y: pl.Out[T]):
    for i in pl.spmd(64, name_hint="half"):
        y[i : i + 1, 0:32] = x[i : i + 1, 0:32]
    for i in pl.spmd(64, name_hint="pad"):
        row = pl.set_validshape(y[i : i + 1, :], 1, 32)  # <- here
        y[i : i + 1, :] = pl.exp(row)
    return y


@pl.jit
def keepalive(x: T, y: pl.Out[T], keep: IDX):
    for i in pl.spmd(64, name_hint="store"):
        if pl.read(keep, [i]) > 0:
            y[i : i + 1, :] = x[i : i + 1, :]
        else:
            y[i : i + 1, :] = y[i : i + 1, :]
    return y


@pl.jit
def keepalive_then_read(x: T, y: pl.Out[T]):
    for i in pl.spmd(64, name_hint="store"):
        y[i : i + 1, :] = y[i : i + 1, :]
    for i in pl.spmd(64, name_hint="use"):
        y[i : i + 1, :] = pl.exp(y[i : i + 1, :])  # <- here
    return y


@pl.jit
def gathered(x: T, y: pl.Out[T], z: pl.Out[T], pick: IDX):
    for i in pl.spmd(32, name_hint="fill"):
        y[i : i + 1, :] = x[i : i + 1, :]
    for i in pl.spmd(64, name_hint="gather"):
        src = pl.cast(pl.read(pick, [i]), pl.INDEX)
        z[i : i + 1, :] = y[src : src + 1, :]  # <- here
    return y, z


@pl.jit
def gathered_in_kernel(x: T, y: pl.Out[T], pick: IDX):
    for i in pl.spmd(64, name_hint="mix"):
        y[i : i + 1, :] = x[i : i + 1, :]
        src = pl.cast(pl.read(pick, [i]), pl.INDEX)
        y[i : i + 1, :] = pl.add(y[i : i + 1, :], y[src : src + 1, :])
    return y


@pl.jit
def earlier_iteration(x: T, y: pl.Out[T], m: IDX):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        for k in pl.range(4):
            v = pl.cast(pl.read(m, [k]), pl.INDEX)
            if k == 0:
                y[v : v + 1, :] = x[0:1, :]
            else:
                y[k : k + 1, :] = y[v : v + 1, :]  # <- here
    return y


def _marked_line(fn) -> int:
    lines, first = inspect.getsourcelines(fn.fn)
    return first + next(i for i, line in enumerate(lines) if "# <- here" in line)


def _directions(module, symbol: str) -> dict[str, Direction]:
    func = next(f for f in module.ops if getattr(f, "sym_name", None) is not None and f.sym_name.data == symbol)
    pairs = zip(func.body.block.args, func.arg_attrs.data)
    return {a.name_hint: d.data["pl.dir"].data for a, d in pairs if "pl.dir" in d.data}


ROWS = (T, T, 40)


@pytest.mark.parametrize(
    ("fn", "args"),
    [(guarded_cover, ROWS), (else_arm, ROWS), (padded_read, (T, T)), (keepalive, (T, T, IDX))],
)
def test_reads_that_earlier_writes_cover_are_accepted_silently(fn, args) -> None:
    with capture_diagnostics() as found:
        module = fn.lower(*args)
    assert _directions(module, fn.fn.__name__)["y"] == Direction.OUT
    assert [d.message for d in found if "y" in d.message and "read" in d.message] == []


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (unguarded_read, ROWS), (weaker_guard, ROWS), (next_row, ROWS), (padded_too_wide, (T, T)),
        (valid_not_padded, (T, T)), (keepalive_then_read, (T, T)),
    ],
)
def test_reads_of_unwritten_contents_are_still_errors(fn, args) -> None:
    with pytest.raises(PlDiagnostic) as info:
        fn.lower(*args)
    assert "'y' is declared Out" in info.value.message and "old contents may be read here" in info.value.message
    assert info.value.loc.line == _marked_line(fn)


def test_a_read_at_a_loaded_index_is_a_located_note_and_is_marked_for_the_run_time_check() -> None:
    with capture_diagnostics() as found:
        module = gathered.lower(T, T, T, IDX)
    (note,) = [d for d in found if "read here" in d.message]
    assert note.severity == "note" and note.loc.line == _marked_line(gathered)
    assert note.message.startswith("'y' is declared Out (by 'gathered' at ")
    assert "depends on run-time values, so it is checked at run time" in note.message
    marked = [op for op in module.walk() if CHECKED_READ in op.attributes]
    assert [op.attributes[CHECKED_READ].data for op in marked] == ["y"]
    assert _directions(module, "gathered")["y"] == Direction.OUT


def test_a_kernel_reading_its_out_at_a_loaded_index_keeps_its_contents() -> None:
    """The kernel's `y` is inferred inout (its block reads rows other blocks write); the entry's stays Out."""
    with capture_diagnostics():
        module = gathered_in_kernel.lower(T, T, IDX)
    assert _directions(module, "mix")["y"] == Direction.INOUT
    assert _directions(module, "gathered_in_kernel")["y"] == Direction.OUT


def test_holds_finds_the_block_that_wrote_the_row() -> None:
    """Rows base + i for i in [0, n - 1] where i < rows: row base + j is one of them for j <= n - 1 under
    the guard j < rows, and not without it or beyond the range."""
    i, j, base, n, rows = BlockSymbol(), BlockSymbol(), object(), object(), object()
    row = Affine.symbol(base) + Affine.symbol(i)
    guard = (2, Affine.symbol(i) - Affine.symbol(rows))  # slt: i - rows < 0
    family = Guarded(Box((row, Affine(0)), (1, 64)), (guard,), i, Affine(0), Affine.symbol(n) - Affine(1))
    read = (Affine.symbol(base) + Affine.symbol(j), Affine(0))
    on_path = (2, Affine.symbol(j) - Affine.symbol(rows))
    limits = {j: (Affine(0), Affine.symbol(n) - Affine(1))}
    assert holds(family, read, [[Affine(1)], [Affine(64)]], Context((on_path,), {}, limits, ()))
    assert not holds(family, read, [[Affine(1)], [Affine(64)]], Context((), {}, limits, ()))
    assert not holds(family, read, [[Affine(1)], [Affine(64)]], Context((on_path,), {}, {}, ()))
    assert not holds(family, read, [[Affine(2)], [Affine(64)]], Context((on_path,), {}, limits, ()))


def test_a_row_named_by_a_value_of_an_earlier_iteration_is_not_proven_written() -> None:
    """Iteration 0 writes row `v` (its own `v`); a later iteration reads row `v` (another value): not covered."""
    with capture_diagnostics() as found:
        earlier_iteration.lower(T, T, IDX)
    assert [d.loc.line for d in found if "read here" in d.message] == [_marked_line(earlier_iteration)]
