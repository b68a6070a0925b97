"""Level B: one deterministic discrete-event simulation of the AICPU runtime driving the AI cores.

This is where Head OH comes from. The modelled actors and the policy choices the spec leaves open:

* Orchestrator: one thread submits the tasks in program order, `submit_us` each, back to back.
* Ready queues: a task is ready once submitted and all its producers have FINISHED (their last completion
  retired by a scheduler). A single-block task released by a completion joins the queue of the thread
  that retired that completion (the runtime's per-thread local ready buffer: the releasing thread
  dispatches its consumers itself), up to as many tasks as the thread has cores of that type; every other
  ready task (ready at submit, multi-block, or overflow) joins the shared queue of its core type. A thread
  serves its own queue before the shared one and only looks at the head of each queue (strict FIFO). A
  thread that has no idle core of a type moves its own queued tasks of that type to the tail of the shared
  queue, where any thread can take them (the runtime flushes its local buffers to the shared queue
  between its idle and its pending dispatch stage).
* Scheduler threads: cluster c belongs to thread c % scheduler_threads. A thread only launches onto and
  retires from its own cores, one action at a time: retiring a completion (`completion_base_us` +
  `completion_per_fanout_us` per consumer released for a task's last block, `completion_per_block_us`
  for the other blocks of a multi-block task) has priority over popping a task
  (`pop_base_us` + `pop_per_block_us` per block launched), as the runtime's loop polls completions
  before it dispatches. A task that is ready at submit is offered first to WIRING_THREAD (thread 0),
  which drains the orchestrator's wiring queue, pushes the ready task to the shared queue and dispatches
  in the same loop pass; tasks released by completions are offered to free threads in rotating order
  (a symmetric race between polling threads, resolved round-robin).
* Placement, as a thread sees it (only its own cores): a block goes to one of the thread's idle cores
  (nothing outstanding) if it has one. A single-block task may otherwise go to the pending slot of one of
  the thread's busy cores, but only while no other thread has an idle core of that type (the runtime
  reads its peers' idle-core masks and skips its pending stage while a peer is idle). A multi-block
  (spmd) task is launched in bursts onto idle cores only, in waves as cores free up; it is popped once:
  threads joining a partly launched task pay only the per-block cost. The thread writes one block's
  launch registers after another, so block k of a burst is dispatched `pop_per_block_us` after block
  k-1 (its Head OH starts then, not when the whole burst is written).
  Source of the queue, wiring and pending-stage rules: the PTO2 AICPU runtime, hw-native-sys/simpler,
  src/a2a3/runtime/tensormap_and_ringbuffer/runtime/scheduler/scheduler_dispatch.cpp (the version with
  per-thread local ready buffers) and docs/RUNTIME_LOGIC.md; runtime/npu/CALIBRATION.md lists what was
  read and how the runtime's versions differ.
* allow_early_resolve (PyPTO's producer-side hint, SimTask.early_resolve): a task whose producers are
  all flagged - a finished unflagged producer vetoes too, and so does a pl.system.task_dummy, a task of
  its own in the runtime that is never flagged - becomes a pre-stage candidate once every live producer
  has written all its blocks' launch registers (a pre-staged producer: once it is rung). A thread whose
  own and shared ready queues are empty (ready work goes first) stages the head candidate's blocks like
  a pop, onto its idle cores, else - while no other thread has an idle core of the type - onto pending
  slots of its busy cores; a core holding a gated block takes nothing else. A gated block gets its
  payload (receive and cold costs) while it waits. The completion that releases the task rings one
  doorbell per staged block (`pop_per_block_us` each, added to the retire) and each block starts
  `doorbell_start_us` after the retire, or when its core frees; blocks not staged by then are queued
  as usual. Candidates never stage two levels ahead: a consumer of a pre-staged task waits for its ring.
* sync_start (SimTask.sync_start): a ready cohort is served before any other ready task (Tier 0) by a
  thread with an idle core of its type; it launches only onto idle cores, all at once: onto the thread's
  own if they hold it, else onto every thread's idle cores, and while the chip has too few idle cores
  it holds a drain that stops all other dispatch (retirements go on). A pre-staged sync_start cohort is
  staged all or nothing onto idle then pending slots of any thread and rings together once every block
  holds a running slot and its producers are done. Not modelled: the drain's acknowledgement round (its
  launch costs one pop on the thread that writes it) and the retry of a gated cohort that does not fit
  (it waits for its producers and launches as a ready cohort).
  Source of both: simpler, src/a2a3/runtime/tensormap_and_ringbuffer/runtime/pto_orchestrator.cpp
  (wire_fanin_task), runtime/scheduler/pto_scheduler.h (propagate_dispatch_fanin,
  try_early_dispatch_release), runtime/scheduler/scheduler_dispatch.cpp (try_early_dispatch,
  stage_consumer_blocks, dispatch_shape), runtime/scheduler/scheduler_completion.cpp
  (stage_sync_start_cores, handle_drain_mode) and docs/RUNTIME_LOGIC.md section 8.6 (newer than the
  local-buffer version above; runtime/npu/CALIBRATION.md, "Scheduling hints").
* Cores: dispatch -> start takes `dispatch_receive_us` (+ `cold_core_us` on a core's first block); a
  pending block starts `pending_start_us` after the running one ends. A completion is seen
  `completion_seen_us` + a deterministic sweep offset after the block ends; that is the block's
  finish, or later if the owning thread is busy then.
* HBM: blocks that still have GM bytes to move share `shared_hbm_bytes_per_us` equally (processor
  sharing, re-timed at every start and drain), each capped at its core's own GM bandwidth. A block ends
  when both its core cycles (Level A, uncontended) have elapsed and its bytes have drained; with little
  contention that is the Level A time whenever Level A already spent bytes / own-bandwidth on transfers.

Events are ordered by (time, sequence number); nothing depends on wall-clock time or randomness, so the
same task list always gives the same timeline, bit for bit.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence

from .config import CORE_TYPES, ChipConfig
from .hbm import SharedHbm
from .timeline import ORCHESTRATOR_TRACK, BlockRecord, SimTask, Span, TaskRecord, Timeline, scheduler_track

# event kinds
_SUBMIT, _ACTION_END, _START, _END, _SEEN, _HBM, _LAUNCH = range(7)
# scheduler actions
_POP, _RETIRE = range(2)
# The scheduler thread that drains the orchestrator's wiring queue: it pushes each task that is ready at
# submit onto the shared queue and runs its own dispatch pass right after, so it gets the first pick.
WIRING_THREAD = 0


class _Core:
    __slots__ = ("name", "kind", "thread", "outstanding", "warm", "busy", "queue", "last_end", "gated", "waiting")

    def __init__(self, name: str, kind: str, thread: int) -> None:
        self.name = name
        self.kind = kind
        self.thread = thread
        self.outstanding = 0  # blocks launched and not yet retired: the scheduler's view of its slots
        self.warm = False
        self.busy = False  # physically running (or about to start) a block
        self.queue: deque[int] = deque()  # blocks in the pending slot
        self.last_end = -math.inf
        self.gated = 0  # pre-staged blocks whose doorbell has not rung: the core takes nothing else meanwhile
        self.waiting: int | None = None  # a pre-staged block in the running slot, spinning on its doorbell


class _Thread:
    __slots__ = ("index", "cores", "idle", "busy", "completions", "action", "ready")

    def __init__(self, index: int) -> None:
        self.index = index
        self.cores: dict[str, list[int]] = {kind: [] for kind in CORE_TYPES}
        self.idle = dict.fromkeys(CORE_TYPES, 0)
        self.busy = False
        self.completions: deque[int] = deque()
        self.action: tuple = ()
        self.ready: dict[str, deque[int]] = {kind: deque() for kind in CORE_TYPES}  # released by this thread


class _Simulation:
    def __init__(self, tasks: Sequence[SimTask], cfg: ChipConfig) -> None:
        self.cfg = cfg
        self.tasks = tasks
        self._check(tasks, cfg)
        self.events: list[tuple[float, int, int, int]] = []
        self.seq = 0
        self.threads = [_Thread(i) for i in range(cfg.scheduler_threads)]
        self.cores = self._make_cores(cfg)
        self.idle = dict.fromkeys(CORE_TYPES, 0)
        for index, core in enumerate(self.cores):
            thread = self.threads[core.thread]
            thread.cores[core.kind].append(index)
            thread.idle[core.kind] += 1
            self.idle[core.kind] += 1
        self.rr = 0
        self.ready: dict[str, deque[int]] = {kind: deque() for kind in CORE_TYPES}
        self.sync_ready: dict[str, deque[int]] = {kind: deque() for kind in CORE_TYPES}  # sync_start cohorts
        self.early: dict[str, deque[int]] = {kind: deque() for kind in CORE_TYPES}  # pre-stage candidates
        # a sync_start cohort that does not fit one thread's idle cores: nothing else dispatches until it is
        # launched onto idle cores of several threads (`drain_writing`: its launch registers are being written)
        self.drain: int | None = None
        self.drain_writing = False
        self.hbm = SharedHbm(cfg.core_gm_bytes_per_us, cfg.shared_hbm_bytes_per_us)
        self.hbm_version = 0

        n = len(tasks)
        self.offset = [0] * (n + 1)
        for t, task in enumerate(tasks):
            self.offset[t + 1] = self.offset[t] + len(task.blocks)
        self.block_task = [t for t, task in enumerate(tasks) for _ in task.blocks]
        self.block_work = [work for task in tasks for work in task.blocks]
        nblocks = self.offset[n]
        self.remaining = [0] * n
        self.successors: list[list[int]] = [[] for _ in range(n)]
        self.finished = [False] * n
        self.placed = [0] * n
        self.popped = [False] * n
        self.retired = [0] * n
        self.ready_order = [0] * n
        self.ready_count = 0
        self.submit_us = [0.0] * n
        self.ready_us = [0.0] * n
        self.finish_us = [0.0] * n
        self.gated_by: list[int | None] = [None] * n
        self.released = [False] * n  # every producer finished
        self.early_ok = [False] * n  # every producer is flagged allow_early_resolve (and one was live)
        self.early_wait = [0] * n  # flagged live producers that have not yet published all their blocks
        self.propagated = [False] * n  # a flagged task told its consumers it is fully launched
        self.published = [0] * n  # blocks whose launch registers are written
        self.staged = [0] * n  # blocks pre-staged behind a doorbell
        self.rung = [False] * n
        self.at_gate = [0] * n  # pre-staged blocks of a sync_start cohort sitting in a running slot
        self.candidate_order = [0] * n
        self.candidates = 0
        self.bell: list[float | None] = [0.0] * nblocks  # when the doorbell lets the block start (None: not yet)
        self.earliest = [0.0] * nblocks  # when a block waiting on its doorbell could otherwise start
        self.prestaged = [False] * nblocks
        self.core_of = [0] * nblocks
        self.receive = [0.0] * nblocks
        self.dispatch = [0.0] * nblocks
        self.start = [0.0] * nblocks
        self.compute_end = [0.0] * nblocks
        self.end = [0.0] * nblocks
        self.finish = [0.0] * nblocks
        self.submit_spans: list[Span] = []
        self.sched_spans: list[Span] = []

    @staticmethod
    def _check(tasks: Sequence[SimTask], cfg: ChipConfig) -> None:
        if cfg.orchestrator_threads != 1:
            raise ValueError("the model replays the orchestration function on exactly one thread")
        for t, task in enumerate(tasks):
            if task.core_type not in CORE_TYPES:
                raise ValueError(f"task {t} ({task.name}): core type {task.core_type!r} is not one of {CORE_TYPES}")
            if not task.blocks:
                raise ValueError(f"task {t} ({task.name}) has no blocks")
            if any(not 0 <= d < t for d in task.deps):
                raise ValueError(f"task {t} ({task.name}) depends on {task.deps}: deps must be earlier tasks")
            if task.sync_start and len(task.blocks) > cfg.core_count[task.core_type]:
                raise ValueError(
                    f"task {t} ({task.name}): sync_start with {len(task.blocks)} blocks needs that many "
                    f"{task.core_type} cores at once; {cfg.name} has {cfg.core_count[task.core_type]}"
                )

    @staticmethod
    def _make_cores(cfg: ChipConfig) -> list[_Core]:
        per_cluster = {"AIC": cfg.aic_per_cluster, "AIV": cfg.aiv_per_cluster}
        return [
            _Core(f"{kind}_{i}", kind, (i // per_cluster[kind]) % cfg.scheduler_threads)
            for kind in CORE_TYPES
            for i in range(cfg.core_count[kind])
        ]

    # --- event plumbing ---------------------------------------------------------------------------

    def push(self, time: float, kind: int, payload: int) -> None:
        heapq.heappush(self.events, (time, self.seq, kind, payload))
        self.seq += 1

    def run(self) -> None:
        if self.tasks:
            self.push(self.cfg.submit_us, _SUBMIT, 0)
        handlers = (
            self.on_submit, self.on_action_end, self.on_start, self.on_end, self.on_seen, self.on_hbm, self.on_launch
        )
        events = self.events
        while events:
            time, _, kind, payload = heapq.heappop(events)
            handlers[kind](time, payload)

    # --- orchestrator -----------------------------------------------------------------------------

    def on_submit(self, now: float, t: int) -> None:
        self.submit_spans.append(Span(ORCHESTRATOR_TRACK, "submit", t, now - self.cfg.submit_us, now))
        self.submit_us[t] = now
        deps = sorted(set(self.tasks[t].deps))
        for d in deps:
            if not self.finished[d]:
                self.remaining[t] += 1
                self.successors[d].append(t)
        if t + 1 < len(self.tasks):
            self.push(now + self.cfg.submit_us, _SUBMIT, t + 1)
        if self.remaining[t] == 0:
            self.make_ready(now, t)
        elif not self.tasks[t].dummy_producer and all(self.tasks[d].early_resolve for d in deps):
            # one unflagged producer, even a finished one, vetoes
            self.early_ok[t] = True
            self.early_wait[t] = sum(not self.finished[d] and not self.propagated[d] for d in deps)
            if self.early_wait[t] == 0:
                self.add_candidate(now, t)

    def make_ready(self, now: float, t: int, releaser: _Thread | None = None) -> None:
        self.released[t] = True
        self.ready_us[t] = now
        self.ready_order[t] = self.ready_count
        self.ready_count += 1
        task = self.tasks[t]
        kind = task.core_type
        own = releaser.ready[kind] if releaser is not None and len(task.blocks) == 1 else None
        if task.sync_start:
            self.sync_ready[kind].append(t)
        elif own is not None and len(own) < len(releaser.cores[kind]):
            own.append(t)
        else:
            self.ready[kind].append(t)
        self.kick(now, WIRING_THREAD if releaser is None else None)

    # --- allow_early_resolve: pre-staging behind a doorbell -----------------------------------------

    def add_candidate(self, now: float, t: int) -> None:
        self.candidate_order[t] = self.candidates
        self.candidates += 1
        self.early[self.tasks[t].core_type].append(t)
        self.kick(now)

    def propagate(self, now: float, p: int) -> None:
        """A flagged task whose blocks are all launched (and, if it was pre-staged, rung) counts towards
        its consumers' pre-staging; a consumer becomes a candidate once all its producers have counted."""
        if not self.tasks[p].early_resolve or self.propagated[p]:
            return
        if self.published[p] < len(self.tasks[p].blocks) or (self.staged[p] and not self.rung[p]):
            return
        self.propagated[p] = True
        for s in self.successors[p]:
            if self.early_ok[s] and not self.released[s]:
                self.early_wait[s] -= 1
                if self.early_wait[s] == 0:
                    self.add_candidate(now, s)

    def release(self, now: float, t: int, releaser: _Thread) -> None:
        """Task t's last producer finished: ring its pre-staged blocks' doorbells, queue the rest."""
        candidates = self.early[self.tasks[t].core_type]
        if t in candidates:
            candidates.remove(t)
        if self.placed[t] < len(self.tasks[t].blocks):
            self.make_ready(now, t, releaser)
        else:
            self.released[t] = True
            self.ready_us[t] = now
        if self.staged[t]:
            if not self.tasks[t].sync_start:
                self.ring(now, t)
            elif self.at_gate[t] == len(self.tasks[t].blocks):
                self.ring(now, t)  # a sync_start cohort rings together, once every block holds a running slot

    def ring(self, now: float, t: int) -> None:
        cfg = self.cfg
        first = self.offset[t]
        for g in range(first, first + self.staged[t]):
            self.bell[g] = now + cfg.doorbell_start_us
            core = self.cores[self.core_of[g]]
            core.gated -= 1
            if core.waiting == g:
                core.waiting = None
                self.push(max(self.earliest[g], self.bell[g]), _START, g)
        self.rung[t] = True
        self.propagate(now, t)

    # --- scheduler threads ------------------------------------------------------------------------

    def kick(self, now: float, first: int | None = None) -> None:
        """Offer work to every free thread, starting from `first` (default: the rotating pointer)."""
        first = self.rr if first is None else first
        count = len(self.threads)
        for i in range(count):
            thread = self.threads[(first + i) % count]
            if not thread.busy:
                self.act(now, thread)

    def act(self, now: float, thread: _Thread) -> None:
        if thread.completions:
            self.start_retire(now, thread, thread.completions.popleft())
            return
        if self.drain is not None:  # stop the world until the cohort fits the chip's idle cores
            cores = [] if self.drain_writing else self.idle_anywhere(thread, self.drain)
            if cores:
                self.drain_writing = True
                self.start_pop(now, thread, self.drain, None, cores)
            return
        if self.spill(thread):
            self.kick(now)  # peers with idle cores can take the spilled tasks now
            return
        if self.pop_sync(now, thread):
            return
        for queues in (thread.ready, self.ready):  # the thread's own queue first
            best = self.pick(queues, self.ready_order, lambda t: self.claimable(thread, t))
            if best is not None:
                self.start_pop(now, thread, *best)
                return
        if not any(q for queues in (thread.ready, self.ready, self.sync_ready) for q in queues.values()):
            # ready work goes before speculation
            best = self.pick(self.early, self.candidate_order, lambda t: self.stageable(thread, t))
            if best is not None:
                self.start_pop(now, thread, *best, gated=True)

    @staticmethod
    def pick(queues: dict[str, deque[int]], order: list[int], cores_for) -> tuple[int, deque[int], list[int]] | None:
        """The earliest head of the per-core-type queues that `cores_for` finds cores for (strict FIFO)."""
        best: tuple[int, deque[int], list[int]] | None = None
        for kind in CORE_TYPES:
            queue = queues[kind]
            if queue and (best is None or order[queue[0]] < order[best[0]]):
                cores = cores_for(queue[0])
                if cores:
                    best = (queue[0], queue, cores)
        return best

    def pop_sync(self, now: float, thread: _Thread) -> bool:
        """Ready sync_start cohorts go first (the runtime's Tier 0). A thread with an idle core of the type
        takes the head: it launches it onto its own idle cores if they hold it all, else onto idle cores of
        every thread if the chip has enough, else it arms the drain that stops all dispatch until it fits."""
        heads = [q for kind, q in self.sync_ready.items() if q and thread.idle[kind]]
        if not heads:
            return False
        t = min(heads, key=lambda q: self.ready_order[q[0]]).popleft()
        if thread.idle[self.tasks[t].core_type] >= len(self.tasks[t].blocks):
            self.start_pop(now, thread, t, None, self.idle_anywhere(thread, t))
        else:
            self.drain = t
            self.act(now, thread)
        return True

    def idle_anywhere(self, thread: _Thread, t: int) -> list[int]:
        """Idle cores for all of task t's blocks, the thread's own first, or none if the chip lacks them."""
        kind = self.tasks[t].core_type
        need = len(self.tasks[t].blocks)
        if self.idle[kind] < need:
            return []
        owners = [thread] + [peer for peer in self.threads if peer is not thread]
        return [c for owner in owners for c in owner.cores[kind] if self.cores[c].outstanding == 0][:need]

    def stageable(self, thread: _Thread, t: int) -> list[int]:
        """Cores to pre-stage candidate t's next blocks onto: the thread's idle cores, else (while no other
        thread has an idle core of the type) pending slots of its busy cores; a core holding a gated block
        takes nothing more. A sync_start cohort is staged all or nothing, onto idle then pending slots,
        its owner's first."""
        kind = self.tasks[t].core_type
        limit = 1 + self.cfg.pending_slots
        want = len(self.tasks[t].blocks) - self.placed[t]

        def free(owner: _Thread, idle: bool) -> list[int]:
            return [
                c for c in owner.cores[kind]
                if (self.cores[c].outstanding == 0) == idle
                and self.cores[c].outstanding < limit and self.cores[c].gated == 0
            ]

        if self.tasks[t].sync_start:
            owners = [thread] + [peer for peer in self.threads if peer is not thread]
            cores = [c for owner in owners for idle in (True, False) for c in free(owner, idle)]
            return cores[:want] if len(cores) >= want else []
        if thread.idle[kind]:
            return free(thread, True)[:want]
        return free(thread, False)[:want] if self.idle[kind] == 0 else []

    def spill(self, thread: _Thread) -> bool:
        """Move the thread's released tasks of a core type it has no idle core of to the tail of the shared
        queue (the runtime flushes its local buffers between the idle and the pending dispatch stage)."""
        spilled = False
        for kind in CORE_TYPES:
            own = thread.ready[kind]
            if own and not thread.idle[kind]:
                self.ready[kind].extend(own)
                own.clear()
                spilled = True
        return spilled

    def claimable(self, thread: _Thread, t: int) -> list[int]:
        """The thread's cores that can take task t's next blocks: idle ones, else (single-block tasks
        only, and only while no other thread has an idle core of the type) the first of its busy cores
        with a free pending slot."""
        task = self.tasks[t]
        kind = task.core_type
        own = thread.cores[kind]
        if thread.idle[kind]:
            wanted = len(task.blocks) - self.placed[t]
            return [c for c in own if self.cores[c].outstanding == 0][:wanted]
        if len(task.blocks) == 1 and self.idle[kind] == 0:
            limit = 1 + self.cfg.pending_slots
            return [c for c in own if self.cores[c].outstanding < limit and self.cores[c].gated == 0][:1]
        return []

    def occupy(self, c: int, delta: int) -> None:
        core = self.cores[c]
        was_idle = core.outstanding == 0
        core.outstanding += delta
        change = (core.outstanding == 0) - was_idle
        if change:
            self.idle[core.kind] += change
            self.threads[core.thread].idle[core.kind] += change

    def start_pop(
        self, now: float, thread: _Thread, t: int, queue: deque[int] | None, cores: list[int], gated: bool = False
    ) -> None:
        """Write the launch registers of task t's next blocks onto `cores`; `gated` ones (pre-staged) wait
        for their doorbell. Pre-staging costs what a pop costs: the same dequeue, payload and writes."""
        cfg = self.cfg
        base = 0.0 if self.popped[t] else cfg.pop_base_us
        self.popped[t] = True
        first = self.offset[t] + self.placed[t]
        self.placed[t] += len(cores)
        if queue is not None and self.placed[t] == len(self.tasks[t].blocks):
            queue.popleft()
        if gated:
            self.staged[t] += len(cores)
        for k, (g, c) in enumerate(zip(range(first, first + len(cores)), cores)):
            self.occupy(c, +1)
            self.core_of[g] = c
            if gated:
                self.bell[g] = None
                self.prestaged[g] = True
                self.cores[c].gated += 1
            self.push(now + base + cfg.pop_per_block_us * (k + 1), _LAUNCH, g)  # its registers are written
        self.begin(now, thread, base + cfg.pop_per_block_us * len(cores), "stage" if gated else "pop", t, (_POP, t))
        self.rr = (thread.index + 1) % len(self.threads)

    def start_retire(self, now: float, thread: _Thread, g: int) -> None:
        cfg = self.cfg
        t = self.block_task[g]
        self.finish[g] = now
        self.retired[t] += 1
        last = self.retired[t] == len(self.tasks[t].blocks)
        if last:
            # each pre-staged consumer this completion releases gets one doorbell write per staged block
            doorbells = sum(self.staged[s] for s in self.successors[t] if self.remaining[s] == 1)
            cost = (
                cfg.completion_base_us
                + cfg.completion_per_fanout_us * len(self.successors[t])
                + cfg.pop_per_block_us * doorbells
            )
        else:
            cost = cfg.completion_per_block_us
        self.begin(now, thread, cost, "complete", t, (_RETIRE, g, last))

    def begin(self, now: float, thread: _Thread, cost: float, label: str, t: int, action: tuple) -> None:
        thread.busy = True
        thread.action = action
        self.sched_spans.append(Span(scheduler_track(thread.index), label, t, now, now + cost))
        self.push(now + cost, _ACTION_END, thread.index)

    def on_action_end(self, now: float, index: int) -> None:
        thread = self.threads[index]
        thread.busy = False
        if self.drain_writing and thread.action == (_POP, self.drain):
            self.drain, self.drain_writing = None, False
        if thread.action[0] == _RETIRE:
            _, g, last = thread.action
            self.occupy(self.core_of[g], -1)
            if last:
                self.task_finished(now, self.block_task[g], thread)
        self.kick(now)

    def task_finished(self, now: float, t: int, thread: _Thread) -> None:
        self.finished[t] = True
        self.finish_us[t] = now
        for s in self.successors[t]:
            self.remaining[s] -= 1
            if self.remaining[s] == 0:
                self.gated_by[s] = t
                self.release(now, s, thread)

    # --- cores ------------------------------------------------------------------------------------

    def on_launch(self, now: float, g: int) -> None:
        cfg = self.cfg
        core = self.cores[self.core_of[g]]
        self.dispatch[g] = now
        self.receive[g] = now + cfg.dispatch_receive_us + (0.0 if core.warm else cfg.cold_core_us)
        core.warm = True
        if core.busy:
            core.queue.append(g)
        else:
            core.busy = True
            self.reach_running_slot(now, g, max(self.receive[g], core.last_end + cfg.pending_start_us))
        t = self.block_task[g]
        self.published[t] += 1
        self.propagate(now, t)

    def reach_running_slot(self, now: float, g: int, earliest: float) -> None:
        """Start block g at `earliest`, or - pre-staged and not yet rung - let its core spin on the doorbell
        (the payload is fetched meanwhile, so the receive and cold costs overlap the wait)."""
        if self.bell[g] is not None:
            self.push(max(earliest, self.bell[g]), _START, g)
            return
        self.cores[self.core_of[g]].waiting = g
        self.earliest[g] = earliest
        t = self.block_task[g]
        if self.tasks[t].sync_start:
            self.at_gate[t] += 1
            if self.at_gate[t] == len(self.tasks[t].blocks) and self.released[t]:
                self.ring(now, t)  # the rendezvous: the last block to take a running slot rings them all

    def on_start(self, now: float, g: int) -> None:
        work = self.block_work[g]
        self.start[g] = now
        self.compute_end[g] = now + work.cycles / self.cfg.cycles_per_us
        if work.gm_bytes > 0:
            self.hbm.add(now, work.gm_bytes, g)
            self.retime_hbm()
        else:
            self.push(self.compute_end[g], _END, g)

    def on_hbm(self, now: float, version: int) -> None:
        if version != self.hbm_version:
            return  # superseded by a later start or drain
        for g in self.hbm.drained(now):
            self.push(max(now, self.compute_end[g]), _END, g)
        self.retime_hbm()

    def retime_hbm(self) -> None:
        self.hbm_version += 1
        drain = self.hbm.next_drain()
        if drain is not None:
            self.push(drain, _HBM, self.hbm_version)

    def on_end(self, now: float, g: int) -> None:
        cfg = self.cfg
        self.end[g] = now
        core = self.cores[self.core_of[g]]
        core.last_end = now
        self.push(now + cfg.completion_seen_us + cfg.sweep_jitter_us(g), _SEEN, g)
        if core.queue:
            nxt = core.queue.popleft()
            self.reach_running_slot(now, nxt, max(now + cfg.pending_start_us, self.receive[nxt]))
        else:
            core.busy = False

    def on_seen(self, now: float, g: int) -> None:
        thread = self.threads[self.cores[self.core_of[g]].thread]
        thread.completions.append(g)
        if not thread.busy:
            self.act(now, thread)

    # --- result -----------------------------------------------------------------------------------

    def timeline(self) -> Timeline:
        tasks = self.tasks
        blocks = tuple(
            BlockRecord(
                task=t,
                name=tasks[t].name,
                kernel=tasks[t].kernel,
                block=g - self.offset[t],
                core=self.cores[self.core_of[g]].name,
                dispatch_us=self.dispatch[g],
                start_us=self.start[g],
                end_us=self.end[g],
                finish_us=self.finish[g],
                prestaged=self.prestaged[g],
            )
            for g, t in enumerate(self.block_task)
        )
        records = tuple(
            TaskRecord(
                task=t,
                name=task.name,
                kernel=task.kernel,
                core_type=task.core_type,
                blocks=len(task.blocks),
                gm_bytes=sum(w.gm_bytes for w in task.blocks),
                flops=sum(w.flops for w in task.blocks),
                submit_us=self.submit_us[t],
                ready_us=self.ready_us[t],
                finish_us=self.finish_us[t],
                gated_by=self.gated_by[t],
            )
            for t, task in enumerate(tasks)
        )
        return Timeline(
            config=self.cfg,
            tasks=records,
            blocks=blocks,
            submits=tuple(self.submit_spans),
            scheduler=tuple(self.sched_spans),
            edges=tuple((d, t) for t, task in enumerate(tasks) for d in sorted(set(task.deps))),
            cores=tuple(core.name for core in self.cores),
        )


def simulate(tasks: Sequence[SimTask], cfg: ChipConfig) -> Timeline:
    """Run the tasks (in submit order) through the modelled runtime and chip."""
    sim = _Simulation(tasks, cfg)
    sim.run()
    return sim.timeline()
