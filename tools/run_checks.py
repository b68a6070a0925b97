"""`ppc-run`'s checks of what it is given, made before anything runs: a malformed `SPECS` / `GOLDEN` / `COMPARE`
in the target file (located at its assignment), inputs too large for this machine's memory (located at the
parameter or spec), a `--trace` path that cannot be written, a `--seed` or `--set` value it cannot read.
A mistake found only after a long run wastes the run, and a misread value silently changes it."""

from __future__ import annotations

import argparse
import ast
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ppc.dialects.diagnostics import PlDiagnostic, SourceLoc, brief
from ppc.runtime.golden import ScalarSpec, Spec, TensorSpec, as_numpy_dtype

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def seed(text: str) -> int:
    """`--seed`: numpy seeds its generators with non-negative integers only."""
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def boolean(text: str) -> bool:
    """A `--set` value for a pl.BOOL scalar; anything but the usual spellings is refused, not read as False."""
    if text.lower() in TRUE + FALSE:
        return text.lower() in TRUE
    raise ValueError(f"expected one of {', '.join(TRUE + FALSE)}")


def trace_file(text: str, default_name: str) -> Path:
    """Where `--trace TEXT` writes: TEXT, or `TEXT/default_name` when TEXT is a folder (or ends in `/`); refused
    now, not after the run, when it cannot be written."""
    if not text:
        raise ValueError("--trace needs a file or folder name")
    path = Path(text)
    if path.is_dir() or text.endswith(os.sep):
        path = path / default_name
    folder = path.parent
    if not folder.is_dir():
        raise ValueError(f"--trace {text}: no such folder {folder}")
    if path.is_dir() or not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ValueError(f"--trace {text}: cannot write {path}")
    return path


# ------------------------------------------------------------------------------------------- target file
def assignment_loc(path: Path, name: str) -> SourceLoc:
    """Where the target file assigns `name` at top level (its last assignment), else its first line."""
    try:
        tree = ast.parse(path.read_text(), str(path))
    except (OSError, SyntaxError, ValueError):
        return SourceLoc(str(path), 1, 1)
    found = SourceLoc(str(path), 1, 1)
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign | ast.AugAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            found = SourceLoc(str(path), node.lineno, node.col_offset + 1)
    return found


def per_entry(module: Any, path: Path, attr: str, entry: str, is_value: Callable[[Any], bool], what: str) -> Any:
    """`module.<attr>` for `entry`: a value (`is_value`), or a dict entry name -> value (None if it has no
    `entry`); anything else is a located error saying what was expected."""
    value = getattr(module, attr, None)
    if value is None or is_value(value):
        return value
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        chosen = value.get(entry)
        if chosen is None or is_value(chosen):
            return chosen
        raise PlDiagnostic(assignment_loc(path, attr), f"{attr}[{entry!r}] must be {what}, got {brief(chosen)}")
    raise PlDiagnostic(assignment_loc(path, attr), f"{attr} must be {what} (or a dict entry name -> such a value), "
                       f"got {brief(value)}")


def is_specs(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(s, TensorSpec | ScalarSpec) for s in value)


def is_comparators(value: Any) -> bool:
    return isinstance(value, Mapping) and all(isinstance(k, str) and callable(v) for k, v in value.items())


SPECS_WHAT = "a list of ppc.runtime.golden.TensorSpec / ScalarSpec"
GOLDEN_WHAT = "a function of the tensors dict"
COMPARE_WHAT = "a dict output name -> comparator"


def check_specs(specs: Sequence[Spec], where: Callable[[str], SourceLoc]) -> None:
    """Every tensor spec has a shape of non-negative integers and a known dtype, and all of them together fit
    in this machine's memory (ppc-run makes them in host memory); `where(name)` locates a spec's error."""
    total = 0
    for spec in specs:
        if not isinstance(spec, TensorSpec):
            continue
        shape = spec.shape
        if not isinstance(shape, Sequence) or not all(isinstance(d, int | np.integer) and d >= 0 for d in shape):
            raise PlDiagnostic(where(spec.name), f"tensor {spec.name!r}: shape must be a list of non-negative "
                               f"integers, got {brief(shape)}")
        try:
            dtype = as_numpy_dtype(spec.dtype)
        except (TypeError, ValueError) as err:
            raise PlDiagnostic(where(spec.name), f"tensor {spec.name!r}: {err}") from None
        total += int(np.prod(shape, dtype=object)) * dtype.itemsize
        if total > memory_limit():
            raise PlDiagnostic(where(spec.name), f"tensor {spec.name!r} of shape {list(shape)}: the inputs need "
                               f"{_gib(total)}, more than half this machine's memory ({_gib(2 * memory_limit())})")


def memory_limit() -> int:
    """Half the physical memory: ppc-run holds each tensor more than once (the caller's, the run's copy)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2


def _gib(size: int) -> str:
    return f"{size / 2**30:.3g} GiB"
