"""`ppc-run --pypto FILE.py ARGS...`: run a pypto-lib kernel file on ppc the way its author runs it
(`python FILE.py -p a2a3sim`).

For that run only, an import hook (a `sys.meta_path` finder, removed afterwards; nothing named `pypto` is
installed) resolves `pypto.language` to ppc's `pl`, `golden` to `ppc.runtime.pypto_golden` (ahead of a
pypto-lib checkout's own `golden/` on sys.path), `pypto.backend` / `pypto.runtime` to their ppc stand-ins
(`ppc.runtime.pypto_backend`, `ppc.runtime.pypto_runtime`: backend type, `RunConfig`, `TensorSpec`; their other
names are errors saying why), and multi-card modules (`pypto.language.distributed`,
`pypto.ir.distributed_compiled_program`) to one error; other `pypto.*` modules (PyPTO's IR, passes) do not
exist here. The backend type set by one file does not leak into the next run. The file's directory, then the checkout root (the nearest ancestor holding `models/`), go first on
sys.path; the file runs as `__main__` with sys.argv = [FILE, *ARGS], after torch/numpy/random are seeded with 0.

The exit status is the file's. A located PlError ends the run with its diagnostic line; any other exception
(or a PlError without a location, e.g. a harness error) with one line located at the innermost frame of the
user's files; both exit 1 (PPC_DEBUG=1 prints the Python traceback first).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import random
import runpy
import sys
import traceback
import types
from pathlib import Path

from ppc.dialects.diagnostics import UNKNOWN, PlError, SourceLoc, diagnostic_line
from ppc.dialects.internal import debugging
from ppc.frontend import language as pl
from ppc.runtime import pypto_backend, pypto_golden, pypto_runtime

_MULTI_CARD = {"pypto.language.distributed", "pypto.ir.distributed_compiled_program"}
_PACKAGES = {"pypto", "pypto.ir"}  # empty parents, so their multi-card children can answer with the error


_STAND_INS = {"golden": pypto_golden, "pypto.backend": pypto_backend, "pypto.runtime": pypto_runtime}
_PROVIDED = ("pypto.language", *sorted(_STAND_INS))


class _MultiCardImport(PlError, ImportError):
    pass


class _Loader(importlib.abc.Loader):
    """Hands out ppc's modules under pypto-lib's names. ppc's modules keep their own `__spec__`."""

    def __init__(self, target: types.ModuleType) -> None:
        self.target = target
        self.spec = target.__spec__

    def create_module(self, spec):
        return self.target

    def exec_module(self, module) -> None:
        module.__spec__ = self.spec


class PyptoFinder(importlib.abc.MetaPathFinder):
    """The import hook of one `--pypto` run; `remove()` undoes everything it changed."""

    def __init__(self) -> None:
        self.added_path = not hasattr(pl, "__path__")

    def find_spec(self, name, path=None, target=None):
        if name in _MULTI_CARD:
            raise _MultiCardImport(f"{name}: {pypto_golden.MULTI_CARD}")
        if name in _PACKAGES:
            return importlib.util.spec_from_loader(name, None, is_package=True)
        if name == "pypto.language":
            return importlib.util.spec_from_loader(name, _Loader(pl), is_package=True)
        if name in _STAND_INS:
            return importlib.util.spec_from_loader(name, _Loader(_STAND_INS[name]))
        if name.startswith("pypto."):
            raise ModuleNotFoundError(f"No module named {name!r}: ppc provides {', '.join(_PROVIDED)} only",
                                      name=name)
        return None

    def install(self) -> None:
        self.saved = {n: m for n, m in sys.modules.items() if n == "golden" or n.split(".")[0] == "pypto"}
        for name in self.saved:
            del sys.modules[name]
        sys.meta_path.insert(0, self)

    def remove(self) -> None:
        sys.meta_path.remove(self)
        for name in [n for n in sys.modules if n == "golden" or n.split(".")[0] == "pypto"]:
            del sys.modules[name]
        sys.modules.update(self.saved)
        if self.added_path and hasattr(pl, "__path__"):
            del pl.__path__


def checkout_root(file: Path) -> Path | None:
    """The nearest ancestor of `file` holding `models/` (a pypto-lib checkout), if any."""
    return next((d for d in file.parents if (d / "models").is_dir()), None)


def _seed() -> None:
    random.seed(0)
    try:
        import numpy as np

        np.random.seed(0)
        import torch

        torch.manual_seed(0)
    except ImportError:
        pass


def _located(err: BaseException, roots: list[Path]) -> str:
    """The error's diagnostic line: a located PlError as it is, any other error located at the innermost frame
    inside `roots` (the user's files)."""
    if isinstance(err, PlError) and err.loc != UNKNOWN:
        return str(err)
    if isinstance(err, SyntaxError) and err.filename and not err.filename.startswith("<"):  # the file's own text
        return diagnostic_line(SourceLoc(err.filename, err.lineno or 0, err.offset or 0), "error", err.msg)
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if any(Path(f.filename).resolve().is_relative_to(r) for r in roots)]
    if isinstance(err, PlError):
        text = err.detail
    elif isinstance(err, AttributeError) and getattr(err, "obj", None) is pl:
        text = f"pl.{err.name} is not supported by ppc"
    else:
        text = f"{type(err).__name__}: {err}"
    loc = UNKNOWN
    if frames:  # traceback columns count from 0, ours from 1 (0: unknown)
        last = frames[-1]
        loc = SourceLoc(last.filename, last.lineno or 0, 0 if last.colno is None else last.colno + 1)
    return diagnostic_line(loc, "error", text)


def run_file(file: str, args: list[str], out_staging: str = "undefined", strict_out_reads: bool = False,
             report_json: str | None = None) -> int:
    """Run a pypto-lib kernel file as `__main__`; its exit status."""
    path = Path(file).resolve()
    if not path.is_file():
        print(f"ppc-run: error: no such file: {file}", file=sys.stderr)
        return 1
    root = checkout_root(path)
    extra = [str(path.parent)] + ([str(root)] if root and root != path.parent else [])
    saved_path, saved_argv = list(sys.path), list(sys.argv)
    sys.path[:0] = extra
    sys.argv = [str(path), *args]
    pypto_golden.SESSION.start(path.stem, out_staging, strict_out_reads, report_json)
    pypto_backend.reset_for_testing()
    finder = PyptoFinder()
    finder.install()
    _seed()
    try:
        runpy.run_path(str(path), run_name="__main__")
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1
    except Exception as err:  # the file failed: one located line, no traceback unless PPC_DEBUG=1
        if debugging():
            traceback.print_exception(err.__cause__ or err)
        print(_located(err, [path.parent, *([root] if root else [])]), file=sys.stderr)
        return 1
    finally:
        finder.remove()
        sys.path[:], sys.argv = saved_path, saved_argv
        pypto_golden.SESSION.start(None)
    return 0
