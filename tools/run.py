"""`ppc-run`: compile a `pl` entry (or load a lowered .mlir module), run it on generated inputs, report.

    ppc-run path/kernels.py::entry [--platform a2a3|a5] [--trace out.json] [--json] [--seed N]
            [--set name=value ...] [--compare path/other.py::entry2] [--check]
    ppc-run lowered.mlir [--entry name] [...same options]
    ppc-run MODEL [--size full|reduced] [--platform ...] [--trace swimlane.json] [--json] [--seed N]
    ppc-run [--out-staging MODE] [--strict-out-reads] --pypto FILE.py [the file's own arguments, e.g. -p a2a3sim --enable-chip-swimlane]

A named MODEL (compressor_r128, compressor_r4, indexer_compressor, lightning_indexer, sparse_attention) runs all its
variants on the same inputs, checks each against its torch golden, prints every report and the
comparison, and with --trace writes one swimlane per variant (swimlane.json -> swimlane.<variant>.json). It needs torch (the test extra) for inputs and goldens.

Inputs: a `.py` target may define `SPECS`, either a list of `ppc.runtime.golden.TensorSpec`/`ScalarSpec`
(for its only entry) or a dict entry name -> list; otherwise inputs follow the entry's annotations (In and
InOut tensors random, Out tensors zero, scalars 0/0.0/False). A `.mlir` target uses its orchestration
function's signature the same way. `--set name=value` overrides a scalar. Tensors are drawn from a generator
seeded by `--seed`, so two runs (and the two sides of `--compare`) see the same data.

`--compare` runs a second entry on the same inputs and prints both reports, whether the outputs are
identical, and the change in Total Test Time and avg Head OH. `--check` also runs the file's golden:
`GOLDEN` (a torch function, or a dict entry -> function, called as in `ppc.runtime.golden.run_jit`) and
optionally `COMPARE` (dict output name -> comparator, or entry -> such a dict); a failed check exits 1.
Every error is one line on stderr, exit 1.

`--pypto` (first argument) runs a pypto-lib kernel file unchanged, as `python FILE.py ARGS` would under PyPTO:
`import pypto.language as pl` gets ppc's pl and `from golden import ...` ppc's copy of pypto-lib's harness
(ppc.runtime.pypto_golden), for that run only; sibling imports and the checkout's helper packages resolve.
The file's `-p a2a3sim|a5sim|a2a3|a5` picks ppc's chip model (a2a3 or a5); `--enable-chip-swimlane` /
`--enable-l2-swimlane` write the modelled swimlane to ./FILE_STEM.swimlane.json. Each golden run prints ppc's
report and one PASS/FAIL line per output; the exit status is the file's (see ppc.tools.pypto_compat).

`--out-staging` says what a `pl.Out` tensor holds before the kernels write it, as the runtime (simpler) stages
it: `undefined` (default; today's simpler gives an Out fresh device memory, which reads as zeros), `zeroed`
(simpler from mid-June to mid-July 2026), `copied` (earlier simpler: the caller's data, as for an InOut;
pypto-lib files of that era rely on it), or `poison` (ppc's check: NaN / the int minimum, so an element never
written shows up). When a read of a `pl.Out` takes a region that depends on run-time values (a gathered row),
the run checks that every element it reads was written earlier in the run; one that was not is a located
warning per read site (it reads as the staging says), or, with `--strict-out-reads`, a located error.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xdsl.ir import Operation
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import ParseError

from ppc.dialects.diagnostics import PlDiagnostic, PlError, SourceLoc, source_loc, verify_module
from ppc.dialects.internal import PlInternalError, debugging, internal_error, print_internal, tool_main
from ppc.dialects.parsing import decode_source, parse_error_diagnostic, parse_mlir
from ppc.runtime.arguments import OUT_STAGINGS, Param
from ppc.runtime.golden import GoldenResult, ScalarSpec, Spec, TensorSpec, make_inputs, run_jit
from ppc.runtime.program import CompiledProgram, RunResult

from . import run_checks


class UsageError(Exception):
    """A bad command line or target; printed as `ppc-run: error: ...`."""


@dataclass
class Outcome:
    label: str
    result: RunResult
    outputs: dict[str, np.ndarray]
    golden: GoldenResult | None = None


# ------------------------------------------------------------------------------------------- targets
def _import_file(path: Path):
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    sys.path.insert(0, str(path.parent.resolve()))
    spec = importlib.util.spec_from_file_location(f"ppc_run_target_{abs(hash(path.resolve()))}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    except PlError:
        raise
    except SyntaxError as err:
        raise PlDiagnostic(SourceLoc(err.filename or str(path), err.lineno or 0, err.offset or 0), err.msg) from None
    except SystemExit as done:  # the file is a script that ran and exited: there is nothing to take an entry from
        raise UsageError(f"cannot import {path}: it exits while being imported (SystemExit: {done.code}); guard its "
                         "script part with `if __name__ == \"__main__\":`") from None
    except Exception as err:  # the user's module failed to import: one located line, no traceback
        located = _in_user_file(err, [str(path)], "cannot import the file: ")
        if located is None:
            raise UsageError(f"cannot import {path}: {type(err).__name__}: {err}") from None
        raise located from None
    return module


def _parse(path: Path):
    """The module in `path`; a syntax error becomes a located PlDiagnostic."""
    text = decode_source(path.read_bytes(), str(path))
    try:
        return parse_mlir(text, str(path))
    except ParseError as err:
        raise parse_error_diagnostic(err, text) from None


def _specs_from_params(params: tuple[Param, ...], where: Operation | None = None) -> list[Spec]:
    """Inputs for the entry's parameters; `where` (the entry function) locates a parameter ppc-run cannot fill."""
    from ppc.dialects.attributes import Direction

    specs: list[Spec] = []
    for p in params:
        if p.is_tensor:
            if p.symbols or any(d < 0 for d in p.shape):
                raise PlDiagnostic(where, f"parameter '{p.name}' has a dynamic shape: ppc-run cannot choose its size")
            specs.append(TensorSpec(p.name, p.shape, p.dtype, is_output=p.direction == Direction.OUT))
        else:
            specs.append(ScalarSpec(p.name, p.dtype, p.dtype.type(0).item()))
    return specs


