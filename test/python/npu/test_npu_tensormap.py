"""TensorMap: RAW / WAW / WAR on overlapping boxes, pruning of superseded accesses, scale."""

import time

import pytest

from ppc.runtime.npu import Region, TensorMap


def rows(tensor, lo, hi, cols=(0, 128)):
    return Region(tensor, ((lo, hi), cols))


def test_raw_waw_war():
    tm = TensorMap()
    assert tm.submit([], [rows("y", 0, 16)]) == ()  # 0 writes
    assert tm.submit([rows("y", 0, 8)], []) == (0,)  # 1 reads: RAW on 0
    assert tm.submit([], [rows("y", 8, 16)]) == (0,)  # 2 writes: WAW on 0, no conflict with 1's rows
    assert tm.submit([], [rows("y", 4, 12)]) == (0, 1, 2)  # 3: WAW on 0 and 2, WAR on 1
    assert tm.num_tasks == 4


def test_disjoint_regions_and_other_tensors_are_independent():
    tm = TensorMap()
    tm.submit([], [rows("y", 0, 16)])
    assert tm.submit([], [rows("y", 16, 32)]) == ()
    assert tm.submit([rows("x", 0, 16)], [rows("z", 0, 16)]) == ()
    assert tm.submit([], [rows("y", 0, 16, cols=(128, 256))]) == ()  # same rows, other columns
    assert tm.submit([], [Region("y", ((15, 17), (127, 129)))]) == (0, 1, 3)  # touches the three y boxes


def test_covered_writer_is_pruned_but_still_ordered_transitively():
    tm = TensorMap()
    tm.submit([], [rows("y", 0, 16)])  # 0
    tm.submit([], [rows("y", 0, 16)])  # 1 supersedes 0 (depends on it)
    assert tm.submit([rows("y", 0, 4)], []) == (1,)


def test_partial_overwrite_keeps_the_older_writer():
    tm = TensorMap()
    tm.submit([], [rows("y", 0, 16)])  # 0
    tm.submit([], [rows("y", 0, 8)])  # 1 covers half of 0
    assert tm.submit([rows("y", 0, 16)], []) == (0, 1)


def test_readers_are_kept_until_a_covering_write():
    tm = TensorMap()
    tm.submit([], [rows("y", 0, 16)])  # 0
    tm.submit([rows("y", 0, 16)], [])  # 1
    tm.submit([rows("y", 0, 16)], [])  # 2: reads do not order reads
    assert tm.submit([], [rows("y", 0, 16)]) == (0, 1, 2)  # 3: WAR on both readers
    assert tm.submit([], [rows("y", 0, 16)]) == (3,)  # readers were pruned by 3


def test_inout_task_does_not_depend_on_itself():
    tm = TensorMap()
    tm.submit([], [rows("y", 0, 16)])
    assert tm.submit([rows("y", 0, 16)], [rows("y", 0, 16)]) == (0,)
    assert tm.submit([rows("y", 0, 16)], []) == (1,)


def test_empty_regions_and_errors():
    tm = TensorMap()
    tm.submit([], [rows("y", 0, 16)])
    assert tm.submit([rows("y", 4, 4)], [rows("y", 8, 8)]) == ()
    with pytest.raises(ValueError, match="inverted"):
        rows("y", 5, 4)
    with pytest.raises(ValueError, match="3 dims after 2"):
        tm.submit([Region("y", ((0, 1), (0, 1), (0, 1)))], [])


def test_scalar_tensor():
    tm = TensorMap()
    tm.submit([], [Region("flag", ())])
    assert tm.submit([Region("flag", ())], []) == (0,)


def test_scales_to_ten_thousand_tasks():
    """10,000 single-row writers of one tensor, each then read back, then one full read."""
    tm = TensorMap()
    began = time.perf_counter()
    for i in range(10_000):
        assert tm.submit([], [Region("cache", ((i, i + 1), (0, 512)))]) == ()
        assert tm.submit([Region("cache", ((i, i + 1), (0, 512)))], []) == (2 * i,)
    assert tm.submit([Region("cache", ((0, 10_000), (0, 512)))], []) == tuple(range(0, 20_000, 2))
    assert time.perf_counter() - began < 5.0


def _elements(box):
    """The index tuples of a box with (lo, hi) or (lo, hi, step) dims."""
    import itertools

    return set(itertools.product(*(range(*dim) for dim in box)))


def test_strided_ranges_overlap_exactly():
    """Every pair of 1-D and 2-D ranges (strided or not) conflicts iff they share an index, and a write
    prunes only what it really covers (checked through the dependencies of a later reader)."""
    dims = [(0, 1), (2, 9), (3, 11, 7), (1, 14, 4), (0, 13, 6), (2, 15, 3), (5, 6), (4, 13, 4), (9, 16)]
    for a in dims:
        for b in dims:
            tm = TensorMap()
            tm.submit([], [Region("t", (a, (0, 2)))])
            assert bool(tm.submit([Region("t", (b, (0, 2)))], [])) == bool(_elements((a,)) & _elements((b,))), (a, b)
            tm = TensorMap()
            tm.submit([], [Region("t", (b,))])  # 0
            tm.submit([], [Region("t", (a,))])  # 1: prunes 0 only if it covers it
            reader = tm.submit([Region("t", (b,))], [])
            assert (0 in reader) == (not _elements((b,)) <= _elements((a,))), (a, b)


def test_strided_ranges_must_end_one_past_their_last_index():
    with pytest.raises(ValueError, match="hi is not last"):
        Region("t", ((0, 8, 4),))
