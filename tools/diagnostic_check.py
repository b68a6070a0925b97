"""MLIR-style `--verify-diagnostics`: match emitted diagnostics against `// expected-*` annotations.

Upstream MLIR's syntax: `// expected-error {{text}}` expects an error on its own line; `@+N` / `@-N`
shift the line, `@above` / `@below` mean -1 / +1, `@N` names line N of the file; spaces may precede `@` and `{{`,
and `{K}` before the text expects K such diagnostics.  Every expectation must be met by a diagnostic of
that severity on that line whose message contains the text, and every emitted diagnostic must be
expected.  A line that mentions `expected-error` (or -warning, -remark, -note) in a comment but does not
parse as an annotation is itself a problem: an annotation silently skipped would let a test pass vacuously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ppc.dialects.diagnostics import PlDiagnostic, SourceLoc, diagnostic_line

_SEVERITY = r"expected-(error|warning|remark|note)\b"
_ANNOTATION = re.compile(_SEVERITY + r" *(?:@(above|below|[+-]\d+|\d+))? *(?:\{(\d+)\})? *\{\{(.*?)\}\}")
_MENTION = re.compile(_SEVERITY)


@dataclass
class Expectation:
    severity: str
    line: int
    text: str
    annotation_line: int
    met: bool = False


def expectations(chunk: str, line_offset: int) -> tuple[list[Expectation], list[SourceLoc]]:
    """The annotations of a chunk, and the places of the malformed ones."""
    found: list[Expectation] = []
    malformed: list[SourceLoc] = []
    for index, line in enumerate(chunk.splitlines()):
        comment = line.find("//")
        if comment < 0:
            continue
        here = index + 1 + line_offset
        for mention in _MENTION.finditer(line, comment):
            m = _ANNOTATION.match(line, mention.start())
            if m is None:
                malformed.append(SourceLoc("", here, mention.start() + 1))
                continue
            found += [Expectation(m.group(1), _target(m.group(2), here), m.group(4), here) for _ in range(int(m.group(3) or 1))]
    return found, malformed


def _target(where: str | None, here: int) -> int:
    """The line an annotation on line `here` points at (`@N`: line N of the file)."""
    if where in (None, "above", "below"):
        return here + {None: 0, "above": -1, "below": 1}[where]
    return here + int(where) if where[0] in "+-" else int(where)


def check(file: str, annotations: tuple[list[Expectation], list[SourceLoc]], emitted: list[PlDiagnostic]) -> list[str]:
    """The problems found, each a located message; empty when the diagnostics match."""
    expected, malformed = annotations
    problems = [diagnostic_line(SourceLoc(file, loc.line, loc.col), "error",
                                "malformed annotation: expected `expected-<severity>[@<where>] {{text}}`")
                for loc in malformed]
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
