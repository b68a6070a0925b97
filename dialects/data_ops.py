"""Data ops: tensor creation, views (slice), writes (assemble/write), reshape, cast, concat, padding.

Writes are functional: `pl.assemble` and `pl.write` return the new version of the destination tensor,
so SSA-based passes see every write as a def (the runtime later executes them in place).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseArrayBase,
    Float16Type,
    Float32Type,
    FloatAttr,
    IndexType,
    i64,
    IntegerAttr,
    IntegerType,
    UnitAttr,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from .attributes import CastMode, CastModeAttr, PadAttr
from .support import SignatureFormat, check_offsets, check_result, constant_int, same_kind, scalar_matches, shaped
from .types import DYNAMIC, TensorType, TileType, is_element_type, is_float, is_integer

ATOMIC_ADD_TYPES = (Float32Type(), BFloat16Type(), Float16Type(), IntegerType(32), IntegerType(16), IntegerType(8))
"""Element types of an atomic-add store (PyPTO: fp32 / bf16 / fp16 / int32 / int16 / int8)."""


def _check_sizes(kind: str, sizes: Sequence[SSAValue], t: Attribute) -> None:
    """One run-time size operand per dynamic (`?`) dimension of the result, in order."""
    dynamic = sum(d == DYNAMIC for d in t.get_shape()) if isinstance(t, TensorType) else 0
    if len(sizes) != dynamic:
        raise VerifyException(f"{kind} needs one size per dynamic dimension of {t} ({dynamic}), got {len(sizes)}")


def run_time_shape(t: TensorType, sizes: Sequence[int]) -> tuple[int, ...]:
    """The shape of a result with dynamic dimensions, given the values of its size operands."""
    it = iter(sizes)
    return tuple(next(it) if d == DYNAMIC else d for d in t.get_shape())


@irdl_op_definition
class CreateTensorOp(IRDLOperation):
    """A fresh GM scratch tensor; `[%n]` sizes its dynamic dimensions. Its contents are undefined until
    written, unless `init_value` is given: then the runtime fills the buffer with it when it is allocated,
    before any task can touch it (PyPTO's `init_value`, an AICPU fill, which PyPTO only has for a zero or
    for integer and 32/64-bit float element types).

    `manual_dep` records PyPTO's `manual_dep=True`: its runtime then tracks no dependencies through this
    tensor, and the program orders its tasks with `deps=`.  ppc keeps tracking them (the executor runs tasks
    in program order, the NPU model adds the tracked edges to the explicit ones), which orders at least as
    much as PyPTO does and gives a race-free program's results; the attribute changes nothing else."""

    name = "pl.create_tensor"
    sizes = var_operand_def(IndexType)
    init_value = opt_prop_def(IntegerAttr | FloatAttr)
    manual_dep = opt_prop_def(UnitAttr)
    result = result_def(TensorType)
    assembly_format = (
        "(`[` $sizes^ `]`)? (`init` $init_value^)? (`manual_dep` $manual_dep^)? attr-dict `:` type($result)"
    )

    def __init__(
        self, result_type: TensorType, sizes: Sequence[SSAValue] = (), init_value: Attribute | None = None,
        manual_dep: bool = False,
    ):
        props: dict[str, Attribute] = {"init_value": init_value} if init_value is not None else {}
        if manual_dep:
            props["manual_dep"] = UnitAttr()
        super().__init__(operands=[list(sizes)], result_types=[result_type], properties=props)

    def verify_(self) -> None:
        _check_sizes("'pl.create_tensor'", self.sizes, self.result.type)
        if self.init_value is None:
            return
        element = self.result.type.element_type  # type: ignore[attr-defined]
        if self.init_value.type != element:
            raise VerifyException(f"'pl.create_tensor' init_value {self.init_value} does not match element type {element}")
        if self.init_value.value.data != 0 and is_float(element) and element.bitwidth < 32:  # type: ignore[attr-defined]
            raise VerifyException(f"'pl.create_tensor' init_value must be 0 for {element} (PyPTO fills 16-bit floats "
                                  f"only with zeros), got {self.init_value.value.data}")


