"""Level B: PyPTO's scheduling hints. `allow_early_resolve` on a producer lets the runtime pre-stage its
consumers behind a doorbell; `sync_start` launches a cohort's blocks together. Neither changes a result, so
these tests are about time only (outputs: test/python/pypto/test_pypto_tasks.py)."""

import dataclasses

import pytest

from ppc.runtime.npu import A2A3, BlockWork, SimTask, build_report, simulate

US = A2A3.cycles_per_us


def task(name, us, deps=(), blocks=1, early=False, sync=False, dummy=False):
    return SimTask(name, name, "AIV", (BlockWork(us * US, 0),) * blocks, tuple(deps), early, sync, dummy)


def chain(n, early):
    return [task(f"t{i}", 2.0, deps=(i - 1,) if i else (), early=early) for i in range(n)]


def test_flagged_chain_starts_each_consumer_on_its_producers_doorbell():
    flagged, plain = simulate(chain(6, True), A2A3), simulate(chain(6, False), A2A3)
    for tl in (flagged, plain):
        assert [r.task for r in tl.blocks] == list(range(6))
    for i in range(1, 6):
        producer, consumer = flagged.blocks[i - 1], flagged.blocks[i]
        assert consumer.prestaged and consumer.dispatch_us < producer.end_us  # staged while the producer ran
        # released when the producer's completion is retired, started a doorbell latency later
        assert consumer.start_us == pytest.approx(flagged.tasks[i - 1].finish_us + A2A3.doorbell_start_us)
        assert flagged.tasks[i].ready_us == pytest.approx(flagged.tasks[i - 1].finish_us)
        # the pop (0.25 + 0.03) is gone from the edge; a doorbell write (0.03) is added to the retire
        gap = consumer.start_us - producer.end_us
        plain_gap = plain.blocks[i].start_us - plain.blocks[i - 1].end_us
        assert gap == pytest.approx(plain_gap - A2A3.pop_base_us, abs=0.25)
        assert gap < plain_gap - 0.2
    assert not any(r.prestaged for r in plain.blocks) and not flagged.blocks[0].prestaged
    assert build_report(flagged).total_us < build_report(plain).total_us - 1.0
    assert [s.label for s in flagged.scheduler].count("stage") == 5


def fillers(n):
    return [task(f"f{i}", 0.1) for i in range(n)]


@pytest.mark.parametrize("q_flagged", [False, True])
def test_one_unflagged_producer_vetoes_pre_staging(q_flagged):
    # c waits for p (flagged, long) and q (short, already finished when c is submitted)
    tasks = [task("q", 0.1, early=q_flagged), task("p", 30, early=True), *fillers(6)]
    tasks.append(task("c", 1, deps=(0, 1)))
    tl = simulate(tasks, A2A3)
    q, c = tl.tasks[0], tl.tasks[-1]
    assert q.finish_us < c.submit_us and c.gated_by == 1
    assert tl.blocks[-1].prestaged == q_flagged  # the runtime counts a finished producer only if it is flagged
    if q_flagged:
        assert tl.blocks[-1].start_us == pytest.approx(tl.tasks[1].finish_us + A2A3.doorbell_start_us)


def test_a_live_unflagged_producer_vetoes_too_and_a_task_dummy_counts_as_one():
    diamond = simulate([task("p", 5, early=True), task("q", 5), task("c", 1, deps=(0, 1))], A2A3)
    assert not diamond.blocks[2].prestaged
    behind_dummy = simulate([task("p", 5, early=True), task("c", 1, deps=(0,), dummy=True)], A2A3)
    assert not behind_dummy.blocks[1].prestaged
    direct = simulate([task("p", 5, early=True), task("c", 1, deps=(0,))], A2A3)
    assert direct.blocks[1].prestaged


def test_consumers_pre_stage_only_once_the_producer_is_fully_launched():
    # 60 blocks on 48 AIV cores run in two waves; the consumer must not take a core the second wave needs
    tl = simulate([task("wide", 5, blocks=60, early=True), task("c", 1, deps=(0,))], A2A3)
    wide, c = tl.blocks[:60], tl.blocks[60]
    assert c.prestaged
    assert c.dispatch_us >= max(r.dispatch_us for r in wide)
    assert c.start_us == pytest.approx(tl.tasks[0].finish_us + A2A3.doorbell_start_us)


