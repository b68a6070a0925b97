"""Emitters for the `pl` ops: one function per op family, from bound call arguments to dialect ops.

Result types come from the ops' own `infer` rules (or, for data ops, from the same shape arithmetic their
verifiers check), and every op is verified as soon as it is built, so a shape or dtype mismatch is reported
at the user's call with the verifier's message.  Which ops are *compute* ops (only allowed inside a task
scope) is decided here: everything that needs a core to run, i.e. all but views, writes and allocation.
"""

from __future__ import annotations

import ast
import builtins
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xdsl.dialects.builtin import BoolAttr, IntegerAttr, IntegerType, Signedness, UnitAttr, i64
from xdsl.ir import Attribute, Operation, SSAValue

from ppc.dialects import compute_ops as C
from ppc.dialects import data_ops as D
from ppc.dialects.attributes import CastMode, CastModeAttr, PadAttr, PadValue
from ppc.dialects.diagnostics import brief
from ppc.dialects.types import DYNAMIC, TensorType, TileType, is_float

from . import language as pl
from . import scalars

if TYPE_CHECKING:
    from .builder import FunctionBuilder

Args = dict[str, Any]
Emitter = Callable[["FunctionBuilder", str, ast.AST, Args], Any]
EMITTERS: dict[str, Emitter] = {}


def emitter(*names: str) -> Callable[[Emitter], Emitter]:
    def register(fn: Emitter) -> Emitter:
        for name in names:
            EMITTERS[name] = fn
        return fn

    return register


def is_shaped(v: Any) -> bool:
    return isinstance(v, SSAValue) and isinstance(v.type, TensorType | TileType)


def _shape_type(v: SSAValue) -> TensorType | TileType:
    assert isinstance(v.type, TensorType | TileType)
    return v.type


def _inferred(
    b: FunctionBuilder,
    node: ast.AST,
    cls: type[Operation],
    operands: list[SSAValue],
    infer: Callable[[], Attribute],
    props: dict[str, Attribute] | None = None,
) -> SSAValue:
    """Emit an op typed by its own `infer` rule (which raises the verifier's error on bad operands)."""

    def make() -> Operation:
        return cls.create(operands=operands, result_types=[infer()], properties=props or {})

    return b.build(node, make, check=False)


# ----------------------------------------------------------------------------------------- elementwise
_BINARY: dict[str, tuple[type[C.ElementwiseBinaryOp], Callable[[Any, Any], Any], ast.operator | None, bool]] = {
    "add": (C.AddOp, operator.add, ast.Add(), True),
    "sub": (C.SubOp, operator.sub, ast.Sub(), False),
    "mul": (C.MulOp, operator.mul, ast.Mult(), True),
    "div": (C.DivOp, operator.truediv, ast.Div(), False),
    "maximum": (C.MaximumOp, builtins.max, None, True),
    "minimum": (C.MinimumOp, builtins.min, None, True),
}


def scalar_operand(b: FunctionBuilder, v: Any, element_type: Attribute, node: ast.AST) -> SSAValue:
    """A scalar operand of a tile op: f32 for float tiles, the element type for integer ones (signless:
    `arith` scalars carry no signedness, so a ui32 tile takes an i32 operand)."""
    t = scalars.F32 if is_float(element_type) else element_type
    if isinstance(t, IntegerType) and t.signedness.data != Signedness.SIGNLESS:
        t = IntegerType(t.width.data)
    return scalars.value_of(b, v, t, node)


@emitter(*_BINARY)
def binary(b: FunctionBuilder, name: str, node: ast.AST, a: Args) -> Any:
    cls, py, pyop, commutative = _BINARY[name]
    lhs, rhs = a["lhs"], a["rhs"]
    if not is_shaped(lhs) and not is_shaped(rhs):
        if not isinstance(lhs, SSAValue) and not isinstance(rhs, SSAValue):
            return b.fold(node, py, lhs, rhs)
        if pyop is None:
            return scalars.min_max(b, name == "maximum", [lhs, rhs], node)
        return scalars.binary(b, pyop, lhs, rhs, node)
    if not is_shaped(lhs):
        if not commutative:
            raise b.error(node, f"pl.{name} needs the tensor or tile as its first operand")
        lhs, rhs = rhs, lhs
    b.require_task(node, f"pl.{name}")
    if not is_shaped(rhs):
        rhs = scalar_operand(b, rhs, _shape_type(lhs).element_type, node)
    return b.build(node, lambda: cls(lhs, rhs), check=False)


