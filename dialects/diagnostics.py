"""Located diagnostics: every user-facing error, warning and remark is one line, `file:line:col: severity: message`
(`diagnostic_line`), location first as MLIR and C compilers print it; `severity: message` where no location is
known. Compile-time and run-time errors, ppc-opt, ppc-run, ppc-run --pypto and `import ppc`'s excepthook all
print that line. A tool's own failures (a bad command line, a missing file) are `TOOL: error: message`.

Verification walks ops one at a time (instead of xDSL's `module.verify()`, which re-prints the whole
module) so a failure is reported at the failing op's own source location.  Warnings and remarks go to
the active sink: stderr by default, a list under `capture_diagnostics()` (used by `--verify-diagnostics`
and by tests).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from types import TracebackType

from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, FileLineColLoc, ModuleOp, StringAttr
from xdsl.ir import Attribute, Operation, OpResult, SSAValue
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import DiagnosticException


@dataclass(frozen=True)
class SourceLoc:
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        """`file:line:col`, or `file:line` when the column is unknown (0; columns count from 1); control
        characters in the name (`loc("a\\nb":1:1)`) are escaped so a diagnostic stays one line."""
        file = self.file if self.file.isprintable() else self.file.encode("unicode_escape").decode()
        return f"{file}:{self.line}:{self.col}" if self.col else f"{file}:{self.line}"


UNKNOWN = SourceLoc("<unknown>", 0, 0)


def diagnostic_line(loc: SourceLoc, severity: str, message: str) -> str:
    """The one format of user-facing diagnostics: `file:line:col: severity: message`, or `severity: message`."""
    return f"{severity}: {message}" if loc == UNKNOWN else f"{loc}: {severity}: {message}"


def brief(value: object) -> str:
    """A user's value as a one-line message shows it: an array by its shape and dtype (never its elements),
    anything else by its repr on one line, cut short."""
    if hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, type):
        return f"{type(value).__name__} of shape {list(value.shape)} and dtype {value.dtype}"
    text = " ".join(repr(value).split())
    return text if len(text) <= 80 else f"{text[:77]}..."


def source_loc(where: Operation | Attribute | SourceLoc | None) -> SourceLoc:
    """The nearest known location: the op's own, else its closest located ancestor."""
    if isinstance(where, SourceLoc):
        return where
    if isinstance(where, FileLineColLoc):
        return SourceLoc(where.filename.data, where.line.data, where.column.data)
    op = where if isinstance(where, Operation) else None
    while op is not None:
        if isinstance(op.location, FileLineColLoc):
            return source_loc(op.location)
        op = op.parent_op()
    return UNKNOWN


class PlError(Exception):
    """Base of every user-facing ppc error: its `str()` is the whole `diagnostic_line` (no traceback needed).
    `detail` is the message alone; a subclass that knows where the error is sets `loc`; `notes` are
    (location, message) pairs printed as `note:` lines after it (e.g. the declaration a call mismatches)."""

    loc: SourceLoc = UNKNOWN
    severity = "error"
    notes: tuple[tuple[SourceLoc, str], ...] = ()

    @property
    def detail(self) -> str:
        return str(self.args[0]) if self.args else type(self).__name__

    def __str__(self) -> str:
        lines = [diagnostic_line(self.loc, self.severity, self.detail)]
        lines += (diagnostic_line(loc, "note", message) for loc, message in self.notes)
        return "\n".join(lines)


class CallError(PlError):
    """Marks an error in a call's arguments (count, shape, dtype, memory) rather than in the kernel: the jit
    entry points report it at the caller's line, with a note at the parameter (`_at_caller` in frontend/jit.py)."""

    at_call_site = False


class PlDiagnostic(DiagnosticException, PlError):
    """A located error (or, in a sink, warning/remark) about the user's program."""

    def __init__(self, where: Operation | Attribute | SourceLoc | None, message: str, severity: str = "error"):
        self.loc = source_loc(where)
        self.message = message
        self.severity = severity
        super().__init__(str(self))

    @property
    def detail(self) -> str:
        return self.message


class CallDiagnostic(PlDiagnostic, CallError):
    """A compile-time error in a call's arguments (located at the parameter until the call site is known)."""


_sinks: list[list[PlDiagnostic]] = []


def emit(where: Operation | SourceLoc | None, message: str, severity: str = "warning") -> None:
    """Report a non-fatal diagnostic (warning or remark)."""
    diag = PlDiagnostic(where, message, severity)
    if _sinks:
        _sinks[-1].append(diag)
    else:
        print(diag, file=sys.stderr)


@contextmanager
def capture_diagnostics() -> Iterator[list[PlDiagnostic]]:
    found: list[PlDiagnostic] = []
    _sinks.append(found)
    try:
        yield found
    finally:
        _sinks.pop()


