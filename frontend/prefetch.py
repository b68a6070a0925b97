"""`pl.prefetch.*`: PyPTO's asynchronous GM -> L2 prefetch (make_context, async_prefetch, session, wait).

A cache hint: PyPTO states a kernel is numerically identical with or without it.  The one op with an effect,
`async_prefetch(src, ctx)`, becomes a `pl.prefetch` op reading `src` (dialects/prefetch_ops.py).  The
context, event and session are opaque handles without data, so here they are compile-time values (like
task ids, frontend/tasks.py) checked as PyPTO's op verifiers check them; `wait` returns its done flag,
True, as the prefetch has landed when it returns.  Like PyPTO's ops (AIV-only kernel ops) they must be
inside a task scope.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ppc.dialects.diagnostics import brief
from ppc.dialects.prefetch_ops import PrefetchOp, flat_source_error

from . import ops

if TYPE_CHECKING:
    from .builder import FunctionBuilder


@dataclass(frozen=True, eq=False)
class PrefetchContext:
    """A `pl.prefetch.make_context()` handle (PyPTO's PrefetchAsyncContext)."""

    def __repr__(self) -> str:
        return "pl.PrefetchAsyncContext"


@dataclass(frozen=True, eq=False)
class AsyncEvent:
    """A `pl.prefetch.async_prefetch(...)` completion event."""

    def __repr__(self) -> str:
        return "pl.AsyncEvent"


@dataclass(frozen=True, eq=False)
class AsyncSession:
    """A `pl.prefetch.session(ctx)` handle."""

    def __repr__(self) -> str:
        return "pl.AsyncSession"


def _handle(b: FunctionBuilder, node: ast.AST, name: str, role: str, value: Any, kind: type, producer: str) -> None:
    if not isinstance(value, kind):
        raise b.error(node, f"pl.{name} expects {role} (the result of pl.prefetch.{producer}), got {brief(value)}")


@ops.emitter("prefetch.make_context")
def make_context(b: FunctionBuilder, name: str, node: ast.AST, _a: ops.Args) -> PrefetchContext:
    b.require_task(node, f"pl.{name}")
    return PrefetchContext()


@ops.emitter("prefetch.async_prefetch")
def async_prefetch(b: FunctionBuilder, name: str, node: ast.AST, a: ops.Args) -> AsyncEvent:
    src = b.shaped(a["src"], f"the src of pl.{name}", node)
    _handle(b, node, name, "ctx to be a PrefetchAsyncContext", a["ctx"], PrefetchContext, "make_context")
    b.require_task(node, f"pl.{name}")
    problem = flat_source_error(src.type)
    if problem is not None:
        raise b.error(node, f"pl.{name}: {problem}")
    b.emit(PrefetchOp(src), node)
    return AsyncEvent()


@ops.emitter("prefetch.session")
def session(b: FunctionBuilder, name: str, node: ast.AST, a: ops.Args) -> AsyncSession:
    _handle(b, node, name, "ctx to be a PrefetchAsyncContext", a["ctx"], PrefetchContext, "make_context")
    b.require_task(node, f"pl.{name}")
    return AsyncSession()


@ops.emitter("prefetch.wait")
def wait(b: FunctionBuilder, name: str, node: ast.AST, a: ops.Args) -> bool:
    _handle(b, node, name, "event to be an AsyncEvent", a["event"], AsyncEvent, "async_prefetch")
    _handle(b, node, name, "session to be an AsyncSession", a["session_handle"], AsyncSession, "session")
    b.require_task(node, f"pl.{name}")
    return True
