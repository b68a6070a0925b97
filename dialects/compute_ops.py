"""Compute ops: elementwise, row/column reductions and broadcasts, matmul, sort building blocks.

Every op owns an `infer(...)` classmethod that derives its result type from operand types; the verifier
and the frontend both call it, so the rules the frontend uses to type a program are exactly the rules the
verifier enforces on hand-written IR.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import BoolAttr, Float16Type, Float32Type, IntegerAttr, IntegerType, Signedness, i32
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import irdl_op_definition, operand_def, opt_prop_def, prop_def, result_def, traits_def, var_operand_def
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from .support import SignatureFormat, check_result, same_kind, scalar_matches, shaped
from .types import TensorType, TileType, element_bits, is_float, is_integer

Shaped = TensorType | TileType


def _rank2(t: Shaped, what: str) -> tuple[int, int]:
    if t.rank != 2:
        raise VerifyException(f"{what} must be 2-D, got {t}")
    m, n = t.get_shape()
    return m, n


class _ComputeOp(SignatureFormat):
    """Single-result pure op whose result type is `infer(*operand types)`."""

    traits = traits_def(Pure())

    @classmethod
    def infer(cls, *types: Attribute, **props: Attribute) -> Shaped:
        raise NotImplementedError

    def verify_(self) -> None:
        check_result(self, self.infer(*(o.type for o in self.operands), **dict(self.properties)))


# ----------------------------------------------------------------------------------------- elementwise
class ElementwiseBinaryOp(_ComputeOp):
    """`lhs op rhs` on equal-shaped operands, or on a tensor/tile and a scalar (the scalar form)."""

    lhs = operand_def()
    rhs = operand_def()
    result = result_def()

    def __init__(self, lhs: SSAValue, rhs: SSAValue):
        super().__init__(operands=[lhs, rhs], result_types=[self.infer(lhs.type, rhs.type)])

    @classmethod
    def infer(cls, lhs: Attribute, rhs: Attribute, **_: Attribute) -> Shaped:
        a = shaped(lhs, f"'{cls.name}' lhs")
        if isinstance(rhs, TensorType | TileType):
            if rhs.get_shape() != a.get_shape():
                raise VerifyException(f"'{cls.name}' operand shapes differ: {list(a.get_shape())} vs {list(rhs.get_shape())}")
            if rhs.element_type != a.element_type:
                raise VerifyException(f"'{cls.name}' operand dtypes differ: {a.element_type} vs {rhs.element_type}")
        elif not scalar_matches(rhs, a.element_type):
            raise VerifyException(f"'{cls.name}' scalar operand {rhs} does not match element type {a.element_type}")
        return a


@irdl_op_definition
class AddOp(ElementwiseBinaryOp):
    name = "pl.add"


@irdl_op_definition
class SubOp(ElementwiseBinaryOp):
    name = "pl.sub"


@irdl_op_definition
class MulOp(ElementwiseBinaryOp):
    name = "pl.mul"


@irdl_op_definition
class DivOp(ElementwiseBinaryOp):
    name = "pl.div"


@irdl_op_definition
class MaximumOp(ElementwiseBinaryOp):
    name = "pl.maximum"


@irdl_op_definition
class MinimumOp(ElementwiseBinaryOp):
    name = "pl.minimum"


class ElementwiseUnaryOp(_ComputeOp):
    source = operand_def()
    result = result_def()
    FLOAT_ONLY: ClassVar[bool] = False

    def __init__(self, source: SSAValue):
        super().__init__(operands=[source], result_types=[self.infer(source.type)])

    @classmethod
    def infer(cls, source: Attribute, **_: Attribute) -> Shaped:
        t = shaped(source, f"'{cls.name}' operand")
        if cls.FLOAT_ONLY and not is_float(t.element_type):
            raise VerifyException(f"'{cls.name}' needs a floating-point operand, got {t.element_type}")
        return t


@irdl_op_definition
class ExpOp(ElementwiseUnaryOp):
    name = "pl.exp"
    FLOAT_ONLY: ClassVar[bool] = True


@irdl_op_definition
class SqrtOp(ElementwiseUnaryOp):
    name = "pl.sqrt"
    FLOAT_ONLY: ClassVar[bool] = True


@irdl_op_definition
class RecipOp(ElementwiseUnaryOp):
    name = "pl.recip"
    FLOAT_ONLY: ClassVar[bool] = True


@irdl_op_definition
class RsqrtOp(ElementwiseUnaryOp):
    name = "pl.rsqrt"
    FLOAT_ONLY: ClassVar[bool] = True


@irdl_op_definition
class LogOp(ElementwiseUnaryOp):
    name = "pl.log"
    FLOAT_ONLY: ClassVar[bool] = True


@irdl_op_definition
class NegOp(ElementwiseUnaryOp):
    name = "pl.neg"


@irdl_op_definition
class AbsOp(ElementwiseUnaryOp):
    name = "pl.abs"


@irdl_op_definition
class ReluOp(ElementwiseUnaryOp):
    name = "pl.relu"


# ----------------------------------------------------------------------------------------- reductions
class RowReductionOp(ElementwiseUnaryOp):
    """Reduce the last axis, keeping it: [..., M, N] -> [..., M, 1] (PyPTO: leading axes are batch axes)."""

    @classmethod
    def infer(cls, source: Attribute, **_: Attribute) -> Shaped:
        t = shaped(source, f"'{cls.name}' operand")
        return same_kind(t, (*t.get_shape()[:-1], 1), t.element_type)


class ColReductionOp(ElementwiseUnaryOp):
    """Reduce the second-to-last axis, keeping it: [..., M, N] -> [..., 1, N] (PyPTO's axis=-2 default)."""

    @classmethod
    def infer(cls, source: Attribute, **_: Attribute) -> Shaped:
        t = shaped(source, f"'{cls.name}' operand")
        if t.rank < 2:
            raise VerifyException(f"'{cls.name}' operand must be at least 2-D, got {t}")
        shape = t.get_shape()
        return same_kind(t, (*shape[:-2], 1, shape[-1]), t.element_type)


@irdl_op_definition
class RowSumOp(RowReductionOp):
    name = "pl.row_sum"


@irdl_op_definition
class RowMaxOp(RowReductionOp):
    name = "pl.row_max"


@irdl_op_definition
class RowMinOp(RowReductionOp):
    name = "pl.row_min"


@irdl_op_definition
class ColSumOp(ColReductionOp):
    name = "pl.col_sum"


@irdl_op_definition
class ColMaxOp(ColReductionOp):
    name = "pl.col_max"


class _ArgReduction:
    """Index reductions (PyPTO's row/col_argmax/argmin): the reduction's shape, int32 indices.  Sources are
    f16/f32 or u16/u32, the dtypes pto-isa's A2A3 TROWARGMAX/TCOLARGMAX accept."""

    @classmethod
    def infer(cls, source: Attribute, **props: Attribute) -> Shaped:
        t = super().infer(source, **props)  # type: ignore[misc]
        elt = shaped(source, f"'{cls.name}' operand").element_type
        unsigned = isinstance(elt, IntegerType) and elt.signedness.data == Signedness.UNSIGNED
        if not (isinstance(elt, Float16Type | Float32Type) or (unsigned and element_bits(elt) in (16, 32))):
            raise VerifyException(f"'{cls.name}' operand must be f16, f32, ui16 or ui32, got {elt}")
        return same_kind(t, t.get_shape(), i32)


@irdl_op_definition
class RowArgmaxOp(_ArgReduction, RowReductionOp):
    name = "pl.row_argmax"


@irdl_op_definition
class RowArgminOp(_ArgReduction, RowReductionOp):
    name = "pl.row_argmin"


@irdl_op_definition
class ColArgmaxOp(_ArgReduction, ColReductionOp):
    name = "pl.col_argmax"


@irdl_op_definition
class ColArgminOp(_ArgReduction, ColReductionOp):
    name = "pl.col_argmin"


# ----------------------------------------------------------------------------------------- broadcasts
class BroadcastOp(ElementwiseBinaryOp):
    """`x[..., M, N] op v` where v is [..., M, 1] (row_expand_*) or [..., 1, N] (col_expand*), broadcast over x.
    PyPTO checks the last two axes; the leading (batch) axes of v must be x's, or both all units."""

    ALONG_ROWS: ClassVar[bool]

    @classmethod
    def infer(cls, lhs: Attribute, rhs: Attribute, **_: Attribute) -> Shaped:
        x = shaped(lhs, f"'{cls.name}' operand")
        v = shaped(rhs, f"'{cls.name}' broadcast operand")
        if x.rank < 2 or v.rank < 2:
            raise VerifyException(f"'{cls.name}' operands must be at least 2-D, got {x} and {v}")
        *lead, m, n = x.get_shape()
        *v_lead, _, _ = v.get_shape()
        units = all(d == 1 for d in (*lead, *v_lead))
        want = (*(v_lead if units else lead), *((m, 1) if cls.ALONG_ROWS else (1, n)))
        if v.get_shape() != want:
            raise VerifyException(
                f"'{cls.name}' broadcast operand must be {list(want)} for operand {list(x.get_shape())}, "
                f"got {list(v.get_shape())}"
            )
        if v.element_type != x.element_type:
            raise VerifyException(f"'{cls.name}' operand dtypes differ: {x.element_type} vs {v.element_type}")
        return x


@irdl_op_definition
class RowExpandOp(BroadcastOp):
    name = "pl.row_expand"
    ALONG_ROWS: ClassVar[bool] = True


@irdl_op_definition
class RowExpandAddOp(BroadcastOp):
    name = "pl.row_expand_add"
    ALONG_ROWS: ClassVar[bool] = True


@irdl_op_definition
class RowExpandSubOp(BroadcastOp):
    name = "pl.row_expand_sub"
    ALONG_ROWS: ClassVar[bool] = True


@irdl_op_definition
class RowExpandMulOp(BroadcastOp):
    name = "pl.row_expand_mul"
    ALONG_ROWS: ClassVar[bool] = True


@irdl_op_definition
class RowExpandDivOp(BroadcastOp):
    name = "pl.row_expand_div"
    ALONG_ROWS: ClassVar[bool] = True


@irdl_op_definition
class ColExpandOp(BroadcastOp):
    name = "pl.col_expand"
    ALONG_ROWS: ClassVar[bool] = False


@irdl_op_definition
class ColExpandAddOp(BroadcastOp):
    name = "pl.col_expand_add"
    ALONG_ROWS: ClassVar[bool] = False


@irdl_op_definition
class ColExpandSubOp(BroadcastOp):
    name = "pl.col_expand_sub"
    ALONG_ROWS: ClassVar[bool] = False


@irdl_op_definition
class ColExpandMulOp(BroadcastOp):
    name = "pl.col_expand_mul"
    ALONG_ROWS: ClassVar[bool] = False


@irdl_op_definition
class ColExpandDivOp(BroadcastOp):
    name = "pl.col_expand_div"
    ALONG_ROWS: ClassVar[bool] = False


@irdl_op_definition
class ColExpandExpdifOp(BroadcastOp):
    """`exp(x - v)` with v [1, N] broadcast over the rows (a softmax numerator against column maxima)."""

    name = "pl.col_expand_expdif"
    ALONG_ROWS: ClassVar[bool] = False

    @classmethod
    def infer(cls, lhs: Attribute, rhs: Attribute, **_: Attribute) -> Shaped:
        x = super().infer(lhs, rhs)
        if not is_float(x.element_type):
            raise VerifyException(f"'{cls.name}' needs floating-point operands, got {x.element_type}")
        return x


# ----------------------------------------------------------------------------------------- matmul
def _is_int8(t: Attribute) -> bool:
    return isinstance(t, IntegerType) and t.width.data == 8


def _flag(props: dict[str, Attribute], key: str) -> bool:
    attr = props.get(key)
    return isinstance(attr, IntegerAttr) and bool(attr.value.data)


def _matrix(t: Shaped, what: str) -> tuple[tuple[int, ...], int, int]:
    """(batch dims, rows, columns) of a matmul operand of rank >= 2."""
    if t.rank < 2:
        raise VerifyException(f"{what} must be at least 2-D, got {t}")
    *batch, rows, cols = t.get_shape()
    return tuple(batch), rows, cols


def _broadcast_batch(cls_name: str, a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """numpy broadcasting of the leading (batch) dims: aligned from the right, equal or 1."""
    width = max(len(a), len(b))
    a, b = (1,) * (width - len(a)) + a, (1,) * (width - len(b)) + b
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b)):
        raise VerifyException(f"'{cls_name}' batch dimensions {list(a)} and {list(b)} do not broadcast")
    return tuple(max(x, y) if 1 in (x, y) else x for x, y in zip(a, b))