def test_pre_staged_chain_does_not_stage_two_levels_ahead():
    # c's producer b is itself pre-staged: c becomes a candidate only once b is rung (started)
    tl = simulate([task("a", 10, early=True), task("b", 10, deps=(0,), early=True), task("c", 1, deps=(1,))], A2A3)
    a, b, c = tl.blocks
    assert b.prestaged and c.prestaged
    assert b.dispatch_us < a.end_us and c.dispatch_us >= tl.tasks[0].finish_us


def test_multi_block_consumer_stages_onto_idle_cores_then_pending_slots():
    # 46 of 48 AIV cores busy while p runs: c's 4 blocks take the 2 idle cores, then 2 pending slots
    cfg = dataclasses.replace(A2A3, scheduler_threads=1)
    tasks = [task("busy", 100, blocks=45), task("p", 5, early=True), task("c", 1, deps=(1,), blocks=4)]
    tl = simulate(tasks, cfg)
    busy_end = {r.core: r.end_us for r in tl.blocks[:45]}
    rung = tl.tasks[1].finish_us + A2A3.doorbell_start_us
    c = tl.blocks[46:]
    assert all(r.prestaged for r in c)
    assert [r.core in busy_end for r in c] == [False, False, True, True]
    assert [r.start_us for r in c] == pytest.approx(
        [rung, rung, *(busy_end[r.core] + A2A3.pending_start_us for r in c[2:])]
    )
    # without pending slots the unstaged rest is dispatched normally once p has finished
    tl = simulate(tasks, dataclasses.replace(cfg, pending_slots=0))
    p_finish = tl.tasks[1].finish_us
    c = tl.blocks[46:]
    assert sum(r.prestaged for r in c) == 2
    for r in c:
        assert r.start_us >= p_finish + A2A3.doorbell_start_us - 1e-9
        assert r.prestaged == (r.dispatch_us < p_finish)


def test_sync_start_waits_for_all_its_cores_and_stops_other_dispatch():
    # 30 of 48 AIV cores busy: a 40-block sync_start cohort cannot launch until they free, and the drain it
    # arms holds back the independent task submitted after it
    tasks = [task("w", 50, blocks=30), task("s", 3, blocks=40, sync=True), task("x", 1)]
    tl = simulate(tasks, A2A3)
    w, s, x = tl.blocks[:30], tl.blocks[30:70], tl.blocks[70]
    first_free = min(r.finish_us for r in w)
    assert min(r.dispatch_us for r in s) >= first_free
    assert max(r.dispatch_us for r in s) - min(r.dispatch_us for r in s) <= 40 * A2A3.pop_per_block_us + 1e-9
    assert x.dispatch_us >= first_free
    plain = simulate([dataclasses.replace(t, sync_start=False) for t in tasks], A2A3)
    # without sync_start the blocks run in waves on the 18 idle cores, and x does not wait
    assert max(r.end_us for r in plain.blocks[30:70]) < first_free
    assert plain.blocks[70].dispatch_us < first_free


def test_pre_staged_sync_start_cohort_starts_together():
    tl = simulate([task("p", 5, early=True), task("s", 3, deps=(0,), blocks=40, sync=True)], A2A3)
    assert all(r.prestaged for r in tl.blocks[1:])
    assert [r.start_us for r in tl.blocks[1:]] == pytest.approx([tl.tasks[0].finish_us + A2A3.doorbell_start_us] * 40)
    plain = simulate([task("p", 5), task("s", 3, deps=(0,), blocks=40, sync=True)], A2A3)
    assert max(r.start_us for r in plain.blocks[1:]) > max(r.start_us for r in tl.blocks[1:])


def test_sync_start_wider_than_the_chip_is_rejected():
    with pytest.raises(ValueError, match="sync_start with 49 blocks needs that many AIV cores at once; a2a3 has 48"):
        simulate([task("s", 1, blocks=49, sync=True)], A2A3)


def test_hints_keep_the_timeline_deterministic():
    tasks = [task("a", 3, early=True), task("b", 2, deps=(0,), blocks=8, early=True),
             task("c", 1, deps=(1,), blocks=40, sync=True, early=True), task("d", 1, deps=(2,))]
    assert simulate(tasks, A2A3) == simulate(tasks, A2A3)
