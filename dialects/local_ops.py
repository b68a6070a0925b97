"""Local-variable form: what the frontend emits for Python locals, before `pl-ssa` builds SSA.

`%v = pl.local.decl "x" : !pl.ref<T>` names a variable; `pl.local.set %v, %x : T` assigns it and
`%x = pl.local.get %v : T` reads it (like xDSL's symref declare/update/fetch, but scoped by SSA handle).
"""

from __future__ import annotations

import re
from typing import Self

from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import IRDLOperation, irdl_op_definition, operand_def, prop_def, result_def
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from .types import RefType

_SSA_NAME = re.compile(r"[A-Za-z_$.-][A-Za-z0-9_$.-]*")


@irdl_op_definition
class LocalDeclOp(IRDLOperation):
    name = "pl.local.decl"
    var_name = prop_def(StringAttr)
    ref = result_def(RefType)
    assembly_format = "$var_name attr-dict `:` type($ref)"

    def __init__(self, var_name: str, value_type: Attribute):
        super().__init__(properties={"var_name": StringAttr(var_name)}, result_types=[RefType(value_type)])

    def verify_(self) -> None:
        # passes name the SSA values they build after the variable: it must be a valid SSA name
        if not _SSA_NAME.fullmatch(self.var_name.data):
            raise VerifyException(f"variable name {self.var_name.data!r} is not a valid name (letters, digits and "
                                  "_$.-, not starting with a digit)")


def _value_type(ref: SSAValue) -> Attribute:
    assert isinstance(ref.type, RefType)
    return ref.type.value_type


class _LocalAccess(IRDLOperation):
    """Shared syntax: the `!pl.ref<T>` operand type is implied by the printed value type T."""

    def _print_ref_and_type(self, printer: Printer, *values: SSAValue, value_type: Attribute) -> None:
        printer.print_string(" ")
        printer.print_list(values, printer.print_operand)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(value_type)

    @staticmethod
    def _parse_ref_and_type(parser: Parser, n_operands: int) -> tuple[list[SSAValue], Attribute, dict[str, Attribute]]:
        pos = parser.pos
        names = [parser.parse_unresolved_operand()]
        for _ in range(n_operands - 1):
            parser.parse_punctuation(",")
            names.append(parser.parse_unresolved_operand())
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        value_type = parser.parse_type()
        types = [RefType(value_type), value_type][:n_operands]
        return parser.resolve_operands(names, types, pos), value_type, attrs


@irdl_op_definition
class LocalGetOp(_LocalAccess):
    name = "pl.local.get"
    ref = operand_def(RefType)
    result = result_def()

    def __init__(self, ref: SSAValue):
        super().__init__(operands=[ref], result_types=[_value_type(ref)])

    def print(self, printer: Printer) -> None:
        self._print_ref_and_type(printer, self.ref, value_type=self.result.type)

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        (ref,), value_type, attrs = cls._parse_ref_and_type(parser, 1)
        return cls.create(operands=[ref], result_types=[value_type], attributes=attrs)

    def verify_(self) -> None:
        if self.result.type != _value_type(self.ref):
            raise VerifyException(f"'pl.local.get' result {self.result.type} must be the variable's type {_value_type(self.ref)}")


@irdl_op_definition
class LocalSetOp(_LocalAccess):
    name = "pl.local.set"
    ref = operand_def(RefType)
    value = operand_def()

    def __init__(self, ref: SSAValue, value: SSAValue):
        super().__init__(operands=[ref, value])

    def print(self, printer: Printer) -> None:
        self._print_ref_and_type(printer, self.ref, self.value, value_type=self.value.type)

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        operands, _, attrs = cls._parse_ref_and_type(parser, 2)
        return cls.create(operands=operands, attributes=attrs)

    def verify_(self) -> None:
        if self.value.type != _value_type(self.ref):
            raise VerifyException(f"'pl.local.set' value {self.value.type} must be the variable's type {_value_type(self.ref)}")


LOCAL_OPS = [LocalDeclOp, LocalGetOp, LocalSetOp]
