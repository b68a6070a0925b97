"""Loops whose step is not a positive constant: `pl.range(15, -1, -1)`, `pl.range(a, b, s)` with run-time `s`.

`scf.for` only counts upward, and canonicalization erases a loop whose constant bounds have `ub <= lb`
whatever its step, so such a loop is emitted over its trip count `k = 0 .. ceil((stop - start) / step)`
with the variable computed as `start + k * step` (Python's `range` for either sign of step). A run-time
step of zero fails at run time in the trip-count division, whose `pl.nonzero` attribute names the step.
"""

from __future__ import annotations

import ast

from xdsl.dialects import arith
from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Block, SSAValue

from . import scalars
from .emitter import Emitter


def trip_count(b: Emitter, start: SSAValue, stop: SSAValue, step: SSAValue, kind: str, node: ast.AST) -> SSAValue:
    """`ceil((stop - start) / step)`: the iteration count for either sign of step (<= 0 means none)."""
    span = b.emit(arith.SubiOp(stop, start), node).results[0]
    div = arith.CeilDivSIOp(span, step)
    div.attributes["pl.nonzero"] = StringAttr(f"the step of pl.{kind}")
    return b.emit(div, node).results[0]


def induction_value(b: Emitter, body: Block, start: SSAValue, step: SSAValue, name: str, node: ast.AST) -> SSAValue:
    """`start + k * step` at the top of the loop body, where `k` is the body's counter argument."""
    outer = b.block
    b.block = body
    try:
        scaled = b.emit(arith.MuliOp(body.args[0], step), node).results[0]
        value = b.emit(arith.AddiOp(start, scaled), node).results[0]
    finally:
        b.block = outer
    value.name_hint = name
    return value


def counter_bounds(b: Emitter, trip: SSAValue, node: ast.AST) -> tuple[SSAValue, SSAValue, SSAValue]:
    """(0, trip, 1): the bounds of the counting loop."""
    return scalars.constant(b, 0, scalars.INDEX, node), trip, scalars.constant(b, 1, scalars.INDEX, node)
