"""Global-memory tensors at run time: one numpy buffer per allocation, views over it, accessed regions.

In the IR every write returns a new tensor version; at run time all versions of a tensor share one
buffer (the outs threading of task scopes makes that safe), so `pl.assemble` writes in place. A `GmTensor`
is a view of a root buffer. Besides the numpy view it keeps its layout in the root's row-major element
order (`offset`, `strides`), so slices, reshapes and any mix of them map an accessed box to the exact root
boxes it covers (runtime/layout.py) for the TensorMap.
"""

from __future__ import annotations

from itertools import count

import numpy as np

from .layout import canonical_dims, reshape_strides, root_boxes, row_major_strides, transfer_rows
from .npu import Region

_ids = count()


class GmTensor:
    """A view `array` of root buffer `root_id` (shape `root_shape`): view index i is root element
    `offset + sum(i * strides)` in row-major order; `origin` is the view's corner in root coordinates when
    the view is a plain box of the root (its boxes are then boxes of the root), else None. `written` is the
    root's written-elements mask when its reads are checked (runtime/out_reads.py), shared by every view."""

    __slots__ = ("array", "root_id", "root_shape", "offset", "strides", "origin", "written")

    def __init__(self, array: np.ndarray):
        """A new root buffer."""
        self.array = array
        self.root_id = next(_ids)
        self.root_shape = array.shape
        self.offset = 0
        self.strides = row_major_strides(array.shape)
        self.origin: tuple[int, ...] | None = (0,) * array.ndim
        self.written = None

    def _derived(self, array: np.ndarray, offset: int, strides: tuple[int, ...], origin) -> GmTensor:
        t = GmTensor.__new__(GmTensor)
        t.array, t.root_id, t.root_shape = array, self.root_id, self.root_shape
        t.offset, t.strides, t.origin, t.written = offset, strides, origin, self.written
        return t

    @property
    def shape(self) -> tuple[int, ...]:
        return self.array.shape

    def view(self, offsets: tuple[int, ...], shape: tuple[int, ...]) -> GmTensor:
        """The sub-tensor at `offsets` of extent `shape` (bounds already checked)."""
        index = tuple(slice(o, o + s) for o, s in zip(offsets, shape))
        offset = self.offset + sum(o * s for o, s in zip(offsets, self.strides))
        origin = None if self.origin is None else tuple(a + o for a, o in zip(self.origin, offsets))
        return self._derived(self.array[index], offset, self.strides, origin)

    def reshaped(self, shape: tuple[int, ...]) -> GmTensor:
        """The same elements as a `shape` view; ValueError if they are not evenly strided in the root (a
        copy would be needed, and writes through it would never reach the tensor)."""
        strides = reshape_strides(self.shape, self.strides, shape)
        if strides is None:
            raise ValueError(
                f"a {list(self.shape)} view of a {list(self.root_shape)} tensor is not contiguous enough to be "
                f"reshaped to {list(shape)} in place; reshape the whole tensor, then slice"
            )
        array = self.array.reshape(shape)  # a copy only for a non-contiguous caller array, which is read-only
        if not self.array.flags.writeable:
            array.flags.writeable = False
        return self._derived(array, self.offset, strides, self._origin_of(shape, strides))

    def _origin_of(self, shape: tuple[int, ...], strides: tuple[int, ...]) -> tuple[int, ...] | None:
        """The root corner of a view laid out like a box of the root, else None."""
        root = self.root_shape
        if len(shape) != len(root) or any(n > 1 and s != r for n, s, r in zip(shape, strides, row_major_strides(root))):
            return None
        corner = tuple(int(c) for c in np.unravel_index(self.offset, root)) if root else ()
        return corner if all(c + n <= d for c, n, d in zip(corner, shape, root)) else None

    def regions(self, offsets: tuple[int, ...], shape: tuple[int, ...]) -> list[Region]:
        """The root-coordinate boxes of the part of this view at `offsets` with extent `shape` (exact)."""
        if self.origin is not None:
            return [Region(self.root_id, tuple((a + o, a + o + s) for a, o, s in zip(self.origin, offsets, shape)))]
        base = self.offset + sum(o * s for o, s in zip(offsets, self.strides))
        dims = canonical_dims(shape, self.strides)
        return [Region(self.root_id, box) for box in root_boxes(base, dims, self.root_shape)]

    def whole_regions(self) -> list[Region]:
        return self.regions((0,) * self.array.ndim, self.shape)

    def transfer_shape(self, shape: tuple[int, ...]) -> tuple[int, int]:
        """(rows, row elements) of a transfer of a `shape` box: its innermost contiguous run is one row."""
        return transfer_rows(canonical_dims(shape, self.strides))

    def __repr__(self) -> str:
        return (f"GmTensor(root={self.root_id}, offset={self.offset}, strides={self.strides}, shape={self.shape}, "
                f"dtype={self.array.dtype})")