def _specs_from_annotations(fn: Any) -> list[Spec]:
    from ppc.dialects.attributes import Direction
    from ppc.frontend.language import DirectedAnnotation, ScalarAnnotation, TensorAnnotation

    specs: list[Spec] = []
    for name, ann in getattr(fn.fn, "__annotations__", {}).items():
        if name == "return":
            continue
        direction = Direction.IN
        if isinstance(ann, DirectedAnnotation):
            direction, ann = ann.direction, ann.inner
        if isinstance(ann, TensorAnnotation):
            if not all(isinstance(d, int) for d in ann.shape):
                raise UsageError(
                    f"'{fn.__name__}' parameter '{name}' has a non-constant shape; define SPECS in the file"
                )
            specs.append(TensorSpec(name, ann.shape, ann.dtype, is_output=direction == Direction.OUT))
        elif isinstance(ann, ScalarAnnotation):
            specs.append(ScalarSpec(name, ann.dtype, _zero_of(ann.dtype)))
        else:
            raise UsageError(f"'{fn.__name__}' parameter '{name}' has no pl annotation; define SPECS in the file")
    return specs


def _zero_of(dtype: Any) -> Any:
    name = getattr(dtype, "mlir", str(dtype))
    return False if name == "i1" else 0.0 if name.startswith(("f", "bf")) else 0


def _apply_overrides(specs: list[Spec], overrides: list[str]) -> list[Spec]:
    values = {}
    for item in overrides:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--set expects name=value, got {item!r}")
        values[name] = text
    result = []
    for spec in specs:
        if isinstance(spec, ScalarSpec) and spec.name in values:
            text = values.pop(spec.name)
            try:
                value = run_checks.boolean(text) if isinstance(spec.value, bool) else type(spec.value)(
                    float(text) if isinstance(spec.value, float) else int(text, 0))
            except ValueError as err:
                why = f" ({err})" if isinstance(spec.value, bool) else ""
                raise UsageError(f"--set {spec.name}: cannot read {text!r} as {type(spec.value).__name__}{why}") from None
            spec = ScalarSpec(spec.name, spec.dtype, value)
        result.append(spec)
    if values:
        raise UsageError(f"--set names no scalar parameter: {', '.join(sorted(values))}")
    return result


