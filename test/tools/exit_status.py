# RUN: %python %s
"""ppc-opt on bad input: exit status exactly 1, nothing on stdout, exactly one diagnostic line on stderr.

lit's `not` accepts any non-zero status, and a Python traceback also exits with 1, so this script checks
the whole of stderr: one line, in the expected located form.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

PPC_OPT = str(Path(sys.executable).with_name("ppc-opt"))

NESTED = ("func.func @f(%n: index) {\n" + "".join(f"scf.for %i{k} = %n to %n step %n {{\n" for k in range(150))
          + "}\n" * 150 + "func.return\n}\n")

# name -> (input text or None for "no such file", extra arguments, stderr pattern)
CASES: dict[str, tuple[str | bytes | None, list[str], str]] = {
    "syntax error": ("func.func @f() {\n  %a = arith.addi : index\n}\n", [], r"{file}:2:19: error: operand expected"),
    "unknown op": ('"pl.nope"() : () -> ()\n', [], r"{file}:1:\d+: error: Operation pl.nope is not registered"),
    "unknown op, custom form": (
        "func.func @f(%x: index) {\n  pl.nope %x : index\n  func.return\n}\n",
        [],
        r"{file}:2:\d+: error: Operation pl.nope is not registered",
    ),
    "type error": (
        "func.func @f(%a: !pl.tensor<4xf32>, %b: !pl.tensor<4xi32>) {\n"
        "  %r = pl.add %a, %b : (!pl.tensor<4xf32>, !pl.tensor<4xi32>) -> !pl.tensor<4xf32>\n"
        "  func.return\n}\n",
        [],
        r"{file}:2:3: error: 'pl.add' operand dtypes differ: f32 vs i32",
    ),
    "invalid type": ("func.func @f(%a: !pl.tensor<0xf32>) {\n  func.return\n}\n", [],
                     r"{file}:1:18: error: tensor dimensions must be positive or dynamic \(\?\), got 0"),
    "undefined value": ("func.func @f() {\n  %a = arith.addi %x, %x : index\n  func.return\n}\n", [],
                        r"{file}:2:19: error: use of undefined value '%x'"),
    "end of input": ("func.func @f() {\n  func.return\n", [], r"{file}:3:1: error: unexpected end of input"),
    "not UTF-8": (b"func.func\n  \xff\xfe", [], r"{file}:2:3: error: the input is not UTF-8 text: byte 0xff"),
    # xDSL's string rule backtracks exponentially here: without ppc's own rule this case hits the timeout
    "unterminated string": ('func.func @f() "' + "a" * 40 + "\n", [],
                            r"{file}:1:16: error: unterminated string literal"),
    "nested too deep": (NESTED, [], r"{file}:\d+:\d+: error: operations nested more than 64 deep"),
    "operand named by its own region": (
        "func.func @f(%n: index) {\n  scf.for %i = %i to %n step %n {\n  }\n  func.return\n}\n", [],
        r"{file}:2:16: error: use of undefined value '%i'"),
    "pipeline: empty pass name": ("", ["-p", "pl-ssa,,cse"],
                                  r"ppc-opt: error: bad pass pipeline 'pl-ssa,,cse' at column 8: Expected pass name"),
    "pipeline: MLIR nesting": ("", ["-p", "builtin.module(cse)"],
                               r"ppc-opt: error: bad pass pipeline .* not an MLIR pass-pipeline\)"),
    "pipeline: open options": ("", ["-p", "cse{"], r"ppc-opt: error: bad pass pipeline 'cse.' at column 5"),
    "unknown pass": ("", ["-p", "no-such-pass"], r"ppc-opt: error: Unrecognized passes: \['no-such-pass'\]"),
    "missing file": (None, [], r"ppc-opt: error: No such file or directory: {file}"),
}


def run_case(name: str, text: str | bytes | None, args: list[str], pattern: str, tmp: Path) -> list[str]:
    path = tmp / (re.sub(r"\W+", "_", name) + ".mlir")
    if isinstance(text, str):
        path.write_text(text)
    elif isinstance(text, bytes):
        path.write_bytes(text)
    try:
        proc = subprocess.run([PPC_OPT, str(path), *args], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return [f"{name}: no answer within 60 s"]
    problems = []
    if proc.returncode != 1:
        problems.append(f"exit status {proc.returncode}, expected 1")
    if proc.stdout:
        problems.append(f"unexpected stdout: {proc.stdout!r}")
    lines = proc.stderr.splitlines()
    want = pattern.format(file=re.escape(str(path)))
    if len(lines) != 1 or not re.fullmatch(want + ".*", lines[0]):
        problems.append(f"stderr {proc.stderr!r} is not one line matching {want!r}")
    return [f"{name}: {p}" for p in problems]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        problems = [p for name, case in CASES.items() for p in run_case(name, *case, Path(tmp))]
    if problems:
        sys.exit("\n".join(problems))
    print(f"{len(CASES)} bad inputs: each exit 1 with one located line")


if __name__ == "__main__":
    main()
