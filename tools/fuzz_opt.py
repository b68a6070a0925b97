"""Mutation fuzzer of ppc-opt and ppc-run over the lit .mlir inputs and the kernels they lower to.

Each mutant is a seed program with one to three edits (line and token deletions, duplications and swaps,
SSA-name, symbol and type substitutions, number and attribute edits).  It is fed, in this process and
under a timeout, to ppc-opt with a pipeline its seed's lit test uses, and -- for mutants of lowered
kernels that ppc-opt accepts -- to ppc-run.  Every run must end in one of two ways: exit 0 with output
that re-parses and verifies (dominance, terminators, symbol uses), or exit 1 with only located
diagnostics (`FILE:LINE:COL: error: ...`).  A traceback, a hang, an unlocated or internal error, or
accepted output that does not verify is a finding; `--save DIR` keeps each one, shrunk line by line.

    python -m ppc.tools.fuzz_opt --mutants 10000 --seed 0 --models
"""

from __future__ import annotations

import argparse
import atexit
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from functools import cache
from io import StringIO
from pathlib import Path

from ppc.dialects.diagnostics import PlDiagnostic, verify_module
from ppc.dialects.parsing import parse_mlir

TEST_ROOT = Path(__file__).resolve().parent.parent / "test"
LOCATED = re.compile(r"\S.*:\d+(?::\d+)?: (error|warning|remark|note): ")  # no column: `loc("f":3:0)`
_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'  # string literal
    r"|[%@^][\w.$-]+(?:#\d+)?"  # SSA value, symbol, block label
    r"|[!#][\w.]+(?:<(?:[^<>]|<[^<>]*>)*>)?"  # dialect type or attribute, one level of nesting
    r"|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"  # number
    r"|[A-Za-z_][\w.$]*"  # keyword, op name, builtin type
    r"|->|\S"
)
_BUILTIN_TYPES = {"f16", "bf16", "f32", "f64", "i1", "i8", "i16", "i32", "i64", "index"}
LOWERED_SHARE = 0.3  # of the mutants: lowered kernels are few among the seeds, and the only ones ppc-run takes
_NUMBERS = ["0", "1", "2", "3", "-1", "7", "16", "64", "1000"]


# --------------------------------------------------------------------------------------------- seeds
@dataclass(frozen=True)
class Seed:
    name: str
    text: str
    pipelines: tuple[str | None, ...]
    lowered: bool = False  # a pl-lower output: ppc-run can take its accepted mutants


def lit_seeds(root: Path = TEST_ROOT) -> list[Seed]:
    """Every `// -----` chunk of every lit .mlir input, with the pipelines its RUN lines use (and none)."""
    found = []
    for path in sorted(root.rglob("*.mlir")):
        text = path.read_text()
        runs = [line for line in text.splitlines() if "RUN:" in line]
        pipes = {m.strip("'") for run in runs for m in re.findall(r"-p\s+('[^']*'|\S+)", run)}
        pipelines = (None, *sorted(p for p in pipes if _valid_pipeline(p)))
        for index, chunk in enumerate(text.split("// -----")):
            body = "\n".join(line for line in chunk.splitlines() if not line.lstrip().startswith("//"))
            if body.strip():
                found.append(Seed(f"{path.relative_to(root)}#{index}", body + "\n", pipelines))
    return found


def _valid_pipeline(spec: str) -> bool:
    """Whether ppc-opt takes `-p spec` (test/errors also runs malformed pipelines on purpose)."""
    from xdsl.passes import PassPipeline

    from ppc.passes.pipeline import PASSES

    try:
        PassPipeline.parse_spec(PASSES, spec)
    except BaseException:  # noqa: BLE001 -- xDSL's ArgSpecParseError is a BaseException
        return False
    return True


def lowered_seeds(seeds: list[Seed]) -> list[Seed]:
    """The seeds that pl-lower accepts, lowered: the kernels ppc-run executes."""
    found = []
    for seed in seeds:
        code, out, _err = run_tool("opt", seed.text, ["-p", "pl-lower"], timeout=30)
        if code == 0 and "pl.kind<orchestration>" in out:
            found.append(Seed(seed.name + ":lowered", out, (None, "pl-lower"), lowered=True))
    return found


def model_seeds() -> list[Seed]:
    """The model kernels (reduced size) as `@pl.jit` lowers them: large real programs, for ppc-opt only
    (running them takes seconds each).  Needs torch, for the models' inputs."""
    from ppc.models.registry import MODELS

    found = []
    for name, build in MODELS.items():
        run = build("reduced")
        args = run.make_args()
        for variant, fn in run.variants.items():
            found.append(Seed(f"{name}:{variant}", str(fn.lower(*args)), (None, "pl-lower")))
    return found