@dataclass
class Target:
    """What a command-line target names: a prepared .mlir program, or a jit entry of a Python file."""

    label: str
    specs: list[Spec]
    program: CompiledProgram | None = None
    fn: Any = None
    golden: Any = None  # GOLDEN[entry] of the file, if any
    compare: dict | None = None  # COMPARE[entry] of the file, if any


def load_target(target: str, entry: str | None, platform: str, overrides: list[str]) -> Target:
    if target.endswith(".mlir"):
        path = Path(target)
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        module = _parse(path)
        verify_module(module)
        from ppc.passes.pipeline import run_pipeline  # only a lowered module needs it here

        run_pipeline(module, [f"pl-check-capacity{{platform={platform}}}"])  # the chip's memories
        program = CompiledProgram(module, platform, entry=entry)
        entry_func = SymbolTable.lookup_symbol(module, program.entry_name)
        specs = _apply_overrides(_specs_from_params(program.params, entry_func), overrides)
        run_checks.check_specs(specs, lambda _name: source_loc(entry_func))
        return Target(target, specs, program=program)
    file, sep, name = target.partition("::")
    if not sep or not name or not file:
        raise UsageError(f"target must be FILE.py::ENTRY or FILE.mlir, got {target!r}")
    path = Path(file)
    module = _import_file(path)
    fn = getattr(module, name, None)
    if fn is None or not hasattr(fn, "lower"):
        raise UsageError(f"{file} has no @pl.jit entry named {name!r}")
    declared = run_checks.per_entry(module, path, "SPECS", name, run_checks.is_specs, run_checks.SPECS_WHAT)
    specs = _apply_overrides(list(declared) if declared is not None else _specs_from_annotations(fn), overrides)
    if declared is not None:
        run_checks.check_specs(specs, lambda _name: run_checks.assignment_loc(path, "SPECS"))
    else:
        run_checks.check_specs(specs, lambda param: _param_loc(fn, param))
    compare = run_checks.per_entry(module, path, "COMPARE", name, run_checks.is_comparators, run_checks.COMPARE_WHAT)
    outputs = {s.name for s in specs if isinstance(s, TensorSpec) and s.is_output}
    if compare and not set(compare) <= outputs:
        raise PlDiagnostic(run_checks.assignment_loc(path, "COMPARE"), f"COMPARE names {sorted(set(compare) - outputs)}"
                           f", which are not outputs of {name!r} (outputs: {sorted(outputs)})")
    return Target(target, specs, fn=fn, golden=run_checks.per_entry(module, path, "GOLDEN", name, callable,
                                                                      run_checks.GOLDEN_WHAT), compare=compare)


def _param_loc(fn: Any, name: str) -> SourceLoc:
    """Where `fn` declares parameter `name`."""
    parsed = fn.parsed
    arg = next(a for a in parsed.tree.args.args if a.arg == name)
    return SourceLoc(parsed.file, arg.lineno, arg.col_offset + 1)


def run_target(text: str, args: argparse.Namespace) -> Outcome:
    target = load_target(text, args.entry, args.platform, args.set)
    if args.check:
        if target.golden is None:
            raise UsageError(f"--check needs a GOLDEN function for {text} (see ppc-run --help)")
        checked = run_jit(target.fn, target.specs, target.golden, args.platform, target.compare, args.seed,
                          out_staging=args.out_staging, strict_out_reads=args.strict_out_reads)
        return Outcome(text, checked.run, checked.outputs, checked)
    inputs = make_inputs(target.specs, args.seed)
    values = [inputs[s.name] for s in target.specs]
    program = target.program or target.fn.compile(*values, platform=args.platform)
    result = program.run(*values, out_staging=args.out_staging, strict_out_reads=args.strict_out_reads)
    outputs = {s.name: inputs[s.name] for s in target.specs if isinstance(s, TensorSpec) and _is_written(s, program)}
    return Outcome(text, result, outputs)


