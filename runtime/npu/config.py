"""Chip constants of the NPU model, one frozen object per platform.

Every number the cost formulas (Level A) and the discrete-event simulation (Level B) use lives here, so a
calibration change is a one-line diff in this file and never an edit of a code path. The values come from
design/NPU_MODEL.md; each field says where its number comes from or why it is plausible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

CORE_TYPES = ("AIC", "AIV")


@dataclass(frozen=True)
class VectorCost:
    """Cost of one vector instruction: `head + slope * repeats` cycles (a repeat is 256 bytes)."""

    head: float
    slope: float


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))


def _table(mapping: dict):
    """A read-only table as a dataclass default (a fresh proxy per instance)."""
    return field(default_factory=lambda: _frozen(mapping))


@dataclass(frozen=True)
class ChipConfig:
    """All constants of one chip. Times in cycles for Level A, in microseconds for Level B."""

    name: str

    # --- topology -------------------------------------------------------------------------------
    clock_ghz: float = 1.8  # a2a3 (910B) AI core clock
    clusters: int = 24  # one cluster = 1 AIC + 2 AIV sharing an L2 slice
    aic_per_cluster: int = 1
    aiv_per_cluster: int = 2

    # --- cube (AIC) -----------------------------------------------------------------------------
    cube_m: int = 16  # the cube does a 16 x k x 16 MAC block per cycle
    cube_n: int = 16
    # k per cycle by input dtype: bf16/f16 16, int8 32 (two int8 per bf16 lane), f32 8 (half width)
    cube_k: Mapping[str, int] = _table({"bf16": 16, "f16": 16, "i8": 32, "f32": 8})
    # passes per k-block: f32 needs 2 on a2a3, so f32 runs at 1/4 of the bf16 rate (k/2, passes x2)
    cube_passes: Mapping[str, int] = _table({"bf16": 1, "f16": 1, "i8": 1, "f32": 2})
    matmul_head_cycles: float = 21  # issue + pipeline fill of one mmad instruction
    l1_to_l0a_bytes_per_cycle: float = 129.7  # measured MTE1 rate into the left operand buffer
    l1_to_l0b_bytes_per_cycle: float = 85.4  # right operand is transposed (nz layout) on the way: slower
    fixpipe_head_cycles: float = 164  # FIXPIPE start-up per drained L0C tile
    fixpipe_min_row_cycles: float = 4.45  # a drained row costs at least this, however narrow
    fixpipe_bytes_per_cycle: float = 118  # L0C -> GM drain rate of a wide row

    # --- vector (AIV) ---------------------------------------------------------------------------
    vec_repeat_bytes: int = 256  # one vector repeat processes 256 bytes
    vec_unaligned_cycles: float = 16  # tail mask set-up when the byte count is not a whole repeat
    vector_costs: Mapping[str, VectorCost] = _table(
        {
            "unary": VectorCost(head=20, slope=1),  # also scalar-operand forms (x * 2.0)
            "binary": VectorCost(head=24, slope=2),  # two tile operands: two UB reads per repeat
            "exp": VectorCost(head=30, slope=2),  # transcendental: longer pipeline
            "div": VectorCost(head=50, slope=5),  # iterative unit, shared by div / sqrt / recip
        }
    )

    # --- on-chip memories (bytes) ---------------------------------------------------------------
    l1_bytes: int = 512 * 1024
    l0a_bytes: int = 64 * 1024
    l0b_bytes: int = 64 * 1024
    l0c_bytes: int = 128 * 1024
    ub_bytes: int = 192 * 1024
    # PTO-ISA reserves about 8 KiB at the top of UB, so PyPTO caps usable UB at 184 KiB (a2a3) / 240 KiB (a5)
    # and refuses a kernel beyond it (pypto src/backend/common/soc.cpp, pto-isa#170); the capacity check uses it.
    ub_reserved_bytes: int = 8 * 1024
    l2_bytes: int = 192 * 1024 * 1024
    l2_line_bytes: int = 512  # GM traffic moves whole L2 lines: a row is rounded up to this

    # --- global memory --------------------------------------------------------------------------
    gm_head_cycles: float = 200  # MTE start-up + first-access latency of one GM transfer
    gm_bytes_per_cycle: float = 64  # one core's own GM port
    # CALIBRATED (was an implicit 1 cycle in the formula, which never binds: a 512 B line already costs
    # 8 cycles). Each row of a strided transfer is one DMA burst, and a burst occupies MTE2 for at least
    # this long (address generation + an L2/HBM access per burst), so short strided rows run far below
    # the port rate: a 512 B row moves at 512/27 = 19 B/cycle, ~30% of the port - in line with Huawei's
    # guidance that small blocks transfer far below peak and only contiguous transfers >= 16 KB reach
    # it (a contiguous transfer is one row, so it is unaffected). 27 puts both seed totals in band
    # (runtime/npu/CALIBRATION.md); 24..30 keep them within +-15%.
    gm_min_row_cycles: float = 27
    hbm_bytes_per_s: float = 1.6e12  # HBM peak of the chip
    hbm_share: float = 0.8  # achievable fraction of the HBM peak when many cores stream at once

    # --- AICPU runtime (microseconds) -----------------------------------------------------------
    orchestrator_threads: int = 1  # replays the orchestration function: submits are serial
    scheduler_threads: int = 3  # a2a3 AICPU: 1 orchestrator + 3 schedulers
    submit_us: float = 0.87  # build one task descriptor + TensorMap lookup/insert
    pop_base_us: float = 0.25  # dequeue a ready task and prepare its launch
    pop_per_block_us: float = 0.03  # write one block's launch registers
    dispatch_receive_us: float = 0.25  # launch register write -> core sees the task
    # CALIBRATED (was 1.4): first task on a core: instruction-cache fill of its kernel and first payload
    # read. The AICPU runtime handshakes every core at start-up, before the first dispatch, so the
    # handshake is not part of a task's Head OH. Bounded by the seed: the spmd variant runs 56 of its 77
    # blocks on first-use cores and shows avg Head OH 0.57 us = 0.25 receive + 0.45 * 56/77; the +-30%
    # band allows 0.21..0.67 us, while 1.4 gives 1.27 us.
    cold_core_us: float = 0.45
    # DERIVED (no published figure): doorbell -> start of a pre-staged block (allow_early_resolve). The
    # doorbell is a write to the same DATA_MAIN_BASE register a launch writes, read by a core already
    # spinning on it with its payload fetched during the wait (hw-native-sys/simpler,
    # docs/investigations/2026-06-aicore-cold-start-warmup.md: gated local setup is ack-only), so it
    # costs what a launch register write costs to be seen: `dispatch_receive_us`. The same file
    # measures 0.16 us warm register-write -> core-ready, within the same range.
    doorbell_start_us: float = 0.25
    # DERIVED (no published figure): one hard `pl.syncall` (FFTS barrier). Each core's arrival is a write to
    # the FFTS counter and its release a write the waiting core must see: two launch-register-write latencies,
    # 2 x `dispatch_receive_us` (runtime/npu/CALIBRATION.md).
    syncall_us: float = 0.5
    pending_slots: int = 1  # a core holds one running and this many pending tasks
    pending_start_us: float = 0.8  # previous block's end -> a pending block starts
    completion_seen_us: float = 0.6  # block end -> its scheduler sees the completion flag
    # The completion sweep visits a thread's cores in turn, so a completion is seen 0 .. this much
    # later than the base latency. The model draws the offset deterministically from a Weyl
    # sequence over the block's global index (`sweep_jitter_us`), never from a random generator.
    sweep_jitter_max_us: float = 0.2
    sweep_jitter_step: float = 0.6180339887498949  # golden-ratio step: offsets spread evenly
    completion_base_us: float = 0.15  # retire one completed task (paid with its last block)
    completion_per_fanout_us: float = 0.03  # decrement one consumer's dependency counter
    # Each other block of a multi-block (spmd) task only marks itself done: NPU_MODEL.md counts "n
    # completions" for n pl.at tasks but one for an n-block spmd task. Same cost as writing one block's
    # launch registers (pop_per_block_us).
    completion_per_block_us: float = 0.03

    def __hash__(self) -> int:
        # The tables are read-only proxies (unhashable); configs that compare equal share a name.
        return hash(self.name)

    # --- derived quantities ---------------------------------------------------------------------
    @property
    def cycles_per_us(self) -> float:
        return self.clock_ghz * 1e3

    @property
    def core_count(self) -> Mapping[str, int]:
        return {"AIC": self.clusters * self.aic_per_cluster, "AIV": self.clusters * self.aiv_per_cluster}

    @property
    def core_gm_bytes_per_us(self) -> float:
        return self.gm_bytes_per_cycle * self.cycles_per_us

    @property
    def hbm_bytes_per_us(self) -> float:
        """Nominal HBM bandwidth (the roofline uses it)."""
        return self.hbm_bytes_per_s / 1e6

    @property
    def shared_hbm_bytes_per_us(self) -> float:
        """Bandwidth that concurrently running blocks share in the simulation."""
        return self.hbm_bytes_per_us * self.hbm_share

    @property
    def cube_peak_flops_per_us(self) -> float:
        """bf16 cube peak of the whole chip (2 flops per MAC)."""
        macs = self.cube_m * self.cube_n * self.cube_k["bf16"] / self.cube_passes["bf16"]
        return 2 * macs * self.core_count["AIC"] * self.cycles_per_us

    def sweep_jitter_us(self, block_index: int) -> float:
        """Deterministic offset in [0, sweep_jitter_max_us) for the block with this global index."""
        return self.sweep_jitter_max_us * ((block_index * self.sweep_jitter_step) % 1.0)


A2A3 = ChipConfig(name="a2a3")

# Ascend 950-class. NPU_MODEL.md gives clock, core counts, L0C, UB, scheduler threads and the f32
# matmul passes; everything else (vector/MTE rates, HBM, AICPU latencies) is kept at the a2a3 value
# until it is measured.
A5 = dataclasses.replace(
    A2A3,
    name="a5",
    clock_ghz=1.65,
    clusters=36,
    cube_passes=_frozen({"bf16": 1, "f16": 1, "i8": 1, "f32": 8}),
    l0c_bytes=256 * 1024,
    ub_bytes=248 * 1024,
    scheduler_threads=4,
)

CONFIGS: Mapping[str, ChipConfig] = _frozen({cfg.name: cfg for cfg in (A2A3, A5)})


def get_config(name: str) -> ChipConfig:
    """The chip config for a platform name (`a2a3`, `a5`)."""
    try:
        return CONFIGS[name.lower()]
    except KeyError:
        known = ", ".join(sorted(CONFIGS))
        raise ValueError(f"unknown NPU platform {name!r}; known platforms: {known}") from None
