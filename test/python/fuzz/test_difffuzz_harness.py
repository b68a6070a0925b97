"""The fuzzer's judge can fail: a wrong tensor, a located rejection and a hang are each reported."""

from __future__ import annotations

import time
from types import SimpleNamespace

import difffuzz_run
import numpy as np
from difffuzz_gen import HEADER, REF_HEADER, Program

from ppc.runtime import numerics


def program(pl_body: str, ref_body: str) -> Program:
    return Program(HEADER + pl_body, REF_HEADER + ref_body, 1, 2, 7)


MAXIMUM = program(
    '    with pl.at(level=pl.Level.CORE_GROUP, name_hint="t"):\n'
    "        v = pl.maximum(x0[0:8, 0:16], x0[8:16, 0:16])\n"
    "        o0[n0:n0 + 8, 0:16] = v\n"
    "    return o0, o1, o2\n",
    "    v = R.binary('maximum', R.load(x0, 0, 0, 8, 16), R.load(x0, 8, 0, 8, 16))\n"
    "    outs.store('o0', v, n0, 0)\n"
    "    return outs\n",
)


def test_a_correct_program_has_no_problems():
    assert difffuzz_run.problems(MAXIMUM) == []


def test_a_wrong_tensor_is_a_mismatch(monkeypatch):
    monkeypatch.setitem(numerics.BINARY, "maximum", np.minimum)
    (found,) = difffuzz_run.problems(MAXIMUM)
    assert found.startswith("o0: ") and "(exact): ppc" in found


def test_a_rejection_is_reported_with_its_location():
    bad = Program(MAXIMUM.pl_source.replace("x0[8:16, 0:16]", "x0[8:16, 0:32]"), MAXIMUM.ref_source, 1, 2, 7)
    (found,) = difffuzz_run.problems(bad)
    line = HEADER.count("\n") + 2  # the pl.maximum
    assert found.startswith("rejected: /") and f".py:{line}:" in found and ": error: " in found


def test_a_hang_is_stopped(monkeypatch):
    monkeypatch.setattr(difffuzz_run, "TIMEOUT_S", 1)
    sleeper = SimpleNamespace(run=lambda *_args: time.sleep(5))
    monkeypatch.setattr(difffuzz_run, "load_kernel", lambda _source: SimpleNamespace(compile=lambda *_a, **_k: sleeper))
    assert difffuzz_run.problems(MAXIMUM) == ["hang: no result after 1 s"]
