"""Global-memory tensors at run time: one numpy buffer per allocation, views over it, accessed regions.

In the IR every write returns a new tensor version; at run time all versions of a tensor share one
buffer (the outs threading of task scopes makes that safe), so `pl.assemble` writes in place. A `GmTensor`
is a view of a root buffer; its `origin` places the view in the root's coordinates so the regions a block
touches can be handed to the TensorMap. A reshaped view has no box in root coordinates: its accesses are
recorded as the whole root (a conservative dependency, never a missed one).
"""

from __future__ import annotations

from itertools import count

import numpy as np

from .npu import Region

_ids = count()


class GmTensor:
    """A view `array` of root buffer `root_id`; `origin` is the view's offset in the root (None: reshaped)."""

    __slots__ = ("array", "root_id", "root_shape", "origin")

    def __init__(self, array: np.ndarray, root_id: int | None = None, root_shape: tuple[int, ...] | None = None,
                 origin: tuple[int, ...] | None = None):
        self.array = array
        self.root_id = next(_ids) if root_id is None else root_id
        self.root_shape = array.shape if root_shape is None else root_shape
        self.origin = (0,) * array.ndim if root_id is None else origin

    @property
    def shape(self) -> tuple[int, ...]:
        return self.array.shape

    def view(self, offsets: tuple[int, ...], shape: tuple[int, ...]) -> GmTensor:
        """The sub-tensor at `offsets` of extent `shape` (bounds already checked)."""
        index = tuple(slice(o, o + s) for o, s in zip(offsets, shape))
        origin = None if self.origin is None else tuple(a + o for a, o in zip(self.origin, offsets))
        return GmTensor(self.array[index], self.root_id, self.root_shape, origin)

    def reshaped(self, shape: tuple[int, ...]) -> GmTensor:
        """A reshaped view (a copy only if the view is not contiguous, which a GM reshape never needs)."""
        return GmTensor(self.array.reshape(shape), self.root_id, self.root_shape, None)

    def region(self, offsets: tuple[int, ...], shape: tuple[int, ...]) -> Region:
        """The root-coordinate box of the part of this view at `offsets` with extent `shape`."""
        if self.origin is None:
            return Region(self.root_id, tuple((0, d) for d in self.root_shape))
        return Region(self.root_id, tuple((a + o, a + o + s) for a, o, s in zip(self.origin, offsets, shape)))

    def transfer_shape(self, shape: tuple[int, ...]) -> tuple[int, int]:
        """(rows, row elements) of a transfer of a `shape` box: trailing dims spanning the whole root row
        merge into one contiguous row."""
        if not shape:
            return 1, 1
        k = len(shape) - 1
        if self.origin is not None:
            while k > 0 and shape[k] == self.root_shape[k]:
                k -= 1
        rows = int(np.prod(shape[:k], dtype=np.int64)) if k else 1
        return rows, int(np.prod(shape[k:], dtype=np.int64))

    def __repr__(self) -> str:
        return f"GmTensor(root={self.root_id}, origin={self.origin}, shape={self.shape}, dtype={self.array.dtype})"