@irdl_op_definition
class UndefOp(IRDLOperation):
    """An undefined value (MLIR's `ub.poison`): where `pl-ssa` cannot prove that a path which skips every
    assignment of a variable is never taken, the variable starts from this; reading it at run time is a
    located error, so an unproved guard can never yield garbage silently."""

    name = "pl.undef"
    result = result_def()
    assembly_format = "attr-dict `:` type($result)"

    def __init__(self, result_type: Attribute):
        super().__init__(result_types=[result_type])


@irdl_op_definition
class FullOp(IRDLOperation):
    """A tensor or tile with every element set to a scalar."""

    name = "pl.full"
    value = operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$value attr-dict `:` type($value) `->` type($result)"

    def verify_(self) -> None:
        t = shaped(self.result, "'pl.full' result")
        v = self.value.type
        if not scalar_matches(v, t.element_type):
            raise VerifyException(f"'pl.full' value of type {v} cannot fill elements of type {t.element_type}")


@irdl_op_definition
class ArangeOp(IRDLOperation):
    """`start, start+1, ...` (`start, start-1, ...` if `descending`) along the last axis of a [N] or [1, N]
    tile or tensor."""

    name = "pl.arange"
    start = operand_def()
    result = result_def()
    descending = opt_prop_def(UnitAttr)
    traits = traits_def(Pure())
    assembly_format = "$start (`descending` $descending^)? attr-dict `:` type($start) `->` type($result)"

    def verify_(self) -> None:
        t = shaped(self.result, "'pl.arange' result")
        if t.get_shape()[:-1] not in ((), (1,)):
            raise VerifyException(f"'pl.arange' result must be [N] or [1, N], got {list(t.get_shape())}")
        if not is_integer(self.start.type):
            raise VerifyException(f"'pl.arange' start must be an integer, got {self.start.type}")


@irdl_op_definition
class SliceOp(IRDLOperation):
    """A static-shaped window of a tensor (or tile) at run-time offsets; optionally with a valid shape."""

    name = "pl.slice"
    source = operand_def()
    offsets = var_operand_def(IndexType)
    valid_shape = var_operand_def(IndexType)
    result = result_def()
    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    traits = traits_def(Pure())
    assembly_format = (
        "$source `[` $offsets `]` (`valid` `[` $valid_shape^ `]`)? attr-dict `:` type($source) `->` type($result)"
    )

    def __init__(
        self, source: SSAValue, offsets: list[SSAValue], result_type: Attribute, valid_shape: tuple[SSAValue, ...] = ()
    ):
        super().__init__(operands=[source, offsets, list(valid_shape)], result_types=[result_type])

    def verify_(self) -> None:
        src = shaped(self.source, "'pl.slice' source")
        res = shaped(self.result, "'pl.slice' result")
        if res.element_type != src.element_type:
            raise VerifyException(f"'pl.slice' changes the dtype: {src.element_type} -> {res.element_type}")
        if res.rank != src.rank:
            raise VerifyException(f"'pl.slice' result rank {res.rank} differs from source rank {src.rank}")
        if not res.is_static:
            raise VerifyException(f"'pl.slice' result must be static-shaped, got {res}")
        if self.valid_shape and len(self.valid_shape) != res.rank:
            raise VerifyException(f"'pl.slice' valid shape needs {res.rank} values, got {len(self.valid_shape)}")
        check_offsets("'pl.slice'", self.offsets, self._accessed_box(res), src.get_shape())

    def _accessed_box(self, res: TensorType | TileType) -> tuple[int, ...]:
        """The extent the slice reads: a tile with a valid shape loads only that (PyPTO's padded window, which
        may be wider than the source); its constant extents are checked here, run-time ones by the executor."""
        if not self.valid_shape or not isinstance(res, TileType):
            return res.get_shape()
        box = []
        for axis, (v, d) in enumerate(zip(self.valid_shape, res.get_shape())):
            c = constant_int(v)
            if c is not None and not 0 <= c <= d:
                raise VerifyException(f"'pl.slice' valid extent {c} exceeds the tile dimension {d} on axis {axis}")
            box.append(0 if c is None else c)
        return tuple(box)