def verify_module(module: ModuleOp) -> None:
    """Verify every op and that each operand's definition dominates its use (xDSL checks neither order
    nor scope of SSA values); raise PlDiagnostic at the first failing op (program order, parents first)."""
    _verify_op(module, set())


def _verify_op(op: Operation, visible: set[SSAValue]) -> None:
    if op.has_trait(SymbolTable):
        _check_unique_symbols(op)
    _check_pl_attributes(op)
    for region in op.regions:
        if len(region.blocks) > 1:
            raise PlDiagnostic(op, f"'{op.name}' has a region of {len(region.blocks)} blocks: ppc programs have "
                                   "no branches, every region is one block")
    try:
        op.verify(verify_nested_ops=False)
    except PlDiagnostic:
        raise
    except DiagnosticException as err:
        message = _first_line(err)
        if not message.startswith(f"'{op.name}'"):
            message = f"'{op.name}' {message}"
        raise PlDiagnostic(op, message) from None
    for i, value in enumerate(op.operands):
        if value not in visible:
            raise PlDiagnostic(op, f"'{op.name}' {_not_dominating(i, value)}")
    # ppc's dialects have no branch ops, so a block sees only its own values and its ancestors' (no CFG)
    for block in (b for region in op.regions for b in region.blocks):
        visible.update(block.args)
        for inner in block.ops:
            _verify_op(inner, visible)
            visible.update(inner.results)
        visible.difference_update(block.args)
        visible.difference_update(r for inner in block.ops for r in inner.results)


@cache
def _pl_attribute_kinds() -> dict[str, type[Attribute]]:
    from .attributes import DirAttr, KindAttr, LoopAttr

    return {cls.name: cls for cls in (DirAttr, KindAttr, LoopAttr)}


def _check_pl_attributes(op: Operation) -> None:
    """The pl attributes ppc reads off any op (`pl.kind`, `pl.loop`) or function argument (`pl.dir`) hold
    their own kind of value: a pass would otherwise take `pl.kind = 3` for no kind at all."""
    expected = _pl_attribute_kinds()
    dicts = [op.attributes]
    for key in ("arg_attrs", "res_attrs"):
        attrs = op.properties.get(key) or op.attributes.get(key)
        if isinstance(attrs, ArrayAttr):
            dicts += [d.data for d in attrs.data if isinstance(d, DictionaryAttr)]
    for attrs in dicts:
        for key, value in attrs.items():
            if key in expected and not isinstance(value, expected[key]):
                raise PlDiagnostic(op, f"'{op.name}' attribute '{key}' must be a #{key}<...> value, got {value}")


def _check_unique_symbols(table: Operation) -> None:
    """Symbol names are unique in their table; xDSL's own check reports the table (often an implicit module
    without a location) instead of the second definition."""
    first: dict[str, Operation] = {}
    for op in (o for region in table.regions for block in region.blocks for o in block.ops):
        name = op.properties.get("sym_name") or op.attributes.get("sym_name")
        if not isinstance(name, StringAttr):
            continue
        if name.data in first:
            raise PlDiagnostic(op, f"'{op.name}' redefinition of symbol '@{name.data}' "
                                   f"(first defined at {source_loc(first[name.data])})")
        first[name.data] = op


def _not_dominating(index: int, value: SSAValue) -> str:
    name = f"%{value.name_hint}" if value.name_hint else "a value"
    where = value.owner if isinstance(value, OpResult) else value.owner.parent_op()
    return (f"operand #{index} ({name}) is used where its definition does not dominate it: before it, or "
            f"outside the region that defines it (defined at {source_loc(where)})")


def _first_line(err: Exception) -> str:
    text = str(err.args[0]) if err.args else str(err)
    return text.splitlines()[0] if text else type(err).__name__


def internal_error(err: Exception, stage: str) -> PlDiagnostic:
    """A Python exception escaping ppc (a ppc bug) as one located error: at the innermost op the failing
    code was handling (a local variable of the deepest frame that has one), naming the stage and that op.
    The traceback is printed only when PPC_DEBUG=1 (the caller re-raises then)."""
    op = _blamed_op(err.__traceback__)
    where = f" on '{op.name}'" if op is not None else ""
    detail = str(err).splitlines()[0] if str(err) else ""
    return PlDiagnostic(op, f"internal error in {stage}{where}: {type(err).__name__}: {detail} "
                            "(a ppc bug: please report it with this input; PPC_DEBUG=1 shows the traceback)")


def _blamed_op(tb: TracebackType | None) -> Operation | None:
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for value in frame.f_locals.values():
            if isinstance(value, Operation) and source_loc(value) != UNKNOWN:
                return value
    return None