def infer_matmul(cls_name: str, a: Attribute, b: Attribute, props: dict[str, Attribute], out: Attribute | None) -> Shaped:
    """[..., M,K] x [..., K,N] -> [..., M,N] (operands optionally transposed in their last two axes, leading
    batch dims broadcast); int8 x int8 -> i32, float -> f32 by default."""
    ta = shaped(a, f"'{cls_name}' lhs")
    tb = shaped(b, f"'{cls_name}' rhs")
    batch_a, m, k = _matrix(ta, f"'{cls_name}' lhs")
    batch_b, k2, n = _matrix(tb, f"'{cls_name}' rhs")
    if _flag(props, "a_trans"):
        m, k = k, m
    if _flag(props, "b_trans"):
        k2, n = n, k2
    if k != k2:
        raise VerifyException(f"'{cls_name}' inner dimensions differ: {k} vs {k2}")
    batch = _broadcast_batch(cls_name, batch_a, batch_b)
    if ta.element_type != tb.element_type:
        raise VerifyException(f"'{cls_name}' operand dtypes differ: {ta.element_type} vs {tb.element_type}")
    if _is_int8(ta.element_type):
        if out is not None and out != i32:
            raise VerifyException(f"'{cls_name}' of int8 operands accumulates in i32, not {out}")
        out = i32
    elif is_float(ta.element_type):
        out = out or Float32Type()
        if not is_float(out):
            raise VerifyException(f"'{cls_name}' of float operands must produce a float result, not {out}")
    else:
        raise VerifyException(f"'{cls_name}' operands must be float or int8, got {ta.element_type}")
    if isinstance(ta, TensorType):
        return TensorType((*batch, m, n), out)
    return TileType((*batch, m, n), out, "acc")


