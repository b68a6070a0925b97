"""The emission context shared by the builder's parts.

Locations and diagnostics (every op gets the user's `file:line:col`, every error is one `PlDiagnostic`),
op creation with an immediate check against the op's verifier, the constant cache, whether code is in a
task context (which decides tile vs tensor), and coercion of evaluated arguments to what ops take.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, StringAttr
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from ppc.dialects.diagnostics import PlDiagnostic, SourceLoc, brief
from ppc.dialects.types import TensorType, TileType

from . import language as pl
from . import ops, scalars
from .signature import mlir_type


class Emitter:
    """Where ops go and how they are located, checked and typed, for one function being built."""

    def __init__(self, file: str, in_task: bool):
        self.file = file
        self.file_attr = StringAttr(file)
        self.base_in_task = in_task
        self.task_depth = 0
        self.block = Block()
        self.poly: dict[SSAValue, scalars.Poly] = {}
        # Constants already emitted in the enclosing blocks, innermost last; a True flag marks a function or
        # task body, beyond which constants are not shared (a task body keeps its own, so outlining captures none).
        self.const_frames: list[tuple[bool, dict[tuple[Attribute, str], SSAValue]]] = []
        self._locs: dict[tuple[int, int], FileLineColLoc] = {}

    # ------------------------------------------------------------------------------------- diagnostics
    def source_loc(self, node: ast.AST) -> SourceLoc:
        return SourceLoc(self.file, getattr(node, "lineno", 0), getattr(node, "col_offset", -1) + 1)

    def loc(self, node: ast.AST) -> FileLineColLoc:
        key = (getattr(node, "lineno", 0), getattr(node, "col_offset", -1) + 1)
        loc = self._locs.get(key)
        if loc is None:
            loc = self._locs[key] = FileLineColLoc(self.file_attr, IntAttr(key[0]), IntAttr(key[1]))
        return loc

    def error(self, node: ast.AST, message: str) -> PlDiagnostic:
        return PlDiagnostic(self.source_loc(node), message)

    @contextmanager
    def located(self, node: ast.AST) -> Iterator[None]:
        """Report a verifier rejection raised while building an op at the user's line."""
        try:
            yield
        except VerifyException as err:
            raise self.error(node, _first_line(err)) from None

    # ------------------------------------------------------------------------------------- emission
    def emit(self, op: Operation, node: ast.AST) -> Operation:
        op.location = self.loc(node)
        self.block.add_op(op)
        return op

    def build(self, node: ast.AST, make: Callable[[], Operation], check: bool = True) -> SSAValue:
        """Create a `pl` op, check it against its verifier and emit it; its (single) result.

        `check=False` is for ops whose result type was just computed by their own `infer` (which raises the
        verifier's error itself), so verifying again would only repeat it.
        """
        with self.located(node):
            op = make()
            if check:
                op.verify_()
        return self.emit(op, node).results[0]

    def cached_constant(self, key: tuple[Attribute, str]) -> SSAValue | None:
        for boundary, frame in reversed(self.const_frames):
            if key in frame:
                return frame[key]
            if boundary:
                return None
        return None

    def cache_constant(self, key: tuple[Attribute, str], value: SSAValue) -> None:
        self.const_frames[-1][1][key] = value

    @property
    def task_context(self) -> bool:
        return self.base_in_task or self.task_depth > 0

    def require_task(self, node: ast.AST, what: str) -> None:
        if not self.task_context:
            raise self.error(
                node,
                f"{what} is a compute op: it must be inside a task scope ('with pl.at(...)' or 'for ... in pl.spmd(...)')",
            )

    def fresh_type(self, shape: Sequence[int], element_type: Attribute) -> TensorType | TileType:
        """A newly created value: a vec tile inside a task, a GM tensor outside."""
        if self.task_context:
            return TileType(shape, element_type, "vec")
        return TensorType(shape, element_type)

    def view_type(self, source: TensorType | TileType, shape: Sequence[int]) -> TensorType | TileType:
        """A window of `source`: loading a tensor inside a task gives a vec tile, a tile stays in its space."""
        if isinstance(source, TileType):
            return source.with_shape(shape)
        return self.fresh_type(shape, source.element_type)

    def fold(self, node: ast.AST, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as err:  # noqa: BLE001  (a failing compile-time computation is a user error)
            raise self.error(node, f"compile-time evaluation failed: {type(err).__name__}: {err}") from None

    # ------------------------------------------------------------------------------------- argument coercion
    def constant(self, v: Any, what: str, node: ast.AST) -> Any:
        if has_runtime(v):
            raise self.error(node, f"{what} must be a compile-time constant, got {scalars.describe(v)}")
        return v

    def ints(self, v: Any, what: str, node: ast.AST) -> tuple[int, ...]:
        items = v if isinstance(v, list | tuple) else [v]
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in items):
            raise self.error(node, f"{what} must be compile-time integers, got {show(v)}")
        return tuple(items)

    def shaped(self, v: Any, what: str, node: ast.AST) -> SSAValue:
        if not ops.is_shaped(v):
            raise self.error(node, f"{what} must be a tensor or tile, got {scalars.describe(v)}")
        return v

    def dtype(self, v: Any, what: str, node: ast.AST) -> Attribute:
        if not isinstance(v, pl.DType):
            raise self.error(node, f"{what} must be a pl dtype (pl.BF16, pl.FP32, ...), got {brief(v)}")
        return mlir_type(v)

    def index(self, v: Any, node: ast.AST) -> SSAValue:
        if isinstance(v, SSAValue):
            if not scalars.is_int(v.type):
                raise self.error(node, f"expected an integer index, got a value of type {v.type}")
            return scalars.convert(self, v, scalars.INDEX, node)
        if not isinstance(v, int) or isinstance(v, bool):
            raise self.error(node, f"expected an integer index, got {show(v)}")
        return scalars.constant(self, v, scalars.INDEX, node)

    def indices(self, v: Any, what: str, node: ast.AST) -> list[SSAValue]:
        items = v if isinstance(v, list | tuple) else [v]
        for x in items:
            runtime_int = isinstance(x, SSAValue) and scalars.is_int(x.type)
            if not runtime_int and not (isinstance(x, int) and not isinstance(x, bool)):
                raise self.error(node, f"{what} must be integers, got {show(v)}")
        return [self.index(x, node) for x in items]


def has_runtime(v: Any) -> bool:
    """Whether `v` is, or (in a list/tuple) contains, a run-time value."""
    if isinstance(v, SSAValue):
        return True
    if isinstance(v, list | tuple):
        return any(has_runtime(x) for x in v)
    return False


def show(v: Any) -> str:
    return scalars.describe(v) if isinstance(v, SSAValue) else repr(v)


def _first_line(err: Exception) -> str:
    text = str(err.args[0]) if err.args else str(err)
    return text.splitlines()[0] if text else type(err).__name__
