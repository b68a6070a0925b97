"""Level A of a task with `pl.syncall` barriers: a barrier holds every block until the slowest one arrives.

Each block's ops are split at its barriers and every phase is list-scheduled on its own (a barrier drains the
pipes, so no op overlaps one across it). Phase k then lasts as long as its slowest block, and every block's
work is the sum of those maxima plus `syncall_us` per barrier; its GM bytes and flops stay its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .config import ChipConfig
from .cost import BlockWork, TileOp, time_block


def phase_slices(ops: Sequence[TileOp], starts: Sequence[int]) -> list[list[TileOp]]:
    """The ops of each phase (`starts`: positions where a barrier began a new phase), with deps renumbered
    within the phase and those on an earlier phase dropped (the barrier already waited for them)."""
    bounds = [0, *starts, len(ops)]
    return [
        [dataclasses.replace(op, deps=tuple(d - a for d in op.deps if d >= a)) if op.deps else op for op in ops[a:b]]
        for a, b in zip(bounds, bounds[1:])
    ]


def phased_works(blocks: Sequence[tuple[Sequence[TileOp], Sequence[int]]], core_type: str, cfg: ChipConfig) -> list[BlockWork]:
    """The work of each block of a barrier-synchronised task, from (ops, phase starts) per block."""
    timed = [[time_block(p, core_type).work for p in phase_slices(ops, starts)] for ops, starts in blocks]
    phases = {len(t) for t in timed}
    if len(phases) != 1:
        raise ValueError(f"every block of a barrier-synchronised task needs the same phases, got {sorted(phases)}")
    barriers = phases.pop() - 1
    cycles = sum(max(t[k].cycles for t in timed) for k in range(barriers + 1))
    cycles += barriers * cfg.syncall_us * cfg.cycles_per_us
    return [
        BlockWork(cycles=cycles, gm_bytes=sum(w.gm_bytes for w in t), flops=sum(w.flops for w in t)) for t in timed
    ]
