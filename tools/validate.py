"""`ppc-validate MEASUREMENTS.json --pypto-lib PATH`: the NPU model against figures measured on hardware.

Each record of the measurement file names a pypto-lib kernel file, the commit a figure was measured at and the
commit it was compared against (see the file's README). For every record ppc can run, the file is run unchanged
through `ppc-run --pypto` at both commits (trees exported from the checkout with `git archive`), on the record's
platform and configuration, and the modelled figure is set beside the measured one (tools/validate_figures.py
says how each metric is read from ppc's report). Records ppc cannot run are listed with the reason: a metric the
model has no counterpart for (host wall time, free-form figures), a platform it does not model, a kernel file
missing at a commit, a configuration that is neither an option of the file nor its default, a run that fails.

Runs are cached under --work-dir, keyed on the commit, the file, its arguments and the source of ppc itself, so a
second invocation only runs what changed. The summary gives, per metric family and per kind of change, the
median and 90th-percentile absolute error of the figures (before and after) and the share of changes of at
least 5% whose direction the model gets right.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..runtime.arguments import out_staging_on
from .pypto_corpus import platform_choices, run_command
from .validate_figures import FAMILY, MODELLED, Comparison, FigureError, modelled, summarise

# Flags of a record's run that change no figure ppc models: device choice, profilers, swimlane writers.
_HARNESS_FLAGS = {"-d", "--device", "--enable-profiling", "--runtime-profiling", "--dump-passes", "--enable-pmu",
                  "--enable-l2-swimlane", "--enable-chip-swimlane", "-p", "--platform"}
_OPTION = re.compile(r"""add_argument\(\s*(?:"(-[\w-]+)"|'(-[\w-]+)')(?:\s*,\s*(?:"(-[\w-]+)"|'(-[\w-]+)'))?""")


class PlanError(Exception):
    """Why a record cannot be run."""


@dataclass
class Plan:
    """How a record's two figures are obtained: the same file at two commits, each with its arguments."""

    record: dict
    file: str
    runs: dict[str, list[str]] = field(default_factory=dict)  # commit -> arguments after FILE.py
    out_staging: str = "undefined"  # as the simpler runtime of the record's date staged an Out


# ------------------------------------------------------------------------------------------- plans
def _platform(record: dict) -> str:
    stated = str(record.get("platform", ""))
    for chip in ("a2a3", "a5"):
        if stated.startswith(chip):
            return chip
    raise PlanError(f"platform {stated!r} is not modelled (a2a3, a5)")


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def _source(repo: Path, commit: str, file: str) -> str:
    shown = _git(repo, "show", f"{commit}:{file}")
    if shown.returncode != 0:
        raise PlanError(f"{file} does not exist at {commit[:10]}")
    return shown.stdout


def _options(source: str) -> set[str]:
    return {o for m in _OPTION.finditer(source) for o in m.groups() if o}


def _flag_args(flags: str, options: set[str]) -> list[str]:
    """The options in a record's `flags` text minus the harness-only ones; each must be an option of the file.
    The text mixes options with prose ("--enable-l2-swimlane (no dep_gen), 3 iters", "median of 5"): words that
    are not an option or a number right after one describe the measurement and are left out."""
    tokens = [t for t in re.split(r"[\s,]+", re.sub(r"\([^)]*\)", " ", flags)) if t]
    args: list[str] = []
    for i, token in enumerate(tokens):
        if not token.startswith("-") or re.fullmatch(r"-?\d+(\.\d+)?", token):
            continue
        name, _, inline = token.partition("=")
        value = inline or (tokens[i + 1] if i + 1 < len(tokens) and re.fullmatch(r"\d+", tokens[i + 1]) else "")
        if name in _HARNESS_FLAGS:
            continue
        if name not in options:
            raise PlanError(f"configuration flags {flags!r}: {name!r} is not an option of the file")
        args += [name, value] if value else [name]
    return args


def _constant(tree: ast.Module, name: str):
    """The literal value of the file's module-level constant `name` (any case), or None."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id.lower() == name.lower():
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


# Configuration keys that say how a figure was measured (repetitions, statistic, toolchain version), not what ran.
_PROCEDURE_KEYS = {"rounds", "samples", "stat", "seeded", "ptoas"}
# Other spellings of a configuration key among the files' options and module constants.
_ALIASES = {"ratio": ("compress_ratio",), "batch": ("b",), "s": ("seq", "seq_len"), "layers": ("num_layers",),
            "t": ("tokens", "num_tokens")}


def _config_args(config: dict, source: str, tree: ast.Module, file: str) -> list[str]:
    """Arguments that give the file the record's configuration: each key (or an alias) is an option of the file
    (`start_pos` -> `--start-pos`), or its value is the file's default (a module constant of that name); a `mode`
    may also be the file's own (`decode` for decode_*.py)."""
    options = _options(source)
    args: list[str] = []
    for key, value in config.items():
        if key == "flags":
            args += _flag_args(str(value), options)
            continue
        if key.lower() in _PROCEDURE_KEYS or (key == "mode" and str(value) in Path(file).stem):
            continue
        names = (key.lower(), *_ALIASES.get(key.lower(), ()))
        option = next((o for o in ("--" + n.replace("_", "-") for n in names) if o in options), None)
        if option is not None:
            args += [option] if value is True else [option, str(value)]
        elif not any(_constant(tree, n) == value for n in names):
            raise PlanError(f"configuration {key}={value!r} is neither an option of the file nor its default")
    return args


def plan(record: dict, repo: Path) -> Plan:
    """The runs that give a record's modelled figures, or PlanError saying why there are none."""
    if record.get("metric") not in MODELLED:
        raise PlanError(f"metric {record.get('metric')!r} has no modelled counterpart")
    if record.get("unit", "us") != "us":
        raise PlanError(f"unit {record.get('unit')!r}")
    file = record.get("measured_entry")
    if not file:
        raise PlanError("no kernel file named")
    chip = _platform(record)
    for key in ("before", "after"):
        if not isinstance(record.get(key), int | float) and not (key == "before" and record.get(key) is None):
            raise PlanError(f"the measured {key} figure is {record.get(key)!r}, not one number")
    if record["before"] is not None and record["before_commit"] == record["commit"]:
        raise PlanError(f"before and after are the same commit with another setting ({record.get('before_rule')})")
    result = Plan(record, file, out_staging=out_staging_on(str(record.get("date", ""))))
    for commit in _commits(record):
        source = _source(repo, commit, file)
        if "__main__" not in source:
            raise PlanError(f"{file} at {commit[:10]} has no __main__ run")
        try:
            tree = ast.parse(source)
        except SyntaxError as err:
            raise PlanError(f"{file} at {commit[:10]} does not parse: {err.msg} (line {err.lineno})") from None
        args = _config_args(record.get("config") or {}, source, tree, file)
        result.runs[commit] = [*args, "-p", _chip_choice(tree, chip)]
    return result


def _commits(record: dict) -> tuple[str, ...]:
    """The commits a record's figures were measured at: before and after, or only after when no before is given."""
    return (record["commit"],) if record["before"] is None else (record["before_commit"], record["commit"])


def _chip_choice(tree: ast.Module, chip: str) -> str:
    """The file's `-p` value for ppc's chip model `chip`: its simulator name when it offers one."""
    offered = platform_choices([tree]) or [chip + "sim"]
    return next((p for p in (chip + "sim", chip) if p in offered), chip + "sim")


# ------------------------------------------------------------------------------------------- runs
def _fingerprint() -> str:
    """A digest of ppc's own source: a cached run is valid while ppc is unchanged."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("test/", ".ci/")) or relative.startswith("tools/validate"):
            continue
        digest.update(relative.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class Runner:
    """Runs `ppc-run --pypto` on exported trees, caching each run's outcome as JSON."""

    def __init__(self, repo: Path, work: Path, timeout: float, rerun: bool) -> None:
        self.repo, self.work, self.timeout, self.rerun = repo, work, timeout, rerun
        self.fingerprint = _fingerprint()

    def tree(self, commit: str) -> Path:
        path = self.work / "trees" / commit
        if not (path / ".exported").exists():
            path.mkdir(parents=True, exist_ok=True)
            archive = subprocess.run(["git", "-C", str(self.repo), "archive", commit], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(path)], input=archive.stdout, check=True)
            (path / ".exported").touch()
        return path

    def run(self, commit: str, file: str, args: list[str], out_staging: str) -> dict:
        key = hashlib.sha256(json.dumps([self.fingerprint, commit, file, args, out_staging]).encode()).hexdigest()[:24]
        cached = self.work / "runs" / f"{key}.json"
        if cached.exists() and not self.rerun:
            return json.loads(cached.read_text())
        root = self.tree(commit)
        with tempfile.TemporaryDirectory(prefix="ppc-validate-") as scratch:
            reports = Path(scratch) / "reports.jsonl"
            command = [sys.executable, "-m", "ppc.tools.run", "--report-json", str(reports), "--out-staging",
                       out_staging, "--pypto",
                       str(root / file), *args]
            start = time.monotonic()
            code, out, err = run_command(command, self.timeout)
            lines = reports.read_text().splitlines() if reports.exists() else []
        outcome = {"commit": commit, "file": file, "args": args, "out_staging": out_staging, "exit": code,
                   "seconds": round(time.monotonic() - start, 1), "reports": [json.loads(ln) for ln in lines],
                   "failure": "" if lines else _failure(code, out, err, self.timeout, root)}
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(outcome))
        return outcome


