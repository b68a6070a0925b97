"""Region reasoning of `passes/index_regions.py` against brute force on small grids.

`covers` and `expand` decide whether a tensor parameter is fully written (out vs inout) and whether a read
sees old contents, so a wrong "yes" would silently drop a copy-back.  Properties: `covers` agrees with
painting the boxes on a numpy grid whenever it says yes, and says yes whenever constant boxes do cover
the target; the union `expand` returns is exactly the union over the symbol's range (or nothing).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ppc.passes.index_regions import (
    ENUMERATION_LIMIT, Affine, BlockSymbol, Box, Opaque, covers, decide, expand, minima, nonneg, reshape_box, sweep,
    uncovered, within,
)

SHAPE = (12, 10)


def _paint(boxes: list[Box]) -> np.ndarray:
    grid = np.zeros(SHAPE, dtype=bool)
    for b in boxes:
        (r0, r1), (c0, c1) = b.intervals()
        grid[max(r0, 0) : max(r1, 0), max(c0, 0) : max(c1, 0)] = True
    return grid


@st.composite
def const_boxes(draw: st.DrawFn) -> Box:
    r = draw(st.integers(0, SHAPE[0] - 1))
    c = draw(st.integers(0, SHAPE[1] - 1))
    h = draw(st.integers(1, SHAPE[0] - r))
    w = draw(st.integers(1, SHAPE[1] - c))
    return Box((Affine(r), Affine(c)), (h, w))


@settings(max_examples=300, deadline=None)
@given(st.lists(const_boxes(), max_size=6), const_boxes())
def test_covers_matches_painting(boxes: list[Box], target: Box) -> None:
    (r0, r1), (c0, c1) = target.intervals()
    truth = bool(_paint(boxes)[r0:r1, c0:c1].all())
    assert covers(boxes, target) == truth


@settings(max_examples=300, deadline=None)
@given(
    coef=st.integers(-3, 3),
    base=st.integers(0, 6),
    size=st.integers(1, 4),
    start=st.integers(0, 3),
    count=st.integers(0, 4),
    step=st.integers(1, 3),
)
def test_expand_is_the_union_over_the_range(coef: int, base: int, size: int, start: int, count: int, step: int) -> None:
    s = BlockSymbol()
    values = range(start, start + count * step, step)
    box = Box((Affine(base) + Affine.symbol(s).scale(coef), Affine(0)), (size, 3))
    expected = _paint([box.substitute(s, Affine(v)) for v in values])
    assert np.array_equal(_paint(expand(box, s, values)), expected)


def test_symbolic_containment_needs_constant_differences() -> None:
    i, n = BlockSymbol(), BlockSymbol()
    row = Affine.symbol(i).scale(16)
    written = Box((row, Affine(0)), (16, 128))
    assert covers([written], Box((row + Affine(8), Affine(0)), (8, 128)))
    assert not covers([written], Box((row + Affine(9), Affine(0)), (8, 128)))
    assert not covers([written], Box((Affine.symbol(n).scale(16), Affine(0)), (16, 128)))


def test_huge_ranges_are_not_enumerated() -> None:
    s = BlockSymbol()
    sparse = Box((Affine.symbol(s).scale(4), Affine(0)), (1, 1))  # gaps between iterations: no single box
    assert expand(sparse, s, range(ENUMERATION_LIMIT + 1)) == []
    assert len(expand(sparse, s, range(ENUMERATION_LIMIT))) == ENUMERATION_LIMIT


def _elements(box: Box, shape: tuple[int, ...]) -> set[int]:
    """The row-major linear indices of a constant box of `shape`."""
    grid = np.zeros(shape, dtype=bool)
    grid[tuple(slice(lo, hi) for lo, hi in box.intervals())] = True
    return set(np.flatnonzero(grid))


@st.composite
def reshapes(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...], Box]:
    """A base shape, a view with the same elements (axes merged and split), and a constant box of the view."""
    factors = draw(st.lists(st.sampled_from([1, 2, 3, 4]), min_size=1, max_size=5))
    cut_base = sorted(draw(st.sets(st.integers(1, len(factors) - 1), max_size=3))) if len(factors) > 1 else []
    cut_view = sorted(draw(st.sets(st.integers(1, len(factors) - 1), max_size=3))) if len(factors) > 1 else []

    def group(cuts: list[int]) -> tuple[int, ...]:
        edges = [0, *cuts, len(factors)]
        return tuple(int(np.prod(factors[a:b])) for a, b in zip(edges, edges[1:]))

    view = group(cut_view)
    offsets, sizes = [], []
    for dim in view:
        lo = draw(st.integers(0, dim - 1))
        offsets.append(Affine(lo))
        sizes.append(draw(st.integers(1, dim - lo)))
    return group(cut_base), view, Box(tuple(offsets), tuple(sizes))


@settings(max_examples=400, deadline=None)
@given(reshapes())
def test_reshape_box_is_exactly_the_views_elements(case) -> None:
    base, view, box = case
    mapped = reshape_box(box, view, base, {})
    if mapped is not None:
        assert _elements(mapped, base) == _elements(box, view)


def test_reshape_box_follows_symbols_by_their_ranges() -> None:
    b, o = BlockSymbol(), BlockSymbol()
    # row b*2 of a [128, 512] view of [64, 2, 512] is kv[b, 0, :]
    row = reshape_box(Box((Affine.symbol(b).scale(2), Affine(0)), (1, 512)), (128, 512), (64, 2, 512), {b: (0, 63)})
    assert row == Box((Affine.symbol(b), Affine(0), Affine(0)), (1, 1, 512))
    # a column window slot*64 + o of a [4, 512] view of [4, 8, 64]: one box while o + 16 stays within a slot
    window = Box((Affine(0), Affine.symbol(b).scale(64) + Affine.symbol(o)), (4, 16))
    assert reshape_box(window, (4, 512), (4, 8, 64), {o: (0, 48)}) is not None
    assert reshape_box(window, (4, 512), (4, 8, 64), {o: (0, 56)}) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(const_boxes(), max_size=5))
def test_uncovered_is_the_complement(boxes: list[Box]) -> None:
    rest = uncovered(boxes, SHAPE)
    assert (_paint(rest) == ~_paint(boxes)).all()
    assert sum(int(np.prod(b.sizes)) for b in rest) == int((~_paint(boxes)).sum())  # disjoint pieces


def test_decide_uses_the_ranges() -> None:
    k = BlockSymbol()
    later = {k: (1, 7)}
    assert decide(1, Affine.symbol(k), later) is True  # k != 0
    assert decide(0, Affine.symbol(k), later) is False  # k == 0
    assert decide(2, Affine.symbol(k) - Affine(8), later) is True  # k < 8
    assert decide(0, Affine.symbol(k), {}) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4), st.integers(1, 6), st.integers(-2, 3), st.integers(-1, 5), st.integers(-3, 3))
def test_sweep_is_exactly_the_union_over_a_run_time_range(k, size, c, n, probe_shift):
    """A launch of n blocks (n only known at run time: a symbol) writing [k*b + c, k*b + c + size) sweeps a span
    whose every row, for each concrete n (none when n = 0), is written by some block."""
    b, count = BlockSymbol(), BlockSymbol()
    box = Box((Affine(c) + Affine.symbol(b).scale(k),), (size,))
    swept = sweep(box, b, Affine(0), Affine.symbol(count) - Affine(1))
    if k > size:
        assert swept is None
        return
    assert swept is not None
    low, high = (f.substitute(count, Affine(n)) for f in (swept.lows[0], swept.highs[0]))
    written = {r for i in range(n) for r in range(k * i + c, k * i + c + size)}
    assert set(range(low.const, high.const)) <= written
    assert (high.const > low.const) == (n > 0)


def test_opaque_terms_are_keyed_by_operation_and_fold_when_constant():
    t, i = BlockSymbol(), BlockSymbol()
    a = Opaque("arith.floordivsi", (Affine.symbol(t), Affine(8)))
    assert Affine.symbol(a) - Affine.symbol(Opaque("arith.floordivsi", (Affine.symbol(t), Affine(8)))) == Affine(0)
    quotient = Affine.symbol(Opaque("arith.floordivsi", (Affine.symbol(i), Affine(4)))).scale(16)
    assert i in quotient.symbols()  # a block index inside a division is a dependence
    assert quotient.substitute(i, Affine(9)) == Affine(32)
    assert Opaque("arith.floordivsi", (Affine(7), Affine(0))).fold() != Affine(0)  # no division by zero


def test_nonneg_substitutes_bounds_innermost_first():
    n = Affine.symbol(Opaque("arith.floordivsi", (Affine.symbol(Opaque("pl.dim", (Affine(0), Affine(0)))), Affine(8))))
    i = BlockSymbol()
    limits = {i: (Affine(0), n - Affine(1))}
    iv = Affine.symbol(i)
    assert nonneg(n.scale(8) - iv.scale(8) - Affine(8), {}, limits)  # 8i + 8 <= 8n for i <= n - 1
    assert not nonneg(n.scale(8) - iv.scale(8) - Affine(9), {}, limits)
    assert nonneg(iv.scale(8), {}, limits) and nonneg(n, {}, {})  # a division of sizes is not negative
    assert not nonneg(n - Affine(1), {}, {}) and nonneg(n.scale(3) - Affine(3), {}, {}, [n - Affine(1)])


def test_a_valid_extent_ends_at_the_smaller_arm_of_its_min():
    t, start = BlockSymbol(), BlockSymbol()
    rows = Affine.symbol(Opaque("arith.minsi", (Affine(16), Affine.symbol(t) - Affine.symbol(start))))
    assert minima(rows) == [Affine(16), Affine.symbol(t) - Affine.symbol(start)]
    ranges = {start: (0, None)}
    region = sweep(Box((Affine.symbol(start),), (1,)), start, Affine(0), Affine.symbol(t) - Affine(1))
    assert region is not None
    assert within([Affine.symbol(start)], [[Affine(16), *minima(rows)]], region, ranges, {})
    assert not within([Affine.symbol(start)], [[Affine(16)]], region, ranges, {})
