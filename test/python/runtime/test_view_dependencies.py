"""Dependencies through reshaped GM views: the compressor's two-stage projection -> scatter pattern written
through `pl.reshape` views gives exactly the task graph of the same program written on the base tensors.

The projection writes a token-major scratch by column blocks; each scatter task copies one token's column
block into one state slot. Through views the token is a column window of `reshape(scratch, [B, S*OUT])` and
the slot a column window of `reshape(state, [B, SLOTS*OUT])`: strided rows of the base buffers, which must
map to exactly those rows (a whole-tensor region would chain every scatter task after all others).
"""

from __future__ import annotations

import functools

import ml_dtypes
import numpy as np
import pytest

from ppc import pl

B, S, D, OUT, CH, SLOTS, PB = 4, 4, 32, 64, 32, 8, 2  # PB: batches per projection row block
ROWS, BLOCKS = B * S, OUT // CH
X = pl.Tensor[[ROWS, D], pl.BF16]
W = pl.Tensor[[D, OUT], pl.BF16]
State = pl.InOut[pl.Tensor[[B, SLOTS, OUT], pl.FP32]]
Pooled = pl.Out[pl.Tensor[[B, OUT], pl.FP32]]
SLOT0 = 2


@functools.cache
def build(spmd: bool):
    """(through_views, on_base) entries; `spmd`: the projection is one spmd task instead of a parallel loop."""

    @pl.jit.inline
    def pool(state, pooled, o0):
        acc = pl.reshape(state[:, 0, o0:o0 + CH], [B, CH])
        for r in pl.range(1, SLOTS):
            acc = pl.add(acc, pl.reshape(state[:, r, o0:o0 + CH], [B, CH]))
        pooled[:, o0:o0 + CH] = acc
        return pooled

    @pl.jit.inline
    def project_rows(x, w, scratch, o0):
        for r0 in pl.range(0, ROWS, PB * S):
            scratch[r0:r0 + PB * S, o0:o0 + CH] = pl.matmul(x[r0:r0 + PB * S, :], w[:, o0:o0 + CH])
        return scratch

    @pl.jit.inline
    def project_batches(x, w, scratch, o0):
        for b0 in pl.range(0, B, PB):
            acc = pl.matmul(x[b0 * S:(b0 + PB) * S, :], w[:, o0:o0 + CH])
            scratch[b0:b0 + PB, :, o0:o0 + CH] = pl.reshape(acc, [PB, S, CH])
        return scratch

    @pl.jit
    def through_views(x: X, w: W, state: State, pooled: Pooled, slot0: pl.Scalar[pl.INDEX]):
        scratch = pl.create_tensor([ROWS, OUT], pl.FP32)
        if spmd:
            for i in pl.spmd(BLOCKS, name_hint="proj"):
                scratch = project_rows(x, w, scratch, i * CH)
        else:
            for o0 in pl.parallel(0, OUT, CH):
                with pl.at(level=pl.Level.CORE_GROUP, name_hint="proj"):
                    scratch = project_rows(x, w, scratch, o0)
        flat = pl.reshape(state, [B, SLOTS * OUT])
        for s in pl.parallel(0, S, 1):
            for o0 in pl.parallel(0, OUT, CH):
                with pl.at(level=pl.Level.CORE_GROUP, name_hint="scatter"):
                    col = s * OUT + o0
                    t = pl.reshape(scratch, [B, S * OUT])[:, col:col + CH]
                    dst = (slot0 + s) * OUT + o0
                    flat[:, dst:dst + CH] = pl.add(t, t)
        state = pl.reshape(flat, [B, SLOTS, OUT])
        for o0 in pl.parallel(0, OUT, CH):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="pool"):
                pooled = pool(state, pooled, o0)
        return state, pooled

    @pl.jit
    def on_base(x: X, w: W, state: State, pooled: Pooled, slot0: pl.Scalar[pl.INDEX]):
        scratch = pl.create_tensor([B, S, OUT], pl.FP32)
        if spmd:
            for i in pl.spmd(BLOCKS, name_hint="proj"):
                scratch = project_batches(x, w, scratch, i * CH)
        else:
            for o0 in pl.parallel(0, OUT, CH):
                with pl.at(level=pl.Level.CORE_GROUP, name_hint="proj"):
                    scratch = project_batches(x, w, scratch, o0)
        for s in pl.parallel(0, S, 1):
            for o0 in pl.parallel(0, OUT, CH):
                with pl.at(level=pl.Level.CORE_GROUP, name_hint="scatter"):
                    t = pl.reshape(scratch[:, s:s + 1, o0:o0 + CH], [B, CH])
                    slot = slot0 + s
                    state[:, slot:slot + 1, o0:o0 + CH] = pl.reshape(pl.add(t, t), [B, 1, CH])
        for o0 in pl.parallel(0, OUT, CH):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="pool"):
                pooled = pool(state, pooled, o0)
        return state, pooled

    return through_views, on_base


def _run(entry):
    """Run on fixed inputs; check the outputs against numpy; return (task names, dependency edges)."""
    x = (np.arange(ROWS * D) % 7).reshape(ROWS, D).astype(ml_dtypes.bfloat16)
    w = (np.arange(D * OUT) % 5 - 2).reshape(D, OUT).astype(ml_dtypes.bfloat16)
    state = np.ones((B, SLOTS, OUT), np.float32)
    pooled = np.zeros((B, OUT), np.float32)
    res = entry.compile(x, w, state, pooled, SLOT0).run(x, w, state, pooled, SLOT0)
    want = np.ones((B, SLOTS, OUT), np.float32)
    want[:, SLOT0:SLOT0 + S] = 2 * (x.astype(np.float32) @ w.astype(np.float32)).reshape(B, S, OUT)
    np.testing.assert_array_equal(state, want)
    np.testing.assert_array_equal(pooled, want.sum(axis=1))
    names = [t.name for t in res.tasks]
    return names, {(i, d) for i, t in enumerate(res.tasks) for d in t.deps}


@pytest.mark.parametrize("spmd", [False, True], ids=["parallel", "spmd"])
def test_reshaped_views_give_the_base_task_graph(spmd):
    through_views, on_base = build(spmd)
    names, edges = _run(through_views)
    assert (names, edges) == _run(on_base)

    proj = [i for i, n in enumerate(names) if n == "proj"]
    scatter = [i for i, n in enumerate(names) if n == "scatter"]  # (s, block) in loop order
    pool = [i for i, n in enumerate(names) if n == "pool"]
    assert len(proj) == (1 if spmd else BLOCKS) and len(scatter) == S * BLOCKS and len(pool) == BLOCKS

    def block(task: int) -> int:
        return scatter.index(task) % BLOCKS

    for t in scatter:  # a scatter task reads its column block's projection only and no other scatter
        producers = {proj[0]} if spmd else {proj[block(t)]}
        assert {d for i, d in edges if i == t} == producers
    for o, t in enumerate(pool):  # a pool task waits for the scatters of its column block only
        assert {d for i, d in edges if i == t} == {s for s in scatter if block(s) == o}
    if not spmd:
        assert (scatter[0], proj[1]) not in edges  # column block 0 never waits for block 1's projection
    assert (pool[0], scatter[1]) not in edges and (scatter[1], scatter[0]) not in edges
