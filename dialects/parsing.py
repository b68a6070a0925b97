"""Parsing `.mlir` text into a module whose every op carries a source location.

Ops written without an explicit `loc(...)` get `loc("file":line:col)` of the position where they start,
so verifier and pass diagnostics point at the user's input rather than at re-printed IR.  Failures xDSL
reports without a usable position (a type or attribute whose parameters do not verify, an operand type a
declarative format rejects, a value used but never defined) become ParseErrors at the offending text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from xdsl.context import Context
from xdsl.dialects.arith import Arith
from xdsl.dialects.builtin import Builtin, FileLineColLoc, IntAttr, ModuleOp, StringAttr, UnknownLoc
from xdsl.dialects.func import Func
from xdsl.dialects.scf import Scf
from xdsl.ir import Attribute, Operation, SSAValue, TypeAttribute
from xdsl.irdl import AttributeInvT
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.parser.core import ForwardDeclaredValue, ParserState
from xdsl.utils.exceptions import ParseError, VerifyException
from xdsl.utils.lexer import Input, Span
from xdsl.utils.mlir_lexer import MLIRLexer, MLIRToken, MLIRTokenKind

from . import PL
from .diagnostics import PlDiagnostic, SourceLoc


def make_context() -> Context:
    """The dialects ppc programs use: pl, builtin, func, scf and arith."""
    ctx = Context()
    for dialect in (Builtin, Func, Scf, Arith, PL):
        ctx.load_dialect(dialect)
    return ctx


class _LinearLexer(MLIRLexer):
    """xDSL's string-literal rule nests `+` inside `*`, so an unterminated string backtracks exponentially
    (40 characters hang the parser); the same language with one character per repetition is linear."""

    _unescaped_characters_regex = re.compile(r'"(?:[^"\\\n\v\f]|\\(?:["nt\\]|[0-9A-Fa-f]{2}))*"')

    def _lex_string_literal(self, start_pos: int) -> MLIRToken:
        if self._unescaped_characters_regex.match(self.input.content, start_pos) is None:
            raise ParseError(Span(start_pos, start_pos + 1, self.input),
                             "unterminated string literal (a string closes with \" on its own line; escapes: "
                             "\\n \\t \\\\ \\\" and two hex digits)")
        return super()._lex_string_literal(start_pos)


MAX_NESTING = 64
"""Ops nested deeper than this (counting the module, implicit or not, so that printed output parses again)
are refused while parsing: verifiers, passes and the printer recurse once per level, and a real pl
program nests a handful of loops and scopes."""


class LocatingParser(Parser):
    def __init__(self, ctx: Context, text: str, name: str, line_offset: int = 0):
        super().__init__(ctx, "", name)
        self._parser_state = ParserState(_LinearLexer(Input(text, name)))
        self._depth = 0
        self._name = StringAttr(name)
        self._line_offset = line_offset
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self._first_use: dict[str, Span] = {}
        self._forward_names: dict[SSAValue, str] = {}

    def parse_module(self, allow_implicit_module: bool = True) -> ModuleOp:
        if allow_implicit_module and self._current_token.kind == MLIRTokenKind.EOF:
            return ModuleOp([])  # as mlir-opt: an input of nothing (or only comments) is an empty module
        self._depth = 0 if self._current_token.text.strip('"') in ("builtin.module", "module") else 1
        try:
            module = super().parse_module(allow_implicit_module)
        except ParseError as err:
            # xDSL reports undefined values at the end of the input; point at the first use instead.
            undefined = [name for name in self.forward_ssa_references if name in self._first_use]
            if not err.msg.startswith("values used but not defined") or not undefined:
                raise
            name = min(undefined, key=lambda n: self._first_use[n].start)
            self.raise_error(f"use of undefined value '%{name}'", self._first_use[name])
        self._check_no_forward_values(module)
        return module

    def _check_no_forward_values(self, module: ModuleOp) -> None:
        """A name used before the region of its own op defines it (`scf.for %i = %i ...`) is resolved by
        nothing: xDSL leaves a placeholder operand behind, which no verifier can handle."""
        for op in module.walk():
            for operand in op.operands:
                if isinstance(operand, ForwardDeclaredValue):
                    name = self._forward_names[operand]
                    self.raise_error(f"use of undefined value '%{name}'", self._first_use[name])

    def resolve_operand(self, operand: UnresolvedOperand, type: AttributeInvT) -> SSAValue[AttributeInvT]:
        value = super().resolve_operand(operand, type)
        if isinstance(value, ForwardDeclaredValue):
            self._first_use.setdefault(operand.operand_name, operand.span)
            self._forward_names[value] = operand.operand_name
        return value

    def parse_operation(self) -> Operation:
        start = self._current_token.span.start
        self._depth += 1
        if self._depth > MAX_NESTING:
            self.raise_error(f"operations nested more than {MAX_NESTING} deep are not supported", start, start + 1)
        try:
            op = super().parse_operation()
        except VerifyException as err:  # a declarative assembly format checks operand types while parsing
            self.raise_error(str(err), start, self.pos)
        finally:
            self._depth -= 1
        if isinstance(op.location, UnknownLoc):
            line = bisect_right(self._line_starts, start)
            col = start - self._line_starts[line - 1] + 1
            op.location = FileLineColLoc(self._name, IntAttr(line + self._line_offset), IntAttr(col))
        return op

    # Types and attributes verify themselves while being built; report their errors as parse errors
    # at their own position (xDSL would let the VerifyException escape without a location).
    def parse_optional_type(self) -> TypeAttribute | None:
        start = self._current_token.span.start
        try:
            return super().parse_optional_type()
        except VerifyException as err:
            self.raise_error(str(err), start, self.pos)

    def parse_optional_attribute(self) -> Attribute | None:
        start = self._current_token.span.start
        try:
            return super().parse_optional_attribute()
        except VerifyException as err:
            self.raise_error(str(err), start, self.pos)


def parse_error_diagnostic(err: ParseError, text: str, line_offset: int = 0) -> PlDiagnostic:
    """xDSL's ParseError as one located line: control characters quoted from the input are escaped, and
    an error at the end of the input says so (xDSL's message alone is cryptic there)."""
    loc = err.span.get_location()
    message = re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], err.msg.strip())
    if not text[err.span.start :].strip():
        message = f"unexpected end of input ({message})"
    return PlDiagnostic(SourceLoc(loc.file, loc.line + line_offset, loc.col), message)


def decode_source(data: bytes, name: str) -> str:
    """The UTF-8 text of an input file; an undecodable byte is a located error (line and column of the byte)."""
    try:
        return data.decode()
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise PlDiagnostic(SourceLoc(name, line, col),
                           f"the input is not UTF-8 text: byte 0x{data[err.start]:02x} ({err.reason})") from None


def parse_mlir(text: str, name: str = "<input>", ctx: Context | None = None, line_offset: int = 0) -> ModuleOp:
    """Parse a module (implicit `builtin.module` allowed); raises xDSL's ParseError on bad syntax."""
    return LocatingParser(ctx or make_context(), text, name, line_offset).parse_module()
