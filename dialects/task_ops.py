"""Task scopes and dispatches.

`pl.at` is one task; `pl.spmd` is one task of `n` blocks whose body receives the block index.  Both are
isolated scopes in the sense of `pl-ssa`: they capture outer values, and the tensors they write are
threaded through explicit `outs(...)` region arguments and `pl.yield` (the `scf.forall` shared_outs
idea), so the scope's first results are the written tensors.  Values first assigned inside a scope and
read after it leave it as further results (`-> (types)`, yielded after the outs), as in PyPTO, whose
outliner returns them from the kernel; `pl-outline-tasks` backs each with a GM temporary.  After
outlining, each scope is a kernel `func.func` plus one `pl.dispatch` carrying the block count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self

from xdsl.dialects.builtin import ArrayAttr, IndexType, StringAttr, SymbolRefAttr
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    ParsePropInAttrDict,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.traits import HasParent, IsTerminator, SingleBlockImplicitTerminator, SymbolTable, ensure_terminator
from xdsl.utils.exceptions import VerifyException

from .attributes import FuncKind, KindAttr, LevelAttr
from .support import constant_int


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Terminator of task scopes: the new versions of the scope's `outs` tensors, then its escaping values."""

    name = "pl.yield"
    values = var_operand_def()
    traits = traits_def(IsTerminator())
    assembly_format = "attr-dict ($values^ `:` type($values))?"

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[values])


class TaskScopeOp(IRDLOperation):
    """Shared structure and syntax of `pl.at` and `pl.spmd` (n leading non-outs block arguments)."""

    outs = var_operand_def()
    res = var_result_def()
    body = region_def("single_block")
    name_hint = opt_prop_def(StringAttr, prop_name="name")

    N_LEADING_ARGS: ClassVar[int] = 0

    @property
    def out_args(self) -> Sequence[SSAValue]:
        return self.body.block.args[self.N_LEADING_ARGS :]

    @property
    def escapes(self) -> Sequence[SSAValue]:
        """The results after the outs': values defined inside the scope and used after it."""
        return self.res[len(self.outs) :]

    def verify_(self) -> None:
        out_types = [o.type for o in self.outs]
        shown = f"({', '.join(map(str, out_types))})"
        if [r.type for r in self.res[: len(out_types)]] != out_types:
            raise VerifyException(f"'{self.name}' results must start with its outs {shown}")
        if [a.type for a in self.out_args] != out_types:
            raise VerifyException(f"'{self.name}' region arguments must match its outs {shown}")
        term = self.body.block.last_op
        if not isinstance(term, YieldOp):
            raise VerifyException(f"'{self.name}' body must end with pl.yield")
        result_types = [r.type for r in self.res]
        if [v.type for v in term.values] != result_types:
            shown = f"({', '.join(map(str, result_types))})"
            raise VerifyException(f"'{self.name}' must yield one value per out and escaping result, of types {shown}")

    def _print_outs_and_body(self, printer: Printer) -> None:
        if self.outs:
            printer.print_string(" outs(")
            printer.print_list(
                zip(self.out_args, self.outs),
                lambda p: (printer.print_operand(p[0]), printer.print_string(" = "), printer.print_operand(p[1]),
                           printer.print_string(" : "), printer.print_attribute(p[1].type)),
            )
            printer.print_string(")")
        if self.escapes:
            printer.print_string(" -> (")
            printer.print_list(self.escapes, lambda r: printer.print_attribute(r.type))
            printer.print_string(")")
        printer.print_op_attributes({**self.properties, **self.attributes}, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False, print_block_terminators=bool(self.res))

    @classmethod
    def _parse_outs_and_body(cls, parser: Parser, leading: Sequence[Parser.Argument], operands: list[SSAValue]) -> Self:
        out_args: list[Parser.Argument] = []
        if parser.parse_optional_keyword("outs"):

            def parse_out() -> None:
                arg = parser.parse_argument(expect_type=False)
                parser.parse_punctuation("=")
                value: UnresolvedOperand = parser.parse_unresolved_operand()
                parser.parse_punctuation(":")
                t = parser.parse_type()
                out_args.append(arg.resolve(t))
                operands.append(parser.resolve_operand(value, t))

            parser.parse_comma_separated_list(parser.Delimiter.PAREN, parse_out)
        escape_types: list[Attribute] = []
        if parser.parse_optional_punctuation("->"):
            escape_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        attrs = parser.parse_optional_attr_dict_with_keyword()
        attrs = dict(attrs.data) if attrs else {}
        body = parser.parse_region([*leading, *out_args])
        props = {k: attrs.pop(k) for k in list(attrs) if k in cls.get_irdl_definition().properties}
        op = cls.create(
            operands=operands,
            result_types=[*(a.type for a in out_args), *escape_types],
            properties=props,
            attributes=attrs,
            regions=[body],
        )
        for trait in op.get_traits_of_type(SingleBlockImplicitTerminator):
            ensure_terminator(op, trait)
        return op


