"""Emitting `pl.tile.*` / `pl.tensor.*` calls (frontend/namespaces.py): one adapter for every explicit op.

The call is bound against the stub's PyPTO signature, each parameter checked against its annotation (a
tile where PyPTO wants a Tile, a default where ppc cannot honour an option, ...), scratch and hint
parameters dropped, and the rest handed to the ppc op the stub names.  Also the few ops with no unified
twin to forward to: `pl.create_tile`, `pl.get_block_idx`, `pl.tile.move` and `pl.tile.store`.
"""

from __future__ import annotations

import ast
import inspect
from typing import TYPE_CHECKING, Any

from xdsl.dialects.builtin import StringAttr
from xdsl.ir import OpResult, SSAValue

from ppc.dialects.task_ops import BlockIdxOp
from ppc.dialects.types import DYNAMIC, TileType

from . import language as pl
from . import ops
from .emitter import show
from .namespaces import Explicit

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_DROPPED = ("Scratch", "Hint", "Fixed")


def _check(b: FunctionBuilder, op: str, node: ast.AST, param: inspect.Parameter, value: Any) -> None:
    """Refuse an argument PyPTO would refuse (a Tensor for a Tile, ...) or ppc cannot honour (a `Fixed`)."""
    kind = param.annotation
    what = f"'{param.name}' of pl.{op}"
    shaped = ops.is_shaped(value)
    if kind == "Fixed" and not (value is param.default or value == param.default):
        raise b.error(node, f"{what} is not supported by ppc (only its default {param.default!r}), got {show(value)}")
    if kind in ("Tile", "Scratch", "TileOrScalar") and shaped and not isinstance(value.type, TileType):
        raise b.error(node, f"{what} must be a tile (loaded or created inside a task scope), got a tensor {value.type}")
    if kind in ("Tile", "Tensor") and not shaped:
        raise b.error(node, f"{what} must be a {kind.lower()}, got {show(value)}")
    if kind == "Scratch" and not shaped and value is not None:
        raise b.error(node, f"{what} must be a scratch tile, got {show(value)}")
    if kind == "Scalar" and (shaped or not isinstance(value, SSAValue | int | float)):
        raise b.error(node, f"{what} must be a scalar, got {show(value)}")


def emit_explicit(b: FunctionBuilder, callee: Any, node: ast.Call) -> Any:
    """Emit a call of an explicit-namespace op (its stub carries `__pl_explicit__`)."""
    name: str = callee.__pl_name__
    spec: Explicit = callee.__pl_explicit__
    args = b.bind(callee, node)
    params = inspect.signature(callee.__pl_signature__).parameters
    for key, value in args.items():
        _check(b, name, node, params[key], value)
    if spec.in_task:
        b.require_task(node, f"pl.{name}")
    kept = {k: v for k, v in args.items() if params[k].annotation not in _DROPPED}
    target = pl.OPS.get(spec.target)
    if target is None:  # an emitter of its own, taking the stub's arguments
        return _placed(ops.EMITTERS[spec.target](b, name, node, kept), args.get("target_memory"))
    try:
        positional, keywords = spec.forward(kept) if spec.forward else (tuple(kept.values()), {})
    except ValueError as err:  # an argument combination the mapping refuses
        raise b.error(node, f"pl.{name}: {err}") from None
    return _placed(forward_to(b, name, node, spec.target, positional, keywords), args.get("target_memory"))


def _placed(value: Any, space: Any) -> Any:
    """Keep an explicit `target_memory=` on the op making the tile: it places the tile, which the capacity
    check (passes/tile_buffers.py) counts where the author put it."""
    if isinstance(value, OpResult) and isinstance(value.type, TileType) and isinstance(space, str):
        value.owner.attributes["pl.target_memory"] = StringAttr(space)
    return value


def forward_to(b: FunctionBuilder, name: str, node: ast.AST, target: str, args: Any, kwargs: dict[str, Any]) -> Any:
    """Emit ppc's op `target` for `pl.<name>`; an option the ppc op does not take is refused at the call."""
    try:
        bound = inspect.signature(pl.OPS[target].__pl_signature__).bind(*args, **kwargs)
    except TypeError as err:
        raise b.error(node, f"pl.{name} with these arguments is not supported by ppc ({err})") from None
    bound.apply_defaults()
    return ops.EMITTERS[target](b, target, node, bound.arguments)


@ops.emitter("create_tile", "create_l1")
def create_tile(b: FunctionBuilder, _name: str, node: ast.AST, a: ops.Args) -> Any:
    return ops.EMITTERS["full"](b, "create_tile", node, {"shape": a["shape"], "dtype": a["dtype"], "value": 0})


@ops.emitter("get_block_idx")
def get_block_idx(b: FunctionBuilder, name: str, node: ast.AST, _a: ops.Args) -> Any:
    b.require_task(node, f"pl.{name}")
    return b.build(node, BlockIdxOp, check=False)  # verified once it sits in its task body


@ops.emitter("tile.move")
def move(_b: FunctionBuilder, _name: str, _node: ast.AST, a: ops.Args) -> Any:
    """A copy to another memory space: the same values (ppc's tiles carry no placement the executor reads)."""
    return a["tile"]


@ops.emitter("tile.store")
def store(b: FunctionBuilder, name: str, node: ast.AST, a: ops.Args) -> Any:
    """`store(tile, offsets, output_tensor[, shapes])` writes the tile's valid part, as `pl.assemble` does.
    PyPTO's `shapes` is a partition descriptor its codegen reads; ppc takes it only where it describes
    exactly what is written: the tile's shape, or its (static) valid shape."""
    tile = a["tile"]
    if a["shapes"] is not None:
        shapes = b.ints(a["shapes"], f"'shapes' of pl.{name}", node)
        t = tile.type
        valid = t.get_valid_shape() if t.get_valid_shape() is not None else t.get_shape()
        if shapes not in (t.get_shape(), tuple(valid)) or DYNAMIC in shapes:
            raise b.error(
                node, f"'shapes' of pl.{name} must be the tile's shape {list(t.get_shape())} or its static valid "
                f"shape; ppc does not support the partition {list(shapes)}"
            )
    atomic = {} if a["atomic"] is None else {"atomic": a["atomic"]}
    return forward_to(b, name, node, "assemble", (a["output_tensor"], tile, a["offsets"]), atomic)


@ops.emitter("tile.gather")
def tile_gather(b: FunctionBuilder, name: str, node: ast.AST, a: ops.Args) -> Any:
    """PyPTO's tile-level index form reads the source as one row-major array (TGATHER's flat offsets:
    callers add `row * cols` themselves): out[i, j] = src.flat[indices[i, j]], i.e. pl.gather along the
    one row of the flattened source."""
    src, index = a["src"], a["indices"]

    def flat(v: Any) -> Any:
        n = 1
        for d in v.type.get_shape():
            n *= d
        return forward_to(b, name, node, "reshape", (v, [1, n]), {})

    out = forward_to(b, name, node, "gather", (flat(src), 1, flat(index)), {})
    return forward_to(b, name, node, "reshape", (out, list(index.type.get_shape())), {})
