"""Strided layouts of GM views over a row-major root buffer, and the root boxes a view's box covers.

Every GM view (slices, reshapes, slices of reshapes, ...) of a row-major root is an affine map from view
indices to root elements: `offset + sum(index * stride)` in elements. A box of such a view is a strided
set of root elements; the TensorMap wants it as boxes in root coordinates so that tasks touching disjoint
rows through a reshaped view get no edge. `root_boxes` gives an exact cover (as few boxes as the greedy
merge finds), with strided dims (see tensormap.py) where a view dim steps over root rows; only a set
needing more than `MAX_STARTS` separate pieces is widened to the root boxes of its flat span, a superset
(an extra dependency, never a missed one).
"""

from __future__ import annotations

from functools import cache
from math import prod

Box = tuple[tuple[int, int], ...]
Dims = list[tuple[int, int]]  # (extent, stride) pairs, outermost first

MAX_STARTS = 4096


@cache
def row_major_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(step)
        step *= d
    return tuple(reversed(strides))


def reshape_strides(shape: tuple[int, ...], strides: tuple[int, ...], new_shape: tuple[int, ...]) -> tuple[int, ...] | None:
    """The strides of `new_shape` over the same elements without a copy (None: no strided layout exists).

    Dims of extent 1 carry no layout; the others are matched in groups of equal element count, and each
    old group must be contiguous in itself to be re-split.
    """
    if 0 in shape:
        return row_major_strides(new_shape)
    old = [(n, s) for n, s in zip(shape, strides) if n != 1]
    out = [0] * len(new_shape)
    oi = ni = 0
    while oi < len(old) and ni < len(new_shape):
        nj, oj = ni + 1, oi + 1
        new_count, old_count = new_shape[ni], old[oi][0]
        while new_count != old_count:
            if new_count < old_count:
                new_count *= new_shape[nj]
                nj += 1
            else:
                old_count *= old[oj][0]
                oj += 1
        if any(old[k][1] != old[k + 1][0] * old[k + 1][1] for k in range(oi, oj - 1)):
            return None
        out[nj - 1] = old[oj - 1][1]
        for k in range(nj - 1, ni, -1):
            out[k - 1] = out[k] * new_shape[k]
        oi, ni = oj, nj
    for k in range(ni, len(new_shape)):  # trailing extent-1 dims
        out[k] = out[ni - 1] if ni else 1
    return tuple(out)


def canonical_dims(extent: tuple[int, ...], strides: tuple[int, ...]) -> Dims:
    """(extent, stride) of a strided box without extent-1 dims, neighbours that are contiguous merged."""
    dims: Dims = []
    for e, s in zip(extent, strides):
        if e == 1:
            continue
        if dims and dims[-1][1] == e * s:
            dims[-1] = (dims[-1][0] * e, s)
        else:
            dims.append((e, s))
    return dims


def transfer_rows(dims: Dims) -> tuple[int, int]:
    """(rows, row elements) of moving a strided box: its innermost contiguous run is one row."""
    if dims and dims[-1][1] == 1:
        row = dims[-1][0]
        return prod(e for e, _ in dims[:-1]), row
    return prod(e for e, _ in dims), 1


def root_boxes(base: int, dims: Dims, root_shape: tuple[int, ...]) -> list[Box]:
    """Boxes of `root_shape` covering the elements `base + sum(i * stride)`, `0 <= i < extent` per dim.

    The innermost dims that each step along a root dim (by a multiple of its stride: a strided range)
    without running past its edge from any start form one box per start of the remaining (outer) dims;
    contiguous runs that cross root rows are split at row boundaries. Consecutive boxes are then merged
    where they abut.
    """
    if any(e == 0 for e, _ in dims):
        return []
    rstrides = row_major_strides(root_shape)
    for split in range(len(dims) + 1):
        outer, inner = dims[:split], dims[split:]
        if prod(e for e, _ in outer) > MAX_STARTS:
            break
        starts = _starts(base, outer)
        boxes = _aligned_boxes(starts, inner, root_shape, rstrides)
        if boxes is None and len(inner) == 1 and inner[0][1] == 1:
            boxes = [b for a in starts for b in flat_range_boxes(a, a + inner[0][0], root_shape)]
        if boxes is not None:
            return merge_boxes(boxes)
    last = base + sum((e - 1) * s for e, s in dims)
    return flat_range_boxes(base, last + 1, root_shape)


def _starts(base: int, outer: Dims) -> list[int]:
    starts = [base]
    for e, s in outer:
        starts = [a + i * s for a in starts for i in range(e)]
    return starts


def _root_dim(stride: int, root_shape: tuple[int, ...], rstrides: tuple[int, ...]) -> int | None:
    """The root dim a view stride steps along (a whole multiple of its stride, less than its row), else None."""
    for k in range(len(root_shape) - 1, -1, -1):
        if rstrides[k] <= stride < rstrides[k] * root_shape[k]:
            return k if stride % rstrides[k] == 0 else None
    return None


def _aligned_boxes(starts: list[int], inner: Dims, root_shape, rstrides) -> list[Box] | None:
    """One root box per start if the inner dims step along distinct root dims and every box stays inside
    the root (else None)."""
    ks = [_root_dim(s, root_shape, rstrides) for _, s in inner]
    if None in ks or len(set(ks)) < len(ks):
        return None
    steps = [1] * len(root_shape)
    span = [1] * len(root_shape)
    for (e, s), k in zip(inner, ks):
        steps[k] = s // rstrides[k]
        span[k] = steps[k] * (e - 1) + 1
    boxes = []
    for a in starts:
        box = []
        for n, rs, step, width in zip(root_shape, rstrides, steps, span):
            lo = a // rs % n
            if lo + width > n:
                return None
            box.append((lo, lo + width, step) if step > 1 else (lo, lo + width))
        boxes.append(tuple(box))
    return boxes


def flat_range_boxes(start: int, stop: int, shape: tuple[int, ...]) -> list[Box]:
    """Boxes covering the row-major elements [start, stop) of `shape`: a ragged head, whole rows, a ragged tail."""
    if start >= stop:
        return []
    if len(shape) == 1:
        return [((start, stop),)]
    inner = prod(shape[1:])
    r0, o0 = divmod(start, inner)
    r1, o1 = divmod(stop, inner)
    if r0 == r1:
        return [((r0, r0 + 1), *b) for b in flat_range_boxes(o0, o1, shape[1:])]
    boxes = []
    if o0:
        boxes += [((r0, r0 + 1), *b) for b in flat_range_boxes(o0, inner, shape[1:])]
        r0 += 1
    if r1 > r0:
        boxes.append(((r0, r1), *((0, d) for d in shape[1:])))
    if o1:
        boxes += [((r1, r1 + 1), *b) for b in flat_range_boxes(0, o1, shape[1:])]
    return boxes


def merge_boxes(boxes: list[Box]) -> list[Box]:
    """Merge neighbours in the list that abut along one unstrided dim and agree on all others, innermost dim first."""
    if not boxes:
        return boxes
    for d in reversed(range(len(boxes[0]))):
        merged = [boxes[0]]
        for box in boxes[1:]:
            last = merged[-1]
            if (len(last[d]) == 2 == len(box[d]) and last[d][1] == box[d][0]
                    and last[:d] == box[:d] and last[d + 1:] == box[d + 1:]):
                merged[-1] = (*last[:d], (last[d][0], box[d][1]), *last[d + 1:])
            else:
                merged.append(box)
        boxes = merged
    return boxes