# ----------------------------------------------------------------------------------------- mutation
def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def _splice(text: str, m: re.Match[str], new: str) -> str:
    return text[: m.start()] + new + text[m.end() :]


def _pick_token(rng: random.Random, text: str, accept: Callable[[str], bool]) -> re.Match[str] | None:
    matches = [m for m in _tokens(text) if accept(m.group())]
    return rng.choice(matches) if matches else None


def _substitute(accept: Callable[[str], bool], fresh: list[str] | None = None):
    """A mutator replacing one token of a kind with another of that kind from the same text (or `fresh`)."""

    def mutate(rng: random.Random, text: str) -> str:
        m = _pick_token(rng, text, accept)
        if m is None:
            return text
        pool = sorted({t.group() for t in _tokens(text) if accept(t.group())} | set(fresh or ()))
        return _splice(text, m, rng.choice(pool))

    return mutate


def _line_edit(rng: random.Random, text: str) -> str:
    lines = text.splitlines()
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    kind = rng.choice(("delete", "duplicate", "swap"))
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(j, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines) + "\n"


def _token_edit(rng: random.Random, text: str) -> str:
    tokens = _tokens(text)
    a, b = rng.choice(tokens), rng.choice(tokens)
    kind = rng.choice(("delete", "duplicate", "swap"))
    if kind == "delete":
        return _splice(text, a, "")
    if kind == "duplicate":
        return _splice(text, a, a.group() + " " + a.group())
    first, second = sorted((a, b), key=lambda m: m.start())
    if first.end() > second.start():
        return text
    return (text[: first.start()] + second.group() + text[first.end() : second.start()] + first.group()
            + text[second.end() :])


def _is_type(token: str) -> bool:
    return token.startswith("!") or token in _BUILTIN_TYPES


def _attribute_edit(rng: random.Random, text: str) -> str:
    """A `#dialect.attr<...>` swapped for another, a string literal emptied or changed, or a shape or
    number in a type or attribute changed."""
    m = _pick_token(rng, text, lambda t: t.startswith("#") or t.startswith('"') or ("x" in t and t[0] == "!"))
    if m is None:
        return text
    token = m.group()
    if token.startswith("#"):
        return _substitute(lambda t: t.startswith("#"))(rng, text)
    if token.startswith('"'):
        return _splice(text, m, rng.choice(('""', '"x"', '"' + token[1:-1] * 2 + '"', '"\\n"')))
    dims = list(re.finditer(r"\d+|\?", token))
    if not dims:
        return text
    d = rng.choice(dims)
    return _splice(text, m, token[: d.start()] + rng.choice(_NUMBERS + ["?"]).lstrip("-") + token[d.end() :])


MUTATORS: dict[str, Callable[[random.Random, str], str]] = {
    "line": _line_edit,
    "token": _token_edit,
    "ssa": _substitute(lambda t: t.startswith("%")),
    "symbol": _substitute(lambda t: t.startswith("@")),
    "type": _substitute(_is_type, sorted(_BUILTIN_TYPES)),
    "number": _substitute(lambda t: t.lstrip("-")[:1].isdigit(), _NUMBERS),
    "attribute": _attribute_edit,
}


def mutate(rng: random.Random, text: str) -> tuple[str, list[str]]:
    """`text` with one to three edits, and the names of the mutators applied."""
    applied = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        name = rng.choice(sorted(MUTATORS))
        text = MUTATORS[name](rng, text)
        applied.append(name)
    return text, applied


