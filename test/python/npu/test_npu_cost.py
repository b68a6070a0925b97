"""Level A: every cost formula against hand-computed values, and the pipe list schedule."""

import dataclasses

import pytest

from ppc.runtime.npu import (
    A2A3,
    A5,
    TileOp,
    fixpipe_cycles,
    fixpipe_op,
    gm_load_op,
    gm_store_op,
    gm_transfer_cycles,
    l1_to_l0_cycles,
    matmul_cycles,
    matmul_op,
    reduction_cycles,
    time_block,
    vector_class,
    vector_cycles,
    vector_op,
)


@pytest.mark.parametrize(
    "m,k,n,dtype,cycles",
    [
        (64, 512, 64, "bf16", 21 + 4 * 32 * 4),
        (64, 512, 64, "i8", 21 + 4 * 16 * 4),
        (64, 512, 64, "f32", 21 + 2 * 4 * 64 * 4),
        (17, 16, 1, "bf16", 21 + 2 * 1 * 1),
    ],
)
def test_matmul_cycles(m, k, n, dtype, cycles):
    assert matmul_cycles(m, k, n, dtype, A2A3) == cycles


def test_matmul_f32_on_a5_takes_8_passes():
    assert matmul_cycles(16, 8, 16, "f32", A5) == 21 + 8


def test_matmul_rejects_unknown_dtype():
    with pytest.raises(ValueError, match="'f64'"):
        matmul_cycles(16, 16, 16, "f64", A2A3)


def test_l1_to_l0_cycles():
    assert l1_to_l0_cycles(65536, "a", A2A3) == pytest.approx(65536 / 129.7)
    assert l1_to_l0_cycles(65536, "b", A2A3) == pytest.approx(65536 / 85.4)
    with pytest.raises(ValueError):
        l1_to_l0_cycles(1, "c", A2A3)


def test_fixpipe_cycles():
    # narrow rows hit the 4.45 cycle floor; wide rows drain at 118 B/cycle
    assert fixpipe_cycles(64, 64, 4, A2A3) == pytest.approx(164 + 64 * 4.45)
    assert fixpipe_cycles(16, 256, 4, A2A3) == pytest.approx(164 + 16 * 1024 / 118)


@pytest.mark.parametrize(
    "cost_class,nbytes,cycles",
    [
        ("unary", 1024, 20 + 1 * 4),
        ("binary", 1000, 24 + 2 * 4 + 16),
        ("exp", 256, 30 + 2 * 1),
        ("div", 512, 50 + 5 * 2),
    ],
)
def test_vector_cycles(cost_class, nbytes, cycles):
    assert vector_cycles(cost_class, nbytes, A2A3) == cycles


def test_vector_class_mapping():
    assert vector_class("add") == "binary"
    assert vector_class("mul", scalar_operand=True) == "unary"
    assert vector_class("sqrt") == "div"
    assert vector_class("row_expand_mul") == "binary"
    assert vector_class("row_expand") == "unary"
    with pytest.raises(ValueError, match="no vector cost for op 'frobnicate'"):
        vector_class("frobnicate")


def test_reduction_cycles():
    # [16, 512] f32 row_sum: 9 halving folds of 16K, 8K, ... 64 bytes.
    # repeats 64+32+16+8+4+2+1+1+1 = 129 (slope 2), 9 heads of 24, two unaligned folds (128, 64 B)
    assert reduction_cycles(32768, 512, A2A3) == 2 * 129 + 9 * 24 + 2 * 16
    assert reduction_cycles(1024, 1, A2A3) == vector_cycles("unary", 1024, A2A3)
    op = vector_op("row_max", 32768, A2A3, reduce_len=512)
    assert op.cycles == reduction_cycles(32768, 512, A2A3)
    with pytest.raises(ValueError, match="reduce_len"):
        vector_op("row_sum", 1024, A2A3)


@pytest.mark.parametrize(
    "rows,row_bytes,cycles",
    [
        (64, 1024, 200 + 64 * 27),  # 1 KB rows: two 512 B lines (16 cycles), but a burst costs >= 27
        (1, 100, 200 + 27),  # a partial row moves a whole line, and pays the burst floor
        (4, 4096, 200 + 4 * 64),  # wide rows move at 64 B/cycle: the floor does not bind
        (16, 256, 200 + 16 * 27),
    ],
)
def test_gm_transfer_cycles(rows, row_bytes, cycles):
    assert gm_transfer_cycles(rows, row_bytes, A2A3) == cycles


def test_gm_transfer_row_floor():
    fast = dataclasses.replace(A2A3, gm_bytes_per_cycle=1024, gm_min_row_cycles=1)
    assert gm_transfer_cycles(10, 64, fast) == 200 + 10 * 1
    with pytest.raises(ValueError):
        gm_transfer_cycles(0, 64, A2A3)


def test_op_constructors_carry_bytes_and_flops():
    assert matmul_op(64, 512, 64, "bf16", A2A3).flops == 2 * 64 * 512 * 64
    assert fixpipe_op(64, 64, 4, A2A3).gm_bytes == 64 * 64 * 4
    assert gm_load_op(16, 256, A2A3).gm_bytes == 4096
    assert gm_store_op(16, 256, A2A3).pipe == "MTE3"


def op(pipe, cycles, deps=()):
    return TileOp("op", pipe, cycles, tuple(deps))


def test_time_block_pipes_overlap_and_deps_serialise():
    ops = [op("MTE2", 100), op("MTE2", 100), op("VEC", 50, [0]), op("MTE3", 30, [2]), op("VEC", 10)]
    timing = time_block(ops, "AIV")
    # load0 0-100, load1 100-200, vec 100-150, store 150-180, vec (in order after vec) 150-160
    assert timing.work.cycles == 200
    assert timing.pipe_busy == {"MTE2": 200, "VEC": 60, "MTE3": 30}


@pytest.mark.parametrize("stages,total", [(1, 4 * (100 + 60)), (2, 4 * 100 + 60)])
def test_time_block_pipelined_loop(stages, total):
    """4 iterations of load (100) -> compute (60): one slot serialises, two slots overlap load i+1."""
    ops = []
    for _ in range(4):
        ops.append(op("MTE2", 100).in_buffer("in", stages))
        ops.append(op("VEC", 60, [len(ops) - 1]))
    assert time_block(ops, "AIV").work.cycles == total


def test_time_block_sums_work():
    ops = [gm_load_op(64, 1024, A2A3), matmul_op(64, 512, 64, "bf16", A2A3, [0]), fixpipe_op(64, 64, 4, A2A3, [1])]
    work = time_block(ops, "AIC").work
    assert work.gm_bytes == 64 * 1024 + 64 * 64 * 4
    assert work.flops == 2 * 64 * 512 * 64
    assert work.cycles == pytest.approx(200 + 64 * 27 + 533 + 164 + 64 * 4.45)


def test_time_block_rejects_bad_ops():
    with pytest.raises(ValueError, match="not a pipe of AIC"):
        time_block([op("VEC", 1)], "AIC")
    with pytest.raises(ValueError, match="deps must be earlier ops"):
        time_block([op("VEC", 1, [0])], "AIV")
    with pytest.raises(ValueError, match="core type"):
        time_block([], "CPU")
    with pytest.raises(ValueError, match="at least one stage"):
        op("VEC", 1).in_buffer("x", 0)