@irdl_op_definition
class AssembleOp(IRDLOperation):
    """Write `source` into `dest` at offsets; the result is the new version of `dest`."""

    name = "pl.assemble"
    source = operand_def()
    dest = operand_def()
    offsets = var_operand_def(IndexType)
    result = result_def()
    atomic_add = opt_prop_def(UnitAttr)
    """PyPTO's `atomic=pl.AtomicType.Add`: add `source` into the region instead of overwriting it (split-K)."""
    traits = traits_def(Pure())
    assembly_format = (
        "$source `into` $dest `[` $offsets `]` (`atomic_add` $atomic_add^)? attr-dict `:` type($source) `into` "
        "type($dest) `->` type($result)"
    )

    def __init__(self, source: SSAValue, dest: SSAValue, offsets: list[SSAValue], atomic_add: bool = False):
        props = {"atomic_add": UnitAttr()} if atomic_add else {}
        super().__init__(operands=[source, dest, offsets], result_types=[dest.type], properties=props)

    def verify_(self) -> None:
        src = shaped(self.source, "'pl.assemble' source")
        dst = shaped(self.dest, "'pl.assemble' destination")
        if self.result.type != dst:
            raise VerifyException(f"'pl.assemble' result type {self.result.type} must equal the destination {dst}")
        if src.element_type != dst.element_type:
            raise VerifyException(f"'pl.assemble' dtype mismatch: writes {src.element_type} into {dst.element_type}")
        if src.rank != dst.rank:
            raise VerifyException(f"'pl.assemble' source rank {src.rank} differs from destination rank {dst.rank}")
        if not src.is_static:
            raise VerifyException(f"'pl.assemble' source must be static-shaped, got {src}")
        check_offsets("'pl.assemble'", self.offsets, _written_box(src), dst.get_shape())
        if self.atomic_add is not None:
            if not (isinstance(self.source.type, TileType) and isinstance(self.dest.type, TensorType)):
                raise VerifyException("'pl.assemble' atomic_add writes a tile into a GM tensor")
            if src.element_type not in ATOMIC_ADD_TYPES:
                raise VerifyException(f"'pl.assemble' atomic_add does not support {src.element_type}")


def _written_box(src: TensorType | TileType) -> tuple[int, ...]:
    """The extent an assemble writes: a tile with a valid shape stores only that (a padded tile may be wider
    than its destination window); run-time valid extents (`?`) are checked by the executor."""
    valid = src.get_valid_shape() if isinstance(src, TileType) else None
    if valid is None:
        return src.get_shape()
    return tuple(0 if v == DYNAMIC else v for v in valid)