@irdl_op_definition
class MatmulOp(_ComputeOp):
    """`a @ b` with optional transposes; the result dtype is the requested accumulation dtype."""

    name = "pl.matmul"
    lhs = operand_def()
    rhs = operand_def()
    result = result_def()
    a_trans = opt_prop_def(BoolAttr)
    b_trans = opt_prop_def(BoolAttr)

    @classmethod
    def infer(cls, lhs: Attribute, rhs: Attribute, out: Attribute | None = None, **props: Attribute) -> Shaped:
        return infer_matmul(cls.name, lhs, rhs, props, out)

    def verify_(self) -> None:
        out = self.result.type.element_type if isinstance(self.result.type, TensorType | TileType) else None
        check_result(self, self.infer(self.lhs.type, self.rhs.type, out, **dict(self.properties)))


@irdl_op_definition
class MatmulAccOp(_ComputeOp):
    """`acc + a @ b`; the accumulator's type is the result type."""

    name = "pl.matmul_acc"
    acc = operand_def()
    lhs = operand_def()
    rhs = operand_def()
    result = result_def()
    a_trans = opt_prop_def(BoolAttr)
    b_trans = opt_prop_def(BoolAttr)

    @classmethod
    def infer(cls, acc: Attribute, lhs: Attribute, rhs: Attribute, **props: Attribute) -> Shaped:
        t = shaped(acc, f"'{cls.name}' accumulator")
        product = infer_matmul(cls.name, lhs, rhs, props, t.element_type)
        if product.get_shape() != t.get_shape():
            raise VerifyException(
                f"'{cls.name}' accumulator shape {list(t.get_shape())} differs from the product {list(product.get_shape())}"
            )
        return t


