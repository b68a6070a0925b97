"""Direction inference and checks on real frontend output (`@pl.jit` → `lower()` → default pipeline).

The messages must point at the user's own line: the kernels below mark the offending statements with
`# <- here`, and the test compares the reported `file:line` with that line.
"""

from __future__ import annotations

import inspect

import pytest

from ppc import pl
from ppc.dialects.attributes import Direction
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.dialects.support import constant_int
from ppc.dialects.task_ops import DispatchOp

T16 = pl.Tensor[[16, 16], pl.FP32]
T64 = pl.Tensor[[64, 128], pl.FP32]


@pl.jit
def scale_rows(x: pl.Tensor[[64, 128], pl.FP32], y: pl.Out[pl.Tensor[[64, 128], pl.FP32]], flag: pl.Scalar[pl.BOOL]):
    if flag:
        for i in pl.spmd(4, name_hint="quarters"):
            off = i * 16
            y[off:off + 16, :] = pl.mul(x[off:off + 16, :], 2.0)
    else:
        for r in pl.parallel(0, 64, 16):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
                y[r:r + 16, :] = pl.exp(x[r:r + 16, :])
    return y


@pl.jit
def rebound(a: pl.Tensor[[16, 16], pl.FP32], out: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="add"):
        out = pl.add(a, a)  # <- here
    return out


@pl.jit
def accumulate(a: pl.Tensor[[16, 16], pl.FP32], out: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="acc"):
        out[0:16, :] = pl.add(out[0:16, :], a[0:16, :])  # <- here
    return out


@pl.jit
def first_row(a: pl.Tensor[[16, 16], pl.FP32], out: pl.InOut[pl.Tensor[[16, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="row"):
        out[0:1, :] = pl.exp(a[0:1, :])
    return out


@pl.jit
def unmarked_output(x: pl.Tensor[[64, 128], pl.FP32], y: pl.Tensor[[64, 128], pl.FP32]):
    for i in pl.spmd(4, name_hint="quarters"):
        off = i * 16
        y[off:off + 16, :] = pl.mul(x[off:off + 16, :], 2.0)  # <- here
    return y


def _marked_line(fn) -> int:
    lines, first = inspect.getsourcelines(fn.fn)
    return first + next(i for i, line in enumerate(lines) if "# <- here" in line)


def _directions(module, symbol: str) -> dict[str, Direction]:
    func = next(f for f in module.ops if getattr(f, "sym_name", None) is not None and f.sym_name.data == symbol)
    pairs = zip(func.body.block.args, func.arg_attrs.data)
    return {a.name_hint: d.data["pl.dir"].data for a, d in pairs if "pl.dir" in d.data}


def test_walkthrough_directions_and_dispatches() -> None:
    module = scale_rows.lower(T64, T64, True)
    # y is written in disjoint blocks covering it on both paths: a pure output
    assert _directions(module, "scale_rows") == {"x": Direction.IN, "y": Direction.OUT}
    assert _directions(module, "quarters") == {"x": Direction.IN, "y": Direction.OUT}
    blocks = {d.name_hint.data: constant_int(d.blocks) for d in module.walk() if isinstance(d, DispatchOp)}
    assert blocks == {"quarters": 4, "rows": 1}


def test_partially_written_inout_entry_tensor_stays_inout() -> None:
    assert _directions(first_row.lower(T16, T16), "first_row") == {"a": Direction.IN, "out": Direction.INOUT}


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (rebound, "'out' is reassigned here instead of written"),
        (accumulate, "'out' is declared Out but its old contents are read here before being written; mark it pl.InOut"),
        (unmarked_output, "'y' is written here but declared In; mark it pl.Out (or pl.InOut if its old contents are read)"),
    ],
)
def test_errors_point_at_the_users_line(fn, message: str) -> None:
    shape = T64 if fn is unmarked_output else T16
    with pytest.raises(PlDiagnostic) as info:
        fn.lower(shape, shape)
    assert message in info.value.message
    assert info.value.loc.file == inspect.getsourcefile(fn.fn)
    assert info.value.loc.line == _marked_line(fn)
