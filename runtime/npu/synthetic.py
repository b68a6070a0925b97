"""Synthetic programs for tests and benchmarks of the NPU model, built without the compiler.

`ProgramBuilder` turns dispatches with read/write regions into `SimTask`s through a `TensorMap`, the way
the executor does. `compressor_program` mimics the task graph of the ratio-128 compressor (KERNELS.md §1)
in its two dispatch variants, with block work priced by Level A; it is shaped like the real kernel (same
stages, dispatch counts, tiles and dependencies), not a calibrated copy of it. `split_program` is the
smallest case of the same question: N single-block tasks vs one N-block task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .config import ChipConfig
from .cost import (
    BlockWork,
    TileOp,
    fixpipe_op,
    gm_load_op,
    gm_store_op,
    l1_to_l0_op,
    matmul_op,
    time_block,
    vector_op,
)
from .tensormap import Region, TensorMap
from .timeline import SimTask

VARIANTS = ("parallel", "spmd")


class ProgramBuilder:
    """Collects dispatches in submit order; dependencies come from the regions they touch."""

    def __init__(self) -> None:
        self.tensormap = TensorMap()
        self.tasks: list[SimTask] = []

    def dispatch(
        self,
        kernel: str,
        core_type: str,
        blocks: Sequence[BlockWork],
        reads: Sequence[Region],
        writes: Sequence[Region],
        name: str | None = None,
    ) -> int:
        deps = self.tensormap.submit(reads, writes)
        self.tasks.append(SimTask(name or kernel, kernel, core_type, tuple(blocks), deps))
        return len(self.tasks) - 1


def split_program(n: int, work: BlockWork, spmd: bool, core_type: str = "AIV") -> list[SimTask]:
    """The same n blocks of work as one n-block task (spmd) or as n single-block tasks (parallel + at)."""
    if spmd:
        return [SimTask("work", "work", core_type, (work,) * n)]
    return [SimTask(f"work[{i}]", "work", core_type, (work,)) for i in range(n)]


@dataclass(frozen=True)
class CompressorShape:
    """Sizes of the ratio-128 compressor (full size by default) and the decode position."""

    batch: int = 64
    tokens: int = 2
    hidden: int = 4096
    head_dim: int = 512
    rope_dim: int = 64
    ratio: int = 128
    k_chunk: int = 512
    out_chunk: int = 64
    batch_chunk0: int = 64  # rows (tokens) per projection block
    batch_chunk1: int = 16  # batch rows per pooling / norm block
    head_chunk: int = 64
    start_pos: int = 127


F32, BF16 = 4, 2


class _Ops:
    """An op list that hands back each op's position, for use in later ops' deps."""

    def __init__(self) -> None:
        self.ops: list[TileOp] = []

    def add(self, op: TileOp) -> int:
        self.ops.append(op)
        return len(self.ops) - 1

    def chain(self, names: Sequence[str], nbytes: int, cfg: ChipConfig, first_dep: int) -> int:
        """Vector ops each consuming the previous one; returns the last."""
        last = first_dep
        for name in names:
            last = self.add(vector_op(name, nbytes, cfg, [last]))
        return last


class _Kernels:
    """Level A block work of one block of each compressor stage."""

    def __init__(self, shape: CompressorShape, cfg: ChipConfig) -> None:
        self.s = shape
        self.cfg = cfg

    def proj(self) -> BlockWork:
        """kvp, sc = x @ wkv, x @ wgate for one (row block, 64-col block): double-buffered K loop."""
        s, cfg, b = self.s, self.cfg, _Ops()
        rows, cols, kc = s.batch_chunk0, s.out_chunk, s.k_chunk
        acc: dict[str, list[int]] = {"kv": [], "score": []}
        for _ in range(s.hidden // kc):
            x = b.add(gm_load_op(rows, kc * BF16, cfg).in_buffer("x", 2))
            a = b.add(l1_to_l0_op(rows * kc * BF16, "a", cfg, [x]).in_buffer("l0a", 2))
            for out in acc:
                w = b.add(gm_load_op(kc, cols * BF16, cfg).in_buffer(f"w_{out}", 2))
                wb = b.add(l1_to_l0_op(kc * cols * BF16, "b", cfg, [w]).in_buffer("l0b", 2))
                acc[out] = [b.add(matmul_op(rows, kc, cols, "bf16", cfg, [a, wb, *acc[out]]))]
        for out in acc:
            b.add(fixpipe_op(rows, cols, F32, cfg, acc[out]))
        return time_block(b.ops, "AIC").work

    def scatter(self) -> BlockWork:
        """One token's kv and score (+ ape) columns into their state slot, for all batch rows."""
        s, cfg, b = self.s, self.cfg, _Ops()
        row = s.out_chunk * F32
        kvp = b.add(gm_load_op(s.batch, row, cfg))
        sc = b.add(gm_load_op(s.batch, row, cfg))
        ape = b.add(gm_load_op(1, row, cfg))
        score = b.add(vector_op("add", s.batch * row, cfg, [sc, ape]))
        b.add(gm_store_op(s.batch, row, cfg, [kvp]))
        b.add(gm_store_op(s.batch, row, cfg, [score]))
        return time_block(b.ops, "AIV").work

    def pool(self) -> BlockWork:
        """Online softmax over the state slots of one (batch group, head block), double-buffered loads."""
        s, cfg, b = self.s, self.cfg, _Ops()
        rows, row = s.batch_chunk1, s.head_chunk * F32
        tile = rows * row
        run_max: list[int] = []
        num: list[int] = []
        den: list[int] = []
        for _ in range(s.ratio):
            kv = b.add(gm_load_op(rows, row, cfg).in_buffer("kv", 2))
            score = b.add(gm_load_op(rows, row, cfg).in_buffer("score", 2))
            new_max = b.add(vector_op("maximum", tile, cfg, [score, *run_max]))
            p = b.chain(("sub", "exp"), tile, cfg, new_max)
            pkv = b.add(vector_op("mul", tile, cfg, [p, kv]))
            scaled = b.add(vector_op("mul", tile, cfg, [new_max, *num]))
            num = [b.add(vector_op("add", tile, cfg, [scaled, pkv]))]
            den = [b.add(vector_op("add", tile, cfg, [p, *den]))]
            run_max = [new_max]
        out = b.add(vector_op("div", tile, cfg, num + den))
        b.add(gm_store_op(rows, row, cfg, [out]))
        return time_block(b.ops, "AIV").work

    def rmsnorm(self) -> BlockWork:
        s, cfg, b = self.s, self.cfg, _Ops()
        rows, tile = s.batch_chunk1, s.batch_chunk1 * s.head_dim * F32
        x = b.add(gm_load_op(rows, s.head_dim * F32, cfg))
        weight = b.add(gm_load_op(1, s.head_dim * F32, cfg))
        sq = b.chain(("cast", "cast", "mul"), tile, cfg, x)
        total = b.add(vector_op("row_sum", tile, cfg, [sq], reduce_len=s.head_dim))
        mean = b.add(vector_op("mul", rows * F32, cfg, [total], scalar_operand=True))
        norm = b.chain(("sqrt", "row_expand_div"), tile, cfg, mean)
        y = b.chain(("cast",), tile, cfg, b.add(vector_op("mul", tile, cfg, [norm, weight])))
        b.add(gm_store_op(rows, s.head_dim * BF16, cfg, [y]))
        return time_block(b.ops, "AIV").work

    def rope(self) -> BlockWork:
        s, cfg, b = self.s, self.cfg, _Ops()
        rows, row = s.batch_chunk1, s.rope_dim * BF16
        x = b.add(gm_load_op(rows, row, cfg))
        b.add(gm_load_op(2, s.rope_dim // 2 * F32, cfg))  # cos, sin
        y = b.chain(("cast", "mul", "mul", "sub", "add", "cast"), rows * s.rope_dim * F32, cfg, x)
        b.add(gm_store_op(rows, row, cfg, [y]))
        return time_block(b.ops, "AIV").work

    def hadamard(self) -> BlockWork:
        """kv[:, 0, cols] = y @ hadamard[:, cols] for one 64-column block."""
        s, cfg, b = self.s, self.cfg, _Ops()
        rows, cols, k = s.batch, s.out_chunk, s.head_dim
        a = b.add(l1_to_l0_op(rows * k * BF16, "a", cfg, [b.add(gm_load_op(rows, k * BF16, cfg))]))
        w = b.add(l1_to_l0_op(k * cols * BF16, "b", cfg, [b.add(gm_load_op(k, cols * BF16, cfg))]))
        b.add(fixpipe_op(rows, cols, F32, cfg, [b.add(matmul_op(rows, k, cols, "bf16", cfg, [a, w]))]))
        return time_block(b.ops, "AIC").work

    def cache_write(self) -> BlockWork:
        s, cfg, b = self.s, self.cfg, _Ops()
        rows = s.batch_chunk1
        y = b.chain(("cast",), rows * s.head_dim * F32, cfg, b.add(gm_load_op(rows, s.head_dim * F32, cfg)))
        b.add(gm_store_op(rows, s.head_dim * BF16, cfg, [y]))
        return time_block(b.ops, "AIV").work


Access = tuple[list[Region], list[Region]]  # (reads, writes) of one block


def compressor_program(
    variant: str, cfg: ChipConfig, shape: CompressorShape = CompressorShape(), layers: int = 1
) -> list[SimTask]:
    """Task list of `layers` chained compressor steps (layer l reads layer l-1's kv as its input).

    `parallel`: every dispatch site is a pl.parallel loop of pl.at tasks. `spmd`: kv_score_proj,
    softmax_pool and state_scatter_next are one multi-block task each; the other sites stay parallel.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    s = shape
    kernels = _Kernels(s, cfg)
    work = {
        name: getattr(kernels, name)()
        for name in ("proj", "scatter", "pool", "rmsnorm", "rope", "hadamard", "cache_write")
    }
    builder = ProgramBuilder()
    spmd = variant == "spmd"
    every_b, every_d, every_t = (0, s.batch), (0, s.head_dim), (0, s.tokens)
    col_blocks = [(c, c + s.out_chunk) for c in range(0, s.head_dim, s.out_chunk)]
    groups = [(g, g + s.batch_chunk1) for g in range(0, s.batch, s.batch_chunk1)]
    rows_per_block = s.batch_chunk0 // s.tokens  # a projection row block holds all tokens of these sequences
    row_blocks = [(r, r + rows_per_block) for r in range(0, s.batch, rows_per_block)]
    rope_cols = (s.head_dim - s.rope_dim, s.head_dim)
    pre = min(s.tokens, s.ratio - s.start_pos % s.ratio)
    compress = s.start_pos % s.ratio + s.tokens >= s.ratio

    def site(kernel: str, core_type: str, unit: str, accesses: list[Access], as_spmd: bool = False) -> None:
        if as_spmd:
            reads = [r for rs, _ in accesses for r in rs]
            writes = [w for _, ws in accesses for w in ws]
            builder.dispatch(kernel, core_type, [work[unit]] * len(accesses), reads, writes)
        else:
            for reads, writes in accesses:
                builder.dispatch(kernel, core_type, [work[unit]], reads, writes)

    for layer in range(layers):

        def region(name: str, *ranges: tuple[int, int], layer: int = layer) -> Region:
            return Region((name, layer), tuple(ranges))

        def scatter_accesses(token: int) -> list[Access]:
            slot = (s.start_pos + token) % s.ratio
            return [
                (
                    [region(src, every_b, (token, token + 1), cols) for src in ("kvp", "sc")],
                    [region(state, every_b, (slot, slot + 1), cols) for state in ("kv_state", "score_state")],
                )
                for cols in col_blocks
            ]

        x = region("kv", every_b, every_t, every_d, layer=layer - 1) if layer else region("x", every_b, every_t)
        site(
            "kv_score_proj",
            "AIC",
            "proj",
            [
                (
                    [x, Region("wkv", (every_d, cols)), Region("wgate", (every_d, cols))],
                    [region(out, rows, every_t, cols) for out in ("kvp", "sc")],
                )
                for rows in row_blocks
                for cols in col_blocks
            ],
            spmd,
        )
        for token in range(pre):
            site("score_ape_state_scatter", "AIV", "scatter", scatter_accesses(token))
        if not compress:
            continue
        site(
            "softmax_pool",
            "AIV",
            "pool",
            [
                (
                    [region(state, g, (0, s.ratio), cols) for state in ("kv_state", "score_state")],
                    [region("pooled", g, cols)],
                )
                for g in groups
                for cols in col_blocks
            ],
            spmd,
        )
        site("rmsnorm", "AIV", "rmsnorm", [([region("pooled", g, every_d)], [region("y", g, every_d)]) for g in groups])
        site("rope", "AIV", "rope", [([region("y", g, rope_cols)], [region("y", g, rope_cols)]) for g in groups])
        site(
            "kv_hadamard",
            "AIC",
            "hadamard",
            [([region("y", every_b, every_d)], [region("kv", every_b, (0, 1), cols)]) for cols in col_blocks],
        )
        site(
            "kv_and_cache_write",
            "AIV",
            "cache_write",
            [([region("kv", g, (0, 1), every_d)], [region("kv_cache", g, every_d)]) for g in groups],
        )
        for token in range(pre, s.tokens):
            site("state_scatter_next", "AIV", "scatter", scatter_accesses(token), spmd)
    return builder.tasks
