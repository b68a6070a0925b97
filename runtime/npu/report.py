"""RunReport: the numbers a kernel author compares between two variants of a program.

Definitions follow Huawei's swimlane converter so modelled and measured numbers are comparable: per block
record Exec = end - start, Head OH = start - dispatch (including time in a busy core's pending slot),
Tail OH = finish - end; Total Test Time = max(finish) - min(dispatch); averages are over all block records.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from .timeline import BlockRecord, Timeline


@dataclass(frozen=True)
class FunctionStats:
    """One row of the per-function table (a function is a kernel name)."""

    kernel: str
    tasks: int
    blocks: int
    exec_us: float  # summed over the blocks
    avg_exec_us: float
    avg_head_oh_us: float
    avg_tail_oh_us: float
    first_start_us: float  # the function's span: its first block's start to its last block's end
    last_end_us: float

    @property
    def span_us(self) -> float:
        return self.last_end_us - self.first_start_us


@dataclass(frozen=True)
class CriticalStep:
    """A task on the chain that determined the end: each one was released by the previous one."""

    task: int
    name: str
    kernel: str
    ready_us: float
    first_start_us: float
    last_finish_us: float


@dataclass(frozen=True)
class Roofline:
    """Lower bound of the whole program: all its GM bytes at HBM peak vs all its flops at cube peak."""

    gm_bytes: int
    flops: float
    memory_us: float
    compute_us: float

    @property
    def bound_us(self) -> float:
        return max(self.memory_us, self.compute_us)

    @property
    def limiter(self) -> str:
        return "memory" if self.memory_us >= self.compute_us else "compute"


@dataclass(frozen=True)
class RunReport:
    platform: str
    total_us: float
    avg_exec_us: float
    avg_head_oh_us: float
    avg_tail_oh_us: float
    tasks: int  # = orchestrator submits
    blocks: int
    functions: tuple[FunctionStats, ...]
    critical_path: tuple[CriticalStep, ...]
    core_utilisation: Mapping[str, float]  # busy (exec) time / Total Test Time, per core
    roofline: Roofline

    def to_dict(self) -> dict:
        data = asdict(self)
        data["core_utilisation"] = dict(self.core_utilisation)
        data["roofline"].update(bound_us=self.roofline.bound_us, limiter=self.roofline.limiter)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True)

    def to_text(self, max_path_rows: int = 20) -> str:
        roof = self.roofline
        lines = [
            f"NPU model report ({self.platform})",
            f"  Total Test Time        {self.total_us:10.3f} us",
            f"  tasks (submits)        {self.tasks:10d}",
            f"  blocks                 {self.blocks:10d}",
            f"  avg Exec per block     {self.avg_exec_us:10.3f} us",
            f"  avg Head OH per block  {self.avg_head_oh_us:10.3f} us",
            f"  avg Tail OH per block  {self.avg_tail_oh_us:10.3f} us",
            f"  roofline bound         {roof.bound_us:10.3f} us ({roof.limiter}: "
            f"{roof.gm_bytes / 1e6:.3f} MB -> {roof.memory_us:.3f} us, "
            f"{roof.flops / 1e9:.3f} GFLOP -> {roof.compute_us:.3f} us)",
        ]
        for kind in ("AIC", "AIV"):
            values = [u for core, u in self.core_utilisation.items() if core.startswith(kind)]
            if values:
                lines.append(
                    f"  {kind} utilisation        mean {100 * sum(values) / len(values):5.1f}%"
                    f"  max {100 * max(values):5.1f}%  over {len(values)} cores"
                )
        lines += [
            "",
            f"  {'function':<32} {'tasks':>6} {'blocks':>6} {'exec_us':>10} "
            f"{'avg_exec':>9} {'avg_head':>9} {'avg_tail':>9}",
        ]
        for f in self.functions:
            lines.append(
                f"  {f.kernel:<32} {f.tasks:>6} {f.blocks:>6} {f.exec_us:>10.3f} "
                f"{f.avg_exec_us:>9.3f} {f.avg_head_oh_us:>9.3f} {f.avg_tail_oh_us:>9.3f}"
            )
        lines += ["", f"  critical path ({len(self.critical_path)} tasks)"]
        for step in self.critical_path[:max_path_rows]:
            lines.append(
                f"    #{step.task:<6} {step.name:<32} ready {step.ready_us:10.3f}  "
                f"start {step.first_start_us:10.3f}  finish {step.last_finish_us:10.3f}"
            )
        if len(self.critical_path) > max_path_rows:
            lines.append(f"    ... {len(self.critical_path) - max_path_rows} more")
        return "\n".join(lines)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _functions(blocks: tuple[BlockRecord, ...]) -> tuple[FunctionStats, ...]:
    groups: dict[str, list[BlockRecord]] = {}
    for record in blocks:
        groups.setdefault(record.kernel, []).append(record)
    return tuple(
        FunctionStats(
            kernel=kernel,
            tasks=len({r.task for r in records}),
            blocks=len(records),
            exec_us=sum(r.exec_us for r in records),
            avg_exec_us=_mean([r.exec_us for r in records]),
            avg_head_oh_us=_mean([r.head_oh_us for r in records]),
            avg_tail_oh_us=_mean([r.tail_oh_us for r in records]),
            first_start_us=min(r.start_us for r in records),
            last_end_us=max(r.end_us for r in records),
        )
        for kernel, records in groups.items()
    )


def _critical_path(timeline: Timeline) -> tuple[CriticalStep, ...]:
    if not timeline.blocks:
        return ()
    first_start: dict[int, float] = {}
    last_finish: dict[int, float] = {}
    for r in timeline.blocks:
        first_start[r.task] = min(first_start.get(r.task, r.start_us), r.start_us)
        last_finish[r.task] = max(last_finish.get(r.task, r.finish_us), r.finish_us)
    chain = []
    task: int | None = max(timeline.blocks, key=lambda r: r.finish_us).task
    while task is not None:
        record = timeline.tasks[task]
        chain.append(
            CriticalStep(task, record.name, record.kernel, record.ready_us, first_start[task], last_finish[task])
        )
        task = record.gated_by
    return tuple(reversed(chain))


def build_report(timeline: Timeline) -> RunReport:
    """Summarise a simulated timeline."""
    cfg = timeline.config
    blocks = timeline.blocks
    total = max((r.finish_us for r in blocks), default=0.0) - min((r.dispatch_us for r in blocks), default=0.0)
    busy = dict.fromkeys(timeline.cores, 0.0)
    for r in blocks:
        busy[r.core] += r.exec_us
    gm_bytes = sum(t.gm_bytes for t in timeline.tasks)
    flops = sum(t.flops for t in timeline.tasks)
    return RunReport(
        platform=cfg.name,
        total_us=total,
        avg_exec_us=_mean([r.exec_us for r in blocks]),
        avg_head_oh_us=_mean([r.head_oh_us for r in blocks]),
        avg_tail_oh_us=_mean([r.tail_oh_us for r in blocks]),
        tasks=len(timeline.tasks),
        blocks=len(blocks),
        functions=_functions(blocks),
        critical_path=_critical_path(timeline),
        core_utilisation={core: (b / total if total > 0 else 0.0) for core, b in busy.items()},
        roofline=Roofline(
            gm_bytes=gm_bytes,
            flops=flops,
            memory_us=gm_bytes / cfg.hbm_bytes_per_us,
            compute_us=flops / cfg.cube_peak_flops_per_us,
        ),
    )