def _failure(code: int | None, out: str, err: str, timeout: float, root: Path) -> str:
    if code is None:
        return f"timeout after {timeout:g} s"
    lines = [ln.strip() for ln in (err + "\n" + out).splitlines() if ln.strip()]
    found = next((ln for ln in lines if " error: " in ln or ln.startswith("error:")), lines[-1] if lines else "")
    return (found or f"exit {code}").replace(f"{root}/", "")


# ------------------------------------------------------------------------------------------- compare
def compare(plan_: Plan, outcomes: dict[str, dict]) -> Comparison:
    record = plan_.record
    figures = []
    for commit in _commits(record):
        outcome = outcomes[commit]
        if not outcome["reports"]:
            raise PlanError(f"run at {commit[:10]} failed: {outcome['failure']}")
        figures.append(modelled(record["metric"], record.get("entry_function"), outcome["reports"][0]["report"]))
    golden_failed = any(outcomes[c]["exit"] != 0 for c in outcomes)
    measured = (record["before"], float(record["after"]))
    model = (figures[0], figures[1]) if len(figures) == 2 else (None, figures[0])
    return Comparison(record["id"], record["metric"], record.get("kind", "other"), measured, model, golden_failed)


def _row(c: Comparison, record: dict) -> str:
    errors = c.errors_pct
    mark = ("" if not c.significant else (" ok" if c.direction_right else " WRONG")) + \
        (" (a golden check failed: the figure is the model's, the numbers differ from PyPTO's)" if c.golden_failed else "")
    function = (record.get("entry_function") or "")[:28]
    def pair(p: tuple) -> str:
        before = "-" if p[0] is None else f"{p[0]:.2f}"
        delta = "" if p[0] is None else f" ({Comparison.delta(p):+.1f}%)"
        return f"{before:>10} -> {p[1]:>10.2f}{delta:<10}"

    return (f"{c.record:>4} {c.metric:<19} {c.kind:<9} {function:<28} {pair(c.measured)}  {pair(c.model)}  "
            f"err {'/'.join(f'{e:.0f}%' for e in errors)}{mark}")


