"""Level A: how many cycles one block of a task spends on its core.

A block is a list of tile ops. Each op runs on one pipe of its core; pipes run in parallel and in order,
so a block's time is a list schedule, not a sum: an op starts when its pipe is free, its inputs are ready
and (for multi-buffered tiles) a buffer slot is free. The formulas for single ops are pure functions of
the op's shape and the chip config so the executor, tests and benchmarks all price ops the same way.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .config import ChipConfig

# In-order pipes of each core type: AIC moves GM->L1 (MTE2), L1->L0 (MTE1), multiplies (CUBE) and drains
# L0C->GM (FIXPIPE); AIV moves GM->UB (MTE2), computes (VEC) and writes UB->GM (MTE3).
PIPES: Mapping[str, tuple[str, ...]] = {
    "AIC": ("MTE2", "MTE1", "CUBE", "FIXPIPE"),
    "AIV": ("MTE2", "VEC", "MTE3"),
}

# Vector op name -> cost class of config.vector_costs. sort/gather/scatter have no measured figure and are put in
# the slowest class (compare/permute networks take several cycles per repeat).
_VECTOR_CLASS: Mapping[str, str] = {
    **dict.fromkeys(("add", "sub", "mul", "maximum", "minimum"), "binary"),
    **dict.fromkeys(("div", "sqrt", "rsqrt", "recip", "sort32", "mrgsort", "gather", "scatter"), "div"),
    **dict.fromkeys(("exp", "log"), "exp"),
    **dict.fromkeys(
        ("neg", "abs", "relu", "cast", "full", "arange", "fillpad", "concat", "row_expand", "col_expand"),
        "unary",
    ),
}
_REDUCTIONS = frozenset(
    ("row_sum", "row_max", "row_min", "col_sum", "col_max", "col_min",
     "row_argmax", "row_argmin", "col_argmax", "col_argmin")
)  # fmt: skip
_EXPAND_PREFIXES = ("row_expand_", "col_expand_")


# --- single-op formulas (cycles) -----------------------------------------------------------------


def matmul_cycles(m: int, k: int, n: int, dtype: str, cfg: ChipConfig) -> float:
    """Cube time of an (m x k) @ (k x n) matmul: `head + passes * ceil(m/16) ceil(k/kt) ceil(n/16)`."""
    if dtype not in cfg.cube_k:
        raise ValueError(f"matmul input dtype {dtype!r} not supported by the cube; use one of {sorted(cfg.cube_k)}")
    blocks = math.ceil(m / cfg.cube_m) * math.ceil(k / cfg.cube_k[dtype]) * math.ceil(n / cfg.cube_n)
    return cfg.matmul_head_cycles + cfg.cube_passes[dtype] * blocks


def l1_to_l0_cycles(nbytes: int, operand: str, cfg: ChipConfig) -> float:
    """MTE1 time to move one operand tile from L1 to L0A (`operand="a"`) or L0B (`"b"`)."""
    rates = {"a": cfg.l1_to_l0a_bytes_per_cycle, "b": cfg.l1_to_l0b_bytes_per_cycle}
    if operand not in rates:
        raise ValueError(f"matmul operand must be 'a' or 'b', got {operand!r}")
    return nbytes / rates[operand]


def fixpipe_cycles(m: int, n: int, elem_bytes: int, cfg: ChipConfig) -> float:
    """FIXPIPE time to drain an m x n L0C tile to GM: `head + m * max(min_row, row_bytes / rate)`."""
    row = max(cfg.fixpipe_min_row_cycles, elem_bytes * n / cfg.fixpipe_bytes_per_cycle)
    return cfg.fixpipe_head_cycles + m * row


def vector_cycles(cost_class: str, nbytes: int, cfg: ChipConfig) -> float:
    """One vector instruction over `nbytes`: `head + slope * repeats` (+ tail penalty if not whole)."""
    cost = cfg.vector_costs[cost_class]
    repeats = math.ceil(nbytes / cfg.vec_repeat_bytes)
    tail = cfg.vec_unaligned_cycles if nbytes % cfg.vec_repeat_bytes else 0.0
    return cost.head + cost.slope * repeats + tail


def reduction_cycles(nbytes: int, reduce_len: int, cfg: ChipConfig) -> float:
    """A reduction folds the tile in half ceil(log2(reduce_len)) times; each fold is a dependent binary op.

    The folds together touch about as many bytes as one elementwise pass (the "elementwise cost") and
    each pays an instruction head (the "log2 tree steps"). A length-1 reduction is a copy.
    """
    steps = math.ceil(math.log2(reduce_len)) if reduce_len > 1 else 0
    if steps == 0:
        return vector_cycles("unary", nbytes, cfg)
    return sum(vector_cycles("binary", max(1, nbytes >> step), cfg) for step in range(1, steps + 1))


def gm_transfer_cycles(rows: int, row_bytes: int, cfg: ChipConfig) -> float:
    """GM <-> on-chip transfer of `rows` rows: `head + sum(max(row rounded to L2 lines / BW, min_row))`.

    A contiguous region is one row; a strided tile pays a whole L2 line for every partial row, and every
    row (one DMA burst) at least `gm_min_row_cycles`.
    """
    if rows <= 0 or row_bytes <= 0:
        raise ValueError(f"GM transfer needs positive rows and row bytes, got {rows} x {row_bytes}")
    line = cfg.l2_line_bytes
    per_row = max(math.ceil(row_bytes / line) * line / cfg.gm_bytes_per_cycle, cfg.gm_min_row_cycles)
    return cfg.gm_head_cycles + rows * per_row


def vector_class(name: str, scalar_operand: bool = False) -> str:
    """Cost class of a vector op by its `pl` name (`row_expand_mul` costs like `mul`)."""
    for prefix in _EXPAND_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name not in _VECTOR_CLASS:
        raise ValueError(f"no vector cost for op {name!r}; known ops: {', '.join(sorted(_VECTOR_CLASS))}")
    cost_class = _VECTOR_CLASS[name]
    return "unary" if scalar_operand and cost_class == "binary" else cost_class


# --- ops and the block schedule -------------------------------------------------------------------


@dataclass(frozen=True)
class TileOp:
    """One op of a block. `deps` are positions of earlier ops in the block's op list whose results it
    reads. An op with a `buffer` writes a tile that has `stages` slots (pl.pipeline(stage=s)): it waits
    until the consumers of the op that used the same slot `stages` writes earlier have finished."""

    kind: str
    pipe: str
    cycles: float
    deps: tuple[int, ...] = ()
    gm_bytes: int = 0
    flops: float = 0.0
    buffer: str | None = None
    stages: int = 1

    def in_buffer(self, buffer: str, stages: int = 1) -> TileOp:
        """This op writing into a `stages`-slot buffer."""
        if stages < 1:
            raise ValueError(f"a buffer needs at least one stage, got {stages}")
        return dataclasses.replace(self, buffer=buffer, stages=stages)


def matmul_op(m: int, k: int, n: int, dtype: str, cfg: ChipConfig, deps: Sequence[int] = ()) -> TileOp:
    return TileOp("matmul", "CUBE", matmul_cycles(m, k, n, dtype, cfg), tuple(deps), flops=2.0 * m * k * n)


def l1_to_l0_op(nbytes: int, operand: str, cfg: ChipConfig, deps: Sequence[int] = ()) -> TileOp:
    return TileOp(f"l1_to_l0{operand}", "MTE1", l1_to_l0_cycles(nbytes, operand, cfg), tuple(deps))


def fixpipe_op(m: int, n: int, elem_bytes: int, cfg: ChipConfig, deps: Sequence[int] = ()) -> TileOp:
    cycles = fixpipe_cycles(m, n, elem_bytes, cfg)
    return TileOp("fixpipe", "FIXPIPE", cycles, tuple(deps), gm_bytes=m * n * elem_bytes)


def vector_op(
    name: str,
    nbytes: int,
    cfg: ChipConfig,
    deps: Sequence[int] = (),
    *,
    scalar_operand: bool = False,
    reduce_len: int | None = None,
) -> TileOp:
    """A vector op over a tile of `nbytes`; reductions also need the reduced extent `reduce_len`."""
    if name in _REDUCTIONS:
        if reduce_len is None:
            raise ValueError(f"reduction {name!r} needs reduce_len")
        cycles = reduction_cycles(nbytes, reduce_len, cfg)
    else:
        cycles = vector_cycles(vector_class(name, scalar_operand), nbytes, cfg)
    return TileOp(name, "VEC", cycles, tuple(deps))


def gm_load_op(rows: int, row_bytes: int, cfg: ChipConfig, deps: Sequence[int] = ()) -> TileOp:
    """GM -> L1 (AIC) or GM -> UB (AIV): both on MTE2."""
    cycles = gm_transfer_cycles(rows, row_bytes, cfg)
    return TileOp("load", "MTE2", cycles, tuple(deps), gm_bytes=rows * row_bytes)


def gm_store_op(rows: int, row_bytes: int, cfg: ChipConfig, deps: Sequence[int] = ()) -> TileOp:
    """UB -> GM on MTE3 (AIV). AIC results leave L0C through `fixpipe_op`."""
    cycles = gm_transfer_cycles(rows, row_bytes, cfg)
    return TileOp("store", "MTE3", cycles, tuple(deps), gm_bytes=rows * row_bytes)


@dataclass(frozen=True)
class BlockWork:
    """What Level B needs of one block: core cycles (uncontended), GM bytes moved, cube flops."""

    cycles: float
    gm_bytes: int = 0
    flops: float = 0.0


@dataclass(frozen=True)
class BlockTiming:
    work: BlockWork
    pipe_busy: Mapping[str, float]  # cycles each pipe spent executing ops


def time_block(ops: Sequence[TileOp], core_type: str) -> BlockTiming:
    """List-schedule `ops` (in program order, already priced) on the in-order pipes of `core_type`."""
    return time_ops_with_deps([(op, op.deps) for op in ops], core_type)


def time_ops_with_deps(ops: Sequence[tuple[TileOp, tuple[int, ...]]], core_type: str) -> BlockTiming:
    """`time_block` of ops given with their deps beside them (the executor records priced templates and
    the producer positions separately: no TileOp is rebuilt per op)."""
    if core_type not in PIPES:
        raise ValueError(f"core type must be one of {sorted(PIPES)}, got {core_type!r}")
    pipe_free = dict.fromkeys(PIPES[core_type], 0.0)
    busy = dict.fromkeys(PIPES[core_type], 0.0)
    end: list[float] = []
    released: list[float] = []  # latest end among an op's consumers scheduled so far
    writers: dict[str, list[int]] = {}
    gm_bytes, flops = 0, 0
    for index, (op, deps) in enumerate(ops):
        pipe = op.pipe
        start = pipe_free.get(pipe)
        if start is None:
            raise ValueError(f"op {index} ({op.kind}) uses pipe {pipe!r}, not a pipe of {core_type}")
        for d in deps:
            if not 0 <= d < index:
                raise ValueError(f"op {index} ({op.kind}) depends on {deps}: deps must be earlier ops")
            if end[d] > start:
                start = end[d]
        if op.buffer is not None:
            slot_users = writers.setdefault(op.buffer, [])
            if len(slot_users) >= op.stages:
                previous = slot_users[-op.stages]
                start = max(start, end[previous], released[previous])
            slot_users.append(index)
        finish = start + op.cycles
        end.append(finish)
        released.append(0.0)
        for d in deps:
            if finish > released[d]:
                released[d] = finish
        pipe_free[pipe] = finish
        busy[pipe] += op.cycles
        gm_bytes += op.gm_bytes
        flops += op.flops
    work = BlockWork(cycles=max(end, default=0.0), gm_bytes=gm_bytes, flops=flops)
    return BlockTiming(work=work, pipe_busy=busy)