@irdl_op_definition
class AtOp(TaskScopeOp):
    """`pl.at outs(%o = %t : T) attributes {level = #pl.level<core_group>, name = "k"} { ... }`: one task."""

    name = "pl.at"
    level = opt_prop_def(LevelAttr)
    optimizations = opt_prop_def(ArrayAttr)
    traits = traits_def(SingleBlockImplicitTerminator(YieldOp))

    def __init__(self, outs: Sequence[SSAValue], body: Region, properties: dict[str, Attribute] | None = None):
        super().__init__(operands=[outs], result_types=[[o.type for o in outs]], regions=[body], properties=properties or {})

    def print(self, printer: Printer) -> None:
        self._print_outs_and_body(printer)

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        return cls._parse_outs_and_body(parser, [], [])


@irdl_op_definition
class SpmdOp(TaskScopeOp):
    """`pl.spmd (%i) in %n outs(...) attributes {name = "k"} { ... }`: one task of n blocks, %i = block index."""

    name = "pl.spmd"
    count = operand_def(IndexType)
    outs = var_operand_def()
    traits = traits_def(SingleBlockImplicitTerminator(YieldOp))
    N_LEADING_ARGS: ClassVar[int] = 1

    def __init__(self, count: SSAValue, outs: Sequence[SSAValue], body: Region, properties: dict[str, Attribute] | None = None):
        super().__init__(
            operands=[count, outs], result_types=[[o.type for o in outs]], regions=[body], properties=properties or {}
        )

    @property
    def block_index(self) -> SSAValue:
        return self.body.block.args[0]

    def print(self, printer: Printer) -> None:
        printer.print_string(" (")
        printer.print_operand(self.block_index)
        printer.print_string(") in ")
        printer.print_operand(self.count)
        self._print_outs_and_body(printer)

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        parser.parse_punctuation("(")
        index = parser.parse_argument(expect_type=False).resolve(IndexType())
        parser.parse_punctuation(")")
        parser.parse_keyword("in")
        count = parser.resolve_operand(parser.parse_unresolved_operand(), IndexType())
        return cls._parse_outs_and_body(parser, [index], [count])

    def verify_(self) -> None:
        super().verify_()
        if not self.body.block.args or self.body.block.args[0].type != IndexType():
            raise VerifyException("'pl.spmd' body must take the block index (index) as its first argument")
        n = constant_int(self.count)
        if n is not None and n < 1:
            raise VerifyException(f"'pl.spmd' block count must be >= 1, got {n}")


@irdl_op_definition
class BlockIdxOp(IRDLOperation):
    """The index of the running block; only meaningful inside a task body or an incore kernel."""

    name = "pl.block_idx"
    result = result_def(IndexType)
    assembly_format = "attr-dict"

    def __init__(self):
        super().__init__(result_types=[IndexType()])

    def verify_(self) -> None:
        op: Operation | None = self.parent_op()
        while op is not None:
            if isinstance(op, TaskScopeOp):
                return
            if isinstance(op, FuncOp):
                kind = op.attributes.get("pl.kind")
                if isinstance(kind, KindAttr) and kind.data == FuncKind.INCORE:
                    return
                break
            op = op.parent_op()
        raise VerifyException("'pl.block_idx' is only valid inside a task body (pl.at, pl.spmd or an incore kernel)")


SYNCALL_CORE_TYPES = ("mix", "aiv_only", "aic_only")


@irdl_op_definition
class SyncallOp(IRDLOperation):
    """`pl.syncall {mode = "hard", core_type = "mix"}`: PyPTO's `pl.system.syncall`, a barrier among all blocks of
    the enclosing `pl.spmd` task: no block starts what follows it before every block has reached it. It has no
    operands and unknown effects, so no pass moves or drops it."""

    name = "pl.syncall"
    mode = prop_def(StringAttr)
    core_type = prop_def(StringAttr)
    assembly_format = "attr-dict"
    irdl_options = (ParsePropInAttrDict(),)

    def __init__(self, core_type: str, mode: str = "hard"):
        super().__init__(properties={"mode": StringAttr(mode), "core_type": StringAttr(core_type)})

    def verify_(self) -> None:
        if self.mode.data != "hard":
            raise VerifyException(f"'pl.syncall' mode must be \"hard\", got {self.mode.data!r}")
        if self.core_type.data not in SYNCALL_CORE_TYPES:
            raise VerifyException(f"'pl.syncall' core_type must be one of {SYNCALL_CORE_TYPES}, got {self.core_type.data!r}")
        op: Operation | None = self.parent_op()
        while op is not None:
            if isinstance(op, SpmdOp):
                return
            if isinstance(op, TaskScopeOp):
                break
            if isinstance(op, FuncOp):
                kind = op.attributes.get("pl.kind")
                if isinstance(kind, KindAttr) and kind.data in (FuncKind.INCORE, FuncKind.INLINE):
                    return  # an outlined spmd body, or a helper inlined into one
                break
            op = op.parent_op()
        raise VerifyException("'pl.syncall' is only valid inside a pl.spmd task body (a barrier among its blocks)")