# ----------------------------------------------------------------------------------------- sorting
@irdl_op_definition
class Sort32Op(_ComputeOp):
    """Sort each group of 32 scores descending; result [M, 2N] f32 holds (value, index) pairs."""

    name = "pl.sort32"
    source = operand_def()
    indices = operand_def()
    result = result_def()

    @classmethod
    def infer(cls, source: Attribute, indices: Attribute, **_: Attribute) -> Shaped:
        s = shaped(source, "'pl.sort32' scores")
        i = shaped(indices, "'pl.sort32' indices")
        m, n = _rank2(s, "'pl.sort32' scores")
        if s.element_type != Float32Type():
            raise VerifyException(f"'pl.sort32' scores must be f32, got {s.element_type}")
        if i.get_shape() != s.get_shape() or not is_integer(i.element_type):
            raise VerifyException("'pl.sort32' indices must be integers of the scores' shape")
        if n % 32:
            raise VerifyException(f"'pl.sort32' row length {n} must be a multiple of 32")
        return same_kind(s, (m, 2 * n), s.element_type)


@irdl_op_definition
class MrgSortOp(_ComputeOp):
    """PyPTO's format-1 merge (TMRGSORT with a block length): each row holds sorted runs of `block_len` words
    ((value, index) pairs take two), and every four adjacent runs merge into one sorted run."""

    name = "pl.mrgsort"
    source = operand_def()
    result = result_def()
    block_len = prop_def(IntegerAttr)

    @classmethod
    def infer(cls, source: Attribute, **props: Attribute) -> Shaped:
        s = shaped(source, "'pl.mrgsort' operand")
        _m, n = _rank2(s, "'pl.mrgsort' operand")
        block = props["block_len"].value.data  # type: ignore[attr-defined]
        if block <= 0 or block % 2:
            raise VerifyException(f"'pl.mrgsort' block_len {block} must be a positive even number of words")
        if n % (4 * block):  # TMRGSORT leaves a partial group of four runs unwritten
            raise VerifyException(f"'pl.mrgsort' row length {n} must be a multiple of 4 * block_len ({block})")
        return s


