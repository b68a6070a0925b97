"""`@pl.jit` objects: a decorated kernel function, its parsed source, and `lower()`.

The decorator never runs the function; `lower(*args)` parses its source (once, cached) into the `pl`
dialect and, for `pipeline="default"`, runs the registered `pl-lower` pipeline if the passes package
provides one.  `compile`/`__call__` (compile + run on the simulator) are composed on top of `lower` by the
runtime layer and are deliberately not defined here.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from xdsl.dialects.builtin import ModuleOp

from ppc.dialects.attributes import FuncKind
from ppc.dialects.diagnostics import UNKNOWN, PlDiagnostic

PIPELINES = ("frontend", "default")


@dataclass(frozen=True)
class ParsedSource:
    """A kernel's AST with absolute line numbers; `col_shift` re-adds the indentation removed by dedent."""

    tree: ast.FunctionDef
    file: str
    col_shift: int


class JitFunction:
    """A `pl` function: `kind` says whether it is an entry, an inline helper or an incore kernel."""

    def __init__(self, fn: Callable[..., Any], kind: FuncKind):
        self.fn = fn
        self.kind = kind
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn
        self._parsed: ParsedSource | None = None

    def __repr__(self) -> str:
        return f"<pl.jit {self.kind.value} function {self.fn.__qualname__}>"

    @property
    def parsed(self) -> ParsedSource:
        if self._parsed is None:
            self._parsed = _parse(self.fn)
        return self._parsed

    def lower(self, *args: Any, pipeline: str = "default") -> ModuleOp:
        """The module for these argument shapes: the frontend form, or after the default pipeline if registered.

        `args` are tensors (numpy/torch: anything with `.shape` and `.dtype`), shape specs (`pl.Tensor[...]`
        or objects with `.shape`/`.dtype`) and scalars; they are checked against the annotations.
        """
        if pipeline not in PIPELINES:
            raise ValueError(f"unknown pipeline {pipeline!r}: expected one of {', '.join(PIPELINES)}")
        from .builder import build_module

        module = build_module(self, args)
        if pipeline == "default":
            _run_default_pipeline(module)
        return module


class JitDecorator:
    """`pl.jit` (entry), with `.inline` and `.incore` variants; each works with or without parentheses."""

    def __call__(self, fn: Callable[..., Any] | None = None) -> Any:
        return _decorate(fn, FuncKind.ORCHESTRATION)

    def inline(self, fn: Callable[..., Any] | None = None) -> Any:
        return _decorate(fn, FuncKind.INLINE)

    def incore(self, fn: Callable[..., Any] | None = None) -> Any:
        return _decorate(fn, FuncKind.INCORE)


def _decorate(fn: Callable[..., Any] | None, kind: FuncKind) -> Any:
    if fn is None:
        return lambda f: JitFunction(f, kind)
    return JitFunction(fn, kind)


def _parse(fn: Callable[..., Any]) -> ParsedSource:
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        message = f"cannot read the source of '{fn.__qualname__}' (pl kernels must live in a file)"
        raise PlDiagnostic(UNKNOWN, message) from None
    source = "".join(lines)
    dedented = textwrap.dedent(source)
    col_shift = len(lines[0]) - len(lines[0].lstrip()) if dedented != source else 0
    tree = ast.parse(dedented)
    ast.increment_lineno(tree, first - 1)
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    return ParsedSource(func, inspect.getsourcefile(fn) or fn.__code__.co_filename, col_shift)


def _run_default_pipeline(module: ModuleOp) -> None:
    """Run `pl-lower` when the passes package registers it; until then the default stops at the frontend."""
    from ppc.passes import pipeline

    factory = pipeline.PASSES.get("pl-lower")
    if factory is None:
        return
    from ppc.dialects.parsing import make_context

    factory()().apply(make_context(), module)


def _report_diagnostics(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, _previous=sys.excepthook
) -> None:
    """An uncaught PlDiagnostic ends a script with its one-line `file:line:col: error: ...`, no traceback."""
    if isinstance(exc, PlDiagnostic):
        print(exc, file=sys.stderr)
    else:
        _previous(exc_type, exc, tb)


sys.excepthook = _report_diagnostics
