"""`for aiv_id in pl.split_aiv(2, mode=pl.SplitMode.NONE)`: PyPTO's task-parallel AIV split. Both vector lanes
of a core group run the whole body with their lane index; the lanes share nothing but GM, so running lane 0
then lane 1 gives the values the two concurrent lanes give. The loop becomes `pl.range(2)` inside a task.

The data-parallel modes (UP_DOWN / LEFT_RIGHT) halve every tile of the body between the lanes, which ppc
does not model: refused, as is a region outside a task scope (PyPTO wraps it in a task of its own).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from . import language as pl
from .emitter import show

if TYPE_CHECKING:
    from .builder import FunctionBuilder

LANES = 2  # AIV cores per core group: PyPTO's split count


def lane_bounds(b: FunctionBuilder, node: ast.AST, a: dict[str, Any]) -> tuple[int]:
    """The `pl.range` bounds of a split_aiv loop, after PyPTO's checks."""
    if a["n"] != LANES or isinstance(a["n"], bool):
        raise b.error(node, f"pl.split_aiv splits a core group's {LANES} AIV lanes: n must be {LANES}, got {show(a['n'])}")
    if a["mode"] in (pl.SplitMode.UP_DOWN, pl.SplitMode.LEFT_RIGHT):
        raise b.error(
            node, f"pl.split_aiv(mode=pl.SplitMode.{a['mode'].upper()}) (tiles halved between the AIV lanes) is not "
            "supported by ppc; pl.SplitMode.NONE is"
        )
    if a["mode"] != pl.SplitMode.NONE:
        raise b.error(node, f"mode of pl.split_aiv must be a pl.SplitMode, got {show(a['mode'])}")
    if not b.task_context:
        raise b.error(node, "pl.split_aiv outside a task scope is not supported by ppc: put it in a pl.spmd or pl.at body")
    return (LANES,)
