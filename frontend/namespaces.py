"""PyPTO's explicit op namespaces `pl.tile.*` and `pl.tensor.*`: PyPTO's own signatures, mapped onto ppc's ops.

`pl.add` etc. dispatch on their operands; `pl.tile.add` / `pl.tensor.add` name the tile or tensor form
outright.  Each stub below has the parameters of PyPTO's op (so a call binds exactly as in PyPTO) and says
in its annotations what every parameter is; frontend/explicit.py checks those and hands the call to the
ppc op named by `@tile_op(...)` / `@tensor_op(...)`:

  Tile          a tile (a value inside a task scope); a GM tensor is refused, as PyPTO refuses a Tensor.
  Tensor        a tensor: a GM tensor, or a tile (ppc's tiles also stand for PyPTO tensors sliced or computed
                inside a task scope, which a pl.tensor op takes).
  TileOrScalar  a tile or a scalar.          Scalar   a scalar, not a tile or tensor.
  Scratch       a hardware scratch tile: checked, then dropped (the executor needs no scratch space).
  Hint          a placement or precision hint (memory space, layout, high_precision): dropped.
  Fixed         an option ppc cannot honour: only its default is accepted.
Other parameters go to the ppc op unchanged, positionally in stub order (or as `forward` arranges).
A name PyPTO has in these namespaces but ppc does not is refused at the call (frontend/expressions.py).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ppc.dialects.attributes import PadValue as _Pad

from .stub import stub

Tile = Tensor = TileOrScalar = Scalar = Scratch = Hint = Fixed = Any
"""The parameter kinds above; only their names matter (annotations stay strings, read by frontend/explicit.py)."""

Forward = Callable[[dict[str, Any]], tuple[tuple[Any, ...], dict[str, Any]]]


@dataclass(frozen=True)
class Explicit:
    """How a `pl.tile.X` / `pl.tensor.X` call becomes a ppc op: `target` (a key of `ops.EMITTERS`) and,
    where the parameters do not line up positionally, `forward` (bound arguments -> (args, kwargs))."""

    target: str
    forward: Forward | None = None
    in_task: bool = False  # the result is a tile, so the call must be inside a task scope


def _op(namespace: str, target: str | None, forward: Forward | None, updates: str | None, in_task: bool):
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        name = fn.__name__
        fn.__name__ = f"{namespace}.{name}"
        op = stub(fn, updates)
        op.__pl_explicit__ = Explicit(target or name, forward, in_task)  # type: ignore[attr-defined]
        return op

    return wrap


def tile_op(target: str | None = None, forward: Forward | None = None, updates: str | None = None, in_task: bool = False):
    return _op("tile", target, forward, updates, in_task)


def tensor_op(target: str | None = None, forward: Forward | None = None, updates: str | None = None):
    return _op("tensor", target, forward, updates, False)


def promote(op: Callable[..., Any]) -> Callable[..., Any]:
    """The same op under its top-level name, as PyPTO promotes `pl.tile.load` to `pl.load`."""
    fn = op.__pl_signature__
    name = fn.__name__.split(".")[-1]
    copy = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    copy.__kwdefaults__, copy.__annotations__, copy.__doc__ = fn.__kwdefaults__, fn.__annotations__, fn.__doc__
    promoted = stub(copy, op.__pl_updates__)
    promoted.__pl_explicit__ = op.__pl_explicit__  # type: ignore[attr-defined]
    return promoted


def _arange(a: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """`ci(start, shape, dtype, descending)` -> `pl.arange(start, shape, dtype=..., descending=...)`."""
    return (a["start"], a["shape"]), {"dtype": a["dtype"], "descending": a["descending"]}


def _load(a: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """`load(tensor, offsets, shapes, valid_shape)` -> `pl.slice(tensor, shapes, offsets, valid_shape)`.
    `valid_shapes=` is the spelling PyPTO used before its #2233 (files of that era pass it)."""
    if a["valid_shape"] is not None and a["valid_shapes"] is not None:
        raise ValueError("pass valid_shape or its older spelling valid_shapes, not both")
    valid = a["valid_shape"] if a["valid_shapes"] is None else a["valid_shapes"]
    return (a["tensor"], a["shapes"], a["offsets"], valid), {}


