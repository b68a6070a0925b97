"""The simulation's input (tasks) and output (timeline records), shared by the report and the trace.

Kept apart from the event loop so consumers of a timeline never depend on how it was simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import ChipConfig
from .cost import BlockWork


@dataclass(frozen=True)
class SimTask:
    """One `pl.dispatch`: `blocks` run `kernel` on `core_type` cores; `deps` are earlier task indices.
    `early_resolve` (PyPTO's allow_early_resolve) lets its consumers be pre-staged before it finishes;
    `sync_start` launches all its blocks together or not at all (sim.py models both). `dummy_producer`: a
    producer is a pl.system.task_dummy, folded into direct edges here but a never-flagged task of its own
    in the runtime, so this task never pre-stages."""

    name: str
    kernel: str
    core_type: str
    blocks: tuple[BlockWork, ...]
    deps: tuple[int, ...] = ()
    early_resolve: bool = False
    sync_start: bool = False
    dummy_producer: bool = False


@dataclass(frozen=True)
class BlockRecord:
    """One block on one core, with the four timestamps the metrics are defined on (microseconds).
    A `prestaged` block was dispatched before its producers finished and started on their doorbell."""

    task: int
    name: str
    kernel: str
    block: int
    core: str
    dispatch_us: float
    start_us: float
    end_us: float
    finish_us: float
    prestaged: bool = False

    @property
    def exec_us(self) -> float:
        return self.end_us - self.start_us

    @property
    def head_oh_us(self) -> float:
        return self.start_us - self.dispatch_us

    @property
    def tail_oh_us(self) -> float:
        return self.finish_us - self.end_us


@dataclass(frozen=True)
class Span:
    """An interval of work on an AICPU thread (`track`): a submit, a pop, a pre-stage or a completion."""

    track: str
    label: str
    task: int
    start_us: float
    end_us: float


@dataclass(frozen=True)
class TaskRecord:
    """Per-task summary. `gated_by` is the producer whose completion made the task ready (None if it was
    ready at submit), so following it from the last task gives the critical path."""

    task: int
    name: str
    kernel: str
    core_type: str
    blocks: int
    gm_bytes: int
    flops: float
    submit_us: float
    ready_us: float
    finish_us: float
    gated_by: int | None


@dataclass(frozen=True)
class Timeline:
    config: ChipConfig
    tasks: tuple[TaskRecord, ...]
    blocks: tuple[BlockRecord, ...]  # ordered by (task, block)
    submits: tuple[Span, ...]
    scheduler: tuple[Span, ...]
    edges: tuple[tuple[int, int], ...]  # (producer, consumer)
    cores: tuple[str, ...]  # every core, AIC first


ORCHESTRATOR_TRACK = "Orchestrator"


def scheduler_track(thread: int) -> str:
    return f"Sched_{thread}"
