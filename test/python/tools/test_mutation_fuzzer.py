"""The mutation fuzzer of ppc-opt / ppc-run (ppc.tools.fuzz_opt): CI's 1,000 mutants, and the checks that
decide what counts as a finding."""

from __future__ import annotations

import random

from ppc.tools import fuzz_opt, opt
from ppc.tools.fuzz_opt import fuzz, lit_seeds, mutate, run_tool, verdict

GOOD = "func.func @f() {\n  func.return\n}\n"


def test_1000_mutants_end_in_verified_output_or_located_errors():
    report = fuzz(1000, seed=0, timeout=10)
    assert report.mutants == 1000
    assert not report.findings, report.summary() + "".join(f"\n{f.kind}: {f.stderr}\n{f.text}" for f in report.findings)
    # the mix exercises both answers and both tools
    assert report.outcomes["accepted"] > 50 and report.outcomes["rejected"] > 500, report.summary()
    assert report.runs["run"] > 10, report.summary()


def test_mutants_are_the_same_for_the_same_seed():
    seeds = lit_seeds()
    first = [mutate(random.Random(7), s.text) for s in seeds[:20]]
    assert first == [mutate(random.Random(7), s.text) for s in seeds[:20]]
    assert first != [mutate(random.Random(8), s.text) for s in seeds[:20]]


def test_every_kind_of_bad_ending_is_a_finding():
    located = "mutant.mlir:2:3: error: 'pl.add' operand shapes differ\n"
    assert verdict(1, "", located, reparse=True) is None
    assert verdict(1, "", "a.mlir:3: error: a location without a column\n", reparse=True) is None
    assert verdict(0, GOOD, "", reparse=True) is None
    assert verdict("hang", "", "", reparse=True) == "hang"
    assert verdict("traceback", "", "Traceback (most recent call last):\n", reparse=True) == "traceback"
    assert verdict(1, "", "error: somewhere\n", reparse=True) == "unlocated diagnostic"
    assert verdict(1, "", "mutant.mlir:1:1: error: internal error in pass 'cse'\n", reparse=True) == "internal error"
    assert verdict(1, "", "", reparse=True) == "exit 1 without an error"
    undominated = "func.func @f() {\n  %a = arith.addi %b, %b : index\n  %b = arith.constant 1 : index\n  func.return\n}\n"
    assert verdict(0, undominated, "", reparse=True) == "accepted output does not verify"


def test_a_run_that_never_ends_is_cut_at_its_timeout(monkeypatch):
    def forever(_args):
        while True:
            pass

    monkeypatch.setattr(opt, "main", forever)
    assert run_tool("opt", GOOD, [], timeout=0.5)[0] == "hang"


def test_an_escaping_exception_is_caught_with_its_traceback(monkeypatch):
    def broken(_args):
        raise RecursionError("deep")

    monkeypatch.setattr(opt, "main", broken)
    code, _out, err = run_tool("opt", GOOD, [], timeout=5)
    assert code == "traceback" and "RecursionError: deep" in err


def test_the_shrinker_keeps_the_finding(monkeypatch):
    def unlocated_on_marker(args):
        if "marker" in open(args[0]).read():
            print("error: no place", file=__import__("sys").stderr)
            raise SystemExit(1)

    monkeypatch.setattr(opt, "main", unlocated_on_marker)
    finding = fuzz_opt.Finding("unlocated diagnostic", "opt", [], "a\nb // marker\nc\n", "")
    assert fuzz_opt.shrink(finding, timeout=5) == "b // marker\n"
