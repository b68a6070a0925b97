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

from ppc.passes.index_regions import ENUMERATION_LIMIT, Affine, BlockSymbol, Box, covers, expand

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
