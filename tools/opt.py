"""`ppc-opt`: the pass driver, mlir-opt style (`-p`, `--split-input-file`, `--verify-diagnostics`, `-o`).

A thin `xDSLOptMain` subclass: it registers the dialects ppc programs use and every ppc pass, parses with
source locations, verifies op by op, and turns every failure into one `file:line:col: error: ...` line
with exit status 1 instead of a Python traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from functools import cache
from io import StringIO

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from xdsl.printer import Printer
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError
from xdsl.xdsl_opt_main import xDSLOptMain

from ppc.dialects import PL
from ppc.dialects.diagnostics import PlDiagnostic, capture_diagnostics, internal_error, verify_module
from ppc.dialects.parsing import LocatingParser, decode_source, parse_error_diagnostic
from ppc.passes.pipeline import PASSES
from ppc.tools.diagnostic_check import check, expectations


class PpcOptMain(xDSLOptMain):
    version_format = "ppc-opt (xDSL {xdsl_version})"

    def __init__(self, args: list[str] | None = None):
        self._stage = "parsing"  # what ppc-opt is doing, named by an internal error
        super().__init__(
            description="ppc-opt: parse, verify and transform pl dialect (.mlir) programs with ppc's passes, "
            "mlir-opt style. Errors are printed as file:line:col: error: ... with exit status 1.",
            args=args,
        )

    def register_all_dialects(self) -> None:
        from xdsl.dialects.arith import Arith
        from xdsl.dialects.builtin import Builtin
        from xdsl.dialects.func import Func
        from xdsl.dialects.scf import Scf

        for dialect in (Builtin, Func, Scf, Arith, PL):
            self.ctx.load_dialect(dialect)

    def register_all_targets(self) -> None:
        """Only MLIR text output: xDSL's assembly targets do not apply to pl programs."""
        self.available_targets["mlir"] = _mlir_target()

    def register_all_passes(self) -> None:
        for name, factory in PASSES.items():
            self.register_pass(name, factory)

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument(
            "--mlir-print-ir-after-all",
            action="store_true",
            help="print the IR after every pass (alias of --print-between-passes, also after the last pass)",
        )

    def setup_pipeline(self) -> None:
        def after_pass(previous: ModulePass | None, module: ModuleOp, next_pass: ModulePass | None) -> None:
            if not self.args.disable_verify:
                self._stage = f"verification after pass '{previous.name}'" if previous else "verification"
                verify_module(module)
            self._stage = f"pass '{next_pass.name}'" if next_pass else "printing"
            if previous is not None and (self.args.print_between_passes or self.args.mlir_print_ir_after_all):
                print(f"// -----// IR Dump After {previous.name} //----- //")
                Printer(stream=sys.stdout).print_op(module)
                print("\n")

        try:
            self.pipeline = PassPipeline.parse_spec(self.available_passes, self.args.passes, after_pass)
        except Exception as err:  # an unknown pass name or a bad pass option
            print(f"ppc-opt: error: {str(err).strip()} (in -p {self.args.passes!r})", file=sys.stderr)
            sys.exit(1)
        except ArgSpecParseError as err:  # malformed syntax; xDSL derives it from BaseException
            print(f"ppc-opt: error: {_pipeline_syntax(self.args.passes, err)}", file=sys.stderr)
            sys.exit(1)

    def _parse(self, text: str, line_offset: int) -> ModuleOp:
        return LocatingParser(self.ctx, text, self.get_input_name(), line_offset).parse_module(
            not self.args.no_implicit_module
        )

    def _process(self, text: str, line_offset: int) -> str:
        """Parse, verify, run the pipeline and print one chunk; raises PlDiagnostic on failure."""
        self._stage = "parsing"
        try:
            module = self._parse(text, line_offset)
        except ParseError as err:
            raise parse_error_diagnostic(err, text, line_offset) from None
        if not self.args.disable_verify:
            self._stage = "verification"
            verify_module(module)
        try:
            self.apply_passes(module)
        except PlDiagnostic:
            raise
        except DiagnosticException as err:
            raise PlDiagnostic(None, str(err).splitlines()[0]) from None
        return self.output_resulting_program(module)

    def run(self) -> None:
        stream, _ext = self.get_input_stream()
        data = stream.read()
        stream.close()
        try:
            text = decode_source(data, self.get_input_name())
        except PlDiagnostic as diag:
            print(diag, file=sys.stderr)
            sys.exit(1)
        pieces = text.split("// -----") if self.args.split_input_file else [text]
        out = StringIO()
        failed = False
        offset = 0
        for index, chunk in enumerate(pieces):
            if index:
                out.write("// -----\n")
            failed |= not self._run_chunk(chunk, offset, out)
            offset += chunk.count("\n")
        if self.args.output_file:
            with open(self.args.output_file, "w") as f:
                f.write(out.getvalue())
        else:
            sys.stdout.write(out.getvalue())
        if failed:
            sys.exit(1)

    def _run_chunk(self, chunk: str, offset: int, out: StringIO) -> bool:
        with capture_diagnostics() as emitted:
            try:
                out.write(self._process(chunk, offset))
            except PlDiagnostic as diag:
                emitted.append(diag)
            except Exception as err:  # a ppc bug: one located line, the traceback only when asked for
                if os.environ.get("PPC_DEBUG") == "1":
                    raise
                emitted.append(internal_error(err, self._stage))
        if self.args.verify_diagnostics:
            problems = check(self.get_input_name(), expectations(chunk, offset), emitted)
            for problem in problems:
                print(problem, file=sys.stderr)
            return not problems
        for diag in emitted:
            print(diag, file=sys.stderr)
        return not any(d.severity == "error" for d in emitted)


@cache
def _mlir_target():
    """xDSL's MLIR printer target; finding it scans every installed package's entry points (20 ms), so once."""
    from xdsl.universe import Universe

    return Universe.get_multiverse().all_targets["mlir"]


def _pipeline_syntax(spec: str, err: ArgSpecParseError) -> str:
    """xDSL's multi-line caret picture of a bad `-p` value as one line: the problem and its column."""
    lines = str(err).splitlines()
    column = lines[1].rsplit(":", 1)[-1] if len(lines) > 1 else "?"
    message = f"bad pass pipeline {spec!r} at column {column}: {lines[-1].strip()}"
    if "(" in spec:
        message += " (-p takes a comma-separated pass list such as 'pl-ssa,cse', not an MLIR pass-pipeline)"
    return message


def main(args: list[str] | None = None) -> None:
    """Run ppc-opt.  Failures outside the input program (files, encoding, a compiler bug) also end in one
    `ppc-opt: ...` line and exit status 1, never in a traceback."""
    try:
        PpcOptMain(args).run()
    except OSError as err:
        if isinstance(err, BrokenPipeError):  # the reader went away (`ppc-opt ... | head`): nothing to report
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        else:
            where = f": {err.filename}" if err.filename else ""
            print(f"ppc-opt: error: {err.strerror or err}{where}", file=sys.stderr)
        sys.exit(1)
    except Exception as err:  # a compiler bug: still one line, naming where it happened
        if os.environ.get("PPC_DEBUG") == "1":
            raise
        frame = traceback.extract_tb(err.__traceback__)[-1]
        print(f"ppc-opt: error: internal error (a ppc bug) at {frame.filename}:{frame.lineno}: "
              f"{type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
