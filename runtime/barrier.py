"""`pl.syncall`: the blocks of one dispatch run phase by phase, every block finishing phase k (what precedes
its k-th barrier) before any block starts phase k+1.

Each block runs in its own thread so that its registers (tiles, scalars, loop state) stay alive across a
barrier, but only the thread holding the token runs: blocks 0..n-1 take their turn in order in every phase,
so a run is as deterministic as the sequential executor. A hard barrier waits for every block; one that ends
with fewer barriers than another hangs on the device, and is reported here instead.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from xdsl.ir import Operation

from ..dialects.task_ops import SyncallOp
from .errors import PlRuntimeError
from .interp import Frame, FunctionCompiler, Recorder, handles

if TYPE_CHECKING:
    from .dispatch import PreparedKernel


class _Aborted(Exception):
    """Unwinds a waiting block once another block has failed."""


class PhasedRun:
    """The token passed among the blocks of one dispatch."""

    def __init__(self, blocks: int):
        self.blocks = blocks
        self.cond = threading.Condition()
        self.turn = 0
        self.ends: dict[int, Operation | None] = {}  # how each block ended this phase: at a barrier, or None
        self.error: BaseException | None = None

    def run(self, block: Callable[[int, Recorder], None]) -> list[Recorder]:
        """Run `block(b, rec)` for every block, phase by phase; each block's recorder, or the first error."""
        recs = [Recorder(barrier=self._barrier_for(b)) for b in range(self.blocks)]
        threads = [
            threading.Thread(target=contextvars.copy_context().run, args=(self._body, block, b, recs[b]), daemon=True)
            for b in range(self.blocks)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if self.error is not None:
            raise self.error
        return recs

    def _body(self, block: Callable[[int, Recorder], None], b: int, rec: Recorder) -> None:
        try:
            self._wait(b)
            block(b, rec)
            self._pass(b, None)
        except _Aborted:
            pass
        except BaseException as err:  # noqa: BLE001 - handed to the dispatching thread
            with self.cond:
                if self.error is None:
                    self.error = err
                self.cond.notify_all()

    def _barrier_for(self, b: int) -> Callable[[Operation], None]:
        def barrier(op: Operation) -> None:
            self._pass(b, op)
            self._wait(b)

        return barrier

    def _wait(self, b: int) -> None:
        with self.cond:
            while self.turn != b and self.error is None:
                self.cond.wait()
            if self.error is not None:
                raise _Aborted

    def _pass(self, b: int, end: Operation | None) -> None:
        """Block `b` ends its part of the phase at barrier `end` (None: the kernel's end); the next block runs."""
        with self.cond:
            self.ends[b] = end
            if b + 1 < self.blocks:
                self.turn = b + 1
            else:
                self._close_phase()
            self.cond.notify_all()

    def _close_phase(self) -> None:
        ends = self.ends
        at_barrier = [b for b, op in ends.items() if op is not None]
        if at_barrier and len(at_barrier) < self.blocks:
            ended = min(b for b, op in ends.items() if op is None)
            waiting = at_barrier[0]
            raise PlRuntimeError(
                f"block {ended} ends without reaching this pl.syncall, which block {waiting} waits at: a hard "
                "barrier waits for every block of the task (on the device the task hangs)", ends[waiting]
            )
        self.ends = {}
        self.turn = 0 if at_barrier else -1


def check_occupancy(kernel: PreparedKernel, blocks: int, dispatch: Operation) -> None:
    """PyPTO's HardSyncallOccupancy check: a hard barrier completes only if the launch fills every core of its
    kind at once (a partial or wave-by-wave launch hangs on the device, error 507018). A kernel with cube work
    is a mixed kernel launched per core group (1 AIC + 2 AIV); a vector-only kernel per AIV core, where only
    an `aiv_only` barrier has participants."""
    cfg = kernel.pricer.cfg
    for sync in kernel.syncalls:
        core_type = sync.core_type.data
        if kernel.core_type == "AIV" and core_type != "aiv_only":
            raise PlRuntimeError(
                f"pl.system.syncall(core_type='{core_type}') in kernel '{kernel.name}', which has no cube work, can "
                "never complete (its launch has no AIC participants); use core_type='aiv_only'", sync
            )
        need, unit = (cfg.core_count["AIV"], "AIV cores") if kernel.core_type == "AIV" else (cfg.clusters, "core groups")
        if blocks != need:
            raise PlRuntimeError(
                f"a hard pl.system.syncall needs its pl.spmd to fill the chip: {cfg.name} has {need} {unit}, the "
                f"task launches {blocks} blocks (a partial launch hangs on the device)", sync
            )
        if "pl.sync_start" not in dispatch.attributes:
            raise PlRuntimeError(
                "a hard pl.system.syncall needs its pl.spmd launched with sync_start=True (blocks started in waves "
                "never all reach the barrier)", sync
            )


@handles(SyncallOp)
def _syncall(op: SyncallOp, c: FunctionCompiler):
    def run(f: Frame) -> None:
        rec = f.rec
        if rec.barrier is None:
            raise PlRuntimeError(f"{c.label}: pl.syncall outside a pl.spmd dispatch", op)
        rec.phases.append(len(rec.ops))
        rec.barrier(op)

    return run
