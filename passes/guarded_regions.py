"""Regions written only under a branch condition, for `tensor_effects`.

A write inside `if local < rows:` certainly happened only where the condition held, so leaving the branch
used to forget it.  A `Guarded` region keeps the box with the conditions of the branches it was written
under (comparisons `lhs - rhs <pred> 0` of affine forms).  United over the blocks of a launch it keeps the
block index as its parameter, `param in [first, last]`: "block i wrote row base + i wherever
`i % 128 < rows(i)`".  A later read is inside it when one instance of the parameter (a witness, solved
from an axis whose offset moves with it) lies in the range, puts the read within the box, and turns every
condition into one that holds on the read's own path (the same comparison, or one the ranges decide).
Forms name immutable values (SSA values, fresh block symbols), so equal forms are equal values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from xdsl.dialects import arith
from xdsl.ir import SSAValue

from ppc.passes.index_regions import Affine, Bounds, Box, Limits, Span, Symbol, decide, evaluate, nonneg, within

Cond = tuple[int, Affine]
"""An `arith.cmpi` predicate (signed or eq/ne) applied to `lhs - rhs`, compared with 0."""

_NEGATED = {0: 1, 1: 0, 2: 5, 5: 2, 3: 4, 4: 3}  # eq/ne, slt/sge, sle/sgt


def condition(cond: SSAValue, bound: Mapping[SSAValue, Affine], taken: bool) -> Cond | None:
    """What holds in the `taken` arm of a branch on `cond`; None when it is not an integer comparison."""
    op = cond.owner
    if not isinstance(op, arith.CmpiOp) or op.predicate.value.data not in _NEGATED:
        return None
    predicate = op.predicate.value.data
    return (predicate if taken else _NEGATED[predicate], evaluate(op.lhs, bound) - evaluate(op.rhs, bound))


@dataclass(frozen=True)
class Guarded:
    """`box` was written wherever `conds` hold; with a `param`, for each of its values in [first, last]."""

    box: Box
    conds: tuple[Cond, ...]
    param: Symbol | None = None
    first: Affine = Affine(0)
    last: Affine = Affine(0)

    def symbols(self) -> set[Symbol]:
        """The free symbols (the parameter is bound)."""
        found = self.box.symbols().union(*(d.symbols() for _, d in self.conds))
        if self.param is None:
            return found
        return (found - {self.param}) | self.first.symbols() | self.last.symbols()


def guard(region: Box | Span | Guarded, cond: Cond) -> Guarded | None:
    """`region`, written in one arm of a branch, as written under that arm's condition (spans are dropped)."""
    if isinstance(region, Box):
        return Guarded(region, (cond,))
    if isinstance(region, Guarded):
        return replace(region, conds=(*region.conds, cond))
    return None


def over_blocks(region: Guarded, symbol: Symbol, last: Affine) -> Guarded | None:
    """`region` of one block, for every block index `symbol` in [0, last]; None if it already has a parameter."""
    if region.param is not None:
        return None
    return Guarded(region.box, region.conds, symbol, Affine(0), last)


@dataclass(frozen=True)
class Context:
    """What the walk knows at the read: the conditions of its path, symbol ranges, bounds and facts."""

    path: Sequence[Cond]
    ranges: Mapping[Symbol, Bounds]
    limits: Limits
    facts: Sequence[Affine]


def holds(region: Guarded, offsets: Sequence[Affine], extents: Sequence[Sequence[Affine]], at: Context) -> bool:
    """Whether the read at `offsets` (extent per axis: the smallest of `extents`) lies in what `region` wrote."""
    if region.param is None:
        return _inside(region.box, region.conds, offsets, extents, at)
    for w in _witnesses(region.box, region.param, offsets):
        in_range = all(nonneg(f, at.ranges, at.limits, at.facts) for f in (w - region.first, region.last - w))
        conds = tuple((p, d.substitute(region.param, w)) for p, d in region.conds)
        if in_range and _inside(region.box.substitute(region.param, w), conds, offsets, extents, at):
            return True
    return False


def _witnesses(box: Box, param: Symbol, offsets: Sequence[Affine]) -> list[Affine]:
    """Values of `param` that start the box's moving axis where the read starts (rounding down)."""
    found = []
    for offset, read in zip(box.offsets, offsets):
        k = offset.coef(param)
        rest = offset - Affine.symbol(param).scale(k)
        if k <= 0 or param in rest.symbols():
            continue
        diff = read - rest
        if all(c % k == 0 for _, c in diff.terms):
            found.append(Affine(diff.const // k, frozenset((s, c // k) for s, c in diff.terms)))
    return found


def _inside(
    box: Box, conds: Sequence[Cond], offsets: Sequence[Affine], extents: Sequence[Sequence[Affine]], at: Context
) -> bool:
    span = Span(box.offsets, tuple(o + Affine(n) for o, n in zip(box.offsets, box.sizes)))
    if not within(offsets, extents, span, at.ranges, at.limits, at.facts):
        return False
    return all(c in at.path or decide(c[0], c[1], at.ranges) is True for c in conds)
