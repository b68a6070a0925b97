"""Differential fuzzing (issue 11): random well-typed `pl` programs compiled and run by ppc must match a direct
numpy evaluation of the same program (difffuzz_gen.py says what is generated, difffuzz_ref.py the dtype rules
and the comparison, difffuzz_run.py what counts as a failure).  Derandomized, so CI sees the same 200 programs
every time; the longer documented run (docs/robustness.md, "Differential fuzzing") sets
PPC_DIFFFUZZ_EXAMPLES=10000, and PPC_DIFFFUZZ_SEED=<n> draws another deterministic set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from difffuzz_gen import Program, programs
from difffuzz_run import problems
from hypothesis import HealthCheck, given, seed, settings

EXAMPLES = int(os.environ.get("PPC_DIFFFUZZ_EXAMPLES", "200"))
SEED = os.environ.get("PPC_DIFFFUZZ_SEED")
REGRESSIONS = sorted((Path(__file__).parent / "regressions").glob("*.py"))


@settings(max_examples=EXAMPLES, derandomize=SEED is None, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@seed(int(SEED or 0))
@given(programs())
def test_ppc_matches_numpy(program):
    found = problems(program)
    assert not found, f"{program}\n" + "\n".join(found)


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.stem for p in REGRESSIONS])
def test_kept_program_matches_numpy(path):
    """Shrunk programs the fuzzer once failed on (regressions/README.md)."""
    assert problems(Program.from_file(path.read_text())) == []
