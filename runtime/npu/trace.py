"""Chrome-trace / Perfetto JSON swimlane of a simulated timeline (open in ui.perfetto.dev).

Three processes mirror Huawei's swimlane view: Orchestrator (one track of submits), Scheduler (one track
per AICPU scheduler thread: pops and completions) and Worker View (one track per AIC_n / AIV_n core with
each block's execution). Dependencies are flow arrows from a producer's last-ending block to a consumer's
first-starting block. Timestamps are microseconds rounded to the nanosecond, and a slice's duration is
taken between rounded endpoints so that back-to-back slices on one track never overlap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from .timeline import ORCHESTRATOR_TRACK, BlockRecord, Span, Timeline, scheduler_track

_PIDS = {"Orchestrator": 1, "Scheduler": 2, "Worker View": 3}
_NS = 3  # decimal places of a microsecond kept in timestamps


def _us(value: float) -> float:
    return round(value, _NS)


def _slice(name: str, pid: int, tid: int, start: float, end: float, args: dict) -> dict:
    ts = _us(start)
    return {"name": name, "ph": "X", "pid": pid, "tid": tid, "ts": ts, "dur": _us(_us(end) - ts), "args": args}


def _metadata(timeline: Timeline) -> tuple[list[dict], dict[str, tuple[int, int]]]:
    tracks = {ORCHESTRATOR_TRACK: (_PIDS["Orchestrator"], 0)}
    tracks.update({scheduler_track(i): (_PIDS["Scheduler"], i) for i in range(timeline.config.scheduler_threads)})
    tracks.update({core: (_PIDS["Worker View"], i) for i, core in enumerate(timeline.cores)})
    events = []
    for name, pid in _PIDS.items():
        events.append({"name": "process_name", "ph": "M", "pid": pid, "tid": 0, "args": {"name": name}})
        events.append({"name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0, "args": {"sort_index": pid}})
    for name, (pid, tid) in tracks.items():
        events.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "args": {"name": name}})
        events.append({"name": "thread_sort_index", "ph": "M", "pid": pid, "tid": tid, "args": {"sort_index": tid}})
    return events, tracks


def _span_events(spans: Iterable[Span], timeline: Timeline, tracks: dict[str, tuple[int, int]]) -> list[dict]:
    return [
        _slice(
            f"{span.label} {timeline.tasks[span.task].name}",
            *tracks[span.track],
            span.start_us,
            span.end_us,
            {"task": span.task},
        )
        for span in spans
    ]


def _block_event(record: BlockRecord, tracks: dict[str, tuple[int, int]]) -> dict:
    args = {
        "task": record.task,
        "block": record.block,
        "dispatch_us": _us(record.dispatch_us),
        "head_oh_us": _us(record.head_oh_us),
        "tail_oh_us": _us(record.tail_oh_us),
    }
    return _slice(record.name, *tracks[record.core], record.start_us, record.end_us, args)


def _flow_events(timeline: Timeline, tracks: dict[str, tuple[int, int]]) -> list[dict]:
    last: dict[int, BlockRecord] = {}
    first: dict[int, BlockRecord] = {}
    for r in timeline.blocks:
        if r.task not in last or r.end_us > last[r.task].end_us:
            last[r.task] = r
        if r.task not in first or r.start_us < first[r.task].start_us:
            first[r.task] = r
    events = []
    for flow_id, (producer, consumer) in enumerate(timeline.edges):
        src, dst = last[producer], first[consumer]
        # Bind strictly inside the two slices: at the producer's end, just before it; at the consumer's start.
        src_ts = max(_us(src.start_us), _us(src.end_us) - 10**-_NS)
        common = {"name": "dep", "cat": "dependency", "id": flow_id}
        events.append({**common, "ph": "s", "pid": tracks[src.core][0], "tid": tracks[src.core][1], "ts": src_ts})
        events.append(
            {
                **common,
                "ph": "f",
                "bp": "e",
                "pid": tracks[dst.core][0],
                "tid": tracks[dst.core][1],
                "ts": _us(dst.start_us),
            }
        )
    return events


def trace_events(timeline: Timeline) -> list[dict]:
    """All trace events: metadata, slices of the three processes, dependency flows."""
    events, tracks = _metadata(timeline)
    events += _span_events(timeline.submits, timeline, tracks)
    events += _span_events(timeline.scheduler, timeline, tracks)
    events += [_block_event(r, tracks) for r in timeline.blocks]
    events += _flow_events(timeline, tracks)
    return events


def trace_json(timeline: Timeline) -> str:
    return json.dumps({"traceEvents": trace_events(timeline), "displayTimeUnit": "ns"}, sort_keys=True)


def write_trace(timeline: Timeline, path: str) -> None:
    """Write the swimlane to `path` (a .json file Perfetto / chrome://tracing opens)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(trace_json(timeline))
