"""GM view layouts: the root boxes recorded for a box of any slice/reshape view cover exactly its elements.

Checked against numpy by brute force: the base holds np.arange, the same chain of slices and reshapes is
applied to it, and the element ids under the view's box must equal those under the recorded root boxes.
"""

from __future__ import annotations

import numpy as np
import pytest

from ppc.runtime.gm import GmTensor
from ppc.runtime.layout import MAX_STARTS, flat_range_boxes, reshape_strides


def _apply(root_shape, chain):
    """The GmTensor and the numpy view of np.arange(root) after `chain` ('slice', offsets, shape) / ('reshape', shape)."""
    base = np.arange(int(np.prod(root_shape))).reshape(root_shape)
    t, a = GmTensor(base), base
    for step in chain:
        if step[0] == "slice":
            _, offsets, shape = step
            t, a = t.view(offsets, shape), a[tuple(slice(o, o + n) for o, n in zip(offsets, shape))]
        else:
            t, a = t.reshaped(step[1]), a.reshape(step[1])
    return base, t, a


def _check(root_shape, chain, offsets, shape):
    """Assert the recorded boxes are exactly the accessed elements, without overlaps; return them."""
    base, t, a = _apply(root_shape, chain)
    want = a[tuple(slice(o, o + n) for o, n in zip(offsets, shape))].ravel()
    regions = t.regions(offsets, shape)
    got = np.concatenate([base[tuple(slice(*dim) for dim in r.box)].ravel() for r in regions] or [[]])
    assert all(r.tensor == t.root_id for r in regions)
    assert sorted(got.tolist()) == sorted(want.tolist())  # same elements, each covered once
    return [r.box for r in regions]


def test_column_window_of_a_reshape_is_one_strided_box():
    # reshape(scratch[B*S, OUT], [B, S*OUT])[:, s*OUT + o0 : +CH] -> rows b*S + s (every S-th), columns o0..o0+CH
    boxes = _check((16, 64), [("reshape", (4, 256))], (0, 2 * 64 + 32), (4, 32))
    assert boxes == [((2, 15, 4), (32, 64))]
    # a window spanning two tokens' columns: per batch, the end of token 0's row and the start of token 1's
    assert _check((16, 64), [("reshape", (4, 256))], (1, 48), (2, 32)) == [
        ((4, 5), (48, 64)), ((5, 6), (0, 16)), ((8, 9), (48, 64)), ((9, 10), (0, 16))]


def test_reshape_of_a_slice():
    # token s of a [B, S, OUT] tensor as [B, OUT]: one box
    boxes = _check((4, 8, 16), [("slice", (0, 3, 0), (4, 1, 16)), ("reshape", (4, 16))], (1, 4), (2, 8))
    assert boxes == [((1, 3), (3, 4), (4, 12))]


def test_row_blocks_of_a_merged_reshape_stay_few_boxes():
    # rows 6..14 of reshape(x[4, 4, 32], [16, 32]) cross a batch: ragged head, then a box
    boxes = _check((4, 4, 32), [("reshape", (16, 32))], (6, 0), (8, 32))
    assert boxes == [((1, 2), (2, 4), (0, 32)), ((2, 3), (0, 4), (0, 32)), ((3, 4), (0, 2), (0, 32))]
    assert _check((4, 4, 32), [("reshape", (16, 32))], (4, 8), (8, 16)) == [((1, 3), (0, 4), (8, 24))]


def test_runs_crossing_root_rows_are_split_at_row_boundaries():
    boxes = _check((32, 64), [("reshape", (4, 512))], (1, 60), (2, 200))
    assert len(boxes) == 6  # per batch: a ragged head, two whole rows, a ragged tail
    assert boxes[0] == ((8, 9), (60, 64)) and boxes[3] == ((16, 17), (60, 64))


