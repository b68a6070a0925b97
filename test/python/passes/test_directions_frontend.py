"""Direction inference and checks on real frontend output (`@pl.jit` → `lower()` → default pipeline).

The messages must point at the user's own line: the kernels below mark the offending statements with
`# <- here`, and the test compares the reported `file:line` with that line.
"""

from __future__ import annotations

import inspect

import pytest

from ppc import pl
from ppc.dialects.attributes import Direction
from ppc.dialects.diagnostics import PlDiagnostic, capture_diagnostics
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


STATE = pl.Tensor[[4, 8, 64], pl.FP32]
POOLED = pl.Tensor[[4, 2, 64], pl.FP32]


@pl.jit.inline
def scatter_then_pool(x, state, pooled, slot):
    """The PR #659 shape: one slot of the state is written through a flat view, then all slots are read."""
    flat = pl.reshape(state, [4, 512])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="scatter"):
        flat = pl.assemble(flat, x[:, :], [0, slot * 64])
    pooled_rows = pl.reshape(pooled, [8, 64])
    for h in pl.spmd(2, name_hint="pool"):
        acc = pl.full([2, 64], dtype=pl.FP32, value=0.0)
        for s in pl.range(8):
            acc = pl.add(acc, flat[h * 2 : h * 2 + 2, s * 64 : s * 64 + 64])  # <- here
        pooled_rows = pl.assemble(pooled_rows, acc, [h * 4, 0])  # flat rows 0-1 and 4-5: pooled[0] and pooled[2]
    return pl.reshape(flat, [4, 8, 64]), pl.reshape(pooled_rows, [4, 2, 64])


@pl.jit
def slot_state_out(x: pl.Tensor[[4, 64], pl.FP32], state: pl.Out[STATE], pooled: pl.Out[POOLED], slot: pl.Scalar[pl.INDEX]):
    state, pooled = scatter_then_pool(x, state, pooled, slot)
    return state, pooled


@pl.jit
def slot_state_inout(x: pl.Tensor[[4, 64], pl.FP32], state: pl.InOut[STATE], pooled: pl.Out[POOLED], slot: pl.Scalar[pl.INDEX]):
    state, pooled = scatter_then_pool(x, state, pooled, slot)
    return state, pooled


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


@pl.jit
def first_row_unmarked(a: T16, out: T16):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="row"):
        out[0:1, :] = pl.exp(a[0:1, :])
    return out


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


def test_a_written_unmarked_entry_tensor_is_inferred() -> None:
    """PyPTO promotes an unmarked (In) orchestration tensor that its kernels write to their Out/InOut
    (ConvertTensorToTileOps, phase 3), so the caller receives the writes: ppc infers it the same way."""
    assert _directions(unmarked_output.lower(T64, T64), "unmarked_output") == {"x": Direction.IN, "y": Direction.OUT}
    assert _directions(first_row_unmarked.lower(T16, T16), "first_row_unmarked") == {
        "a": Direction.IN, "out": Direction.INOUT}


def test_partially_written_inout_entry_tensor_stays_inout() -> None:
    assert _directions(first_row.lower(T16, T16), "first_row") == {"a": Direction.IN, "out": Direction.INOUT}


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (rebound, "'out' is reassigned here instead of written"),
        (accumulate, "but its old contents may be read here (no earlier write certainly covers the region read); mark it pl.InOut"),
    ],
)
def test_errors_point_at_the_users_line(fn, message: str) -> None:
    with pytest.raises(PlDiagnostic) as info:
        fn.lower(T16, T16)
    assert message in info.value.message
    assert info.value.loc.file == inspect.getsourcefile(fn.fn)
    assert info.value.loc.line == _marked_line(fn)


def test_declared_out_read_after_a_partial_write_names_the_parameter_and_its_declaration() -> None:
    """Through an inline helper, a reshape view, a task scope and a loop, the read of slot 1 (never written)
    is reported at the user's line; the message names `state` and where it was declared."""
    with pytest.raises(PlDiagnostic) as info:
        slot_state_out.lower(pl.Tensor[[4, 64], pl.FP32], STATE, POOLED, 0)
    lines, first = inspect.getsourcelines(slot_state_out.fn)
    line = first + next(i for i, text in enumerate(lines) if text.startswith("def "))
    where = f"{inspect.getsourcefile(slot_state_out.fn)}:{line}"
    assert info.value.message.startswith(f"'state' is declared Out (by 'slot_state_out' at {where}:")
    assert "mark it pl.InOut" in info.value.message
    assert info.value.loc.line == _marked_line(scatter_then_pool)


def test_the_same_state_as_inout_passes_and_the_partial_out_is_a_warning() -> None:
    with capture_diagnostics() as found:
        module = slot_state_inout.lower(pl.Tensor[[4, 64], pl.FP32], STATE, POOLED, 0)
    assert _directions(module, "slot_state_inout")["state"] == Direction.INOUT
    warnings = [d.message for d in found if d.severity == "warning"]
    assert warnings == [
        "'pooled' is declared Out but pooled[1:2, 0:2, 0:64], pooled[3:4, 0:2, 0:64] is never written: an Out is "
        "not copied to the device, so those elements reach the caller undefined; write them or mark it pl.InOut"
    ]
