"""`ppc-run compressor_r128`: the README's main job, at the reduced size."""

from __future__ import annotations

import json

import pytest

from ppc.tools.run import main


def test_named_model_runs_both_variants_checks_goldens_and_writes_swimlanes(tmp_path, capsys):
    trace = tmp_path / "swimlane.json"
    assert main(["compressor_r128", "--size", "reduced", "--trace", str(trace)]) == 0
    out = capsys.readouterr().out
    assert out.count("golden check: OK") == 2
    for name in ("kv", "kv_cache", "kv_state", "score_state"):
        assert f"output {name}: identical" in out
    assert "compare parallel -> spmd" in out
    for variant in ("parallel", "spmd"):
        events = json.loads((tmp_path / f"swimlane.{variant}.json").read_text())
        events = events["traceEvents"] if isinstance(events, dict) else events
        assert any(e.get("ph") == "X" for e in events)


@pytest.mark.parametrize("name", ["compressor_r4", "indexer_compressor", "lightning_indexer", "sparse_attention"])
def test_every_named_model_runs_and_matches_its_golden(name, capsys):
    assert main([name, "--size", "reduced"]) == 0
    out = capsys.readouterr().out
    assert "golden check: OK" in out and "MISMATCH" not in out


def test_unknown_model_is_one_line_error(capsys):
    assert main(["compressor_r256"]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("ppc-run: error: unknown model 'compressor_r256' (known: compressor_r128, ")