_UNARY = {"exp": C.ExpOp, "sqrt": C.SqrtOp, "rsqrt": C.RsqrtOp, "log": C.LogOp, "recip": C.RecipOp,
          "neg": C.NegOp, "abs": C.AbsOp, "relu": C.ReluOp, "row_sum": C.RowSumOp, "row_max": C.RowMaxOp,
          "row_min": C.RowMinOp, "col_sum": C.ColSumOp, "col_max": C.ColMaxOp}  # fmt: skip


@emitter(*_UNARY)
def unary(b: FunctionBuilder, name: str, node: ast.AST, a: Args) -> Any:
    x = b.shaped(a["x"], f"the operand of pl.{name}", node)
    b.require_task(node, f"pl.{name}")
    if "high_precision" in a:  # a hardware precision mode: the executor's result is exact either way
        flag = b.constant(a["high_precision"], "'high_precision'", node)
        if not isinstance(flag, bool):
            raise b.error(node, f"'high_precision' of pl.{name} must be True or False, got {brief(flag)}")
    if a.get("tmp_tile") is not None:  # the hardware's scratch space: the executor needs none
        _tile(b, a["tmp_tile"], f"the scratch tile of pl.{name}", node)
    return b.build(node, lambda: _UNARY[name](x), check=False)


_ARG_REDUCTIONS = {"row_argmax": C.RowArgmaxOp, "row_argmin": C.RowArgminOp,
                   "col_argmax": C.ColArgmaxOp, "col_argmin": C.ColArgminOp}  # fmt: skip


@emitter(*_ARG_REDUCTIONS)
def arg_reduction(b: FunctionBuilder, name: str, node: ast.AST, a: Args) -> Any:
    """Index reductions; a `tmp_tile`, where given, must match the source exactly: pto-isa reads the scan
    length from the scratch's extent, so any other scratch gives wrong indices on the device."""
    x = b.shaped(a["x"], f"the operand of pl.{name}", node)
    b.require_task(node, f"pl.{name}")
    if a.get("tmp_tile") is not None:
        if isinstance(x.type, TensorType):
            raise b.error(node, f"pl.{name} of a tensor takes no tmp_tile (PyPTO allocates it when lowering)")
        tmp = _tile(b, a["tmp_tile"], f"the scratch tile of pl.{name}", node)
        want, got = _shape_type(x), _shape_type(tmp)
        if (got.get_shape(), got.element_type) != (want.get_shape(), want.element_type):
            raise b.error(
                node, f"the scratch tile of pl.{name} must have exactly the operand's shape and dtype "
                f"{list(want.get_shape())} {want.element_type}, got {list(got.get_shape())} {got.element_type}"
            )
    cls = _ARG_REDUCTIONS[name]
    return _inferred(b, node, cls, [x], lambda: cls.infer(x.type))


_BROADCAST = {
    "row_expand": C.RowExpandOp, "row_expand_add": C.RowExpandAddOp, "row_expand_sub": C.RowExpandSubOp,
    "row_expand_mul": C.RowExpandMulOp, "row_expand_div": C.RowExpandDivOp, "col_expand": C.ColExpandOp,
    "col_expand_add": C.ColExpandAddOp, "col_expand_sub": C.ColExpandSubOp, "col_expand_mul": C.ColExpandMulOp,
    "col_expand_div": C.ColExpandDivOp, "col_expand_expdif": C.ColExpandExpdifOp,
}  # fmt: skip


@emitter(*_BROADCAST)
def broadcast(b: FunctionBuilder, name: str, node: ast.AST, a: Args) -> Any:
    x = b.shaped(a["x"], f"the operand of pl.{name}", node)
    v = b.shaped(a["v"], f"the broadcast operand of pl.{name}", node)
    b.require_task(node, f"pl.{name}")
    return b.build(node, lambda: _BROADCAST[name](x, v), check=False)


