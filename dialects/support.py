"""Helpers shared by the op definitions: the compact type signature format and constant lookup.

Compute ops print as `pl.add %a, %b : T` when every operand and the result have the same type, and as
`pl.row_sum %x : (A) -> R` otherwise, so FileCheck lines stay short without losing information.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from xdsl.dialects.arith import ConstantOp
from xdsl.dialects.builtin import FunctionType, IntegerAttr
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import IRDLOperation
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from .types import DYNAMIC, TensorType, TileType, is_float, is_integer


def constant_int(value: SSAValue) -> int | None:
    """The integer a value is known to hold at compile time (an `arith.constant`), else None."""
    op = value.owner
    if isinstance(op, ConstantOp) and isinstance(op.value, IntegerAttr):
        return op.value.value.data
    return None


def defining_op(value: SSAValue) -> Operation | None:
    """The op that produced `value`: its owner, or for a block argument the op whose region holds the block."""
    owner = value.owner
    return owner if isinstance(owner, Operation) else owner.parent_op()


def scalar_matches(scalar: Attribute, element_type: Attribute) -> bool:
    """A scalar can combine with (or fill) elements of the same family: float with float, integer with integer."""
    return (is_float(scalar) and is_float(element_type)) or (is_integer(scalar) and is_integer(element_type))


def shaped(value: SSAValue | Attribute, what: str) -> TensorType | TileType:
    t = value.type if isinstance(value, SSAValue) else value
    if not isinstance(t, TensorType | TileType):
        raise VerifyException(f"{what} must be a !pl.tensor or !pl.tile, got {t}")
    return t


def same_kind(like: TensorType | TileType, shape: Sequence[int], element_type: Attribute) -> TensorType | TileType:
    """A type of the same kind (tensor, or tile in the same space) as `like` with a new shape/dtype."""
    if isinstance(like, TensorType):
        return TensorType(shape, element_type)
    return like.with_shape(shape, element_type)


def check_result(op: Operation, expected: TensorType | TileType) -> None:
    """Results are compared on kind, shape and dtype; the memory space of a tile is free to differ."""
    got = op.results[0].type
    if (
        type(got) is not type(expected)
        or got.get_shape() != expected.get_shape()  # type: ignore[union-attr]
        or got.element_type != expected.element_type  # type: ignore[union-attr]
    ):
        raise VerifyException(f"result type {got} does not match the inferred {expected}")


def check_offsets(kind: str, offsets: Sequence[SSAValue], box: Sequence[int], bounds: Sequence[int]) -> None:
    """Offsets must match the rank; constant offsets must keep the box inside the bounds.

    A dynamic bound (`?`) is only known at run time, where the executor checks the access; only a negative
    constant offset is certainly out of it."""
    if len(offsets) != len(bounds):
        raise VerifyException(f"{kind} expects {len(bounds)} offsets, got {len(offsets)}")
    for axis, (off, size, dim) in enumerate(zip(offsets, box, bounds)):
        if dim == DYNAMIC:
            c = constant_int(off)
            if c is not None and c < 0:
                raise VerifyException(f"{kind} out of bounds on axis {axis}: offset {c} < 0 (dynamic dimension)")
            continue
        if size > dim:
            raise VerifyException(f"{kind} extent {size} exceeds dimension {dim} on axis {axis}")
        c = constant_int(off)
        if c is not None and not 0 <= c <= dim - size:
            raise VerifyException(
                f"{kind} out of bounds on axis {axis}: offset {c} + size {size} > dimension {dim}"
            )


class SignatureFormat(IRDLOperation):
    """Custom syntax `%a, %b {attrs} : T` or `: (A, B) -> R` for single-result ops without regions."""

    def print(self, printer: Printer) -> None:
        if self.operands:
            printer.print_string(" ")
            printer.print_list(self.operands, printer.print_operand)
        printer.print_op_attributes({**self.properties, **self.attributes})
        printer.print_string(" : ")
        types = [o.type for o in self.operands]
        result = self.results[0].type
        if types and all(t == result for t in types):
            printer.print_attribute(result)
        else:
            printer.print_string("(")
            printer.print_list(types, printer.print_attribute)
            printer.print_string(") -> ")
            printer.print_attribute(result)

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        pos = parser.pos
        operands = parser.parse_optional_undelimited_comma_separated_list(
            parser.parse_optional_unresolved_operand, parser.parse_unresolved_operand
        ) or []
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        if parser.parse_optional_punctuation("(") is not None:
            types = [] if parser.parse_optional_punctuation(")") else None
            if types is None:
                types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
                parser.parse_punctuation(")")
            parser.parse_punctuation("->")
            result = parser.parse_type()
        else:
            result = parser.parse_type()
            types = [result] * len(operands)
        values = parser.resolve_operands(operands, types, pos)
        prop_names = cls.get_irdl_definition().properties
        props = {k: v for k, v in attrs.items() if k in prop_names}
        other = {k: v for k, v in attrs.items() if k not in prop_names}
        return cls.create(operands=values, result_types=[result], properties=props, attributes=other)


def function_type(inputs: Sequence[Attribute], outputs: Sequence[Attribute]) -> FunctionType:
    return FunctionType.from_lists(list(inputs), list(outputs))
