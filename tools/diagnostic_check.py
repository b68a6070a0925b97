"""MLIR-style `--verify-diagnostics`: match emitted diagnostics against `// expected-*` annotations.

An annotation `// expected-error {{text}}` expects an error on its own line; `@+N` / `@-N` shift the
line, `@above` / `@below` mean -1 / +1.  Every expectation must be met by a diagnostic of that severity
on that line whose message contains the text, and every emitted diagnostic must be expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ppc.dialects.diagnostics import PlDiagnostic, SourceLoc, diagnostic_line

_ANNOTATION = re.compile(r"//\s*expected-(error|warning|remark)(?:@(above|below|[+-]\d+))?\s*\{\{(.*?)\}\}")


@dataclass
class Expectation:
    severity: str
    line: int
    text: str
    annotation_line: int
    met: bool = False


def expectations(chunk: str, line_offset: int) -> list[Expectation]:
    found: list[Expectation] = []
    for index, line in enumerate(chunk.splitlines()):
        for m in _ANNOTATION.finditer(line):
            here = index + 1 + line_offset
            shift = {"above": -1, "below": 1, None: 0}.get(m.group(2))
            target = here + (int(m.group(2)) if shift is None else shift)
            found.append(Expectation(m.group(1), target, m.group(3), here))
    return found


def check(file: str, expected: list[Expectation], emitted: list[PlDiagnostic]) -> list[str]:
    """The problems found, each a located message; empty when the diagnostics match."""
    problems: list[str] = []
    for diag in emitted:
        match = next(
            (e for e in expected if not e.met and e.severity == diag.severity and e.line == diag.loc.line and e.text in diag.message),
            None,
        )
        if match is None:
            problems.append(diagnostic_line(diag.loc, "error", f"unexpected {diag.severity}: {diag.message}"))
        else:
            match.met = True
    for e in expected:
        if not e.met:
            problems.append(diagnostic_line(SourceLoc(file, e.annotation_line, 1), "error",
                                            f"expected {e.severity} \"{e.text}\" was not produced at line {e.line}"))
    return problems