def _is_written(spec: TensorSpec, program: CompiledProgram) -> bool:
    from ppc.dialects.attributes import Direction

    directions = {p.name: p.direction for p in program.params}
    return spec.is_output or directions.get(spec.name, Direction.IN) != Direction.IN


# ------------------------------------------------------------------------------------------- output
def _delta(label: str, a: float, b: float) -> str:
    pct = f" ({100 * (b - a) / a:+.1f}%)" if a else ""
    return f"  {label:<22} {a:10.3f} us -> {b:10.3f} us{pct}"


def compare_text(first: Outcome, second: Outcome) -> str:
    lines = [f"compare {first.label} -> {second.label}"]
    names = sorted(set(first.outputs) | set(second.outputs))
    for name in names:
        a, b = first.outputs.get(name), second.outputs.get(name)
        if a is None or b is None:
            lines.append(f"  output {name}: only in {'first' if b is None else 'second'}")
        elif a.shape != b.shape or a.dtype != b.dtype:
            lines.append(
                f"  output {name}: differs in shape/dtype {list(a.shape)}/{a.dtype} vs {list(b.shape)}/{b.dtype}"
            )
        else:
            same = np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
            worst = np.nanmax(np.abs(a.astype(np.float64) - b.astype(np.float64))) if not same else 0.0
            diff = "" if same else f" (max abs diff {worst:.3g})"
            lines.append(f"  output {name}: {'identical' if same else 'DIFFERENT'}{diff}")
    ra, rb = first.result.report, second.result.report
    lines.append(_delta("Total Test Time", ra.total_us, rb.total_us))
    lines.append(_delta("avg Head OH per block", ra.avg_head_oh_us, rb.avg_head_oh_us))
    lines.append(f"  {'tasks (submits)':<22} {ra.tasks:10d}    -> {rb.tasks:10d}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ppc-run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    from ppc.models.registry import MODELS

    parser.add_argument("target", help=f"FILE.py::ENTRY, a lowered FILE.mlir, or a named model ({', '.join(MODELS)})")
    parser.add_argument("--size", default="full", choices=["full", "reduced"], help="named model size (default full)")
    parser.add_argument("--entry", help="orchestration function of a .mlir target (default: the only one)")
    parser.add_argument("--platform", default="a2a3", choices=["a2a3", "a5"])
    parser.add_argument("--trace", metavar="OUT.json", help="write the Perfetto/Chrome-trace swimlane (a folder: "
                        "trace.json in it; a model: one file per variant, swimlane.json -> swimlane.VARIANT.json)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--seed", type=run_checks.seed, default=0,
                        help="seed of the random inputs, a non-negative integer (default 0)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="scalar argument value")
    parser.add_argument("--compare", metavar="TARGET", help="second entry to run on the same inputs and compare")
    parser.add_argument("--check", action="store_true", help="compare the outputs with the file's GOLDEN function")
    _add_out_staging(parser)
    parser.add_argument("--pypto", metavar="FILE.py", help="run a pypto-lib kernel file with its own arguments "
                        "(the last ppc option: ppc-run [--out-staging MODE] [--strict-out-reads] "
                        "[--report-json FILE] --pypto FILE.py -p a2a3sim ...)")
    return parser


def _add_out_staging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out-staging", choices=list(OUT_STAGINGS), default="undefined",
                        help="what a pl.Out holds before it is written: " + "; ".join(
                            f"{k}: {v}" for k, v in OUT_STAGINGS.items()))
    parser.add_argument("--strict-out-reads", action="store_true",
                        help="a read of a pl.Out element never written in the run is an error, not a warning")


def _main_pypto(argv: list[str], at: int) -> int:
    """`ppc-run [--out-staging MODE] [--strict-out-reads] --pypto FILE.py ARGS...`: ARGS belong to the file."""
    if at + 1 >= len(argv):
        build_parser().error("--pypto needs a kernel file: ppc-run --pypto FILE.py [its arguments]")
    ours = argparse.ArgumentParser(prog="ppc-run", description="options before --pypto")
    _add_out_staging(ours)
    ours.add_argument("--report-json", metavar="FILE", help="append each run's report to FILE, one JSON line per "
                      "run (for tools such as ppc-validate)")
    head = ours.parse_args(argv[:at])
    from .pypto_compat import run_file

    return run_file(argv[at + 1], argv[at + 2 :], head.out_staging, head.strict_out_reads, head.report_json)


@tool_main
def main(argv: list[str] | None = None) -> int:
    """ppc-run; every failure is one line on stderr and exit status 1 (an internal error names where it happened
    and asks for a bug report; PPC_DEBUG=1 prints the traceback too)."""
    argv = sys.argv[1:] if argv is None else argv
    if "--pypto" in argv:
        return _main_pypto(argv, argv.index("--pypto"))
    args = build_parser().parse_args(argv)
    try:
        model = "::" not in args.target and not args.target.endswith((".mlir", ".py"))
        if args.entry is not None and not args.target.endswith(".mlir"):
            raise UsageError("--entry names the orchestration function of a .mlir target; a .py target names its "
                             "entry as FILE.py::ENTRY")
        if args.trace is not None:
            try:
                args.trace = str(run_checks.trace_file(args.trace, "swimlane.json" if model else "trace.json"))
            except ValueError as err:
                raise UsageError(str(err)) from None
        return _main_model(args) if model else _run(args)
    except UsageError as err:
        print(f"ppc-run: error: {err}", file=sys.stderr)
    except PlInternalError as err:
        print_internal(err)
    except PlError as err:
        print(err, file=sys.stderr)
    except BrokenPipeError:  # the reader went away (`ppc-run ... | head`): nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except Exception as err:
        _report_failure(err, args)
    return 1


def _report_failure(err: Exception, args: argparse.Namespace) -> None:
    """An exception raised in the user's target file (its GOLDEN, a comparator, a spec's init function) is located
    at that file's innermost frame; any other is a ppc bug."""
    located = _in_user_file(err, [t.partition("::")[0] for t in (args.target, args.compare) if t])
    if located is None:
        print_internal(internal_error(err, "ppc-run"))
        return
    if debugging():
        traceback.print_exception(err)
    print(located, file=sys.stderr)


def _in_user_file(err: Exception, files: list[str], what: str = "") -> PlDiagnostic | None:
    """`err` located at the innermost frame of one of `files`, if it passed through one."""
    paths = {str(Path(f).resolve()) for f in files}
    frames = [f for f in traceback.extract_tb(err.__traceback__) if str(Path(f.filename).resolve()) in paths]
    if not frames:
        return None
    last = frames[-1]
    text = " ".join(str(err).split())
    text = text if len(text) <= 200 else f"{text[:197]}..."
    loc = SourceLoc(last.filename, last.lineno or 0, 0 if last.colno is None else last.colno + 1)
    return PlDiagnostic(loc, f"{what}{type(err).__name__}: {text}")


def _run(args: argparse.Namespace) -> int:
    first = run_target(args.target, args)
    second = run_target(args.compare, args) if args.compare else None
    failed = False
    for outcome in (first, second):
        if outcome is None:
            continue
        if outcome is second:
            print()
        print(outcome.result.report.to_json() if args.json else outcome.result.report.to_text())
        if outcome.golden is not None:
            print(f"\ngolden check of {outcome.label}:\n{outcome.golden.summary()}")
            failed |= not outcome.golden.passed
    if second is not None:
        print()
        print(compare_text(first, second))
    if args.trace:
        first.result.write_trace(args.trace)
        print(f"trace written to {args.trace}", file=sys.stderr)
    return 1 if failed else 0


def _main_model(args: argparse.Namespace) -> int:
    from ppc.models.registry import MODELS

    from .run_model import run_model

    if args.target not in MODELS:
        print(f"ppc-run: error: unknown model {args.target!r} (known: {', '.join(MODELS)}); "
              "or give FILE.py::ENTRY / FILE.mlir", file=sys.stderr)
        return 1
    return run_model(args.target, args)


if __name__ == "__main__":
    sys.exit(main())
