"""Compile and run one generated program through ppc (from a real file, so locations are real), run its numpy
rendering, and report every difference: a traceback, a located rejection or warning (the programs are well
typed, so ppc has nothing to say about them), a run over the time limit, or an output that differs."""

from __future__ import annotations

import importlib.util
import itertools
import signal
import tempfile
import traceback
from contextlib import contextmanager
from pathlib import Path

import difffuzz_ref as R
import numpy as np

from ppc.dialects.diagnostics import PlError, capture_diagnostics

TIMEOUT_S = 60
_modules = itertools.count()
_workdir = Path(tempfile.mkdtemp(prefix="ppc-difffuzz-"))


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    def expire(_signum, _frame):
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def arguments(seed: int) -> dict[str, np.ndarray]:
    """Inputs and the outputs' initial contents (an InOut keeps what the program does not write)."""
    rng = np.random.default_rng(seed)
    args = {}
    for k, dtype in enumerate((R.F32, R.BF16, R.I32)):
        for prefix in "xo":
            if dtype == R.I32:
                args[f"{prefix}{k}"] = rng.integers(-8, 9, (64, 64)).astype(dtype)
            else:
                args[f"{prefix}{k}"] = rng.uniform(-2, 2, (64, 64)).astype(dtype)
    return args


def load_kernel(source: str):
    path = _workdir / f"fuzz_{next(_modules)}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fuzz


def reference(program, args: dict[str, np.ndarray]) -> R.Outputs:
    namespace: dict = {}
    exec(compile(program.ref_source, "<reference>", "exec"), namespace)
    outs = R.Outputs({name: a for name, a in args.items() if name.startswith("o")})
    ins = {name: a for name, a in args.items() if name.startswith("x")}
    return namespace["reference"](R, outs, **ins, n0=program.n0, n1=program.n1)


def problems(program) -> list[str]:
    """Everything wrong with ppc's run of `program` (empty: it matches numpy)."""
    args = arguments(program.seed)
    got = {name: a.copy() for name, a in args.items()}
    try:
        with time_limit(TIMEOUT_S), capture_diagnostics() as said:
            kernel = load_kernel(program.pl_source)
            call = [*(got[n] for n in ("x0", "x1", "x2", "o0", "o1", "o2")), program.n0, program.n1]
            kernel.compile(*call, platform=program.platform, spmd=program.spmd).run(*call)
    except Hang as err:
        return [f"hang: {err}"]
    except PlError as err:
        return [f"rejected: {err}"]
    except Exception:  # noqa: BLE001  (any other exception is a traceback the user would see)
        return ["crash:\n" + traceback.format_exc()]
    if said:
        return [f"diagnostic on a valid program: {d}" for d in said]
    want = reference(program, args)
    found = []
    for name in ("o0", "o1", "o2"):
        found += R.mismatches(name, got[name], want.arrays[name], want.exact[name])
    return found

