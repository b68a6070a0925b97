"""`@pl.jit` objects: a decorated kernel function, its parsed source, and `lower()`.

The decorator never runs the function; `lower(*args)` parses its source (once, cached) into the `pl`
dialect and, for `pipeline="default"`, runs the default pass pipeline.  `compile(*args)` also prepares
the lowered module for the runtime, and calling the object compiles (cached per argument signature)
and runs it.  This object is the only place that composes builder -> passes -> runtime (ARCHITECTURE.md),
which is why the passes and the runtime are imported lazily here.
"""

from __future__ import annotations

import ast
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from xdsl.dialects.builtin import ModuleOp

from ppc.dialects.attributes import FuncKind
from ppc.dialects.diagnostics import UNKNOWN, CallDiagnostic, PlDiagnostic, PlError, SourceLoc, brief
from ppc.dialects.internal import report_uncaught, user_facing

from .constants import constants_key
from ppc.dialects.types import DYNAMIC

PIPELINES = ("frontend", "default")


@dataclass(frozen=True)
class ParsedSource:
    """A kernel's AST, located as in its file."""

    tree: ast.FunctionDef
    file: str


class JitFunction:
    """A `pl` function: `kind` says whether it is an entry, an inline helper or an incore kernel."""

    def __init__(self, fn: Callable[..., Any], kind: FuncKind, auto_scope: bool = True):
        self.fn = fn
        self.kind = kind
        self.auto_scope = auto_scope
        """PyPTO's runtime-scope placement switch; ppc places no runtime scopes, so it changes nothing here"""
        self.program: Program | None = None
        """the `@pl.program` class this function is a method of (its `self` is bound to it)"""
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn
        self._parsed: ParsedSource | None = None
        self._compiled: dict[tuple[Any, ...], Any] = {}
        self._read_chains: tuple[tuple[str, ...], ...] | None = None
        """the global names (with attribute chains) the body reads: see constants.py"""
        self._dynamic_axes: set[tuple[frozenset[int], ...]] = set()
        """per compiled program, the `?` axes of each entry parameter (how its cache key was spelled)"""

    def __repr__(self) -> str:
        return f"<pl.jit {self.kind.value} function {self.fn.__qualname__}>"

    @property
    def parsed(self) -> ParsedSource:
        if self._parsed is None:
            self._parsed = _parse(self.fn)
        return self._parsed

    @user_facing("lower")
    def lower(self, *args: Any, pipeline: str = "default", config: Any = None, **kwargs: Any) -> ModuleOp:
        """The module for these argument shapes: the frontend form, or after the default pipeline if registered.

        `args` are tensors (numpy/torch: anything with `.shape` and `.dtype`), shape specs (`pl.Tensor[...]`
        or objects with `.shape`/`.dtype`) and scalars; they are checked against the annotations. `config`
        (PyPTO's `RunConfig`) is accepted and changes nothing: ppc lowers the same way for every chip.
        """
        if pipeline not in PIPELINES:
            raise CallDiagnostic(UNKNOWN, f"unknown pipeline {pipeline!r}: expected one of {', '.join(PIPELINES)}")
        from .builder import build_module

        module = build_module(self, self._positional(args, kwargs))
        if pipeline == "default":
            from ppc.passes.pipeline import default_pipeline, run_pipeline

            run_pipeline(module, default_pipeline())
        return module

    @user_facing("compile")
    def compile(self, *args: Any, platform: str = "a2a3", spmd: bool = False, config: Any = None,
                out_staging: str = "undefined", **kwargs: Any) -> Any:
        """The `CompiledProgram` for these argument shapes on `platform` ("a2a3" or "a5"), compiled once per
        specialisation (see `__call__`) and reused by every later `compile` or call.

        The IR after the frontend and after every pass is kept for `program.ir_after(name)`; `spmd=True`
        adds `pl-parallel-to-spmd` to the pipeline. `config` (PyPTO's `RunConfig`) picks the platform instead.
        `out_staging` is the runtime's Out staging (runtime/arguments.py `OUT_STAGINGS`): under "copied" (the
        caller's data) and "zeroed" a kernel may read a declared Out's old contents (passes/infer_directions.py).
        """
        args = self._positional(args, kwargs)
        from ppc.passes.infer_directions import STAGINGS_WITH_OLD_CONTENTS

        staging = out_staging if out_staging in STAGINGS_WITH_OLD_CONTENTS else "undefined"
        target = (_platform(platform, config), spmd, staging, constants_key(self))
        program = self._cached(target, args)
        if program is None:
            program = self._build(args, *target[:3])
            axes = tuple(
                frozenset(i for i, d in enumerate(p.shape) if d == DYNAMIC) if p.is_tensor else frozenset()
                for p in program.params
            )
            self._dynamic_axes.add(axes)
            self._compiled[_cache_key(target, args, axes)] = program
        return program

    def _build(self, args: tuple[Any, ...], platform: str, spmd: bool, out_staging: str) -> Any:
        from ppc.passes.pipeline import default_pipeline, run_pipeline
        from ppc.runtime.program import CompiledProgram

        from .builder import build_module

        module = build_module(self, args)
        # Snapshots are clones, printed only if `ir_after` asks: printing every stage of every compile would
        # nearly double the compile time of a kernel like the compressor.
        ir_after = {"frontend": module.clone()}
        passes = [*default_pipeline(spmd, out_staging), f"pl-check-capacity{{platform={platform}}}"]  # the chip's memories
        run_pipeline(module, passes, after_each=lambda name, m: ir_after.__setitem__(name, m.clone()))
        return CompiledProgram(module, platform=platform, entry=self.__name__, ir_after=ir_after)

    @user_facing("run")
    def __call__(self, *args: Any, platform: str = "a2a3", config: Any = None, **kwargs: Any) -> Any:
        """Compile (once per argument shapes/dtypes and platform) and run; Out/InOut tensors are written in place.
        Arguments may be given by keyword, as in Python (`entry(x=x, y=y)`).

        A dynamic axis (`pl.dynamic`) is keyed as `?`, so one compiled program serves every size of it."""
        platform = _platform(platform, config)
        args = self._positional(args, kwargs)
        program = self._cached((platform, False, "undefined", constants_key(self)), args) or self.compile(*args, platform=platform)
        return program.run(*args)

    def _positional(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        """The arguments in parameter order, keywords bound by name as Python binds them."""
        if not kwargs:
            return args
        owner = (self.program,) if self.program is not None else ()
        try:
            bound = inspect.signature(self.fn).bind(*owner, *args, **kwargs)
        except TypeError as err:
            tree = self.parsed.tree
            raise CallDiagnostic(SourceLoc(self.parsed.file, tree.lineno, tree.col_offset + 1),
                                 f"'{self.__name__}': {err}") from None
        return tuple(bound.arguments.values())[len(owner) :]

    def _cached(self, target: tuple[Any, ...], args: tuple[Any, ...]) -> Any:
        """The program compiled for (platform, spmd, Out staging, constants read) and these arguments, if any."""
        for axes in self._dynamic_axes:
            program = self._compiled.get(_cache_key(target, args, axes))
            if program is not None:
                return program
        return None


def _platform(platform: str, config: Any) -> str:
    """The chip to model: `config.chip` of a PyPTO `RunConfig` when one is given, else `platform`."""
    from ppc.runtime.npu.config import CONFIGS

    chip = platform if config is None else getattr(config, "chip", None)
    if not isinstance(chip, str) or chip.lower() not in CONFIGS:
        given = f"platform {brief(platform)}" if config is None else f"config {brief(config)} (its .chip)"
        raise CallDiagnostic(UNKNOWN, f"unknown NPU platform: {given}; known platforms: {', '.join(sorted(CONFIGS))}")
    return chip


class HostFunction:
    """`@pl.jit.host`: PyPTO's HOST-level orchestrator, which dispatches chip orchestrators per rank and owns
    the cross-chip window buffers. ppc models one chip and has no host level, so the decorator is accepted
    (a file may define one and never use it) but lowering, compiling or calling it is an error at its `def`."""

    def __init__(self, fn: Callable[..., Any], auto_scope: bool = True):
        self.fn = fn
        self.auto_scope = auto_scope
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn

    def __repr__(self) -> str:
        return f"<pl.jit host function {self.fn.__qualname__}>"

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise PlDiagnostic(_source_loc(self.fn), f"@pl.jit.host function '{self.__name__}': HOST-level "
                           "orchestrators (per-rank dispatch across chips) are not supported by ppc, which models one "
                           "chip")

    lower = compile = __call__ = _refuse


class JitDecorator:
    """`pl.jit` (entry), with `.inline`, `.incore` and `.host` variants; each works with or without parentheses and
    takes PyPTO's decorator keyword `auto_scope` (kept on the function)."""

    def __call__(self, fn: Callable[..., Any] | None = None, *, auto_scope: bool = True) -> Any:
        return _decorate(fn, FuncKind.ORCHESTRATION, auto_scope)

    def inline(self, fn: Callable[..., Any] | None = None, *, auto_scope: bool = True) -> Any:
        return _decorate(fn, FuncKind.INLINE, auto_scope)

    def incore(self, fn: Callable[..., Any] | None = None, *, auto_scope: bool = True) -> Any:
        return _decorate(fn, FuncKind.INCORE, auto_scope)

    def host(self, fn: Callable[..., Any] | None = None, *, auto_scope: bool = True) -> Any:
        if fn is None:
            return lambda f: HostFunction(f, auto_scope)
        return HostFunction(fn, auto_scope)


def _decorate(fn: Callable[..., Any] | None, kind: FuncKind, auto_scope: bool = True) -> Any:
    if fn is None:
        return lambda f: JitFunction(f, kind, auto_scope)
    return JitFunction(fn, kind, auto_scope)


class Program:
    """A `@pl.program` class: its `@pl.function` methods, one of which (Opaque or Orchestration) is the entry.

    The entry is what `compile`, `lower` and calling the program run; inside any method `self.<name>` is
    another method of the program (a helper call)."""

    def __init__(self, cls: type):
        self.__name__ = cls.__name__
        self.functions = {k: v for k, v in vars(cls).items() if isinstance(v, JitFunction)}
        entries = [f for f in self.functions.values() if f.kind == FuncKind.ORCHESTRATION]
        if len(entries) != 1:
            raise PlDiagnostic(
                _source_loc(cls), f"@pl.program '{cls.__name__}' needs exactly one @pl.function of type Opaque or "
                f"Orchestration (its entry), found {len(entries)}"
            )
        for f in self.functions.values():
            f.program = self
        self.entry = entries[0]

    def __getattr__(self, name: str) -> Any:
        functions = self.__dict__.get("functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(f"@pl.program '{self.__dict__.get('__name__')}' has no function '{name}'")

    def __repr__(self) -> str:
        return f"<pl.program {self.__name__}>"

    def lower(self, *args: Any, pipeline: str = "default", config: Any = None) -> ModuleOp:
        return self.entry.lower(*args, pipeline=pipeline, config=config)

    def compile(self, *args: Any, platform: str = "a2a3", spmd: bool = False, config: Any = None,
                out_staging: str = "undefined") -> Any:
        return self.entry.compile(*args, platform=platform, spmd=spmd, config=config, out_staging=out_staging)

    def __call__(self, *args: Any, platform: str = "a2a3", config: Any = None) -> Any:
        return self.entry(*args, platform=platform, config=config)


def _source_loc(obj: Any) -> SourceLoc:
    """Where a class or function is defined (its first line, decorators included)."""
    try:
        return SourceLoc(inspect.getsourcefile(obj) or UNKNOWN.file, inspect.getsourcelines(obj)[1], 1)
    except (OSError, TypeError):
        return UNKNOWN


FUNCTION_KINDS = {"Opaque": FuncKind.ORCHESTRATION, "Orchestration": FuncKind.ORCHESTRATION,
                  "InCore": FuncKind.INCORE, "AIC": FuncKind.INCORE, "AIV": FuncKind.INCORE,
                  "Inline": FuncKind.INLINE}  # fmt: skip
"""PyPTO's `pl.FunctionType` members ppc compiles, by the kind of function each is here."""


class FunctionType:
    """`pl.FunctionType` (the function types of `@pl.function(type=...)` that ppc compiles)."""

    Opaque = "Opaque"
    Orchestration = "Orchestration"
    InCore = "InCore"
    AIC = "AIC"
    AIV = "AIV"
    Inline = "Inline"


def function(fn: Callable[..., Any] | None = None, *, type: str = FunctionType.Opaque, auto_scope: bool = True) -> Any:  # noqa: A002
    """`@pl.function(type=pl.FunctionType.X)`: a method of a `@pl.program` class."""
    if type not in FUNCTION_KINDS:
        raise ValueError(f"pl.function type must be one of pl.FunctionType.{', '.join(FUNCTION_KINDS)}, got {type!r}")
    return _decorate(fn, FUNCTION_KINDS[type], auto_scope)


def program(cls: type) -> Program:
    """`@pl.program` on a class of `@pl.function` methods."""
    return Program(cls)


def _parse(fn: Callable[..., Any]) -> ParsedSource:
    """The function's node in its whole file's AST: no dedent (which a docstring continuing at column 0 defeats),
    and line and column numbers as they are in the file."""
    try:
        lines, first = inspect.findsource(fn)
    except (OSError, TypeError):
        message = f"cannot read the source of '{fn.__qualname__}' (pl kernels must live in a file)"
        raise PlDiagnostic(UNKNOWN, message) from None
    file = inspect.getsourcefile(fn) or fn.__code__.co_filename
    if fn.__name__ == "<lambda>":
        raise PlDiagnostic(SourceLoc(file, first + 1, 1), "a lambda cannot be a pl kernel: define it with def")
    for node in ast.walk(_file_tree(file, "".join(lines))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == fn.__name__ and first + 1 in (
            node.lineno, *(d.lineno for d in node.decorator_list)
        ):
            if isinstance(node, ast.AsyncFunctionDef):
                raise PlDiagnostic(SourceLoc(file, node.lineno, node.col_offset + 1),
                                   f"'{fn.__name__}' is an async def: a pl kernel must be a plain def")
            return ParsedSource(node, file)
    raise PlDiagnostic(SourceLoc(file, first + 1, 1), f"cannot find the source of '{fn.__qualname__}' in {file} "
                       "(was the file changed after it was imported?)")


_TREES: dict[str, tuple[str, ast.Module]] = {}
"""per file, its source text and AST (a file with many kernels is parsed once)"""


def _file_tree(file: str, text: str) -> ast.Module:
    cached = _TREES.get(file)
    if cached is None or cached[0] != text:
        try:
            cached = _TREES[file] = (text, ast.parse(text, file))
        except SyntaxError as err:
            raise PlDiagnostic(SourceLoc(file, err.lineno or 0, err.offset or 0), f"cannot parse the kernel's file: "
                               f"{err.msg}") from None
    return cached[1]


def _cache_key(target: tuple[Any, ...], args: tuple[Any, ...], dynamic: tuple[frozenset[int], ...]) -> tuple[Any, ...]:
    """What a compiled program depends on: the (platform, spmd, Out staging, constants
    read) target, each tensor's shape (`?` on its dynamic axes) and dtype, each scalar's Python type."""
    key: list[Any] = [target]
    for i, arg in enumerate(args):
        if hasattr(arg, "shape") and hasattr(arg, "dtype"):
            axes = dynamic[i] if i < len(dynamic) else frozenset()
            shape = tuple("?" if a in axes else int(d) for a, d in enumerate(arg.shape))
            key.append((shape, str(arg.dtype).removeprefix("torch.")))  # numpy and torch spell dtypes alike
        else:
            key.append((type(arg).__name__,))
    return tuple(key)


def _report_diagnostics(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, _previous=sys.excepthook
) -> None:
    """An uncaught ppc error (compile- or run-time) ends a script with its one-line message, no traceback."""
    if not report_uncaught(exc, tb):
        _previous(exc_type, exc, tb)


sys.excepthook = _report_diagnostics
