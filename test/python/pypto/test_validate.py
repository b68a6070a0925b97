"""ppc-validate: which figure a record names, how records become runs, and one end-to-end comparison."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ppc.tools.validate import PlanError, _config_args, _flag_args, plan
from ppc.tools.validate_figures import Comparison, FigureError, matching_functions, modelled, summarise

INPUTS = Path(__file__).parent / "Inputs"


def report(*functions: tuple[str, int, float, float, float]) -> dict:
    """A RunReport dict with (kernel, blocks, exec_us summed, first start, last end) rows."""
    return {"total_us": 100.0, "avg_head_oh_us": 0.5, "functions": [
        {"kernel": k, "blocks": b, "exec_us": e, "first_start_us": s, "last_end_us": t} for k, b, e, s, t in functions]}


@pytest.mark.parametrize(("described", "functions", "expected"), [
    ("qk_pv", ["qk_pv", "qk_pv_tail", "proj"], ["qk_pv"]),  # an exact name wins over names containing it
    ("qk_pv (CSA)", ["qk_pv_0", "qk_pv_1", "proj"], ["qk_pv_0", "qk_pv_1"]),
    ("gate path (gate_dot)", ["gate_dot", "path_x"], ["gate_dot"]),  # the identifier, not the prose
    ("rope loop window", ["rope", "proj"], ["rope"]),
    ("softmax", ["proj"], []),
])
def test_a_description_names_the_functions_of_the_run(described, functions, expected):
    assert matching_functions(described, functions) == expected


def test_per_function_figures_aggregate_the_matching_functions():
    r = report(("qk_pv_0", 4, 40.0, 10.0, 30.0), ("qk_pv_1", 1, 20.0, 25.0, 50.0), ("proj", 2, 8.0, 0.0, 5.0))
    assert modelled("function_exec_us", "qk_pv", r) == pytest.approx(60.0 / 5)  # per block
    assert modelled("span_us", "qk_pv", r) == pytest.approx(40.0)  # first start 10 .. last end 50
    assert modelled("core_time_us", "qk_pv", r) == pytest.approx(60.0)
    assert modelled("core_time_us", None, r) == pytest.approx(68.0)  # no function: the whole run
    assert modelled("total_test_time_us", "ignored", r) == 100.0
    with pytest.raises(FigureError, match="'softmax' not found among the run's functions"):
        modelled("span_us", "softmax", r)


def test_summary_counts_directions_of_significant_changes_only():
    rows = [Comparison(1, "span_us", "tiling", (100.0, 50.0), (110.0, 60.0)),  # right, errors 10% / 20%
            Comparison(2, "span_us", "tiling", (100.0, 80.0), (100.0, 120.0)),  # wrong, errors 0% / 50%
            Comparison(3, "span_us", "tiling", (100.0, 102.0), (100.0, 90.0))]  # +2%: noise, not counted
    (row,) = summarise(rows, lambda c: c.kind)
    assert (row["records"], row["significant_changes"], row["direction_right"]) == (3, 2, 1)
    assert row["median_error_pct"] == pytest.approx((10.0 + 200 / 17) / 2)  # of 10, 20, 0, 50, 0, 11.76


def test_record_flags_keep_the_files_options_and_drop_harness_flags_and_prose():
    options = {"--max-seq", "--compress-ratio", "-p", "-d"}
    assert _flag_args("-p a2a3 -d 7 --enable-profiling --max-seq", options) == ["--max-seq"]
    assert _flag_args("--compress-ratio 4 --enable-l2-swimlane (no dep_gen), 3 iters", options) == \
        ["--compress-ratio", "4"]
    assert _flag_args("L2 swimlane, median of 5", options) == []
    with pytest.raises(PlanError, match="'--seed' is not an option of the file"):
        _flag_args("--seed fixed, interleaved 6 pairs", options)


def test_record_configuration_is_an_option_or_the_files_default():
    source = 'T = 128\nparser.add_argument("--start-pos", type=int)\n'
    tree = ast.parse(source)
    assert _config_args({"start_pos": 8192, "T": 128, "rounds": "6 interleaved"}, source, tree, "decode_x.py") == \
        ["--start-pos", "8192"]
    assert _config_args({"mode": "decode"}, source, tree, "models/decode_x.py") == []
    with pytest.raises(PlanError, match="T=64 is neither an option of the file nor its default"):
        _config_args({"T": 64}, source, tree, "decode_x.py")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_validate_runs_both_commits_and_compares(tmp_path):
    """A checkout where one commit moves scale_bias from 2 to 8 blocks: each record's modelled figures are those
    `ppc-run --report-json` gives for the file at that commit; records ppc cannot run are listed with why."""
    pytest.importorskip("torch")
    repo = tmp_path / "pypto-lib"
    demo = repo / "models" / "demo"
    demo.mkdir(parents=True)
    (demo / "scale_bias.py").write_text((INPUTS / "scale_bias.py").read_text())
    config = (INPUTS / "config.py").read_text()
    commits = []
    for blocks in (2, 8):
        (demo / "config.py").write_text(config.replace("BLOCKS = 4", f"BLOCKS = {blocks}"))
        _git(repo.parent, "init", "-q", str(repo)) if not commits else None
        _git(repo, "add", "-A")
        _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", f"{blocks} blocks")
        commits.append(_git(repo, "rev-parse", "HEAD"))
    base = {"commit": commits[1], "before_commit": commits[0], "platform": "a2a3", "date": "2026-08-01",
            "measured_entry": "models/demo/scale_bias.py", "config": {}, "unit": "us", "kind": "dispatch"}
    records = [
        {**base, "id": 1, "metric": "total_test_time_us", "entry_function": None, "before": 20.0, "after": 10.0},
        {**base, "id": 2, "metric": "function_exec_us", "entry_function": "scale_bias", "before": 8.0, "after": 2.0},
        {**base, "id": 3, "metric": "wall_us", "entry_function": None, "before": 1.0, "after": 2.0},
        {**base, "id": 4, "metric": "span_us", "entry_function": None, "before": 1.0, "after": 2.0,
         "measured_entry": "models/demo/missing.py"},
    ]
    (tmp_path / "records.json").write_text(json.dumps(records))
    command = [sys.executable, "-m", "ppc.tools.validate", str(tmp_path / "records.json"), "--pypto-lib", str(repo),
               "--work-dir", str(tmp_path / "work"), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    reasons = {r["record"]: r["reason"] for r in result["not_run"]}
    assert reasons == {3: "metric 'wall_us' has no modelled counterpart",
                       4: f"models/demo/missing.py does not exist at {commits[0][:10]}"}
    compared = {c["record"]: c for c in result["compared"]}
    direct = tmp_path / "direct.jsonl"
    subprocess.run([sys.executable, "-m", "ppc.tools.run", "--report-json", str(direct), "--pypto",
                    str(demo / "scale_bias.py"), "-p", "a2a3sim"], capture_output=True, cwd=tmp_path, check=True)
    after = json.loads(direct.read_text().splitlines()[0])["report"]  # the checkout is at the 8-block commit
    assert compared[1]["model"][1] == pytest.approx(after["total_us"])
    (row,) = [f for f in after["functions"] if f["kernel"].startswith("scale_bias")]  # scale_bias_1
    assert compared[2]["model"][1] == pytest.approx(row["exec_us"] / row["blocks"])
    assert compared[2]["model"][0] > compared[2]["model"][1]  # 2 blocks do 4x the rows each
    assert result["summary"]["all"][0]["records"] == 2


def test_a_record_with_only_an_after_figure_is_compared_on_magnitude_and_a_range_is_not_run():
    only_after = Comparison(5, "function_exec_us", "compute", (None, 20.0), (None, 25.0))
    assert only_after.errors_pct == [25.0] and not only_after.significant
    (row,) = summarise([only_after], lambda c: c.kind)
    assert (row["records"], row["significant_changes"], row["median_error_pct"]) == (1, 0, 25.0)
    ranged = {"id": 41, "metric": "span_us", "measured_entry": "k.py", "platform": "a2a3", "commit": "a" * 40,
              "before_commit": "b" * 40, "before": [863, 1357], "after": 128}
    with pytest.raises(PlanError, match=r"the measured before figure is \[863, 1357\], not one number"):
        plan(ranged, Path("."))
