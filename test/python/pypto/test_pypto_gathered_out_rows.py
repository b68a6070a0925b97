"""Inputs/gathered_out_rows.py gathers rows of an Out at indices loaded at run time, which only the run can check:
all rows filled -> a compile-time note and a clean run; half filled -> one located run-time warning (the rows
read as zeros, as on the device, and the golden passes); with --strict-out-reads -> one located error, exit 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FILE = Path(__file__).parent / "Inputs" / "gathered_out_rows.py"


def run(tmp_path, *extra: str, strict: bool = False) -> subprocess.CompletedProcess:
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", *(["--strict-out-reads"] if strict else []), "--pypto",
               str(FILE), "-p", "a2a3sim", *extra]
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)


def lines(text: str, kind: str) -> list[str]:
    return [line for line in text.splitlines() if f": {kind}: " in line]


def test_covered_gather_runs_clean(tmp_path):
    done = run(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN] PASS" in done.stdout
    assert lines(done.stderr, "warning") == []
    (note,) = lines(done.stderr, "note")
    assert note.startswith(f"{FILE}:25:") and "checked at run time" in note


def test_a_gather_of_unwritten_rows_warns_once_at_the_read(tmp_path):
    done = run(tmp_path, "--reach-unwritten")
    assert done.returncode == 0, done.stderr
    assert "[RUN] PASS" in done.stdout  # the rows read as zeros, as on the device
    (warning,) = lines(done.stderr, "warning")
    assert warning.startswith(f"{FILE}:25:34: warning: read of never-written elements of Out 'table': kernel 'gather'")
    assert "reads table[35:36, 0:128]" in warning and "they read as zeros" in warning


def test_strict_out_reads_makes_it_one_located_error(tmp_path):
    done = run(tmp_path, "--reach-unwritten", strict=True)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "never-written" in line]
    assert len(errors) == 1 and "Traceback" not in done.stderr
    assert errors[0].startswith(f"{FILE}:25:34: error: kernel 'gather' block 7: read of never-written elements of "
                                "Out 'table'")
    assert "[RUN] PASS" not in done.stdout
