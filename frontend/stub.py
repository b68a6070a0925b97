"""`pl` construct stubs: a Python function whose signature is the argument contract the builder binds.

The builder never runs a stub; it reads `__pl_name__` (which emitter builds the op) and `__pl_signature__`
(the parameters a call is bound against, so a wrong call is reported at the user's line).  `__pl_updates__`
names the parameter an op updates in place, so the statement form `pl.assemble(y, t, offs)` rebinds `y`.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from typing import Any


class NotExecutable(RuntimeError):
    """A `pl` construct was executed by Python instead of being compiled by `@pl.jit`."""


def stub(fn: Callable[..., Any], updates: str | None = None) -> Callable[..., Any]:
    """Mark a function as a `pl` construct named `fn.__name__` (`exp`, `tile.load`, ...)."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise NotExecutable(f"pl.{fn.__name__} can only be used inside a @pl.jit function")

    refuse.__name__ = fn.__name__
    refuse.__qualname__ = f"pl.{fn.__name__}"
    refuse.__doc__ = fn.__doc__
    refuse.__pl_signature__ = fn  # type: ignore[attr-defined]
    refuse.__pl_name__ = fn.__name__  # type: ignore[attr-defined]
    refuse.__pl_updates__ = updates  # type: ignore[attr-defined]
    return refuse


def in_place(param: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`stub` for an op that updates its argument `param` in place (and returns the new version)."""
    return lambda fn: stub(fn, updates=param)


def updated_name(callee: Any, call: ast.Call) -> str | None:
    """The variable a statement-form call of an in-place op rebinds: its `__pl_updates__` argument, when the
    caller passed a plain name for it (positionally or by keyword)."""
    param = getattr(callee, "__pl_updates__", None)
    if param is None:
        return None
    position = list(inspect.signature(callee.__pl_signature__).parameters).index(param)
    arg = call.args[position] if position < len(call.args) else None
    for kw in call.keywords:
        if kw.arg == param:
            arg = kw.value
    return arg.id if isinstance(arg, ast.Name) else None
