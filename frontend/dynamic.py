"""Dynamic dimensions in a kernel body: `x.bind_dynamic(axis, SYM)` and `pl.tensor.dim(x, axis)`.

An axis annotated with a `pl.dynamic` symbol is `?` in the IR; `bind_dynamic` only restates that (PyPTO
needs it to mark the axis), so it is checked against the annotation and emits nothing.  `pl.tensor.dim`
is the axis size: a compile-time integer for a static axis, a `pl.dim` op (read from the argument at run
time) for a dynamic one.  A helper's annotated-dynamic axis stays dynamic in PyPTO even when the caller
passes a static one, so its size is read at run time too: shapes derived from it (`pl.reshape(x, [t, D])`)
are dynamic, and a window read past it is the run-time bounds check's to report, not a compile-time one.  A GM tensor shape may hold run-time sizes (`tensor_shape`): they become `?`
dimensions sized by operands of `pl.create_tensor` / `pl.reshape`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xdsl.ir import SSAValue

from ppc.dialects import data_ops as D
from ppc.dialects.diagnostics import brief
from ppc.dialects.types import DYNAMIC

from . import language as pl
from . import ops
from .emitter import show

if TYPE_CHECKING:
    from .builder import FunctionBuilder


@dataclass(frozen=True)
class BindDynamic:
    """`x.bind_dynamic` before the call: the receiver's AST (a parameter name, not evaluated)."""

    receiver: ast.expr

    def call(self, b: FunctionBuilder, node: ast.Call) -> None:
        if not isinstance(self.receiver, ast.Name) or self.receiver.id not in b.param_specs:
            raise b.error(node, "bind_dynamic applies to a tensor parameter of the function (x.bind_dynamic(0, T_DYN))")
        name = self.receiver.id
        args, kwargs = b.call_args(node)
        if kwargs or len(args) != 2:
            raise b.error(node, "bind_dynamic takes (axis, pl.dynamic symbol)")
        axis, sym = args
        spec = b.param_specs[name]
        if not spec.is_tensor:
            raise b.error(node, f"'{name}' is a scalar: only tensor parameters have dimensions to bind")
        rank = spec.type.rank  # type: ignore[union-attr]
        if not isinstance(axis, int) or isinstance(axis, bool) or not -rank <= axis < rank:
            raise b.error(node, f"bind_dynamic axis must be a constant in [0, {rank}) for '{name}', got {brief(axis)}")
        if not isinstance(sym, pl.DynVar):
            raise b.error(node, f"bind_dynamic needs a pl.dynamic symbol, got {brief(sym)}")
        declared = (b.declared[name] or ("",) * rank)[axis]
        if declared != sym.name:
            said = f"pl.dynamic({declared!r})" if declared else f"the static size {spec.type.get_shape()[axis]}"
            raise b.error(
                node, f"'{name}' axis {axis} is annotated with {said}, so it cannot be bound to {sym!r}"
            )


@ops.emitter("tensor.dim")
def tensor_dim(b: FunctionBuilder, _name: str, node: ast.AST, a: ops.Args) -> Any:
    src = b.shaped(a["tensor"], "the tensor of pl.tensor.dim", node)
    shape = src.type.get_shape()  # type: ignore[union-attr]
    axis = a["axis"]
    if not isinstance(axis, int) or isinstance(axis, bool) or not -len(shape) <= axis < len(shape):
        raise b.error(node, f"pl.tensor.dim axis must be a constant in [0, {len(shape)}), got {brief(axis)}")
    axis %= len(shape)
    if shape[axis] != DYNAMIC and not b.declared_of.get(src, ("",) * len(shape))[axis]:
        return shape[axis]
    return b.build(node, lambda: D.DimOp(src, axis))


def tensor_shape(b: FunctionBuilder, v: Any, what: str, node: ast.AST) -> tuple[tuple[int, ...], list[SSAValue]]:
    """A GM tensor shape that may hold run-time sizes: the dims (`?` for each run-time one) and the size
    operands, in order (`pl.create_tensor([t_dim, D])`, `pl.reshape(x, [t_dim * H, D])`)."""
    items = list(v) if isinstance(v, list | tuple) else [v]
    if not any(isinstance(x, SSAValue) for x in items):
        return b.ints(items, what, node), []
    dims = [DYNAMIC if isinstance(x, SSAValue) else x for x in items]
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
        raise b.error(node, f"{what} must be integers, got {show(v)}")
    return tuple(dims), b.indices([x for x in items if isinstance(x, SSAValue)], what, node)