# ------------------------------------------------------------------------------------------ running
class Hang(BaseException):
    """The run went past its timeout (a BaseException: the tools' own handlers must not swallow it)."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def expire(_signum, _frame):
        raise Hang

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@cache
def _workdir() -> Path:
    """One scratch folder per process for the mutant file the tools read, removed at exit."""
    path = Path(tempfile.mkdtemp(prefix="ppc-fuzz-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def run_tool(tool: str, text: str, args: list[str], timeout: float) -> tuple[int | str, str, str]:
    """Run ppc-opt (`opt`) or ppc-run (`run`) in this process on `text` saved as mutant.mlir: the exit
    status (or "hang" / "traceback"), stdout and stderr."""
    from ppc.tools import opt, run

    path = _workdir() / "mutant.mlir"
    path.write_text(text)
    out, err = StringIO(), StringIO()
    code: int | str
    try:
        with redirect_stdout(out), redirect_stderr(err), _deadline(timeout):
            try:
                code = run.main([str(path), *args]) if tool == "run" else opt.main([str(path), *args]) or 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else 1
    except Hang:
        code = "hang"
    except BaseException:  # noqa: BLE001 -- any escape is the finding
        code = "traceback"
        err.write(traceback.format_exc())
    return code, out.getvalue(), err.getvalue().replace(str(path), "mutant.mlir")


def verdict(code: int | str, out: str, err: str, reparse: bool) -> str | None:
    """None when the run ended well; else the class of finding."""
    if code in ("hang", "traceback"):
        return str(code)
    lines = err.splitlines()
    if "internal error" in err:
        return "internal error"
    if any(not LOCATED.match(line) for line in lines):
        return "unlocated diagnostic"
    if code == 1:
        return None if any(": error: " in line for line in lines) else "exit 1 without an error"
    if code != 0:
        return f"exit {code}"
    if reparse:
        try:
            verify_module(parse_mlir(out, "output.mlir"))
        except PlDiagnostic:
            return "accepted output does not verify"
        except Exception:  # noqa: BLE001 -- xDSL's own parse errors
            return "accepted output does not re-parse"
    return None


@dataclass
class Finding:
    kind: str
    tool: str
    args: list[str]
    text: str
    stderr: str
    origin: str = ""  # the seed and the edits that made the mutant


@dataclass
class Report:
    mutants: int = 0
    runs: Counter = field(default_factory=Counter)  # tool -> runs
    outcomes: Counter = field(default_factory=Counter)  # "accepted" / "rejected"
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        kinds = Counter(f.kind for f in self.findings)
        found = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "0 findings"
        return (f"{self.mutants} mutants, {self.runs['opt']} ppc-opt runs and {self.runs['run']} ppc-run runs in "
                f"{self.seconds:.1f} s: {self.outcomes['accepted']} accepted (output re-verified), "
                f"{self.outcomes['rejected']} rejected with located errors; {found} "
                f"({kinds['traceback']} tracebacks, {kinds['hang']} hangs)")


def fuzz(mutants: int, seed: int = 0, timeout: float = 10.0, root: Path = TEST_ROOT, models: bool = False) -> Report:
    """Run `mutants` mutants, deterministically for a given `seed`; `models` adds the model kernels."""
    start = time.perf_counter()
    rng = random.Random(seed)
    lit = lit_seeds(root)
    lowered = lowered_seeds(lit)
    base = lit + (model_seeds() if models else [])
    report = Report()
    for _ in range(mutants):
        source = rng.choice(lowered if rng.random() < LOWERED_SHARE else base)
        text, edits = mutate(rng, source.text)
        pipeline = rng.choice(source.pipelines)
        args = ["-p", pipeline] if pipeline else []
        report.mutants += 1
        origin = f"{source.name} ({', '.join(edits)})"
        code = _check(report, "opt", text, args, timeout, origin)
        if code == 0 and source.lowered:
            _check(report, "run", text, [], timeout, origin)
    report.seconds = time.perf_counter() - start
    return report


def _check(report: Report, tool: str, text: str, args: list[str], timeout: float, origin: str) -> int | str:
    code, out, err = run_tool(tool, text, args, timeout)
    report.runs[tool] += 1
    kind = verdict(code, out, err, reparse=tool == "opt")
    if kind is None:
        report.outcomes["accepted" if code == 0 else "rejected"] += 1
    else:
        report.findings.append(Finding(kind, tool, args, text, err, origin))
    return code


def shrink(finding: Finding, timeout: float) -> str:
    """The finding's input with every line removed whose removal keeps the same kind of finding."""
    lines = finding.text.splitlines()
    i = 0
    while i < len(lines):
        trial = "\n".join(lines[:i] + lines[i + 1 :]) + "\n"
        code, out, err = run_tool(finding.tool, trial, finding.args, timeout)
        if verdict(code, out, err, reparse=finding.tool == "opt") == finding.kind:
            lines = lines[:i] + lines[i + 1 :]
        else:
            i += 1
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ppc.tools.fuzz_opt", description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=int, default=1000, help="how many mutants (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same mutants")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds allowed per run (default 10)")
    parser.add_argument("--models", action="store_true", help="also mutate the model kernels (slower; needs torch)")
    parser.add_argument("--save", type=Path, help="write each finding, shrunk, as DIR/finding-N.mlir")
    args = parser.parse_args(argv)
    report = fuzz(args.mutants, args.seed, args.timeout, models=args.models)
    print(report.summary())
    for n, finding in enumerate(report.findings):
        first = (finding.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        print(f"  {finding.kind}: ppc-{finding.tool} {' '.join(finding.args)} on {finding.origin}: {first}")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"finding-{n}.mlir").write_text(shrink(finding, args.timeout))
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
