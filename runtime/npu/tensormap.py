"""TensorMap-style task dependencies from the tensor regions each task reads and writes.

The runtime orders tasks by what they touch, not by the SSA chain of the IR: two tasks writing disjoint
rows of one tensor run concurrently. A task depends on every earlier task it conflicts with on an
overlapping box of the same tensor: read-after-write, write-after-write and write-after-read.

Only the latest accesses are kept: a write removes the earlier writes and reads it fully covers, because
any later access that overlaps them also overlaps the new write and so is ordered after them through it.
Boxes are found by overlap through a grid of cells per tensor (see `_BoxIndex`), so a program of
10,000 tasks tiling large tensors stays fast. A box dimension is a range (lo, hi), or (lo, hi, step) for
every step-th index from lo (hi is one past the last): a column window of a reshaped view covers strided
rows of its base, and one strided box keeps such an access as cheap as a plain tile.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import product
from math import gcd

Box = tuple[tuple[int, ...], ...]  # per dimension (lo, hi) or (lo, hi, step)


@dataclass(frozen=True)
class Region:
    """A box of a tensor: `tensor` is any hashable id of the underlying buffer."""

    tensor: Hashable
    box: Box

    def __post_init__(self) -> None:
        for dim in self.box:
            if dim[0] > dim[1]:
                raise ValueError(f"region of {self.tensor!r} has an inverted range [{dim[0]}, {dim[1]})")
            if len(dim) == 3 and (dim[2] < 2 or (dim[1] - dim[0] - 1) % dim[2]):
                raise ValueError(f"region of {self.tensor!r} has a strided range {dim} whose hi is not last + 1")

    @property
    def empty(self) -> bool:
        return any(dim[0] == dim[1] for dim in self.box)


def _step(dim: tuple[int, ...]) -> int:
    return dim[2] if len(dim) == 3 else 1


def _meet(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Whether two ranges, at least one strided, with overlapping spans share an index (CRT on the steps)."""
    p, q = _step(a), _step(b)
    g = gcd(p, q)
    if (b[0] - a[0]) % g:
        return False
    t = ((b[0] - a[0]) // g * pow(p // g, -1, q // g)) % (q // g)  # a[0] + p*t == b[0] (mod q)
    lo, period = max(a[0], b[0]), p // g * q
    return lo + (a[0] + p * t - lo) % period < min(a[1], b[1])


def _overlaps(a: Box, b: Box) -> bool:
    for x, y in zip(a, b, strict=True):
        if x[0] >= y[1] or y[0] >= x[1]:
            return False
        if (len(x) == 3 or len(y) == 3) and not _meet(x, y):
            return False
    return True


def _covers(outer: Box, inner: Box) -> bool:
    for o, i in zip(outer, inner, strict=True):
        if i[0] < o[0] or o[1] < i[1]:
            return False
        step = _step(o)
        if step > 1 and ((i[0] - o[0]) % step or (i[1] - i[0] > 1 and _step(i) % step)):
            return False
    return True


class _BoxIndex:
    """The live boxes of one tensor (each with the task that accessed it), searchable by overlap.

    A uniform grid: each box is filed under every cell its span touches, with a cell extent per dimension
    the largest power of two not above the smallest extent stored (shrinking it refiles everything, at
    most a few dozen times per tensor). A query gathers the boxes filed under the cells it touches and
    checks each exactly, so a tile among thousands of tiles of one tensor meets only its neighbours
    (sorting by one dimension would meet a whole row or column strip of them). Boxes touching more than
    `MAX_CELLS` cells are kept aside and checked by every query; a query touching more cells than there
    are boxes checks them all.
    """

    MAX_CELLS = 64

    def __init__(self, ndim: int) -> None:
        self.ndim = ndim
        self._entries: dict[int, tuple[Box, int]] = {}
        self._cell: list[int] = []  # cell extent per dimension (set by the first box)
        self._buckets: dict[tuple[int, ...], dict[int, None]] = {}
        self._big: dict[int, None] = {}  # keys of boxes touching more than MAX_CELLS cells
        self._next_key = 0

    def _cells(self, box: Box) -> list[range] | None:
        """Per dimension, the cell indices `box` touches; None if that is more than MAX_CELLS cells."""
        ranges = [range(dim[0] // c, (dim[1] - 1) // c + 1) for dim, c in zip(box, self._cell)]
        count = 1
        for r in ranges:
            count *= len(r)
        return ranges if count <= self.MAX_CELLS else None

    def _file(self, key: int, box: Box) -> None:
        ranges = self._cells(box)
        if ranges is None:
            self._big[key] = None
            return
        buckets = self._buckets
        for cell in product(*ranges):
            bucket = buckets.get(cell)
            if bucket is None:
                buckets[cell] = {key: None}
            else:
                bucket[key] = None

    def add(self, box: Box, task: int) -> None:
        key = self._next_key
        self._next_key += 1
        self._entries[key] = (box, task)
        cell = [1 << ((dim[1] - dim[0]).bit_length() - 1) for dim in box]
        if not self._cell or any(c < old for c, old in zip(cell, self._cell)):
            self._cell = [min(c, old) for c, old in zip(cell, self._cell)] if self._cell else cell
            self._buckets, self._big = {}, {}
            for k, (b, _) in self._entries.items():
                self._file(k, b)
        else:
            self._file(key, box)

    def overlapping(self, box: Box) -> list[tuple[int, Box, int]]:
        """(key, box, task) of every stored box overlapping `box`."""
        entries = self._entries
        ranges = self._cells(box) if entries else None
        if ranges is None or len(self._big) >= len(entries):
            keys: Iterable[int] = entries
        else:
            found_keys = set(self._big)
            buckets = self._buckets
            for cell in product(*ranges):
                bucket = buckets.get(cell)
                if bucket is not None:
                    found_keys.update(bucket)
            keys = found_keys
        found = []
        for key in keys:
            entry = entries[key]
            if _overlaps(entry[0], box):
                found.append((key, *entry))
        return found

    def remove(self, key: int) -> None:
        box, _ = self._entries.pop(key)
        if key in self._big:
            del self._big[key]
            return
        buckets = self._buckets
        for cell in product(*self._cells(box)):
            bucket = buckets[cell]
            del bucket[key]
            if not bucket:
                del buckets[cell]


class TensorMap:
    """Assigns task ids in submit order and returns each task's producers."""

    def __init__(self) -> None:
        self._writers: dict[Hashable, _BoxIndex] = {}
        self._readers: dict[Hashable, _BoxIndex] = {}
        self.num_tasks = 0

    def _index(self, table: dict[Hashable, _BoxIndex], region: Region) -> _BoxIndex:
        index = table.get(region.tensor)
        if index is None:
            index = table[region.tensor] = _BoxIndex(len(region.box))
        elif index.ndim != len(region.box):
            raise ValueError(
                f"tensor {region.tensor!r} accessed with {len(region.box)} dims after {index.ndim}; "
                "regions must use the underlying buffer's coordinates"
            )
        return index

    def submit(self, reads: Iterable[Region], writes: Iterable[Region]) -> tuple[int, ...]:
        """Record the next task's accesses; return the earlier tasks it depends on (sorted)."""
        task = self.num_tasks
        self.num_tasks += 1
        reads = [r for r in reads if not r.empty]
        writes = [w for w in writes if not w.empty]
        deps: set[int] = set()
        for region in reads:
            deps.update(t for _, _, t in self._index(self._writers, region).overlapping(region.box))
        for region in writes:
            deps.update(t for _, _, t in self._index(self._writers, region).overlapping(region.box))
            deps.update(t for _, _, t in self._index(self._readers, region).overlapping(region.box))
        for region in reads:
            self._index(self._readers, region).add(region.box, task)
        for region in writes:
            for table in (self._writers, self._readers):
                index = self._index(table, region)
                for key, box, _ in index.overlapping(region.box):
                    if _covers(region.box, box):
                        index.remove(key)
            self._writers[region.tensor].add(region.box, task)
        return tuple(sorted(deps))