@irdl_op_definition
class DispatchOp(IRDLOperation):
    """Launch kernel `callee` as one task of `blocks` blocks.

    `pl.dispatch @k(%ins) outs(%outs) blocks(%n) {name = "k"} : (ins types) -> (outs types)`. The callee
    takes (ins..., outs..., block index) and returns the new versions of the outs, which are the results.
    """

    name = "pl.dispatch"
    callee = prop_def(SymbolRefAttr)
    args = var_operand_def()
    outs = var_operand_def()
    blocks = operand_def(IndexType)
    res = var_result_def()
    name_hint = opt_prop_def(StringAttr, prop_name="name")
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    def __init__(
        self, callee: str, args: Sequence[SSAValue], outs: Sequence[SSAValue], blocks: SSAValue, name: str | None = None
    ):
        props: dict[str, Attribute] = {"callee": SymbolRefAttr(callee)}
        if name is not None:
            props["name"] = StringAttr(name)
        super().__init__(operands=[args, outs, blocks], result_types=[[o.type for o in outs]], properties=props)

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_attribute(self.callee)
        printer.print_string("(")
        printer.print_list(self.args, printer.print_operand)
        printer.print_string(") outs(")
        printer.print_list(self.outs, printer.print_operand)
        printer.print_string(") blocks(")
        printer.print_operand(self.blocks)
        printer.print_string(")")
        printer.print_op_attributes({k: v for k, v in self.properties.items() if k == "name"} | self.attributes)
        printer.print_string(" : (")
        printer.print_list([a.type for a in self.args], printer.print_attribute)
        printer.print_string(") -> (")
        printer.print_list([r.type for r in self.res], printer.print_attribute)
        printer.print_string(")")

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        pos = parser.pos
        callee = parser.parse_attribute()
        args = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_unresolved_operand)
        parser.parse_keyword("outs")
        outs = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_unresolved_operand)
        parser.parse_keyword("blocks")
        parser.parse_punctuation("(")
        blocks = parser.resolve_operand(parser.parse_unresolved_operand(), IndexType())
        parser.parse_punctuation(")")
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        arg_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        parser.parse_punctuation("->")
        out_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        props: dict[str, Attribute] = {"callee": callee}
        if "name" in attrs:
            props["name"] = attrs.pop("name")
        return cls.create(
            operands=[*parser.resolve_operands(args, arg_types, pos), *parser.resolve_operands(outs, out_types, pos), blocks],
            result_types=out_types,
            properties=props | {"operandSegmentSizes": _segments(len(args), len(outs))},
            attributes=attrs,
        )

    def verify_(self) -> None:
        n = constant_int(self.blocks)
        if n is not None and n < 1:
            raise VerifyException(f"'pl.dispatch' block count must be >= 1, got {n}")
        if [r.type for r in self.res] != [o.type for o in self.outs]:
            raise VerifyException("'pl.dispatch' results must match its outs")
        table_op = self.parent_op()
        while table_op is not None and not table_op.has_trait(SymbolTable):
            table_op = table_op.parent_op()
        if table_op is None:
            return  # a detached op has nothing to check the callee against
        callee = SymbolTable.lookup_symbol(table_op, self.callee)
        if not isinstance(callee, FuncOp):
            raise VerifyException(f"'pl.dispatch' callee {self.callee} is not a function in this module")
        want_in = [*(a.type for a in self.args), *(o.type for o in self.outs), IndexType()]
        want_out = [o.type for o in self.outs]
        ft = callee.function_type
        if list(ft.inputs.data) != want_in or list(ft.outputs.data) != want_out:
            raise VerifyException(
                f"'pl.dispatch' signature ({', '.join(map(str, want_in))}) -> ({', '.join(map(str, want_out))}) "
                f"does not match callee {self.callee} of type {ft}"
            )


def _segments(*sizes: int) -> Attribute:
    from xdsl.dialects.builtin import DenseArrayBase, i32

    return DenseArrayBase.from_list(i32, [*sizes, 1])


TASK_ATTRIBUTES = ("pl.task", "pl.deps", "pl.via_dummy", "pl.early_resolve", "pl.sync_start")
"""PyPTO's task id label, explicit deps (labels) and scheduling hints of a task scope, which its `pl.dispatch`
keeps (frontend/tasks.py)."""

TASK_OPS = [YieldOp, AtOp, SpmdOp, BlockIdxOp, SyncallOp, DispatchOp]
__all__ = ["TASK_ATTRIBUTES", "TASK_OPS", "AtOp", "SpmdOp", "YieldOp", "BlockIdxOp", "SyncallOp", "DispatchOp", "TaskScopeOp", "Block", "HasParent"]