def _atomic_assemble(a: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """`atomic=` goes to `pl.assemble` only when given (ppc refuses it where its assemble has no such option)."""
    return (a["target"], a["source"], a["offset"]), {} if a["atomic"] is None else {"atomic": a["atomic"]}


def _mrgsort(a: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Both formats go to `pl.mrgsort` (only the tile form has a `tmp`)."""
    lists = (a["src0"], a["src1"], a["src2"], a["src3"], a.get("tmp"))
    return lists, {"exhausted": a["exhausted"], "block_len": a["block_len"]}


def _keywords_after(n: int) -> Forward:
    """The first `n` parameters positionally, the rest (keyword-only in the ppc op) by name."""

    def forward(a: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        items = list(a.items())
        return tuple(v for _, v in items[:n]), dict(items[n:])

    return forward


def _transpose_view(a: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """NZ <-> ZN over the same bytes: the values of the trailing two axes, transposed."""
    return (a["tile"], -2, -1), {}


class MaskPattern:
    """Selectors of the mask form of `pl.gather` (PyPTO's values: positions kept, lowest bit first)."""

    P0101 = 1
    P1010 = 2
    P0001 = 3
    P0010 = 4
    P0100 = 5
    P1000 = 6
    P1111 = 7


class tile:  # noqa: N801 - PyPTO spells the namespace `pl.tile`
    """`pl.tile.*`: tile-level ops (PyPTO's `pypto.language.op.tile_ops`)."""

    __pl_namespace__ = "tile"

    MaskPattern = MaskPattern

    @tile_op("create_tile")
    def create(shape: Sequence[Any], dtype: Any, target_memory: Hint = None, transpose: Hint = None, *, flat_layout: Hint = None) -> Any: ...  # noqa: E501
    @tile_op()
    def read(tile: Tile, indices: Any) -> Any: ...
    @tile_op(updates="tile")
    def write(tile: Tile, indices: Any, value: Any) -> Any: ...
    @tile_op("slice", _load, in_task=True)
    def load(tensor: Tensor, offsets: Any, shapes: Any, valid_shape: Any = None, target_memory: Hint = None, clamp: Fixed = False, valid_shapes: Any = None) -> Any: ...  # noqa: E501
    @tile_op("tile.store", updates="output_tensor")
    def store(tile: Tile, offsets: Any, output_tensor: Tensor, shapes: Any = None, *, atomic: Any = None) -> Any: ...
    @tile_op("tile.move")
    def move(tile: Tile, target_memory: Hint = None, blayout: Hint = None, slayout: Hint = None) -> Any: ...
    @tile_op(updates="target")
    def assemble(target: Tile, source: Tile, offset: Any) -> Any: ...
    @tile_op()
    def full(shape: Any, dtype: Any, value: Any) -> Any: ...
    @tile_op("arange", _arange)
    def ci(start: Any, shape: Any, dtype: Any = None, descending: Any = False) -> Any: ...
    @tile_op("arange", _arange)
    def arange(start: Any, shape: Any, dtype: Any = None, descending: Any = False) -> Any: ...
    @tile_op()
    def fillpad(tile: Tile, pad_value: Any = _Pad.ZERO) -> Any: ...
    @tile_op()
    def get_block_idx() -> Any: ...

    @tile_op()
    def add(lhs: Tile, rhs: TileOrScalar) -> Any: ...
    @tile_op()
    def sub(lhs: Tile, rhs: TileOrScalar) -> Any: ...
    @tile_op()
    def mul(lhs: Tile, rhs: TileOrScalar) -> Any: ...
    @tile_op()
    def div(lhs: Tile, rhs: TileOrScalar, high_precision: Hint = False) -> Any: ...
    @tile_op("add")
    def adds(lhs: Tile, rhs: Scalar) -> Any: ...
    @tile_op("sub")
    def subs(lhs: Tile, rhs: Scalar) -> Any: ...
    @tile_op("mul")
    def muls(lhs: Tile, rhs: Scalar) -> Any: ...
    @tile_op("div")
    def divs(lhs: Tile, rhs: Scalar) -> Any: ...
    @tile_op()
    def maximum(lhs: Tile, rhs: Tile) -> Any: ...
    @tile_op()
    def minimum(lhs: Tile, rhs: Tile) -> Any: ...
    @tile_op("maximum")
    def maximums(lhs: Tile, rhs: Scalar) -> Any: ...
    @tile_op("minimum")
    def minimums(lhs: Tile, rhs: Scalar) -> Any: ...
    @tile_op()
    def neg(tile: Tile) -> Any: ...
    @tile_op()
    def exp(tile: Tile) -> Any: ...
    @tile_op()
    def sqrt(tile: Tile) -> Any: ...
    @tile_op()
    def rsqrt(tile: Tile, tmp: Scratch = None) -> Any: ...
    @tile_op()
    def recip(tile: Tile, high_precision: Hint = False) -> Any: ...
    @tile_op()
    def log(tile: Tile, high_precision: Hint = False) -> Any: ...
    @tile_op()
    def abs(tile: Tile) -> Any: ...  # noqa: A003
    @tile_op()
    def relu(tile: Tile) -> Any: ...
    @tile_op()
    def cast(tile: Tile, target_type: Any, mode: Any = None) -> Any: ...

    @tile_op()
    def matmul(lhs: Tile, rhs: Tile) -> Any: ...
    @tile_op()
    def matmul_acc(acc: Tile, lhs: Tile, rhs: Tile, init_cond: Fixed = None) -> Any: ...

    @tile_op()
    def row_max(tile: Tile, tmp_tile: Scratch) -> Any: ...
    @tile_op()
    def row_sum(tile: Tile, tmp_tile: Scratch) -> Any: ...
    @tile_op()
    def row_min(tile: Tile, tmp_tile: Scratch) -> Any: ...
    @tile_op()
    def col_sum(tile: Tile, tmp_tile: Scratch = None) -> Any: ...
    @tile_op()
    def col_max(tile: Tile) -> Any: ...
    @tile_op()
    def row_argmax(tile: Tile, tmp_tile: Tile) -> Any: ...
    @tile_op()
    def row_argmin(tile: Tile, tmp_tile: Tile) -> Any: ...
    @tile_op()
    def col_argmax(tile: Tile, tmp_tile: Tile) -> Any: ...
    @tile_op()
    def col_argmin(tile: Tile, tmp_tile: Tile) -> Any: ...
    @tile_op()
    def row_expand(target: Tile, row_vec: Tile) -> Any: ...
    @tile_op()
    def row_expand_sub(tile: Tile, row_vec: Tile) -> Any: ...
    @tile_op()
    def row_expand_div(tile: Tile, row_vec: Tile) -> Any: ...
    @tile_op()
    def row_expand_mul(tile: Tile, row_vec: Tile) -> Any: ...
    @tile_op()
    def row_expand_add(tile: Tile, row_vec: Tile, tmp: Scratch = None) -> Any: ...
    @tile_op()
    def col_expand(target: Tile, col_vec: Tile) -> Any: ...
    @tile_op()
    def col_expand_mul(tile: Tile, col_vec: Tile) -> Any: ...
    @tile_op()
    def col_expand_div(tile: Tile, col_vec: Tile) -> Any: ...
    @tile_op()
    def col_expand_sub(tile: Tile, col_vec: Tile) -> Any: ...
    @tile_op()
    def col_expand_add(tile: Tile, col_vec: Tile) -> Any: ...
    @tile_op()
    def col_expand_expdif(tile: Tile, col_vec: Tile) -> Any: ...

    @tile_op()
    def slice(tile: Tile, shape: Any, offset: Any, valid_shape: Any = None, drop_dims: Fixed = None, pad_value: Fixed = None) -> Any: ...  # noqa: A003,E501
    @tile_op()
    def reshape(tile: Tile, shape: Any) -> Any: ...
    @tile_op()
    def transpose(tile: Tile, axis1: Any, axis2: Any, tmp_tile: Scratch = None) -> Any: ...
    @tile_op("transpose", _transpose_view)
    def transpose_view(tile: Tile) -> Any: ...
    @tile_op()
    def set_validshape(tile: Tile, valid_rows: Any, valid_cols: Any) -> Any: ...
    @tile_op()
    def sort32(src: Tile, idx: Tile) -> Any: ...
    @tile_op("tile.gather")
    def gather(src: Tile, indices: Tile, tmp: Scratch) -> Any: ...
    @tile_op("mrgsort", _mrgsort)
    def mrgsort(src0: Tile, src1: Any = None, src2: Any = None, src3: Any = None, tmp: Any = None, exhausted: Any = False, *, block_len: Any = None) -> Any: ...  # noqa: E501


class tensor:  # noqa: N801 - PyPTO spells the namespace `pl.tensor`
    """`pl.tensor.*`: tensor-level ops (PyPTO's `pypto.language.op.tensor_ops`)."""

    __pl_namespace__ = "tensor"

    @tensor_op("tensor.dim")
    def dim(tensor: Tensor, axis: Any) -> Any:
        """The size of `axis` (an index): the run-time size of a dynamic dimension, a constant otherwise."""

    @tensor_op()
    def read(tensor: Tensor, indices: Any) -> Any: ...
    @tensor_op(updates="tensor")
    def write(tensor: Tensor, indices: Any, value: Any) -> Any: ...
    @tensor_op()
    def slice(tensor: Tensor, shape: Any, offset: Any, valid_shape: Any = None, drop_dims: Fixed = None, pad_value: Fixed = None) -> Any: ...  # noqa: A003,E501
    @tensor_op()
    def fillpad(tensor: Tensor, pad_value: Any = _Pad.ZERO) -> Any: ...
    @tensor_op()
    def set_validshape(tensor: Tensor, valid_rows: Any, valid_cols: Any) -> Any: ...
    @tensor_op()
    def full(shape: Any, dtype: Any, value: Any) -> Any: ...
    @tensor_op("arange", _arange)
    def ci(start: Any, shape: Any, dtype: Any = None, descending: Any = False) -> Any: ...
    @tensor_op("arange", _arange)
    def arange(start: Any, shape: Any, dtype: Any = None, descending: Any = False) -> Any: ...
    @tensor_op()
    def get_block_idx() -> Any: ...

    @tensor_op()
    def matmul(lhs: Tensor, rhs: Tensor, out_dtype: Any = None, a_trans: Any = False, b_trans: Any = False, c_matrix_nz: Fixed = False) -> Any: ...  # noqa: E501
    @tensor_op()
    def matmul_acc(acc: Tensor, lhs: Tensor, rhs: Tensor, a_trans: Any = False, b_trans: Any = False, init_cond: Fixed = None) -> Any: ...  # noqa: E501
    @tensor_op()
    def add(lhs: Tensor, rhs: Any) -> Any: ...
    @tensor_op()
    def sub(lhs: Tensor, rhs: Any) -> Any: ...
    @tensor_op()
    def mul(lhs: Tensor, rhs: Any) -> Any: ...
    @tensor_op()
    def div(lhs: Tensor, rhs: Any, high_precision: Hint = False) -> Any: ...
    @tensor_op("add")
    def adds(lhs: Tensor, rhs: Scalar) -> Any: ...
    @tensor_op("sub")
    def subs(lhs: Tensor, rhs: Scalar) -> Any: ...
    @tensor_op("mul")
    def muls(lhs: Tensor, rhs: Scalar) -> Any: ...
    @tensor_op("div")
    def divs(lhs: Tensor, rhs: Scalar) -> Any: ...
    @tensor_op()
    def maximum(lhs: Tensor, rhs: Any) -> Any: ...
    @tensor_op()
    def minimum(lhs: Tensor, rhs: Any) -> Any: ...
    @tensor_op()
    def exp(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def log(input: Tensor, high_precision: Any = False) -> Any: ...  # noqa: A002
    @tensor_op()
    def neg(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def abs(input: Tensor) -> Any: ...  # noqa: A002,A003
    @tensor_op()
    def recip(input: Tensor, high_precision: Hint = False) -> Any: ...  # noqa: A002
    @tensor_op()
    def sqrt(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def rsqrt(input: Tensor, high_precision: Any = False) -> Any: ...  # noqa: A002
    @tensor_op()
    def cast(input: Tensor, target_type: Any, mode: Any = None) -> Any: ...  # noqa: A002
    @tensor_op()
    def row_max(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def row_sum(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def row_min(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def col_sum(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def col_max(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def row_argmax(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def row_argmin(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def col_argmax(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def col_argmin(input: Tensor) -> Any: ...  # noqa: A002
    @tensor_op()
    def row_expand(target: Tensor, row_vec: Tensor) -> Any: ...
    @tensor_op()
    def row_expand_mul(tensor: Tensor, row_vec: Tensor) -> Any: ...
    @tensor_op()
    def row_expand_div(tensor: Tensor, row_vec: Tensor) -> Any: ...
    @tensor_op()
    def row_expand_add(tensor: Tensor, row_vec: Tensor) -> Any: ...
    @tensor_op()
    def row_expand_sub(tensor: Tensor, row_vec: Tensor) -> Any: ...
    @tensor_op()
    def col_expand(tensor: Tensor, col_vec: Tensor) -> Any: ...
    @tensor_op()
    def col_expand_mul(tensor: Tensor, col_vec: Tensor) -> Any: ...
    @tensor_op()
    def col_expand_sub(tensor: Tensor, col_vec: Tensor) -> Any: ...
    @tensor_op()
    def col_expand_div(tensor: Tensor, col_vec: Tensor) -> Any: ...
    @tensor_op()
    def col_expand_add(tensor: Tensor, col_vec: Tensor) -> Any: ...
    @tensor_op()
    def col_expand_expdif(tensor: Tensor, col_vec: Tensor) -> Any: ...
    @tensor_op(updates="target", forward=_atomic_assemble)
    def assemble(target: Tensor, source: Tensor, offset: Any, *, atomic: Any = None) -> Any: ...
    @tensor_op()
    def reshape(tensor: Tensor, shape: Any) -> Any: ...
    @tensor_op()
    def transpose(tensor: Tensor, axis1: Any, axis2: Any) -> Any: ...
    @tensor_op()
    def sort32(src: Tensor, idx: Tensor) -> Any: ...
    @tensor_op("gather", _keywords_after(3))
    def gather(input: Tensor, dim: Any = None, index: Any = None, *, mask_pattern: Any = None, output_dtype: Any = None, kvalue: Any = None, cmp_mode: Any = None, out_cols: Any = None, offset: Any = 0, count_dtype: Any = None) -> Any: ...  # noqa: A002,E501
    @tensor_op("scatter", _keywords_after(4))
    def scatter(input: Tensor, dim: Any = None, index: Any = None, src: Any = None, *, mask_pattern: Any = None, dst: Any = None) -> Any: ...  # noqa: A002,E501
    @tensor_op()
    def create_l1(shape: Any, dtype: Any, transpose: Any = False) -> Any: ...
    @tensor_op(updates="acc", forward=_keywords_after(6))
    def gather_row(acc: Tensor, src: Tensor, dst_offset: Any, src_offset: Any, shapes: Any, transpose: Any = False, *, valid_shape: Any = None) -> Any: ...  # noqa: E501
    @tensor_op("mrgsort", _mrgsort)
    def mrgsort(src0: Tensor, src1: Any = None, src2: Any = None, src3: Any = None, *, exhausted: Any = False, block_len: Any = None) -> Any: ...  # noqa: E501

