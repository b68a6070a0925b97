"""Every verifier rule of the dialect has a failing case in test/dialect/invalid-*.mlir.

A rule is one `raise VerifyException(...)` statement in dialects/*.py (found with `ast`).  Each case of
the invalid files is parsed and verified in-process; the traceback of each VerifyException it raises
names the statement that fired.  lit checks the message and the line of every case (`--verify-diagnostics`);
this test checks that no rule is left without a case, so a new rule without a test fails CI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from xdsl.utils.exceptions import ParseError, VerifyException

import ppc.dialects
from ppc.dialects.parsing import parse_mlir

DIALECT_DIR = Path(ppc.dialects.__file__).resolve().parent
INVALID_FILES = sorted((Path(__file__).resolve().parents[2] / "dialect").glob("invalid*.mlir"))

Site = tuple[str, int]  # (file name in dialects/, line of the `raise`)

# Rules no textual input can reach, with the reason; the test fails if one of them becomes reachable
# or disappears, so this list cannot go stale silently.
UNREACHABLE: dict[tuple[str, str], str] = {
    ("types.py", "unknown tile memory space"): "the parser only accepts the MemorySpace names",
    ("task_ops.py", "body must end with pl.yield"): "the SingleBlockImplicitTerminator trait fails first",
    ("data_ops.py", "is not a dtype"): "guards CastOp.infer's callers (the frontend); in IR the target is "
    "the result's element type, which the type itself has verified",
}


def _raise_sites() -> dict[Site, str]:
    """Every `raise VerifyException(...)` in the dialect, with the literal text of its message."""
    sites: dict[Site, str] = {}
    for path in sorted(DIALECT_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and isinstance(node.exc.func, ast.Name)
                and node.exc.func.id == "VerifyException"
            ):
                literal = "".join(
                    part.value
                    for part in ast.walk(node.exc.args[0])
                    if isinstance(part, ast.Constant) and isinstance(part.value, str)
                )
                sites[(path.name, node.lineno)] = literal
    return sites


def _site_of(err: BaseException) -> Site | None:
    """The innermost frame of the traceback that lies in dialects/."""
    site = None
    tb = err.__traceback__
    while tb is not None:
        file = Path(tb.tb_frame.f_code.co_filename).resolve()
        if file.parent == DIALECT_DIR:
            site = (file.name, tb.tb_lineno)
        tb = tb.tb_next
    return site


def _sites_hit(path: Path) -> set[Site]:
    """The rules that fire in the cases of one `--split-input-file` file."""
    hit: set[Site] = set()
    for chunk in path.read_text().split("// -----"):
        errors: list[BaseException] = []
        try:
            module = parse_mlir(chunk, path.name)
        except ParseError as err:  # types verify while being parsed
            if isinstance(err.__context__, VerifyException):
                errors.append(err.__context__)
        else:
            for op in module.walk():
                try:
                    op.verify(verify_nested_ops=False)
                except VerifyException as err:
                    errors.append(err)
        hit.update(site for site in map(_site_of, errors) if site is not None)
    return hit


@pytest.fixture(scope="module")
def hit() -> set[Site]:
    return set().union(*map(_sites_hit, INVALID_FILES))


def test_the_invalid_files_exist() -> None:
    names = {p.name for p in INVALID_FILES}
    assert {"invalid-compute.mlir", "invalid-data.mlir", "invalid-tasks.mlir", "invalid-types.mlir"} <= names


def test_every_verifier_rule_has_a_failing_case(hit: set[Site]) -> None:
    sites = _raise_sites()
    assert len(sites) > 40, "the ast scan found too few rules: has the dialect's error style changed?"
    exempt = {site for site, text in sites.items() for (file, frag) in UNREACHABLE if site[0] == file and frag in text}
    missing = [f"dialects/{f}:{line}: {sites[(f, line)]!r}" for (f, line) in sorted(sites) if (f, line) not in hit
               and (f, line) not in exempt]
    assert not missing, "verifier rules without a case in test/dialect/invalid-*.mlir:\n" + "\n".join(missing)


def test_unreachable_list_is_current(hit: set[Site]) -> None:
    sites = _raise_sites()
    for (file, fragment), reason in UNREACHABLE.items():
        matching = [site for site, text in sites.items() if site[0] == file and fragment in text]
        assert len(matching) == 1, f"UNREACHABLE entry {file}: {fragment!r} matches {len(matching)} rules"
        assert matching[0] not in hit, f"{file}: {fragment!r} is reachable after all ({reason}): drop the entry"
