"""Cycle-approximate NPU model: Level A prices a block's tile ops on its core's pipes, Level B simulates the
AICPU orchestrator/schedulers, the cores and shared HBM for a whole task graph. Deterministic, IR-free:
the executor feeds it tasks (blocks of priced work + dependencies) and gets a timeline, a report and a
Perfetto trace back. See design/NPU_MODEL.md for the model and its constants.
"""

from .config import A2A3, A5, CONFIGS, ChipConfig, VectorCost, get_config
from .cost import (
    PIPES,
    BlockTiming,
    BlockWork,
    TileOp,
    fixpipe_cycles,
    fixpipe_op,
    gm_load_op,
    gm_store_op,
    gm_transfer_cycles,
    l1_to_l0_cycles,
    l1_to_l0_op,
    matmul_cycles,
    matmul_op,
    reduction_cycles,
    time_block,
    time_ops_with_deps,
    vector_class,
    vector_cycles,
    vector_op,
)
from .report import CriticalStep, FunctionStats, Roofline, RunReport, build_report
from .sim import simulate
from .tensormap import Region, TensorMap
from .timeline import BlockRecord, SimTask, Span, TaskRecord, Timeline
from .trace import trace_events, trace_json, write_trace

__all__ = [
    "A2A3",
    "A5",
    "CONFIGS",
    "PIPES",
    "BlockRecord",
    "BlockTiming",
    "BlockWork",
    "ChipConfig",
    "CriticalStep",
    "FunctionStats",
    "Region",
    "Roofline",
    "RunReport",
    "SimTask",
    "Span",
    "TaskRecord",
    "TensorMap",
    "TileOp",
    "Timeline",
    "VectorCost",
    "build_report",
    "fixpipe_cycles",
    "fixpipe_op",
    "get_config",
    "gm_load_op",
    "gm_store_op",
    "gm_transfer_cycles",
    "l1_to_l0_cycles",
    "l1_to_l0_op",
    "matmul_cycles",
    "matmul_op",
    "reduction_cycles",
    "simulate",
    "time_block",
    "time_ops_with_deps",
    "trace_events",
    "trace_json",
    "vector_class",
    "vector_cycles",
    "vector_op",
    "write_trace",
]