@irdl_op_definition
class MrgSortListsOp(_ComputeOp):
    """PyPTO's format-2 merge: 2-4 sorted rows of (value, index) pairs merged into one, side by side; equal
    values keep the order of the lists."""

    name = "pl.mrgsort_lists"
    sources = var_operand_def()
    result = result_def()

    @classmethod
    def infer(cls, *sources: Attribute, **_: Attribute) -> Shaped:
        if not 2 <= len(sources) <= 4:
            raise VerifyException(f"'pl.mrgsort_lists' merges 2 to 4 lists, got {len(sources)}")
        first = shaped(sources[0], "'pl.mrgsort_lists' list")
        m, _n = _rank2(first, "'pl.mrgsort_lists' list")
        if first.element_type != Float32Type():
            raise VerifyException(f"'pl.mrgsort_lists' lists must be f32 (value, index) pairs, got {first.element_type}")
        total = 0
        for i, src in enumerate(sources):
            t = shaped(src, "'pl.mrgsort_lists' list")
            if type(t) is not type(first) or t.element_type != first.element_type or _rank2(t, "list")[0] != m:
                raise VerifyException(f"'pl.mrgsort_lists' list {i} ({t}) does not match list 0 ({first})")
            if isinstance(t, TileType) and t.get_valid_shape() not in (None, t.get_shape()):
                raise VerifyException(f"'pl.mrgsort_lists' list {i} must be fully valid, got {t}")
            if t.get_shape()[1] % 2:
                raise VerifyException(f"'pl.mrgsort_lists' list {i} has an odd row length: rows are (value, index) pairs")
            total += t.get_shape()[1]
        return same_kind(first, (m, total), first.element_type)


# PyPTO's mask patterns (`pl.tile.MaskPattern`): pattern -> (stride, first position kept).
MASK_PATTERNS = {1: (2, 0), 2: (2, 1), 3: (4, 0), 4: (4, 1), 5: (4, 2), 6: (4, 3), 7: (1, 0)}
_GATHER_DTYPES = ("f16", "f32", "i16", "i32")  # what PyPTO's gather (both forms) takes


def _gather_source(t: Shaped, what: str) -> None:
    if str(t.element_type) not in _GATHER_DTYPES:
        raise VerifyException(f"{what} must be f16, f32, i16 or i32 (as in PyPTO), got {t.element_type}")


