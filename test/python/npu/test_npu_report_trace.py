"""RunReport metric definitions and the Perfetto trace (structure, nesting, flows, determinism)."""

import dataclasses
import json
import os
import subprocess
import sys
from collections import defaultdict
from itertools import pairwise

import pytest

from ppc.runtime.npu import A2A3, BlockWork, SimTask, build_report, simulate, trace_json, write_trace
from ppc.runtime.npu.synthetic import compressor_program

TINY = dataclasses.replace(A2A3, clusters=1, scheduler_threads=1)


def aiv(name, kernel, us, deps=(), blocks=1, gm_bytes=0, flops=0.0):
    return SimTask(name, kernel, "AIV", (BlockWork(us * A2A3.cycles_per_us, gm_bytes, flops),) * blocks, tuple(deps))


def test_metrics_follow_the_swimlane_definitions():
    tl = simulate([aiv("a", "k", 10), aiv("b", "k", 10), aiv("c", "other", 10)], TINY)
    report = build_report(tl)
    blocks = tl.blocks
    assert report.total_us == pytest.approx(max(r.finish_us for r in blocks) - min(r.dispatch_us for r in blocks))
    assert report.avg_head_oh_us == pytest.approx((0.7 + 0.7 + 9.76) / 3)  # cold starts, then a pending wait
    assert report.avg_tail_oh_us == pytest.approx(sum(r.finish_us - r.end_us for r in blocks) / 3)
    assert report.avg_exec_us == pytest.approx(10.0)
    assert (report.tasks, report.blocks) == (3, 3)
    k, other = report.functions
    assert (k.kernel, k.tasks, k.blocks, k.avg_head_oh_us) == ("k", 2, 2, pytest.approx(0.7))
    assert (other.kernel, other.exec_us, other.avg_head_oh_us) == ("other", pytest.approx(10.0), pytest.approx(9.76))
    assert report.core_utilisation["AIV_0"] == pytest.approx(20.0 / report.total_us)
    assert report.core_utilisation["AIC_0"] == 0.0


def test_critical_path_follows_the_gating_producers():
    tasks = [aiv("long", "k", 20), aiv("short", "k", 1), aiv("join", "k", 1, deps=[0, 1])]
    tasks.append(aiv("tail", "k", 1, deps=[2]))
    tl = simulate(tasks, A2A3)
    report = build_report(tl)
    assert [step.name for step in report.critical_path] == ["long", "join", "tail"]
    assert report.critical_path[-1].last_finish_us == max(r.finish_us for r in tl.blocks)


def test_roofline():
    report = build_report(simulate([aiv("a", "k", 1, blocks=4, gm_bytes=1_600_000, flops=3.5e9)], A2A3))
    roof = report.roofline
    assert roof.gm_bytes == 6_400_000 and roof.flops == 1.4e10
    assert roof.memory_us == pytest.approx(4.0)  # 6.4 MB at 1.6 TB/s
    assert roof.compute_us == pytest.approx(1.4e10 / 353.8944e6)
    assert (roof.bound_us, roof.limiter) == (pytest.approx(roof.compute_us), "compute")


def test_text_and_json():
    report = build_report(simulate(compressor_program("spmd", A2A3), A2A3))
    text = report.to_text()
    assert "Total Test Time" in text and "softmax_pool" in text and "critical path" in text
    data = json.loads(report.to_json())
    assert data["total_us"] == pytest.approx(report.total_us)
    assert data["roofline"]["limiter"] == report.roofline.limiter
    assert [f["kernel"] for f in data["functions"]][:2] == ["kv_score_proj", "score_ape_state_scatter"]
    assert len(data["core_utilisation"]) == 72


@pytest.fixture(scope="module")
def trace():
    tl = simulate(compressor_program("parallel", A2A3), A2A3)
    return tl, json.loads(trace_json(tl))["traceEvents"]


def test_trace_processes_and_tracks(trace):
    _, events = trace
    processes = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    assert processes == {"Orchestrator", "Scheduler", "Worker View"}
    threads = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    expected = {"Orchestrator", "Sched_0", "Sched_1", "Sched_2"}
    expected |= {f"AIC_{i}" for i in range(24)} | {f"AIV_{i}" for i in range(48)}
    assert threads == expected


def test_trace_worker_slices(trace):
    tl, events = trace
    workers = [e for e in events if e["ph"] == "X" and e["pid"] == 3]
    assert len(workers) == len(tl.blocks)
    for event, record in zip(workers, tl.blocks, strict=True):
        assert set(event["args"]) == {"task", "block", "dispatch_us", "head_oh_us", "tail_oh_us"}
        assert event["args"]["task"] == record.task
        assert event["ts"] == pytest.approx(record.start_us, abs=1e-3)
        assert event["dur"] == pytest.approx(record.exec_us, abs=2e-3)
        assert event["args"]["head_oh_us"] == pytest.approx(record.head_oh_us, abs=1e-3)


def slices_by_track(events):
    tracks = defaultdict(list)
    for e in events:
        if e["ph"] == "X":
            tracks[e["pid"], e["tid"]].append(e)
    return tracks


def test_trace_slices_never_overlap_on_a_track(trace):
    _, events = trace
    tracks = slices_by_track(events)
    assert len(tracks) > 10
    for slices in tracks.values():
        slices.sort(key=lambda e: e["ts"])
        for prev, nxt in pairwise(slices):
            assert prev["ts"] + prev["dur"] <= nxt["ts"] + 1e-9


def test_trace_flows_bind_inside_slices(trace):
    tl, events = trace
    tracks = slices_by_track(events)
    flows = [e for e in events if e["ph"] in "sf"]
    assert len(flows) == 2 * len(tl.edges) > 0
    ids = defaultdict(list)
    for flow in flows:
        ids[flow["id"]].append(flow["ph"])
        inside = [s for s in tracks[flow["pid"], flow["tid"]] if s["ts"] <= flow["ts"] <= s["ts"] + s["dur"]]
        assert inside, flow
    assert all(sorted(phases) == ["f", "s"] for phases in ids.values())


def test_write_trace(tmp_path):
    tl = simulate([aiv("a", "k", 1)], A2A3)
    path = tmp_path / "swimlane.json"
    write_trace(tl, str(path))
    assert json.loads(path.read_text()) == json.loads(trace_json(tl))


DIGEST = """
import hashlib
from ppc.runtime.npu import A2A3, build_report, simulate, trace_json
from ppc.runtime.npu.synthetic import compressor_program
tl = simulate(compressor_program("spmd", A2A3, layers=2), A2A3)
print(hashlib.sha256((build_report(tl).to_json() + trace_json(tl)).encode()).hexdigest())
"""


def test_report_and_trace_are_identical_across_processes():
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", DIGEST], env=env, capture_output=True, text=True, check=True)
        digests.add(out.stdout)
    assert len(digests) == 1
