"""Which `scf.if` conditions hold on exactly the first iteration of an enclosing loop (or on all but it).

`pl-ssa` uses this to accept the accumulator idiom of pypto-lib matmuls, `k0 = kb * K; if k0 == 0: acc =
matmul(...) else: acc = matmul_acc(acc, ...)`: the else-arm reads `acc`, which is defined there because the
first iteration took the then-arm.  Both sides of the comparison are put in affine form over SSA values
(`arith.constant`, `addi`, `subi`, `muli` by a constant, integer casts); the difference is then a function of
the trip number k = (iv - lb) / step, substituted with the loop's own lower bound, so guards written against
a run-time lower bound (`for b in pl.range(b0, b0 + 16): if b == b0:`) are proved too.  Equalities need the
difference to vanish at k = 0 (it cannot vanish again: the step is non-zero); orderings need a constant
difference and step, and monotonicity to keep the outcome of k = 1 for every later k.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects import arith
from xdsl.ir import SSAValue

from ppc.dialects.support import constant_int

Affine = dict[SSAValue | None, int]
"""coefficient per SSA value; the key None holds the constant term"""


@dataclass(frozen=True)
class Loop:
    """An enclosing `scf.for`: induction variable, lower bound and step."""

    iv: SSAValue
    lb: SSAValue
    step: SSAValue


_CASTS = (arith.IndexCastOp, arith.ExtSIOp, arith.ExtUIOp, arith.TruncIOp)
_EQ, _NE, _SLT, _SLE, _SGT, _SGE = 0, 1, 2, 3, 4, 5
_HOLDS = {
    _SLT: lambda d: d < 0, _SLE: lambda d: d <= 0, _SGT: lambda d: d > 0, _SGE: lambda d: d >= 0,
}  # fmt: skip


def affine(value: SSAValue, depth: int = 0) -> Affine:
    """`value` as a sum of coefficient * SSA value + constant (an opaque value is its own term)."""
    c = constant_int(value)
    if c is not None:
        return {None: c} if c else {}
    op = value.owner
    if depth < 32:
        if isinstance(op, _CASTS):
            return affine(op.operands[0], depth + 1)
        if isinstance(op, arith.AddiOp | arith.SubiOp):
            sign = 1 if isinstance(op, arith.AddiOp) else -1
            return _combine(affine(op.lhs, depth + 1), affine(op.rhs, depth + 1), sign)
        if isinstance(op, arith.MuliOp):
            for factor, other in ((op.lhs, op.rhs), (op.rhs, op.lhs)):
                k = constant_int(factor)
                if k is not None:
                    return {v: k * a for v, a in affine(other, depth + 1).items() if k * a}
    return {value: 1}


def _combine(a: Affine, b: Affine, scale: int) -> Affine:
    out = dict(a)
    for v, k in b.items():
        out[v] = out.get(v, 0) + scale * k
    return {v: k for v, k in out.items() if k}


def affine_difference(a: SSAValue, b: SSAValue) -> Affine:
    """`a - b` in affine form."""
    return _combine(affine(a), affine(b), -1)


def first_iteration_guard(cond: SSAValue, loops: Sequence[Loop]) -> tuple[SSAValue, bool] | None:
    """(iv, the then-arm runs on exactly the first iteration) when `cond` is true on only the first iteration
    of one of `loops` (then-arm) or on all but the first (else-arm); innermost loop first."""
    cmp = cond.owner
    if not isinstance(cmp, arith.CmpiOp):
        return None
    pred = cmp.predicate.value.data
    diff = affine_difference(cmp.lhs, cmp.rhs)
    for loop in reversed(loops):
        a = diff.get(loop.iv, 0)
        if a == 0:
            continue
        # diff at the first iteration: replace iv by the lower bound
        first = _combine({v: k for v, k in diff.items() if v is not loop.iv}, affine(loop.lb), a)
        if pred in (_EQ, _NE):
            return (loop.iv, pred == _EQ) if not first else None
        step = constant_int(loop.step)
        if pred not in _HOLDS or step is None or step <= 0 or set(first) - {None}:
            return None
        holds, d0, slope = _HOLDS[pred], first.get(None, 0), a * step
        keeps_false = slope > 0 if pred in (_SLT, _SLE) else slope < 0  # once false at k=1, false for all k >= 1
        if holds(d0) and not holds(d0 + slope) and keeps_false:
            return loop.iv, True
        if not holds(d0) and holds(d0 + slope) and not keeps_false:
            return loop.iv, False
        return None
    return None
