"""`ppc-pypto-corpus PATH`: run every kernel file of a pypto-lib checkout through `ppc-run --pypto` and tabulate
which run, which pass their own golden comparison, and where the others first fail (docs/pypto-compat.md).

A kernel file is a `.py` file under PATH/models (or --models) with a top-level `if __name__ == "__main__":`
block. It "has a __main__ golden run" when that block, following calls to functions defined in the same file,
reaches a call of `run_jit` or `run` imported from `golden` (pypto-lib's harness). It is multi-card when it, or a
module it imports from its own directory or the checkout, imports `pypto.language.distributed` or
`pypto.ir.distributed_compiled_program`. Each file runs as `ppc-run --pypto FILE -p a2a3sim` (or the nearest
platform its `-p` choices offer) in its own process, in a fresh temporary directory, with a timeout; nothing else
is passed, so a file runs at its `__main__` sizes -- except that a file listed in a `--reduced` map whose full-size
run exceeds the timeout runs once more with the smaller size its own CLI offers, given in the map (a file too slow
for the executor at full size is judged at a size its author also runs); the table says which ran reduced, and how.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

MULTI_CARD_MODULES = ("pypto.language.distributed", "pypto.ir.distributed_compiled_program")
HARNESS_RUNS = {"run_jit", "run"}
_HOOKED = {"golden", "pypto"}  # ppc-run --pypto answers these itself; a checkout's own copies never load
# CLI flags that change a problem size; a file offering one is recorded, never run with it.
SIZE_FLAGS = {"--batch", "--num-tokens", "--token-count", "--max-seq", "--seq", "--seq-len", "--context-len",
              "--chunk-size", "--num-layers", "--smoke", "--capacity", "--num-tiles", "--decode-steps"}
_ERROR = re.compile(r"^(?:\S.*?:\d+(?::\d+)?: )?error: .*")
_TOTAL = re.compile(r"Total Test Time\s+([0-9.]+) us")
_GOLDEN = re.compile(r"^\[RUN\]\s+'[^']*' (PASS|FAIL)\b")


@dataclass
class Row:
    """One kernel file: what its source says (kind, golden run, size flags) and what its run did."""

    file: str  # relative to the checkout
    kind: str  # "single-chip" or "multi-card"
    golden_run: bool
    size_flags: list[str]
    platform: str = "a2a3sim"  # the -p it runs with
    exit_code: int | None = None  # None: timed out
    golden_pass: int = 0
    golden_fail: int = 0
    seconds: float = 0.0
    total_us: list[float] = field(default_factory=list)
    first_failure: str = ""
    reduced_args: list[str] = field(default_factory=list)  # the smaller size it ran at after a full-size timeout

    @property
    def runs(self) -> bool:
        return self.exit_code == 0

    @property
    def passes(self) -> bool:
        return self.runs and self.golden_pass > 0 and self.golden_fail == 0


# ------------------------------------------------------------------------------------------- source scan
def _main_block(tree: ast.Module) -> ast.If | None:
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
            names = [node.test.left, *node.test.comparators]
            if {getattr(n, "id", None) for n in names} & {"__name__"} and \
                    {getattr(n, "value", None) for n in names} & {"__main__"}:
                return node
    return None


def _calls(node: ast.AST) -> set[str]:
    """What `node` calls: `f` for `f(...)`, `m.f` for `m.f(...)`."""
    out = set()
    for sub in ast.walk(node):
        func = sub.func if isinstance(sub, ast.Call) else None
        if isinstance(func, ast.Name):
            out.add(func.id)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            out.add(f"{func.value.id}.{func.attr}")
    return out


def _reached(tree: ast.Module, main: ast.If) -> list[ast.AST]:
    """`main` and the file's module-level functions it calls, directly or through each other."""
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    reached, seen = [main], set()
    for node in reached:
        for name in sorted(_calls(node) & functions.keys() - seen):
            seen.add(name)
            reached.append(functions[name])
    return reached


def _reaches_harness(tree: ast.Module, reached: list[ast.AST]) -> bool:
    """Does the `__main__` code call golden's run_jit/run (`from golden import run_jit [as x]`, `golden.run`)?"""
    harness = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "golden"
               for a in n.names if a.name in HARNESS_RUNS} | {f"golden.{name}" for name in HARNESS_RUNS}
    return any(_calls(node) & harness for node in reached)


