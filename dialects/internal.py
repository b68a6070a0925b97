"""The API's entry points (`kernel(...)`, `.lower()`, `.compile()`, `program.run()`) and internal errors.

An error in a call's arguments is the caller's: it is reported at the caller's line (the innermost frame
outside ppc), with a note at the parameters. An unexpected Python exception inside ppc (a compiler or executor
bug) still ends in one located line, `file:line:col: error: internal error in <where>: <exception> (please
report this bug)`, so a user sees which of their lines triggered it; `PPC_DEBUG=1` adds the Python traceback.
"""

from __future__ import annotations

import ast
import functools
import os
import sys
import traceback
from collections.abc import Callable
from types import CodeType, TracebackType
from typing import Any

from xdsl.ir import Operation

from .diagnostics import UNKNOWN, CallError, PlError, SourceLoc, source_loc


def debugging() -> bool:
    """`PPC_DEBUG=1` (or any value but empty/0): print tracebacks of internal errors too."""
    return os.environ.get("PPC_DEBUG", "") not in ("", "0")


class PlInternalError(PlError):
    """A ppc bug met while handling the user's program; `__cause__` is the original exception."""

    def __init__(self, where: str, err: BaseException, loc: SourceLoc = UNKNOWN):
        self.loc = loc
        self.where = where
        text = str(err).splitlines()[0] if str(err) else ""
        self.message = f"internal error in {where}: {type(err).__name__}{': ' + text if text else ''} " \
                       "(please report this bug)"
        super().__init__(self.message)

    @property
    def detail(self) -> str:
        return self.message


def internal_error(err: BaseException, stage: str) -> PlInternalError:
    """`err` as an internal error of `stage` ("compile", "run", ...), at the innermost op or source node the
    failing code was handling (a local `op`, or a `node` of a builder that can locate it)."""
    result = PlInternalError(stage, err)
    for frame in reversed([f for f, _ in traceback.walk_tb(err.__traceback__)]):
        found = _frame_site(frame.f_locals)
        if found is not None:
            loc, name = found
            result = PlInternalError(f"{name} ({stage})" if name else stage, err, loc)
            break
    result.__cause__ = err
    return result


def _frame_site(local: dict) -> tuple[SourceLoc, str] | None:
    op = local.get("op")
    if isinstance(op, Operation):
        loc = source_loc(op)
        if loc != UNKNOWN:
            return loc, f"'{op.name}'"
    node = local.get("node")
    if isinstance(node, ast.AST) and hasattr(node, "lineno"):
        builders = [v for v in local.values() if hasattr(v, "source_loc") and hasattr(v, "file")]
        if builders:  # the frontend's builder of the function `node` is in (an Emitter)
            return builders[0].source_loc(node), ""
    return None


def print_internal(err: PlInternalError, file=None) -> None:
    """The one line, preceded by the traceback of its cause when debugging."""
    out = file or sys.stderr
    if debugging() and err.__cause__ is not None:
        cause = err.__cause__
        traceback.print_exception(type(cause), cause, cause.__traceback__, file=out)
    print(err, file=out)


def report_uncaught(exc: BaseException, tb: TracebackType | None) -> bool:
    """For an excepthook: print a ppc error as its diagnostic line(s); False if `exc` is not one."""
    if isinstance(exc, PlInternalError):
        print_internal(exc)
        return True
    if isinstance(exc, PlError):
        print(exc, file=sys.stderr)
        return True
    return False


_PPC_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_TOOL_MAINS: set[CodeType] = set()


def tool_main(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a tool's main function: a call it makes on the user's behalf has no caller line to point at (the
    frames outside ppc beyond it are the tool's launcher), so call errors keep their place in the program."""
    _TOOL_MAINS.add(fn.__code__)
    return fn


def user_facing(stage: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap an API entry point (`lower`, `compile`, a call): an error in the call's arguments is reported at the
    caller's line with a note at the parameter, and an unexpected exception as a located internal error."""

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except CallError as err:
                raise _at_caller(err) from None
            except PlError:
                raise
            except Exception as err:  # a ppc bug: located, and the cause kept for PPC_DEBUG=1
                raise internal_error(err, stage) from err

        return checked

    return wrap


def _at_caller(err: CallError) -> CallError:
    """`err` moved to the innermost line outside ppc that led here (the user's call), its old place a note."""
    frame = sys._getframe(2)
    while frame is not None and _inside_ppc(frame.f_code.co_filename) and frame.f_code not in _TOOL_MAINS:
        frame = frame.f_back
    if frame is None or frame.f_code in _TOOL_MAINS or err.at_call_site:
        return err
    line, _end, col, _end_col = list(frame.f_code.co_positions())[frame.f_lasti // 2]
    if err.loc != UNKNOWN:
        err.notes = ((err.loc, "the parameters are declared here"),)
    err.loc = SourceLoc(frame.f_code.co_filename, line or frame.f_lineno, (col or 0) + 1)
    err.at_call_site = True
    err.args = (str(err),)
    return err


def _inside_ppc(file: str) -> bool:
    return file.startswith("<frozen") or (file.startswith(_PPC_DIR) and not file.startswith(_PPC_DIR + "test" + os.sep))
