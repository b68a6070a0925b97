"""PyPTO's `pl.array` of `pl.TASK_ID`: collecting a loop's task ids for a later `deps=[...]`.

A task id is compile-time in ppc (a set of labels, frontend/tasks.py), but an array element indexed by a
loop variable is not: `tids[g] = tid` in iteration g and `deps=[tids[g]]` later must name iteration g's
dispatch.  So an array is a run-time object of the orchestration (dialects/array_ops.py): the frontend
emits `pl.task_ids.create/set/get` and an element read becomes a fresh label that the reading scope's
`deps` name.  The edges are exactly PyPTO's, with one conservative difference: arrays are updated in
place (PyPTO's arrays are SSA values that its codegen lowers to in-place C-stack updates), so after
`b = pl.array.update_element(a, i, t)` the array `a` also holds `t` - more ordering, never less.
Explicit edges only add ordering on top of the tracked data dependencies, so they never change results.

Arrays of other dtypes (PyPTO's run-time INT32 counters) are refused with a located error.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from typing import Any

from xdsl.dialects.builtin import ArrayAttr, IntegerAttr, i64

from ppc.dialects.array_ops import TaskIdsCreateOp, TaskIdsGetOp, TaskIdsSetOp
from ppc.dialects.diagnostics import brief

from .tasks import TaskRef


@dataclass(frozen=True, eq=False)
class TaskArray:
    """A `pl.array.create(size, pl.TASK_ID)` value: array `number` of the module's run-time task-id arrays."""

    number: int
    size: int

    def __repr__(self) -> str:
        return f"pl.Array[{self.size}, pl.TASK_ID]"

    def dep_label(self, builder: Any, node: ast.AST) -> int:
        """`deps=[array]`: a fresh label naming every element's tasks."""
        _orchestration_only(builder, node, "a pl.array dependency")
        label = next(builder.module.task_labels)
        builder.emit(TaskIdsGetOp.create(properties={"array": _attr(self.number), "into": _attr(label)}), node)
        return label


def _attr(n: int) -> IntegerAttr:
    return IntegerAttr(n, i64)


def _orchestration_only(builder: Any, node: ast.AST, what: str) -> None:
    if builder.task_context:
        raise builder.error(node, f"{what} is only allowed in orchestration code, not inside a task scope or kernel")


class ArrayOp:
    """A `pl.array.*` construct; it reads its own arguments (`pl_call`) because task ids are compile-time."""

    def __init__(self, name: str, run: Any):
        self.__name__ = f"array.{name}"
        self._run = run

    def pl_call(self, builder: Any, node: ast.Call) -> Any:
        args, kwargs = builder.call_args(node)
        try:
            inspect.signature(self._run).bind(builder, node, *args, **kwargs)
        except TypeError as err:
            raise builder.error(node, f"wrong arguments to pl.{self.__name__}: {err}") from None
        _orchestration_only(builder, node, f"pl.{self.__name__}")
        return self._run(builder, node, *args, **kwargs)


def create(builder: Any, node: ast.Call, extent: Any, dtype: Any) -> TaskArray:
    from .language import TASK_ID, DType

    if not isinstance(extent, int) or isinstance(extent, bool) or extent < 1:
        raise builder.error(node, f"pl.array.create needs a positive compile-time extent, got {brief(extent)}")
    if dtype != TASK_ID:
        shown = dtype if isinstance(dtype, DType) else repr(dtype)
        raise builder.error(
            node, f"pl.array.create of {shown} (a run-time scalar array) is not supported by ppc; "
            "only pl.TASK_ID arrays (task ids for deps=) are"
        )
    array = TaskArray(next(builder.module.task_labels), extent)
    builder.emit(TaskIdsCreateOp.create(properties={"array": _attr(array.number), "size": _attr(extent)}), node)
    return array


def get_element(builder: Any, node: ast.AST, array: Any, index: Any) -> TaskRef:
    """`array[index]`: a fresh label naming, from here on, what the element holds now."""
    _check_array(builder, node, array)
    _orchestration_only(builder, node, "reading a pl.array element")
    label = next(builder.module.task_labels)
    op = TaskIdsGetOp.create(
        operands=[_index(builder, node, array, index)], properties={"array": _attr(array.number), "into": _attr(label)}
    )
    builder.emit(op, node)
    return TaskRef(frozenset({label}))


def update_element(builder: Any, node: ast.AST, array: Any, index: Any, value: Any) -> TaskArray:
    """`array[index] = value`, in place; returns the array (PyPTO's functional form rebinds it)."""
    _check_array(builder, node, array)
    _orchestration_only(builder, node, "writing a pl.array element")
    if not isinstance(value, TaskRef):
        raise builder.error(
            node, f"a pl.TASK_ID array element takes a task id ('with pl.at(...) as tid', pl.system.task_dummy, "
            f"another element), got {getattr(value, 'type', repr(value))}"
        )
    props = {"array": _attr(array.number), "from": ArrayAttr([_attr(x) for x in sorted(value.labels)])}
    builder.emit(TaskIdsSetOp.create(operands=[_index(builder, node, array, index)], properties=props), node)
    return array


def _check_array(builder: Any, node: ast.AST, array: Any) -> None:
    if not isinstance(array, TaskArray):
        raise builder.error(node, f"expected a pl.array (pl.array.create(n, pl.TASK_ID)), got {brief(array)}")


def _index(builder: Any, node: ast.AST, array: TaskArray, index: Any) -> Any:
    if isinstance(index, int) and not isinstance(index, bool) and not 0 <= index < array.size:
        raise builder.error(node, f"index {index} is out of range for {brief(array)}")
    return builder.index(index, node)

