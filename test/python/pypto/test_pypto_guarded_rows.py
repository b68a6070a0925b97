"""Inputs/guarded_rows.py: an Out written under guards and read back under the same guard, narrowed by
set_validshape + fillpad, and gathered at loaded indices, runs unchanged and meets its golden; only the
gathered read (which no compile-time proof reaches) is a note, and the run-time check finds it covered, so
no warning.  With poisoned Out staging it still passes: no value it computes depends on an element never
written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

INPUTS = Path(__file__).parent / "Inputs"


@pytest.mark.parametrize("staging", ["undefined", "poison"])
def test_guarded_rows_meets_its_golden(tmp_path, staging):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--out-staging", staging, "--pypto",
               str(INPUTS / "guarded_rows.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("score", "best", "picked"):
        assert f"[RUN]   '{name}' PASS" in done.stdout
    assert [line for line in done.stderr.splitlines() if ": warning: " in line] == []
    (note,) = [line for line in done.stderr.splitlines() if ": note: " in line]
    assert note.startswith(f"{INPUTS / 'guarded_rows.py'}:46:") and "'score' is declared Out" in note
    assert "checked at run time" in note
