"""PyPTO's task ids at compile time: what `with pl.at(...) as tid`, `pl.system.task_dummy` and `deps=[...]` name.

A TaskId names the task scopes it may stand for, by label (`pl.task` on the scope op, kept on its
`pl.dispatch`).  `deps=[...]` becomes the scope's `pl.deps` labels; at run time a dispatch waits, besides
its TensorMap producers, for the dispatches each label names: a scope's label its latest dispatch, a label
read from a `pl.array` element what was stored there (frontend/arrays.py, runtime/dispatch.py).  Explicit
edges only add ordering on top of the tracked ones (PyPTO: "auto-tracked deps ∪ explicit deps"), so they
change the modelled timing, never a result.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from xdsl.dialects.builtin import ArrayAttr, IntegerAttr, UnitAttr, i64
from xdsl.ir import Operation

from ppc.dialects.diagnostics import brief


@dataclass(frozen=True)
class TaskRef:
    """A `pl.Scalar[pl.TASK_ID]` value: the labels of the task scopes it may name (none: an invalid id)."""

    labels: frozenset[int]
    # names a pl.system.task_dummy: folded into its deps' labels here, but a task of its own in the runtime,
    # one never flagged allow_early_resolve, so its consumers cannot pre-stage (runtime/npu/sim.py)
    dummy: bool = False

    def __repr__(self) -> str:
        return f"TaskId({', '.join(map(str, sorted(self.labels))) or 'invalid'})"


class TaskDummy:
    """`pl.system.task_dummy(deps=[...])`: a dependency join that runs nothing; its TaskId stands for all deps."""

    __name__ = "system.task_dummy"

    def pl_call(self, builder: Any, node: ast.Call) -> TaskRef:
        args, kwargs = builder.call_args(node)
        if args or set(kwargs) - {"deps"}:
            raise builder.error(node, "pl.system.task_dummy takes only deps=[...]")
        return TaskRef(frozenset(dep_labels(kwargs.get("deps"), builder, node)), dummy=True)


def dep_labels(deps: Any, builder: Any, node: ast.AST) -> list[int]:
    """The labels a `deps=[...]` list names; `None` entries name nothing."""
    if deps is None:
        return []
    if not isinstance(deps, list | tuple):
        raise builder.error(node, f"deps must be a list of task ids, got {brief(deps)}")
    labels: set[int] = set()
    for d in deps:
        if isinstance(d, TaskRef):
            labels |= d.labels
        elif hasattr(d, "dep_label"):  # a whole pl.array of task ids (frontend/arrays.py)
            labels.add(d.dep_label(builder, node))
        elif d is not None:
            raise builder.error(
                node, f"deps entries must be task ids ('with pl.at(...) as tid', pl.system.task_dummy, a pl.array "
                f"of them or its element) or None, "
                f"got {getattr(d, 'type', d)}"
            )
    return sorted(labels)


def via_dummy(deps: Any) -> bool:
    """Whether a (checked) `deps=[...]` list names a pl.system.task_dummy."""
    return any(isinstance(d, TaskRef) and d.dummy for d in deps or ())


def mark_task(
    op: Operation, label: int | None, deps: Iterable[int], early_resolve: bool, sync_start: bool, dummy: bool = False
) -> None:
    """Put a scope's task attributes on it: its label (if a task id names it), explicit deps (`dummy`: one of
    them is a pl.system.task_dummy), scheduling hints."""
    if label is not None:
        op.attributes["pl.task"] = IntegerAttr(label, i64)
    deps = list(deps)
    if deps:
        op.attributes["pl.deps"] = ArrayAttr([IntegerAttr(d, i64) for d in deps])
    if dummy:
        op.attributes["pl.via_dummy"] = UnitAttr()
    if early_resolve:
        op.attributes["pl.early_resolve"] = UnitAttr()
    if sync_start:
        op.attributes["pl.sync_start"] = UnitAttr()