@pytest.mark.parametrize(
    "root_shape, chain, offsets, shape",
    [
        ((32, 64), [("reshape", (16, 128)), ("slice", (2, 0), (8, 128)), ("reshape", (4, 2, 2, 64))], (1, 0, 1, 0), (2, 2, 1, 30)),
        ((6, 5, 4), [("slice", (1, 0, 0), (4, 5, 4)), ("reshape", (4, 20)), ("slice", (0, 3), (4, 10))], (1, 2), (3, 7)),
        ((6, 5, 4), [("reshape", (30, 4)), ("reshape", (2, 60)), ("reshape", (120,))], (7,), (50,)),
        ((8, 6), [("slice", (2, 0), (4, 6)), ("reshape", (2, 2, 3, 2))], (1, 0, 1, 1), (1, 2, 2, 1)),
        ((3, 1, 4), [("reshape", (12,)), ("reshape", (1, 12, 1))], (0, 5, 0), (1, 6, 1)),
        ((8, 6), [("slice", (0, 2), (8, 1)), ("reshape", (2, 4))], (0, 1), (2, 2)),  # a column re-split
        ((4, 6, 8), [("reshape", (4, 48)), ("slice", (0, 5), (4, 40)), ("reshape", (2, 2, 40))], (0, 1, 3), (2, 1, 33)),
        ((12, 4), [("reshape", (3, 16)), ("slice", (0, 4), (3, 8)), ("reshape", (3, 2, 4))], (0, 1, 1), (3, 1, 2)),
        ((5, 7), [], (1, 2), (0, 3)),  # zero extent: nothing touched
        ((), [], (), ()),  # 0-d tensor
    ],
)
def test_view_chains_match_numpy(root_shape, chain, offsets, shape):
    _check(root_shape, chain, offsets, shape)


def test_random_chains_match_numpy():
    """Random slices of a [6, 4, 10] root, each reshaped to a random 1-D or 2-D shape where numpy can do it
    without a copy (exactly where the GmTensor accepts the reshape)."""
    rng = np.random.default_rng(0)
    root = (6, 4, 10)
    for _ in range(300):
        chain, shape = [], root
        for _ in range(rng.integers(1, 4)):
            offsets = tuple(int(rng.integers(0, n)) for n in shape)
            extent = tuple(int(rng.integers(1, n - o + 1)) for n, o in zip(shape, offsets))
            chain.append(("slice", offsets, extent))
            n = int(np.prod(extent))
            factor = int(rng.choice([f for f in range(1, n + 1) if n % f == 0]))
            new = (n,) if rng.random() < 0.3 else (factor, n // factor)
            _, _, a = _apply(root, chain)
            try:
                np.reshape(a, new, copy=False)
            except ValueError:
                with pytest.raises(ValueError, match="not contiguous enough"):
                    _apply(root, [*chain, ("reshape", new)])
                shape = extent
                continue
            chain.append(("reshape", new))
            shape = new
        offsets = tuple(int(rng.integers(0, n)) for n in shape)
        extent = tuple(int(rng.integers(0, n - o + 1)) for n, o in zip(shape, offsets))
        _check(root, chain, offsets, extent)


def test_a_reshape_that_would_copy_is_refused():
    t = GmTensor(np.zeros((4, 6))).view((0, 0), (4, 3))
    with pytest.raises(ValueError, match=r"a \[4, 3\] view of a \[4, 6\] tensor is not contiguous enough"):
        t.reshaped((12,))
    assert t.reshaped((2, 2, 3)).strides == (12, 6, 1)  # splitting the rows needs no copy


def test_reshape_strides_agree_with_numpy():
    a = np.zeros((6, 4, 10))
    for view, new in [(a[:, 1:3, :], (12, 10)), (a[2:4], (80,)), (a[:, :, 2:7], (24, 5)), (a[1:2, :, :5], (2, 2, 5)),
                      (a[:, 1:2, :], (3, 20)), (a[:, :, 3:4], (2, 12))]:
        mine = reshape_strides(view.shape, tuple(s // 8 for s in view.strides), new)
        try:
            theirs = np.reshape(view, new, copy=False).strides
        except ValueError:
            assert mine is None
            continue
        assert [m for m, n in zip(mine, new) if n > 1] == [s // 8 for s, n in zip(theirs, new) if n > 1]


def test_flat_ranges_and_the_conservative_cap():
    assert flat_range_boxes(3, 3, (4, 5)) == []
    assert flat_range_boxes(3, 17, (4, 5)) == [((0, 1), (3, 5)), ((1, 3), (0, 5)), ((3, 4), (0, 2))]
    # a column of more than MAX_STARTS single elements is widened to its flat span: a superset
    n = MAX_STARTS // 2 + 1
    t = GmTensor(np.zeros((n, 4))).reshaped((2 * n, 2))
    assert [r.box for r in t.regions((0, 1), (2 * n, 1))] == [((0, 1), (1, 4)), ((1, n), (0, 4))]
    assert len(t.regions((0, 1), (MAX_STARTS, 1))) == MAX_STARTS  # up to the cap: exact, one box per element
