"""Differential fuzzing (issue 11): random well-typed `pl` programs compiled and run by ppc must match a direct
numpy evaluation of the same program (difffuzz_gen.py says what is generated, difffuzz_ref.py the dtype rules
and the comparison).  Derandomized, so CI sees the same 200 programs every time; the longer documented run
(docs/robustness.md, "Differential fuzzing") sets PPC_DIFFFUZZ_EXAMPLES=10000."""

from __future__ import annotations

import os

from difffuzz_gen import programs
from difffuzz_run import problems
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("PPC_DIFFFUZZ_EXAMPLES", "200"))


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(programs())
def test_ppc_matches_numpy(program):
    found = problems(program)
    assert not found, f"{program}\n" + "\n".join(found)
