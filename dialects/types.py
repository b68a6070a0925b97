"""Types of the `pl` dialect.

`!pl.tensor<64x128xbf16>` is a global-memory (GM) tensor with value semantics: a write produces a new
version, so SSA passes can reason about it like `tensor.insert_slice`.  A tensor dimension may be dynamic
(`!pl.tensor<?x512xbf16>`: a `pl.dynamic` size bound when the program is called), so one compiled program
serves every size; tiles are always static-shaped.  `!pl.tile<16x128xf32, vec>` is an
on-chip tile living in one memory space; its optional *valid shape* records how much of the static
buffer holds real data (`?` = only known at run time).  `!pl.ref<T>` is the handle of a frontend local
variable (`pl.local.*`), which only exists until `pl-ssa` turns locals into SSA values.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    BFloat16Type,
    Float16Type,
    Float32Type,
    IndexType,
    IntAttr,
    IntegerType,
    NoneAttr,
)
from xdsl.ir import Attribute, ParametrizedAttribute, TypeAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

DYNAMIC = DYNAMIC_INDEX


class MemorySpace(StrEnum):
    """On-chip buffers a tile can live in (UB, L1, L0A, L0B, L0C)."""

    VEC = "vec"
    MAT = "mat"
    LEFT = "left"
    RIGHT = "right"
    ACC = "acc"


def is_element_type(t: Attribute) -> bool:
    """The scalar types a tensor or tile may hold."""
    if isinstance(t, BFloat16Type | Float16Type | Float32Type | IndexType):
        return True
    return isinstance(t, IntegerType) and t.width.data in (1, 8, 16, 32, 64)


def is_float(t: Attribute) -> bool:
    return isinstance(t, BFloat16Type | Float16Type | Float32Type)


def is_integer(t: Attribute) -> bool:
    return isinstance(t, IntegerType | IndexType)


def element_bits(t: Attribute) -> int:
    """The width of an element type in bits (index: 64)."""
    if isinstance(t, IntegerType):
        return t.width.data
    return 64 if isinstance(t, IndexType) else t.bitwidth  # type: ignore[attr-defined]


def _dims(dims: Sequence[int]) -> str:
    return "x".join("?" if d == DYNAMIC else str(d) for d in dims)


def _print_dims(printer: Printer, dims: Sequence[int]) -> None:
    printer.print_string(_dims(dims))


def _verify_shape(kind: str, shape: Sequence[int], element_type: Attribute, dynamic_ok: bool = False) -> None:
    if any(d <= 0 and not (dynamic_ok and d == DYNAMIC) for d in shape):
        what = "positive or dynamic (?)" if dynamic_ok else "static and positive"
        raise VerifyException(f"{kind} dimensions must be {what}, got {_dims(shape)}")
    if not is_element_type(element_type):
        raise VerifyException(f"{kind} element type must be a scalar dtype, got {element_type}")


class ShapedPlType:
    """Common accessors of `!pl.tensor` and `!pl.tile` (a tensor may have dynamic dimensions)."""

    shape: ArrayAttr[IntAttr]
    element_type: Attribute

    def get_shape(self) -> tuple[int, ...]:
        return tuple(d.data for d in self.shape.data)

    @property
    def rank(self) -> int:
        return len(self.shape.data)

    @property
    def is_static(self) -> bool:
        return DYNAMIC not in self.get_shape()

    def num_elements(self) -> int:
        """The element count of a static shape (callers check `is_static` first)."""
        assert self.is_static, f"element count of a dynamic shape {_dims(self.get_shape())}"
        n = 1
        for d in self.get_shape():
            n *= d
        return n


@irdl_attr_definition
class TensorType(ShapedPlType, ParametrizedAttribute, TypeAttribute):
    """`!pl.tensor<d0 x d1 x ... x dtype>`: a GM tensor (value semantics in the IR); `?` = a dynamic dimension."""

    name = "pl.tensor"
    shape: ArrayAttr[IntAttr]
    element_type: Attribute

    def __init__(self, shape: Sequence[int], element_type: Attribute):
        super().__init__(ArrayAttr(IntAttr(d) for d in shape), element_type)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            dims, elt = parser.parse_ranked_shape()
        return ArrayAttr(IntAttr(d) for d in dims), elt

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            _print_dims(printer, self.get_shape())
            if self.rank:
                printer.print_string("x")
            printer.print_attribute(self.element_type)

    def verify(self) -> None:
        _verify_shape("tensor", self.get_shape(), self.element_type, dynamic_ok=True)


@irdl_attr_definition
class TileType(ShapedPlType, ParametrizedAttribute, TypeAttribute):
    """`!pl.tile<16x128xf32, vec[, valid 8x?]>`: an on-chip tile in one memory space.

    The valid shape is NoneAttr when the whole tile is valid; `?` marks a run-time valid extent.
    """

    name = "pl.tile"
    shape: ArrayAttr[IntAttr]
    element_type: Attribute
    space: Attribute
    valid_shape: Attribute

    def __init__(
        self,
        shape: Sequence[int],
        element_type: Attribute,
        space: MemorySpace | str = MemorySpace.VEC,
        valid_shape: Sequence[int] | None = None,
    ):
        from xdsl.dialects.builtin import StringAttr

        valid: Attribute = NoneAttr() if valid_shape is None else ArrayAttr(IntAttr(d) for d in valid_shape)
        super().__init__(
            ArrayAttr(IntAttr(d) for d in shape), element_type, StringAttr(MemorySpace(space).value), valid
        )

    @property
    def memory_space(self) -> MemorySpace:
        return MemorySpace(self.space.data)  # type: ignore[attr-defined]

    def get_valid_shape(self) -> tuple[int, ...] | None:
        if isinstance(self.valid_shape, NoneAttr):
            return None
        return tuple(d.data for d in self.valid_shape.data)  # type: ignore[attr-defined]

    def with_shape(self, shape: Sequence[int], element_type: Attribute | None = None) -> TileType:
        """A fully valid tile of another shape in the same memory space."""
        return TileType(shape, element_type or self.element_type, self.memory_space)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        from xdsl.dialects.builtin import StringAttr

        with parser.in_angle_brackets():
            dims, elt = parser.parse_ranked_shape()
            parser.parse_punctuation(",")
            space = parser.parse_str_enum(MemorySpace)
            valid: Attribute = NoneAttr()
            if parser.parse_optional_punctuation(","):
                parser.parse_keyword("valid")
                valid = ArrayAttr(IntAttr(d) for d in parser.parse_dimension_list())
        return ArrayAttr(IntAttr(d) for d in dims), elt, StringAttr(space.value), valid

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            _print_dims(printer, self.get_shape())
            printer.print_string("x")
            printer.print_attribute(self.element_type)
            printer.print_string(f", {self.space.data}")  # type: ignore[attr-defined]
            valid = self.get_valid_shape()
            if valid is not None:
                printer.print_string(", valid ")
                _print_dims(printer, valid)

    def verify(self) -> None:
        _verify_shape("tile", self.get_shape(), self.element_type)
        if self.rank == 0:
            raise VerifyException("tile must have rank >= 1")
        try:
            MemorySpace(self.space.data)  # type: ignore[attr-defined]
        except (ValueError, AttributeError):
            raise VerifyException(f"unknown tile memory space {self.space}") from None
        valid = self.get_valid_shape()
        if valid is None:
            return
        if len(valid) != self.rank:
            raise VerifyException(f"tile valid shape {_dims(valid)} must have rank {self.rank}")
        for v, d in zip(valid, self.get_shape()):
            if v != DYNAMIC and not 0 <= v <= d:
                raise VerifyException(f"tile valid shape {_dims(valid)} exceeds shape {_dims(self.get_shape())}")


@irdl_attr_definition
class RefType(ParametrizedAttribute, TypeAttribute):
    """`!pl.ref<T>`: handle of a frontend local variable holding values of type T."""

    name = "pl.ref"
    value_type: Attribute

    def __init__(self, value_type: Attribute):
        super().__init__(value_type)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (parser.parse_type(),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_attribute(self.value_type)


ShapedType = TensorType | TileType