def _summary_text(title: str, rows: list[dict]) -> list[str]:
    lines = [f"{title:<16} {'records':>7} {'median err':>10} {'p90 err':>8} {'direction (|delta| >= 5%)':>26}"]
    for r in rows:
        med = "-" if r["median_error_pct"] is None else f"{r['median_error_pct']:.1f}%"
        p90 = "-" if r["p90_error_pct"] is None else f"{r['p90_error_pct']:.1f}%"
        share = f"{r['direction_right']}/{r['significant_changes']}" if r["significant_changes"] else "-"
        lines.append(f"{r['group']:<16} {r['records']:>7} {med:>10} {p90:>8} {share:>26}")
    return lines


def _selected(records: list[dict], ids: str | None) -> list[dict]:
    if not ids:
        return records
    wanted: set[int] = set()
    for part in ids.split(","):
        low, _, high = part.partition("-")
        wanted.update(range(int(low), int(high or low) + 1))
    return [r for r in records if r["id"] in wanted]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ppc-validate", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("measurements", help="measurement file (JSON list of records)")
    parser.add_argument("--pypto-lib", required=True, metavar="PATH", help="a pypto-lib git checkout (or bare mirror)")
    parser.add_argument("--records", metavar="IDS", help="only these record ids, e.g. 43,44 or 1-50")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (default 1)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run (default 600)")
    parser.add_argument("--work-dir", default=str(Path.home() / ".cache" / "ppc-validate"),
                        help="exported trees and cached runs (default ~/.cache/ppc-validate)")
    parser.add_argument("--rerun", action="store_true", help="ignore cached runs")
    parser.add_argument("--plan-only", action="store_true", help="list which records can be run, run nothing")
    parser.add_argument("--json", action="store_true", help="print the comparisons and summary as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    repo = Path(args.pypto_lib).expanduser()
    if _git(repo, "rev-parse", "--git-dir").returncode != 0:
        print(f"ppc-validate: error: {repo} is not a git checkout of pypto-lib", file=sys.stderr)
        return 1
    try:
        records = _selected(json.loads(Path(args.measurements).read_text()), args.records)
    except (OSError, ValueError) as err:
        print(f"ppc-validate: error: {args.measurements}: {err}", file=sys.stderr)
        return 1
    plans, skipped = [], []
    for record in records:
        try:
            plans.append(plan(record, repo))
        except PlanError as why:
            skipped.append((record, str(why)))
    comparisons: list[tuple[Comparison, dict]] = []
    if not args.plan_only:
        runner = Runner(repo, Path(args.work_dir), args.timeout, args.rerun)
        jobs = sorted({(c, p.file, tuple(a), p.out_staging) for p in plans for c, a in p.runs.items()})
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            done = dict(zip(jobs, pool.map(lambda j: runner.run(j[0], j[1], list(j[2]), j[3]), jobs)))
        for p in plans:
            try:
                outcomes = {c: done[(c, p.file, tuple(a), p.out_staging)] for c, a in p.runs.items()}
                comparisons.append((compare(p, outcomes), p.record))
            except (PlanError, FigureError) as why:
                skipped.append((p.record, str(why)))
    summary = {
        "by_family": summarise([c for c, _ in comparisons], lambda c: FAMILY[c.metric]),
        "by_kind": summarise([c for c, _ in comparisons], lambda c: c.kind),
        "all": summarise([c for c, _ in comparisons], lambda c: "all"),
    }
    if args.json:
        print(json.dumps({
            "compared": [{**c.__dict__, "measured_delta_pct": c.measured_delta_pct,
                          "model_delta_pct": c.model_delta_pct, "errors_pct": c.errors_pct} for c, _ in comparisons],
            "not_run": [{"record": r["id"], "reason": why} for r, why in skipped],
            "planned": [p.record["id"] for p in plans],
            "summary": summary,
        }, indent=1))
        return 0
    print(f"ppc-validate: {len(records)} records; {len(plans)} runnable by plan, "
          f"{len(comparisons)} compared, {len(skipped)} not compared")
    for c, record in sorted(comparisons, key=lambda x: x[0].record):
        print(_row(c, record))
    print("\nnot compared:")
    for record, why in sorted(skipped, key=lambda x: x[0]["id"]):
        print(f"{record['id']:>4} {record.get('metric', '')}: {why}")
    for title, key in (("family", "by_family"), ("kind", "by_kind"), ("", "all")):
        print()
        print("\n".join(_summary_text(title or "all", summary[key])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
