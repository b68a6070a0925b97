"""Run-time errors of a `pl` program: one diagnostic line naming where it happened (source location, kernel, block).

The executor raises `PlRuntimeError` for mistakes only visible with real data: an out-of-bounds slice or
assemble, entry arguments that do not match the signature. Tools print `str(err)` and exit non-zero, so the
message has to stand on its own without a traceback.
"""

from __future__ import annotations

from xdsl.ir import Operation

from ..dialects.diagnostics import UNKNOWN, CallError, PlError, SourceLoc, source_loc


class PlRuntimeError(PlError):
    """`file:line:col: error: <context>: <message>`; the context (kernel + block) is added as the error propagates."""

    def __init__(self, message: str, where: Operation | SourceLoc | None = None, context: str = ""):
        self.message = message
        self.loc = source_loc(where) if where is not None else UNKNOWN
        self.context = context
        super().__init__(str(self))

    def with_context(self, context: str) -> PlRuntimeError:
        """The same error prefixed by `context` unless it already has one (the innermost context wins)."""
        if not self.context:
            self.context = context
            self.args = (str(self),)
        return self

    @property
    def detail(self) -> str:
        return f"{self.context}: {self.message}" if self.context else self.message


class ArgumentError(PlRuntimeError, CallError):
    """Entry arguments that do not fit the signature (count, shape, dtype, overlap, a scalar's range)."""