def _imports(tree: ast.Module, package: str) -> set[str]:
    """Absolute names of every module `tree` imports (relative imports resolved against `package`)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def _local_module(name: str, dirs: Iterable[Path]) -> Path | None:
    rel = Path(*name.split("."))
    for d in dirs:
        for path in (d / rel.with_suffix(".py"), d / rel / "__init__.py"):
            if path.is_file():
                return path
    return None


def _multi_card(file: Path, root: Path) -> bool:
    """Does `file`, or a module it imports from its directory or `root` (transitively), import a multi-card one?"""
    seen, todo = set(), [file]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            tree = ast.parse(path.read_text(), str(path))
        except (SyntaxError, UnicodeDecodeError):
            continue
        package = ".".join(path.parent.relative_to(root).parts) if path.is_relative_to(root) else ""
        names = _imports(tree, package)
        if any(n == m or n.startswith(m + ".") for n in names for m in MULTI_CARD_MODULES):
            return True
        todo += [p for n in names if n.split(".")[0] not in _HOOKED and (p := _local_module(n, (path.parent, root)))]
    return False


def _size_flags(reached: list[ast.AST]) -> list[str]:
    """The SIZE_FLAGS among the `add_argument` calls of the `__main__` code."""
    flags = {arg.value for node in reached for n in ast.walk(node) if isinstance(n, ast.Call)
             and getattr(n.func, "attr", "") == "add_argument"
             for arg in n.args if isinstance(arg, ast.Constant) and arg.value in SIZE_FLAGS}
    return sorted(flags)


def platform_choices(nodes: list[ast.AST]) -> list[str] | None:
    """The `choices` of the `-p` / `--platform` option declared in `nodes` (None: no such option or no
    literal choices, so any platform is accepted)."""
    for node in nodes:
        for n in ast.walk(node):
            if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "add_argument" and \
                    any(isinstance(a, ast.Constant) and a.value in ("-p", "--platform") for a in n.args):
                choices = next((k.value for k in n.keywords if k.arg == "choices"), None)
                try:
                    return list(ast.literal_eval(choices)) if choices is not None else None
                except ValueError:
                    return None
    return None


def _platform(reached: list[ast.AST]) -> str:
    """`a2a3sim`, unless the file's `-p` choices leave it out: then a2a3 (the same chip model), else its first
    simulator, else its first choice."""
    offered = platform_choices(reached)
    if not offered:
        return "a2a3sim"
    preferred = [p for p in ("a2a3sim", "a2a3", "a5sim") if p in offered]
    return (preferred or offered)[0]


def scan(file: Path, root: Path) -> Row | None:
    """The Row of a kernel file (not yet run), or None for a file with no `__main__` block."""
    try:
        tree = ast.parse(file.read_text(), str(file))
    except (SyntaxError, UnicodeDecodeError):
        return None
    main = _main_block(tree)
    if main is None:
        return None
    reached = _reached(tree, main)
    return Row(file=file.relative_to(root).as_posix(), kind="multi-card" if _multi_card(file, root) else "single-chip",
               golden_run=_reaches_harness(tree, reached), size_flags=_size_flags(reached), platform=_platform(reached))


def discover(root: Path, models: str) -> list[Row]:
    return [row for f in sorted((root / models).rglob("*.py")) if (row := scan(f, root))]


# ------------------------------------------------------------------------------------------- run
def run_row(row: Row, root: Path, timeout: float, out_staging: str, reduced: list[str] | None = None) -> Row:
    """Run one file through `ppc-run --pypto FILE -p PLATFORM` in a fresh directory; fill in the outcome. A file
    that times out at full size and has `reduced` arguments runs again with them."""
    command = [sys.executable, "-m", "ppc.tools.run", "--out-staging", out_staging, "--pypto",
               str(root / row.file), "-p", row.platform]
    start = time.monotonic()
    row.exit_code, out, err = run_command(command, timeout)
    if row.exit_code is None and reduced:
        row.reduced_args = list(reduced)
        row.exit_code, out, err = run_command(command + row.reduced_args, timeout)
    row.seconds = round(time.monotonic() - start, 1)
    verdicts = [m.group(1) for line in out.splitlines() if (m := _GOLDEN.match(line))]
    row.golden_pass, row.golden_fail = verdicts.count("PASS"), verdicts.count("FAIL")
    row.total_us = [float(v) for v in _TOTAL.findall(out)]
    row.first_failure = _first_failure(row, out, err, timeout, root)
    return row


def run_command(command: list[str], timeout: float) -> tuple[int | None, str, str]:
    """(exit code or None on timeout, stdout, stderr) of `command` run in a fresh temporary directory."""
    with tempfile.TemporaryDirectory(prefix="ppc-corpus-") as cwd:
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
            return proc.returncode, out, err
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            return None, out, err


def _first_failure(row: Row, out: str, err: str, timeout: float, root: Path) -> str:
    if row.exit_code is None:
        return f"timeout after {timeout:g} s"
    if row.exit_code == 0 and not row.golden_fail:
        return ""
    lines = err.splitlines() + out.splitlines()
    found = next((ln for ln in lines if _ERROR.match(ln)), None) \
        or next((ln.strip() for ln in out.splitlines() if (m := _GOLDEN.match(ln)) and m.group(1) == "FAIL"), None) \
        or next((ln.strip() for ln in reversed(err.splitlines()) if ln.strip()), f"exit {row.exit_code}")
    return found.replace(f"{root}{os.sep}", "")


# ------------------------------------------------------------------------------------------- report
def summary(rows: list[Row]) -> dict[str, int | float]:
    eligible = [r for r in rows if r.kind == "single-chip" and r.golden_run]
    passed = sum(r.passes for r in eligible)
    return {"files": len(rows), "multi_card": sum(r.kind == "multi-card" for r in rows),
            "single_chip_golden": len(eligible), "pass": passed,
            "pass_percent": round(100 * passed / len(eligible), 1) if eligible else 0.0}


def summary_line(rows: list[Row]) -> str:
    s = summary(rows)
    return (f"{s['files']} files, {s['single_chip_golden']} single-chip with golden, {s['pass']} pass = "
            f"{s['pass_percent']}% ({s['multi_card']} multi-card)")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rows: list[Row], timeout: float = 300) -> str:
    """The per-file table, sorted by path, then the summary line and the count of each first failure."""
    lines = ["| file | kind | golden run | -p | runs? | golden? | wall s | modelled us | size flags | first failure |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: r.file):
        runs = "timeout" if r.exit_code is None else ("yes" if r.runs else f"no (exit {r.exit_code})")
        checked = r.golden_pass + r.golden_fail
        golden = f"{'PASS' if r.passes else 'FAIL'} {r.golden_pass}/{checked}" if checked else "-"
        total = f"{sum(r.total_us):.1f}" + (f" ({len(r.total_us)} runs)" if len(r.total_us) > 1 else "") \
            if r.total_us else "-"
        failure = f"`{_cell(r.first_failure)}`" if r.first_failure else ""
        lines.append(f"| {r.file} | {r.kind} | {'yes' if r.golden_run else 'no'} | {r.platform} | {runs} | {golden} | "
                     f"{r.seconds:.1f} | {total} | {_size_cell(r, timeout)} | {failure} |")
    causes = Counter(_cause(r.first_failure) for r in rows if r.first_failure)
    lines += ["", f"**{summary_line(rows)}**", "", "| first failure (message, specifics left out) | files |", "|---|---|"]
    lines += [f"| `{_cell(c)}` | {n} |" for c, n in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines) + "\n"


def _size_cell(row: Row, timeout: float) -> str:
    flags = " ".join(row.size_flags)
    if not row.reduced_args:
        return flags
    return f"{flags}; **ran with `{' '.join(row.reduced_args)}`** (full size: timeout after {timeout:g} s)"


def _cause(failure: str) -> str:
    """A failure without its location and specifics (IR types, asides in parentheses, what follows `; ` or
    `, got [`), so files failing on the same construct group together."""
    if _GOLDEN.match(failure):
        return "an output does not match its golden ([RUN] ... FAIL)"
    text = re.sub(r"!pl\.\w+<[^>]*>", "!pl...", failure.split(": error: ", 1)[-1])
    return re.sub(r" \([^()]*\)", "", re.split(r"; |, got \[", text)[0])


def _reduced_sizes(path: Path) -> dict[str, list[str]]:
    """The --reduced map, checked: file paths to lists of argument strings."""
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError(str(e)) from None
    if not isinstance(data, dict) or not all(
            isinstance(v, list) and all(isinstance(a, str) for a in v) for v in data.values()):
        raise ValueError("expected a JSON object mapping each file to a list of argument strings")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ppc-pypto-corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="a pypto-lib checkout (holding models/ and golden/)")
    parser.add_argument("--models", default="models", help="the folder of PATH to search (default models)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per file (default 300)")
    parser.add_argument("--jobs", type=int, default=2, help="files run at once (default 2)")
    parser.add_argument("--out-staging", default="undefined", choices=("undefined", "zeroed", "copied", "poison"),
                        help="passed to ppc-run (see ppc-run --help)")
    parser.add_argument("--reduced", type=Path, metavar="SIZES.json",
                        help="a JSON object {file relative to PATH: [smaller-size arguments of the file's own CLI]}; "
                             "a listed file that times out at full size runs again with them")
    parser.add_argument("--markdown", type=Path, metavar="OUT.md", help="write the table here")
    parser.add_argument("--json", type=Path, metavar="OUT.json", help="write the rows and summary here")
    args = parser.parse_args(argv)
    root = args.path.resolve()
    if not (root / args.models).is_dir():
        print(f"ppc-pypto-corpus: error: no folder {root / args.models}", file=sys.stderr)
        return 1
    try:
        reduced = _reduced_sizes(args.reduced) if args.reduced else {}
    except ValueError as e:
        print(f"ppc-pypto-corpus: error: {args.reduced}: {e}", file=sys.stderr)
        return 1
    rows = discover(root, args.models)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        done = pool.map(lambda r: run_row(r, root, args.timeout, args.out_staging, reduced.get(r.file)), rows)
        for row in done:
            print(f"{row.file}: {'PASS' if row.passes else row.first_failure or 'no golden'} ({row.seconds:.1f}s)",
                  file=sys.stderr, flush=True)
    table = markdown(rows, args.timeout)
    if args.markdown:
        args.markdown.write_text(table)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary(rows), "rows": [asdict(r) for r in rows]}, indent=1))
    print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