@irdl_op_definition
class GatherRowOp(IRDLOperation):
    """PyPTO's `gather_row`: DMA a `valid` box (default: the whole static `window`) of the GM tensor `src`
    at run-time `src` offsets straight into the accumulator tile `acc` at `acc` offsets; the result is the
    new version of `acc`.  `transpose` lands the box transposed (GM row [r, c] -> tile column [c, r]).
    Bounds hold on the box actually moved, not the window (PyPTO's contract: the window may reach past
    `acc`); constant extents are checked here, run-time ones by the executor.  Which rows are read is
    data-dependent, so analyses treat it as reading the whole of `src`."""

    name = "pl.gather_row"
    src = operand_def(TensorType)
    src_offsets = var_operand_def(IndexType)
    acc = operand_def(TileType)
    dst_offsets = var_operand_def(IndexType)
    valid_shape = var_operand_def(IndexType)
    result = result_def(TileType)
    window = prop_def(DenseArrayBase)
    transpose = opt_prop_def(UnitAttr)
    irdl_options = (AttrSizedOperandSegments(as_property=True), ParsePropInAttrDict())
    traits = traits_def(Pure())
    assembly_format = (
        "$src `[` $src_offsets `]` `into` $acc `[` $dst_offsets `]` "
        "(`valid` `[` $valid_shape^ `]`)? (`transpose` $transpose^)? attr-dict "
        "`:` type($src) `into` type($acc) `->` type($result)"
    )

    def __init__(
        self, src: SSAValue, src_offsets: Sequence[SSAValue], acc: SSAValue, dst_offsets: Sequence[SSAValue],
        window: Sequence[int], valid_shape: Sequence[SSAValue] = (), transpose: bool = False,
    ):
        props: dict[str, Attribute] = {"window": DenseArrayBase.from_list(i64, list(window))}
        if transpose:
            props["transpose"] = UnitAttr()
        super().__init__(
            operands=[src, list(src_offsets), acc, list(dst_offsets), list(valid_shape)],
            result_types=[acc.type], properties=props,
        )

    def window_shape(self) -> tuple[int, ...]:
        return tuple(int(v) for v in self.window.get_values())

    def verify_(self) -> None:
        src, acc = self.src.type, self.acc.type
        assert isinstance(src, TensorType) and isinstance(acc, TileType)
        if self.result.type != acc:
            raise VerifyException(f"'pl.gather_row' result type {self.result.type} must equal the accumulator {acc}")
        if src.element_type != acc.element_type:
            raise VerifyException(f"'pl.gather_row' dtype mismatch: gathers {src.element_type} into {acc.element_type}")
        if src.rank != 2 or acc.rank != 2:
            raise VerifyException(
                f"'pl.gather_row' moves 2-D boxes: source and accumulator must be rank 2, got {src} and {acc}"
            )
        window = self.window_shape()
        if len(window) != 2 or min(window) < 1:
            raise VerifyException(f"'pl.gather_row' window must be two positive extents, got {list(window)}")
        if self.valid_shape and len(self.valid_shape) != 2:
            raise VerifyException(f"'pl.gather_row' valid shape needs 2 values, got {len(self.valid_shape)}")
        moved = self._moved_box(window)
        if self.transpose is not None and None in moved:
            raise VerifyException("'pl.gather_row' transpose needs a constant valid shape (as PyPTO requires)")
        box = tuple(0 if m is None else m for m in moved)
        check_offsets("'pl.gather_row' source", self.src_offsets, box, src.get_shape())
        written = box[::-1] if self.transpose is not None else box
        check_offsets("'pl.gather_row' accumulator", self.dst_offsets, written, acc.get_shape())

    def _moved_box(self, window: tuple[int, ...]) -> tuple[int | None, ...]:
        """The extents moved, in source order (None: known at run time); constant ones must fit the window."""
        if not self.valid_shape:
            return window
        box = []
        for axis, (v, w) in enumerate(zip(self.valid_shape, window)):
            c = constant_int(v)
            if c is not None and not 0 <= c <= w:
                raise VerifyException(f"'pl.gather_row' valid extent {c} is outside the window's {w} on axis {axis}")
            box.append(c)
        return tuple(box)


@irdl_op_definition
class DimOp(SignatureFormat):
    """The size of one axis of a tensor or tile (`pl.tensor.dim`): the run-time size of a dynamic dimension."""

    name = "pl.dim"
    source = operand_def()
    result = result_def(IndexType)
    axis = prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, axis: int):
        super().__init__(
            operands=[source], result_types=[IndexType()], properties={"axis": IntegerAttr(axis, 64)}
        )

    def verify_(self) -> None:
        t = shaped(self.source, "'pl.dim' source")
        axis = self.axis.value.data
        if not 0 <= axis < t.rank:
            raise VerifyException(f"'pl.dim' axis {axis} out of range for rank {t.rank}")


