"""`pl.system.syncall(...)`: PyPTO's hard barrier among the blocks of one `pl.spmd` task, as a `pl.syncall` op.

Only inside a `pl.spmd` body (not a `pl.at`). PyPTO's HardSyncallOccupancy check (a full-occupancy launch
with `sync_start=True`) needs the chip, known only when the program runs: runtime/barrier.py makes it. The soft (GM-polling) mode is not used by pypto-lib and is refused.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from xdsl.ir import Operation

from ppc.dialects.task_ops import SYNCALL_CORE_TYPES, AtOp, SpmdOp, SyncallOp

from . import ops
from .emitter import show

if TYPE_CHECKING:
    from .builder import FunctionBuilder


@ops.emitter("system.syncall")
def syncall(b: FunctionBuilder, name: str, node: ast.AST, a: ops.Args) -> None:
    if a["mode"] == "soft":
        raise b.error(node, "pl.system.syncall(mode='soft') (the GM-polling barrier) is not supported by ppc")
    if a["mode"] != "hard":
        raise b.error(node, f"pl.{name} mode must be 'hard' or 'soft', got {show(a['mode'])}")
    if a["gm_workspace"] is not None or a["used_cores"] is not None:
        raise b.error(node, f"pl.{name}(mode='hard') takes no gm_workspace/used_cores")
    if a["core_type"] not in SYNCALL_CORE_TYPES:
        raise b.error(node, f"pl.{name} core_type must be one of {', '.join(SYNCALL_CORE_TYPES)}, got {show(a['core_type'])}")
    scope = _enclosing_task(b.block.parent_op())
    if isinstance(scope, AtOp) or (scope is None and not b.task_context):
        raise b.error(node, f"pl.{name} is a barrier among the blocks of a pl.spmd task: it must be inside a pl.spmd body")
    b.emit(SyncallOp(a["core_type"]), node)


def _enclosing_task(op: Operation | None) -> Operation | None:
    """The innermost task scope around the op being built (None in a helper function's own body)."""
    while op is not None and not isinstance(op, AtOp | SpmdOp):
        op = op.parent_op()
    return op
