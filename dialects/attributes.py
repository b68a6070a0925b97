"""Enum attributes of the `pl` dialect.

Each prints as `#pl.<name><value>`, e.g. `#pl.dir<inout>`, so directions, task levels, function kinds,
loop kinds, cast rounding modes and pad values are checked at parse time instead of being free strings.
"""

from __future__ import annotations

from xdsl.dialects.utils.enum_attribute import EnumAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.str_enum import StrEnum


class _AngleBracketEnum:
    """Prints an enum attribute as `#pl.name<value>` (MLIR's EnumAttr style)."""

    data: StrEnum
    enum_type: type[StrEnum]

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(self.data.value)

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> StrEnum:
        with parser.in_angle_brackets():
            return parser.parse_str_enum(cls.enum_type)


class Direction(StrEnum):
    IN = "in"
    OUT = "out"
    INOUT = "inout"


class Level(StrEnum):
    """Hardware level a `pl.at` task targets (PyPTO's `pl.Level`)."""

    CORE_GROUP = "core_group"
    CORE = "core"
    CLUSTER = "cluster"
    CHIP = "chip"


class FuncKind(StrEnum):
    ORCHESTRATION = "orchestration"
    INCORE = "incore"
    INLINE = "inline"


class LoopKind(StrEnum):
    RANGE = "range"
    PARALLEL = "parallel"
    PIPELINE = "pipeline"
    UNROLL = "unroll"


class CastMode(StrEnum):
    RINT = "rint"
    ROUND = "round"
    TRUNC = "trunc"
    NONE = "none"


class PadValue(StrEnum):
    ZERO = "zero"
    MIN = "min"
    MAX = "max"


@irdl_attr_definition
class DirAttr(_AngleBracketEnum, EnumAttribute[Direction]):
    name = "pl.dir"


@irdl_attr_definition
class LevelAttr(_AngleBracketEnum, EnumAttribute[Level]):
    name = "pl.level"


@irdl_attr_definition
class KindAttr(_AngleBracketEnum, EnumAttribute[FuncKind]):
    name = "pl.kind"


@irdl_attr_definition
class LoopAttr(_AngleBracketEnum, EnumAttribute[LoopKind]):
    name = "pl.loop"


@irdl_attr_definition
class CastModeAttr(_AngleBracketEnum, EnumAttribute[CastMode]):
    name = "pl.cast_mode"


@irdl_attr_definition
class PadAttr(_AngleBracketEnum, EnumAttribute[PadValue]):
    name = "pl.pad"


CHECKED_READ = "pl.checked_out_read"
"""On a read the executor checks (runtime/out_reads.py): the name of the declared Out whose old contents it
may read at a region that depends on run-time values (set by `pl-check-directions`)."""