@irdl_op_definition
class GatherOp(_ComputeOp):
    """Mask form: keep the columns of each row that PyPTO's `mask_pattern` (1-7) selects, e.g. 1 (P0101)
    the even and 2 (P1010) the odd ones -- the values and the index bits of sort32's (value, index) pairs.
    `output_dtype` (same width) reinterprets the bits, so P1010 with i32 reads the indices."""

    name = "pl.gather"
    source = operand_def()
    result = result_def()
    mask_pattern = prop_def(IntegerAttr)
    output_dtype = opt_prop_def(Attribute)

    @classmethod
    def infer(cls, source: Attribute, **props: Attribute) -> Shaped:
        s = shaped(source, "'pl.gather' operand")
        m, n = _rank2(s, "'pl.gather' operand")
        _gather_source(s, "'pl.gather' operand")
        pattern = _mask_pattern(props, "'pl.gather'")
        stride = MASK_PATTERNS[pattern][0]
        if n % stride:
            raise VerifyException(f"'pl.gather' mask_pattern {pattern} needs a row length divisible by {stride}, got {n}")
        element = props.get("output_dtype", s.element_type)
        if element_bits(element) != element_bits(s.element_type):
            raise VerifyException(f"'pl.gather' output_dtype {element} must have the width of {s.element_type}")
        return same_kind(s, (m, n // stride), element)


@irdl_op_definition
class GatherIndexOp(_ComputeOp):
    """Index form (torch.gather): `result[..., i, ...] = source[..., index[..., i, ...], ...]` along `dim`;
    the result has the index's shape and the source's dtype. An index outside the source is a run-time
    error (PyPTO leaves it undefined)."""

    name = "pl.gather_index"
    source = operand_def()
    index = operand_def()
    result = result_def()
    dim = prop_def(IntegerAttr)

    @classmethod
    def infer(cls, source: Attribute, index: Attribute, **props: Attribute) -> Shaped:
        s = shaped(source, "'pl.gather_index' source")
        i = shaped(index, "'pl.gather_index' index")
        _gather_source(s, "'pl.gather_index' source")
        wide = str(i.element_type) == "i32"
        if not (wide or (str(i.element_type) == "i16" and element_bits(s.element_type) == 16)):
            raise VerifyException(f"'pl.gather_index' index must be i32 (or i16 with a 16-bit source), got {i.element_type}")
        rank = s.rank
        if rank < 2 or i.rank != rank:
            raise VerifyException(f"'pl.gather_index' source and index must have one rank >= 2, got {s} and {i}")
        dim = props["dim"].value.data  # type: ignore[attr-defined]
        if not 0 <= dim < rank:
            raise VerifyException(f"'pl.gather_index' dim must be in [0, {rank}), got {dim}")
        for axis, (n, k) in enumerate(zip(s.get_shape(), i.get_shape())):
            if axis != dim and k > n:
                raise VerifyException(f"'pl.gather_index' index extent {k} exceeds the source's {n} on axis {axis}")
        return same_kind(s, i.get_shape(), s.element_type)


def _mask_pattern(props: dict[str, Attribute], what: str) -> int:
    pattern = props["mask_pattern"].value.data  # type: ignore[attr-defined]
    if pattern not in MASK_PATTERNS:
        raise VerifyException(f"{what} mask_pattern must be 1-7 (pl.tile.MaskPattern), got {pattern}")
    return pattern


_SCATTER_DTYPES = ("i8", "i16", "i32", "f16", "f32", "bf16")  # what PyPTO's scatter (both forms) takes


def _scatter_operand(t: Attribute, what: str) -> Shaped:
    s = shaped(t, what)
    _rank2(s, what)
    if str(s.element_type) not in _SCATTER_DTYPES:
        raise VerifyException(f"{what} must be i8, i16, i32, f16, f32 or bf16 (as in PyPTO), got {s.element_type}")
    return s


@irdl_op_definition
class ScatterMaskOp(_ComputeOp):
    """Mask form (PyPTO's `scatter(src, mask_pattern=P, dst=d)`): `dst` with the columns of each row that
    `mask_pattern` selects replaced by the compact row of `source` (the inverse of `pl.gather`'s mask form);
    the other columns keep `dst`'s values."""

    name = "pl.scatter_mask"
    dst = operand_def()
    source = operand_def()
    result = result_def()
    mask_pattern = prop_def(IntegerAttr)

    @classmethod
    def infer(cls, dst: Attribute, source: Attribute, **props: Attribute) -> Shaped:
        d = _scatter_operand(dst, "'pl.scatter_mask' dst")
        s = _scatter_operand(source, "'pl.scatter_mask' source")
        if s.element_type != d.element_type:
            raise VerifyException(f"'pl.scatter_mask' source and dst dtypes differ: {s.element_type} vs {d.element_type}")
        pattern = _mask_pattern(props, "'pl.scatter_mask'")
        (m, n), (dm, dn) = s.get_shape(), d.get_shape()
        stride = MASK_PATTERNS[pattern][0]
        if dm != m or dn != n * stride:
            raise VerifyException(
                f"'pl.scatter_mask' mask_pattern {pattern} needs dst of shape [{m}, {n * stride}] for a source of shape "
                f"[{m}, {n}], got [{dm}, {dn}]"
            )
        return d


@irdl_op_definition
class ScatterIndexOp(_ComputeOp):
    """Index form (PyPTO's `scatter(input, -1, index, src)`, the inverse of `pl.gather`'s index form on the
    last axis): `input` with `result[b, index[b, k]] = src[b, k]`; `index` has `src`'s shape. Of two
    equal indices in a row the later one's value stays (pto.tscatter's order); an index outside the row is
    a run-time error."""

    name = "pl.scatter_index"
    input = operand_def()
    index = operand_def()
    src = operand_def()
    result = result_def()
    dim = prop_def(IntegerAttr)

    @classmethod
    def infer(cls, input: Attribute, index: Attribute, src: Attribute, **props: Attribute) -> Shaped:  # noqa: A002
        d = _scatter_operand(input, "'pl.scatter_index' input")
        s = _scatter_operand(src, "'pl.scatter_index' src")
        i = shaped(index, "'pl.scatter_index' index")
        if s.element_type != d.element_type:
            raise VerifyException(f"'pl.scatter_index' src and input dtypes differ: {s.element_type} vs {d.element_type}")
        wanted = "i32" if element_bits(d.element_type) == 32 else "i16"  # PyPTO: 4-byte -> INT32, 2/1-byte -> INT16
        if str(i.element_type) != wanted:
            raise VerifyException(f"'pl.scatter_index' index must be {wanted} for a {d.element_type} input, got {i.element_type}")
        if i.get_shape() != s.get_shape():
            raise VerifyException(f"'pl.scatter_index' index must have src's shape {list(s.get_shape())}, got {list(i.get_shape())}")
        if props["dim"].value.data != 1:  # type: ignore[attr-defined]
            raise VerifyException("'pl.scatter_index' scatters along the last axis only (dim 1), as PyPTO")
        if any(k > n for k, n in zip(s.get_shape(), d.get_shape())):
            raise VerifyException(f"'pl.scatter_index' src {list(s.get_shape())} exceeds the input {list(d.get_shape())}")
        return d


COMPUTE_OPS = [
    AddOp, SubOp, MulOp, DivOp, MaximumOp, MinimumOp,
    ExpOp, SqrtOp, RsqrtOp, LogOp, RecipOp, NegOp, AbsOp, ReluOp,
    RowSumOp, RowMaxOp, RowMinOp, ColSumOp, ColMaxOp, RowArgmaxOp, RowArgminOp, ColArgmaxOp, ColArgminOp,
    RowExpandOp, RowExpandAddOp, RowExpandSubOp, RowExpandMulOp, RowExpandDivOp,
    ColExpandOp, ColExpandAddOp, ColExpandSubOp, ColExpandMulOp, ColExpandDivOp, ColExpandExpdifOp,
    MatmulOp, MatmulAccOp, Sort32Op, MrgSortOp, MrgSortListsOp, GatherOp, GatherIndexOp,
    ScatterMaskOp, ScatterIndexOp,
]  # fmt: skip