# ----------------------------------------------------------------------------------------- matmul / sort
def _transposes(b: FunctionBuilder, a: Args, node: ast.AST) -> dict[str, Attribute]:
    props: dict[str, Attribute] = {}
    for key in ("a_trans", "b_trans"):
        flag = b.constant(a[key], f"'{key}'", node)
        if not isinstance(flag, bool):
            raise b.error(node, f"'{key}' must be True or False, got {brief(flag)}")
        if flag:
            props[key] = BoolAttr.from_bool(True)
    return props


@emitter("matmul")
def matmul(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    lhs = b.shaped(a["a"], "the lhs of pl.matmul", node)
    rhs = b.shaped(a["b"], "the rhs of pl.matmul", node)
    b.require_task(node, "pl.matmul")
    props = _transposes(b, a, node)
    out = None if a["out_dtype"] is None else b.dtype(a["out_dtype"], "'out_dtype'", node)
    return _inferred(
        b, node, C.MatmulOp, [lhs, rhs], lambda: C.MatmulOp.infer(lhs.type, rhs.type, out, **props), props
    )


@emitter("matmul_acc")
def matmul_acc(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    acc = b.shaped(a["acc"], "the accumulator of pl.matmul_acc", node)
    lhs = b.shaped(a["a"], "the lhs of pl.matmul_acc", node)
    rhs = b.shaped(a["b"], "the rhs of pl.matmul_acc", node)
    b.require_task(node, "pl.matmul_acc")
    props = _transposes(b, a, node)

    def infer() -> Attribute:
        return C.MatmulAccOp.infer(acc.type, lhs.type, rhs.type, **props)

    return _inferred(b, node, C.MatmulAccOp, [acc, lhs, rhs], infer, props)


@emitter("sort32")
def sort32(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    s = b.shaped(a["scores"], "the scores of pl.sort32", node)
    i = b.shaped(a["indices"], "the indices of pl.sort32", node)
    b.require_task(node, "pl.sort32")
    return _inferred(b, node, C.Sort32Op, [s, i], lambda: C.Sort32Op.infer(s.type, i.type))


def _int_prop_op(cls: type[C._ComputeOp], key: str) -> Emitter:
    def emit(b: FunctionBuilder, name: str, node: ast.AST, a: Args) -> Any:
        x = b.shaped(a["x"], f"the operand of pl.{name}", node)
        b.require_task(node, f"pl.{name}")
        value = b.constant(a[key], f"'{key}'", node)
        if not isinstance(value, int) or isinstance(value, bool):
            raise b.error(node, f"'{key}' of pl.{name} must be a compile-time integer, got {brief(value)}")
        props: dict[str, Attribute] = {key: IntegerAttr(value, i64)}
        return _inferred(b, node, cls, [x], lambda: cls.infer(x.type, **props), props)

    return emit


_mrgsort_block = _int_prop_op(C.MrgSortOp, "block_len")


@emitter("mrgsort")
def mrgsort(b: FunctionBuilder, name: str, node: ast.AST, a: Args) -> Any:
    """Format 1 (`block_len`) or format 2 (2-4 lists), as PyPTO tells them apart; an `exhausted` merge stops
    at the first emptied list and leaves the rest of its result undefined, so ppc refuses it."""
    lists = [a[k] for k in ("src0", "src1", "src2", "src3") if a[k] is not None]
    if a["block_len"] is not None:
        if len(lists) > 1 or a["tmp"] is not None or a["exhausted"] is not False:
            raise b.error(node, "pl.mrgsort with block_len= (format 1) takes no other lists, tmp or exhausted")
        return _mrgsort_block(b, name, node, {"x": a["src0"], "block_len": a["block_len"]})
    if len(lists) < 2 or a["src1"] is None or (a["src3"] is not None and a["src2"] is None):
        raise b.error(node, "pl.mrgsort needs block_len= (format 1) or 2-4 sorted lists src0, src1[, src2[, src3]]")
    exhausted = b.constant(a["exhausted"], "'exhausted' of pl.mrgsort", node)
    if exhausted is not False:
        raise b.error(node, "pl.mrgsort with exhausted=True is not supported by ppc (its result tail is undefined)")
    srcs = [b.shaped(v, f"list {i} of pl.mrgsort", node) for i, v in enumerate(lists)]
    b.require_task(node, "pl.mrgsort")
    result = _inferred(b, node, C.MrgSortListsOp, srcs, lambda: C.MrgSortListsOp.infer(*(s.type for s in srcs)))
    if a["tmp"] is not None:
        tmp = b.shaped(a["tmp"], "the tmp of pl.mrgsort", node)
        if tmp.type.get_shape() != result.type.get_shape():
            merged, got = list(result.type.get_shape()), list(tmp.type.get_shape())
            raise b.error(node, f"the tmp of pl.mrgsort must have the merged shape {merged}, got {got}")
    return result


@emitter("gather")
def gather(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    """One of PyPTO's three forms, told apart by the arguments given (mixing them is an error, as in PyPTO)."""
    x = b.shaped(a["input"], "the input of pl.gather", node)
    forms = {
        "index": a["dim"] is not None or a["index"] is not None,
        "mask": a["mask_pattern"] is not None,
        "compare": any(a[k] is not None for k in ("kvalue", "cmp_mode", "out_cols")),
    }
    chosen = [form for form, given in forms.items() if given]
    if len(chosen) != 1:
        raise b.error(node, "pl.gather takes one form: (dim, index), mask_pattern=..., or kvalue=/cmp_mode=/out_cols=")
    if chosen[0] == "compare":
        raise b.error(node, "the compare form of pl.gather (kvalue=, cmp_mode=, out_cols=) is not supported by ppc")
    b.require_task(node, "pl.gather")
    if chosen[0] == "mask":
        props: dict[str, Attribute] = {"mask_pattern": _mask_prop(b, node, a["mask_pattern"], "pl.gather")}
        if a["output_dtype"] is not None:
            props["output_dtype"] = b.dtype(a["output_dtype"], "'output_dtype'", node)
        return _inferred(b, node, C.GatherOp, [x], lambda: C.GatherOp.infer(x.type, **props), props)
    if a["dim"] is None or a["index"] is None:
        raise b.error(node, "the index form of pl.gather needs both dim and index")
    if a["output_dtype"] is not None:
        raise b.error(node, "output_dtype is only valid for the mask form of pl.gather")
    index = b.shaped(a["index"], "the index of pl.gather", node)
    props = {"dim": _dim_prop(b, node, x, a["dim"], "pl.gather")}
    return _inferred(b, node, C.GatherIndexOp, [x, index], lambda: C.GatherIndexOp.infer(x.type, index.type, **props),
                     props)


def _mask_prop(b: FunctionBuilder, node: ast.AST, value: Any, what: str) -> IntegerAttr:
    """A compile-time `mask_pattern` as the `mask_pattern` property (the verifier checks its range)."""
    pattern = b.constant(value, "'mask_pattern'", node)
    if not isinstance(pattern, int) or isinstance(pattern, bool):
        raise b.error(node, f"'mask_pattern' of {what} must be a compile-time integer, got {brief(pattern)}")
    return IntegerAttr(pattern, i64)


def _dim_prop(b: FunctionBuilder, node: ast.AST, x: SSAValue, dim: Any, what: str) -> IntegerAttr:
    """A compile-time axis of `x` (negative counts from the end), as the non-negative `dim` property."""
    (axis,) = b.ints(b.constant(dim, "'dim'", node), f"'dim' of {what}", node)
    rank = _shape_type(x).rank
    if not -rank <= axis < rank:
        raise b.error(node, f"'dim' of {what} must be in [{-rank}, {rank}), got {axis}")
    return IntegerAttr(axis % rank, i64)


@emitter("scatter")
def scatter(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    """PyPTO's two forms: index `scatter(input, dim, index, src)` or mask `scatter(src, mask_pattern=P, dst=d)`."""
    x = b.shaped(a["input"], "the input of pl.scatter", node)
    index_form = any(a[k] is not None for k in ("dim", "index", "src"))
    mask_form = a["mask_pattern"] is not None or a["dst"] is not None
    if index_form == mask_form:
        raise b.error(node, "pl.scatter takes one form: (dim, index, src) or mask_pattern=..., dst=...")
    b.require_task(node, "pl.scatter")
    if mask_form:
        if a["mask_pattern"] is None or a["dst"] is None:
            raise b.error(node, "the mask form of pl.scatter needs both mask_pattern and dst")
        dst = b.shaped(a["dst"], "the dst of pl.scatter", node)
        props: dict[str, Attribute] = {"mask_pattern": _mask_prop(b, node, a["mask_pattern"], "pl.scatter")}
        return _inferred(b, node, C.ScatterMaskOp, [dst, x], lambda: C.ScatterMaskOp.infer(dst.type, x.type, **props),
                         props)
    if a["dim"] is None or a["index"] is None or a["src"] is None:
        raise b.error(node, "the index form of pl.scatter needs dim, index and src")
    index = b.shaped(a["index"], "the index of pl.scatter", node)
    src = b.shaped(a["src"], "the src of pl.scatter", node)
    props = {"dim": _dim_prop(b, node, x, a["dim"], "pl.scatter")}
    return _inferred(b, node, C.ScatterIndexOp, [x, index, src],
                     lambda: C.ScatterIndexOp.infer(x.type, index.type, src.type, **props), props)


# ----------------------------------------------------------------------------------------- creation
@emitter("create_tensor")
def create_tensor(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    from .dynamic import tensor_shape

    shape, sizes = tensor_shape(b, a["shape"], "the shape of pl.create_tensor", node)
    t = TensorType(shape, b.dtype(a["dtype"], "'dtype'", node))
    init = a["init_value"]
    if init is not None:
        init = scalars.literal(b, b.constant(init, "init_value of pl.create_tensor", node), t.element_type, node)
    manual_dep = a["manual_dep"]
    if not isinstance(manual_dep, bool):
        raise b.error(node, f"'manual_dep' of pl.create_tensor must be True or False, got {brief(manual_dep)}")
    return b.build(node, lambda: D.CreateTensorOp(t, sizes, init, manual_dep))


@emitter("full")
def full(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    b.require_task(node, "pl.full")
    t = b.fresh_type(b.ints(a["shape"], "the shape of pl.full", node), b.dtype(a["dtype"], "'dtype'", node))
    value = scalar_operand(b, a["value"], t.element_type, node)
    return b.build(node, lambda: D.FullOp.create(operands=[value], result_types=[t]))


def _arange_args(b: FunctionBuilder, node: ast.AST, a: Args) -> tuple[Any, Any, Any]:
    """(shape, dtype, start) of either spelling: PyPTO's `arange(start, shape, dtype)` or, when the first
    argument is a shape list, `arange(shape, dtype, start)`."""
    args = list(a["args"])
    if not args or len(args) > 3:
        raise b.error(node, f"pl.arange takes (start, shape[, dtype]) or (shape[, dtype[, start]]), got {len(args)} positional arguments")
    if isinstance(args[0], list | tuple):
        shape, dtype, start = (args + [None, None])[:3]
    else:
        start, shape, dtype = (args + [None, None])[:3]
        if shape is None:
            raise b.error(node, "pl.arange(start, shape, dtype=...) needs a shape")
    for key, value in (("dtype", dtype), ("start", start)):
        if a[key] is not None:
            if value is not None:
                raise b.error(node, f"pl.arange got '{key}' both by position and by keyword")
            value = a[key]
        if key == "dtype":
            dtype = value
        else:
            start = value
    return shape, pl.INT32 if dtype is None else dtype, 0 if start is None else start


@emitter("arange")
def arange(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    b.require_task(node, "pl.arange")
    shape, dtype, start_value = _arange_args(b, node, a)
    t = b.fresh_type(b.ints(shape, "the shape of pl.arange", node), b.dtype(dtype, "'dtype'", node))
    start = scalar_operand(b, start_value, t.element_type, node)
    descending = b.constant(a["descending"], "'descending'", node)
    if not isinstance(descending, bool):
        raise b.error(node, f"'descending' of pl.arange must be True or False, got {brief(descending)}")
    props: dict[str, Attribute] = {"descending": UnitAttr()} if descending else {}
    return b.build(node, lambda: D.ArangeOp.create(operands=[start], result_types=[t], properties=props))


# ----------------------------------------------------------------------------------------- views and writes
def _valid_dims(valid: list[Any]) -> list[int]:
    """Static valid extents as numbers, run-time ones as `?`."""
    return [v if isinstance(v, int) else DYNAMIC for v in valid]


@emitter("slice")
def slice_(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    src = b.shaped(a["tensor"], "the source of pl.slice", node)
    shape = b.ints(a["shape"], "the shape of pl.slice", node)
    offsets = b.indices(a["offsets"], "the offsets of pl.slice", node)
    result = b.view_type(_shape_type(src), shape)
    valid: tuple[SSAValue, ...] = ()
    if a["valid_shape"] is not None:
        dims = list(a["valid_shape"]) if isinstance(a["valid_shape"], list | tuple) else [a["valid_shape"]]
        valid = tuple(b.indices(dims, "the valid_shape of pl.slice", node))
        if isinstance(result, TileType):
            result = TileType(shape, result.element_type, result.memory_space, _valid_dims(dims))
    return b.build(node, lambda: D.SliceOp(src, offsets, result, valid))


@emitter("gather_row")
def gather_row(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    """PyPTO's per-row gather into an on-chip accumulator: the accumulator is a tile (`pl.create_l1`), the
    source a GM tensor; `shapes` is the static window, `valid_shape` the (run-time) box actually moved."""
    b.require_task(node, "pl.gather_row")
    acc = b.shaped(a["acc"], "the accumulator of pl.gather_row", node)
    src = b.shaped(a["src"], "the source of pl.gather_row", node)
    if not isinstance(acc.type, TileType):
        raise b.error(node, f"the accumulator of pl.gather_row must be a tile (pl.create_l1), got a tensor {acc.type}")
    if not isinstance(src.type, TensorType):
        raise b.error(node, f"the source of pl.gather_row must be a GM tensor, got a tile {src.type}")
    window = b.ints(a["shapes"], "'shapes' of pl.gather_row", node)
    dst_at = b.indices(a["dst_offset"], "'dst_offset' of pl.gather_row", node)
    src_at = b.indices(a["src_offset"], "'src_offset' of pl.gather_row", node)
    valid = () if a["valid_shape"] is None else b.indices(a["valid_shape"], "'valid_shape' of pl.gather_row", node)
    transpose = b.constant(a["transpose"], "'transpose' of pl.gather_row", node)
    if not isinstance(transpose, bool):
        raise b.error(node, f"'transpose' of pl.gather_row must be True or False, got {brief(transpose)}")
    return b.build(node, lambda: D.GatherRowOp(src, src_at, acc, dst_at, window, valid, transpose))


@emitter("reshape")
def reshape(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    from .dynamic import tensor_shape

    src = b.shaped(a["tensor"], "the source of pl.reshape", node)
    t = _shape_type(src)
    if isinstance(t, TensorType):
        shape, sizes = tensor_shape(b, a["shape"], "the shape of pl.reshape", node)
        return b.build(node, lambda: D.ReshapeOp(src, TensorType(shape, t.element_type), sizes))
    result = t.with_shape(b.ints(a["shape"], "the shape of pl.reshape", node))
    return b.build(node, lambda: D.ReshapeOp(src, result))


@emitter("assemble")
def assemble(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    dst = b.shaped(a["dst"], "the destination of pl.assemble", node)
    src = b.shaped(a["src"], "the source of pl.assemble", node)
    offsets = b.indices(a["offsets"], "the offsets of pl.assemble", node)
    atomic = a["atomic"]
    if atomic not in (pl.AtomicType.None_, pl.AtomicType.Add):
        raise b.error(node, f"atomic must be pl.AtomicType.None_ or pl.AtomicType.Add, got {brief(atomic)}")
    atomic_add = atomic == pl.AtomicType.Add
    if atomic_add and not (b.task_context and isinstance(src.type, TileType) and isinstance(dst.type, TensorType)):
        raise b.error(
            node, "atomic=pl.AtomicType.Add adds a tile into a GM tensor inside a task scope (PyPTO: an atomic-add "
            "store); here the destination or source is not one"
        )
    src = _drop_leading_units(b, node, src, _shape_type(dst).rank)
    src = _lift_rank(b, node, src, dst)
    return b.build(node, lambda: D.AssembleOp(src, dst, offsets, atomic_add))


def _lift_rank(b: FunctionBuilder, node: ast.AST, src: SSAValue, dst: SSAValue) -> SSAValue:
    """PyPTO writes a lower-rank source into a tensor as a block of the destination's rank whose extra
    leading axes are 1 (its store partition is `[1, .., 1, *source shape]`; an orchestration assemble becomes
    a slice padded the same way): the offsets index every destination axis and the source covers the
    trailing ones.  A tile destination has no such reading in PyPTO (tile.assemble needs one rank)."""
    s, d = _shape_type(src), _shape_type(dst)
    extra = d.rank - s.rank
    if extra <= 0 or not s.is_static:
        return src
    if isinstance(d, TileType):
        raise b.error(
            node, f"pl.assemble writes a rank-{s.rank} source into a rank-{d.rank} tile; PyPTO lifts a "
            "lower-rank source only into a tensor. Reshape the source to the tile's rank first"
        )
    shape = [1] * extra + list(s.get_shape())
    if isinstance(s, TensorType):
        lifted: TensorType | TileType = TensorType(shape, s.element_type)
    else:
        valid = s.get_valid_shape()
        lifted = TileType(shape, s.element_type, s.memory_space, None if valid is None else [1] * extra + list(valid))
    return b.build(node, lambda: D.ReshapeOp(src, lifted))


def _drop_leading_units(b: FunctionBuilder, node: ast.AST, src: SSAValue, rank: int) -> SSAValue:
    """A source of higher rank whose extra leading axes are 1 (a batched matmul's [1, M, N]) is its trailing
    block: the only reading of it in the destination's rank (PyPTO reinterprets such writes)."""
    t = _shape_type(src)
    extra = t.rank - rank
    if extra <= 0 or any(d != 1 for d in t.get_shape()[:extra]):
        return src
    if not isinstance(t, TileType) or t.get_valid_shape() is not None:
        return src
    return b.build(node, lambda: D.ReshapeOp(src, t.with_shape(t.get_shape()[extra:])))


@emitter("transpose")
def transpose(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    x = b.shaped(a["x"], "the operand of pl.transpose", node)
    b.require_task(node, "pl.transpose")
    rank = _shape_type(x).rank
    axes = []
    for key in ("axis1", "axis2"):
        axis = b.constant(a[key], f"'{key}'", node)
        if not isinstance(axis, int) or isinstance(axis, bool) or not -rank <= axis < rank:
            raise b.error(node, f"'{key}' of pl.transpose must be an axis of a rank-{rank} value, got {brief(axis)}")
        axes.append(axis % rank)
    props: dict[str, Attribute] = {"axis1": IntegerAttr(axes[0], i64), "axis2": IntegerAttr(axes[1], i64)}
    return _inferred(b, node, D.TransposeOp, [x], lambda: D.TransposeOp.infer(x.type, *axes), props)


@emitter("read")
def read(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    src = b.shaped(a["tensor"], "the source of pl.read", node)
    idx = b.indices(a["indices"], "the indices of pl.read", node)
    elt = _shape_type(src).element_type
    return b.build(node, lambda: D.ReadOp.create(operands=[src, *idx], result_types=[elt]))


@emitter("write")
def write(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    dst = b.shaped(a["tensor"], "the destination of pl.write", node)
    idx = b.indices(a["indices"], "the indices of pl.write", node)
    return element_write(b, node, dst, idx, a["value"])


def element_write(b: FunctionBuilder, node: ast.AST, dst: SSAValue, idx: list[SSAValue], value: Any) -> SSAValue:
    v = scalars.value_of(b, value, _shape_type(dst).element_type, node)
    return b.build(node, lambda: D.WriteOp.create(operands=[v, dst, *idx], result_types=[dst.type]))


def _default_cast_mode(src: Any, target: Attribute) -> CastMode:
    """PyPTO's default mode is "round": it matters for float -> integer (half away from zero); float -> float
    keeps nearest-even, which is torch's rounding and differs from "round" only on exact ties."""
    t = src.type if isinstance(src, SSAValue) else None
    element = t.element_type if isinstance(t, TensorType | TileType) else t
    if element is not None and is_float(element) and scalars.is_int(target):
        return CastMode.ROUND
    return CastMode.NONE


@emitter("cast")
def cast(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    target = b.dtype(a["target_type"], "'target_type'", node)
    src = a["tensor"]
    try:
        mode = CastMode(a["mode"]) if a["mode"] is not None else _default_cast_mode(src, target)
    except ValueError:
        raise b.error(node, f"pl.cast mode must be one of rint, round, trunc, none; got {brief(a['mode'])}") from None
    if not is_shaped(src):
        if isinstance(src, SSAValue):
            # PyPTO casts a Scalar in its default mode only, and that lowers to a C cast (fptosi): float -> integer
            # truncates toward zero. 'trunc' says so explicitly; a mode that would round differently is refused.
            if is_float(src.type) and scalars.is_int(target) and mode not in (CastMode.ROUND, CastMode.TRUNC):
                raise b.error(node, f"pl.cast of a run-time scalar from {src.type} to {target} truncates toward zero "
                              f"(PyPTO's scalar cast); mode='{mode.value}' is not supported for scalars")
            return scalars.convert(b, src, target, node)
        return b.fold(node, float if is_float(target) else int, src)
    b.require_task(node, "pl.cast")
    props: dict[str, Attribute] = {} if mode == CastMode.NONE else {"mode": CastModeAttr(mode)}
    return _inferred(b, node, D.CastOp, [src], lambda: D.CastOp.infer(src.type, target, mode), props)


@emitter("concat")
def concat(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    lhs = b.shaped(a["lhs"], "the lhs of pl.concat", node)
    rhs = b.shaped(a["rhs"], "the rhs of pl.concat", node)
    b.require_task(node, "pl.concat")
    axis = b.ints(a["axis"], "the axis of pl.concat", node)
    if len(axis) != 1:
        raise b.error(node, "the axis of pl.concat must be one integer")
    props: dict[str, Attribute] = {"axis": IntegerAttr(axis[0], i64)}
    return _inferred(b, node, D.ConcatOp, [lhs, rhs], lambda: D.ConcatOp.infer(lhs.type, rhs.type, axis[0]), props)


def _tile(b: FunctionBuilder, v: Any, what: str, node: ast.AST) -> SSAValue:
    """A tile operand. Inside a task a static GM tensor (e.g. a `pl.create_tensor` scratch) is loaded whole,
    as PyPTO's unified ops take either kind there and the tile op sees the same values."""
    x = b.shaped(v, what, node)
    if isinstance(x.type, TensorType) and x.type.is_static and b.task_context:
        x = b.load_whole(x, b.view_type(x.type, x.type.get_shape()), node)
    if not isinstance(x.type, TileType):
        raise b.error(node, f"{what} must be a tile (a value loaded inside a task scope), got {x.type}")
    return x


@emitter("set_validshape")
def set_validshape(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    x = _tile(b, a["input"], "the operand of pl.set_validshape", node)
    b.require_task(node, "pl.set_validshape")
    dims = [a["valid_rows"], a["valid_cols"]]
    extents = b.indices(dims, "the valid rows and columns of pl.set_validshape", node)
    t = x.type
    assert isinstance(t, TileType)
    if t.rank != 2:
        raise b.error(node, f"pl.set_validshape needs a 2-D tile, got a rank-{t.rank} {t}")
    result = TileType(t.get_shape(), t.element_type, t.memory_space, _valid_dims(dims))
    return b.build(node, lambda: D.SetValidShapeOp.create(operands=[x, *extents], result_types=[result]))


@emitter("fillpad")
def fillpad(b: FunctionBuilder, _name: str, node: ast.AST, a: Args) -> Any:
    x = _tile(b, a["tile"], "the operand of pl.fillpad", node)
    b.require_task(node, "pl.fillpad")
    try:
        pad = PadValue(a["pad_value"])
    except ValueError:
        raise b.error(node, f"pad_value must be pl.PadValue.zero, .min or .max, got {brief(a['pad_value'])}") from None
    t = x.type
    assert isinstance(t, TileType)
    props: dict[str, Attribute] = {"pad": PadAttr(pad)}
    return b.build(node, lambda: D.FillPadOp.create(operands=[x], result_types=[t.with_shape(t.get_shape())], properties=props))


# ----------------------------------------------------------------------------------------- scalar helpers
@emitter("min", "max")
def min_max(b: FunctionBuilder, name: str, node: ast.AST, a: Args) -> Any:
    values = list(a["values"])
    if not values:
        raise b.error(node, f"pl.{name} needs at least one value")
    if any(is_shaped(v) for v in values):
        raise b.error(
            node, f"pl.{name} is for scalars; use pl.{name}imum for tiles or pl.row_{name}/pl.col_{name} to reduce"
        )
    if not any(isinstance(v, SSAValue) for v in values):
        return b.fold(node, builtins.max if name == "max" else builtins.min, *values)
    return scalars.min_max(b, name == "max", values, node)