@irdl_op_definition
class ReshapeOp(IRDLOperation):
    """Same elements, new shape (row-major); `[%n]` sizes the dynamic dimensions of a tensor result, and
    the element count of a dynamic reshape is checked at run time."""

    name = "pl.reshape"
    source = operand_def()
    sizes = var_operand_def(IndexType)
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$source (`[` $sizes^ `]`)? attr-dict `:` type($source) `->` type($result)"

    def __init__(self, source: SSAValue, result_type: Attribute, sizes: Sequence[SSAValue] = ()):
        super().__init__(operands=[source, list(sizes)], result_types=[result_type])

    def verify_(self) -> None:
        src = shaped(self.source, "'pl.reshape' source")
        res = shaped(self.result, "'pl.reshape' result")
        _check_sizes("'pl.reshape'", self.sizes, res)
        if src.is_static and res.is_static and src.num_elements() != res.num_elements():
            raise VerifyException(
                f"'pl.reshape' element count changes: {list(src.get_shape())} ({src.num_elements()}) -> "
                f"{list(res.get_shape())} ({res.num_elements()})"
            )
        if src.element_type != res.element_type or type(src) is not type(res):
            raise VerifyException("'pl.reshape' must keep the dtype and the tensor/tile kind")


@irdl_op_definition
class TransposeOp(SignatureFormat):
    """Swap axes `axis1` and `axis2` (stored non-negative) of a tensor or tile; the data is moved."""

    name = "pl.transpose"
    source = operand_def()
    result = result_def()
    axis1 = prop_def(IntegerAttr)
    axis2 = prop_def(IntegerAttr)
    traits = traits_def(Pure())

    @classmethod
    def infer(cls, source: Attribute, axis1: int, axis2: int) -> TensorType | TileType:
        t = shaped(source, "'pl.transpose' source")
        for axis in (axis1, axis2):
            if not 0 <= axis < t.rank:
                raise VerifyException(f"'pl.transpose' axis {axis} out of range for rank {t.rank}")
        if axis1 == axis2:
            raise VerifyException(f"'pl.transpose' names axis {axis1} twice")
        shape = list(t.get_shape())
        shape[axis1], shape[axis2] = shape[axis2], shape[axis1]
        return same_kind(t, shape, t.element_type)

    def verify_(self) -> None:
        check_result(self, self.infer(self.source.type, self.axis1.value.data, self.axis2.value.data))


def _check_indices(kind: str, t: TensorType | TileType, indices: tuple[SSAValue, ...]) -> None:
    check_offsets(kind, indices, (1,) * t.rank, t.get_shape())


@irdl_op_definition
class ReadOp(IRDLOperation):
    """Read one scalar element of a GM tensor."""

    name = "pl.read"
    source = operand_def()
    indices = var_operand_def(IndexType)
    result = result_def()
    assembly_format = "$source `[` $indices `]` attr-dict `:` type($source) `->` type($result)"

    def verify_(self) -> None:
        t = shaped(self.source, "'pl.read' source")
        if self.result.type != t.element_type:
            raise VerifyException(f"'pl.read' result {self.result.type} must be the element type {t.element_type}")
        _check_indices("'pl.read'", t, self.indices)


@irdl_op_definition
class WriteOp(IRDLOperation):
    """Write one scalar element; the result is the new version of the tensor."""

    name = "pl.write"
    value = operand_def()
    dest = operand_def()
    indices = var_operand_def(IndexType)
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$value `into` $dest `[` $indices `]` attr-dict `:` type($value) `into` type($dest) `->` type($result)"

    def verify_(self) -> None:
        t = shaped(self.dest, "'pl.write' destination")
        if self.value.type != t.element_type:
            raise VerifyException(f"'pl.write' value {self.value.type} must be the element type {t.element_type}")
        if self.result.type != t:
            raise VerifyException(f"'pl.write' result type {self.result.type} must equal the destination {t}")
        _check_indices("'pl.write'", t, self.indices)


