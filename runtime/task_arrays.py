"""Executing `pl.task_ids.*` (dialects/array_ops.py) on the orchestration's `RunState`.

They only move sets of dispatch numbers between labels and array elements; a dispatch turns its `pl.deps`
labels into dependencies of its simulated task (runtime/dispatch.py), so they change timing, never data.
"""

from __future__ import annotations

from ..dialects.array_ops import TaskIdsCreateOp, TaskIdsGetOp, TaskIdsSetOp
from .errors import PlRuntimeError
from .interp import FunctionCompiler, handles


@handles(TaskIdsCreateOp)
def _create(op: TaskIdsCreateOp, c: FunctionCompiler):
    array, size = op.array.value.data, op.size.value.data

    def run(f) -> None:
        f.rec.task_arrays[array] = [frozenset()] * size

    return run


def _element(op: TaskIdsSetOp | TaskIdsGetOp, c: FunctionCompiler):
    """A closure giving (elements, index) of the op's array, checking the index against its size."""
    array, slot = op.array.value.data, c.slot(op.index)

    def element(f) -> tuple[list, int]:
        elements, i = f.rec.task_arrays[array], f.r[slot]
        if not 0 <= i < len(elements):
            raise PlRuntimeError(f"task-id array index {i} is out of range for an array of {len(elements)}", op)
        return elements, i

    return element


@handles(TaskIdsSetOp)
def _set(op: TaskIdsSetOp, c: FunctionCompiler):
    element = _element(op, c)
    sources = [label.value.data for label in op.sources]

    def run(f) -> None:
        elements, i = element(f)
        elements[i] = f.rec.named(sources)

    return run


@handles(TaskIdsGetOp)
def _get(op: TaskIdsGetOp, c: FunctionCompiler):
    array, into = op.array.value.data, op.into.value.data
    if op.index is None:

        def run_all(f) -> None:
            f.rec.latest[into] = frozenset().union(*f.rec.task_arrays[array])

        return run_all
    element = _element(op, c)

    def run(f) -> None:
        elements, i = element(f)
        f.rec.latest[into] = elements[i]

    return run