@irdl_op_definition
class CastOp(SignatureFormat):
    """Element type conversion; float -> integer needs an explicit rounding mode (rint, round or trunc)."""

    name = "pl.cast"
    source = operand_def()
    result = result_def()
    mode = opt_prop_def(CastModeAttr)
    traits = traits_def(Pure())

    @classmethod
    def infer(cls, source: Attribute, element_type: Attribute, mode: CastMode = CastMode.NONE) -> TensorType | TileType:
        t = shaped(source, "'pl.cast' source")
        if not is_element_type(element_type):
            raise VerifyException(f"'pl.cast' target {element_type} is not a dtype")
        if is_float(t.element_type) and is_integer(element_type) and mode == CastMode.NONE:
            raise VerifyException(
                f"'pl.cast' from {t.element_type} to {element_type} needs a rounding mode (rint, round or trunc)"
            )
        return same_kind(t, t.get_shape(), element_type)

    def verify_(self) -> None:
        res = shaped(self.result, "'pl.cast' result")
        mode = self.mode.data if self.mode is not None else CastMode.NONE
        check_result(self, self.infer(self.source.type, res.element_type, mode))


@irdl_op_definition
class ConcatOp(SignatureFormat):
    """Concatenate two operands along `axis`."""

    name = "pl.concat"
    lhs = operand_def()
    rhs = operand_def()
    result = result_def()
    axis = prop_def(IntegerAttr)
    traits = traits_def(Pure())

    @classmethod
    def infer(cls, lhs: Attribute, rhs: Attribute, axis: int = 0, **_: Attribute) -> TensorType | TileType:
        a = shaped(lhs, "'pl.concat' lhs")
        b = shaped(rhs, "'pl.concat' rhs")
        if a.element_type != b.element_type or a.rank != b.rank:
            raise VerifyException(f"'pl.concat' operands differ in dtype or rank: {a} vs {b}")
        if not 0 <= axis < a.rank:
            raise VerifyException(f"'pl.concat' axis {axis} out of range for rank {a.rank}")
        sa, sb = list(a.get_shape()), list(b.get_shape())
        if sa[:axis] + sa[axis + 1 :] != sb[:axis] + sb[axis + 1 :]:
            raise VerifyException(f"'pl.concat' shapes {sa} and {sb} differ outside axis {axis}")
        sa[axis] += sb[axis]
        return same_kind(a, sa, a.element_type)

    def verify_(self) -> None:
        check_result(self, self.infer(self.lhs.type, self.rhs.type, self.axis.value.data))


@irdl_op_definition
class SetValidShapeOp(IRDLOperation):
    """Declare how much of a tile holds real data (run-time extents)."""

    name = "pl.set_validshape"
    source = operand_def(TileType)
    valid_shape = var_operand_def(IndexType)
    result = result_def(TileType)
    traits = traits_def(Pure())
    assembly_format = "$source `[` $valid_shape `]` attr-dict `:` type($source) `->` type($result)"

    def verify_(self) -> None:
        src, res = self.source.type, self.result.type
        assert isinstance(src, TileType) and isinstance(res, TileType)
        if src.get_shape() != res.get_shape() or src.element_type != res.element_type:
            raise VerifyException(f"'pl.set_validshape' must keep the tile shape and dtype: {src} -> {res}")
        if len(self.valid_shape) != src.rank:
            raise VerifyException(f"'pl.set_validshape' needs {src.rank} extents, got {len(self.valid_shape)}")
        for axis, (v, d) in enumerate(zip(self.valid_shape, src.get_shape())):
            c = constant_int(v)
            if c is not None and not 0 <= c <= d:
                raise VerifyException(f"'pl.set_validshape' extent {c} exceeds dimension {d} on axis {axis}")


@irdl_op_definition
class FillPadOp(SignatureFormat):
    """Fill the invalid part of a tile with a pad value; the result is fully valid."""

    name = "pl.fillpad"
    source = operand_def(TileType)
    result = result_def(TileType)
    pad = prop_def(PadAttr)
    traits = traits_def(Pure())

    def verify_(self) -> None:
        src = self.source.type
        assert isinstance(src, TileType)
        check_result(self, src.with_shape(src.get_shape()))


DATA_OPS = [
    CreateTensorOp, UndefOp, FullOp, ArangeOp, SliceOp, AssembleOp, GatherRowOp, DimOp, ReshapeOp, ReadOp, WriteOp,
    CastOp, ConcatOp, SetValidShapeOp, FillPadOp, TransposeOp,
]  # fmt: skip
