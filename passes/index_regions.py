"""Affine index expressions and rectangular tensor regions, for the passes that reason about writes.

Slice and assemble offsets are SSA index values; `pl-infer-directions` and `pl-parallel-to-spmd` need to
know which elements they touch.  An offset is evaluated to an affine form `c + sum(k_i * s_i)` over
*symbols* (loop induction variables, block indices, or any other value the arithmetic cannot see
through).  A `Box` is one rectangular region (offset form + static extent per axis).  Symbols with a known
finite range can be eliminated from a box by taking the union over the range (`expand`), which is how
"block i writes rows [16i, 16i+16) for i < 4" becomes "rows [0, 64)".  Anything not representable is
left symbolic, so every question answered here errs on the side of "not known to be covered".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from xdsl.dialects import arith
from xdsl.dialects.builtin import IntegerAttr
from xdsl.ir import Operation, SSAValue

from ppc.dialects.data_ops import DimOp

Symbol = object  # an SSAValue, or a BlockSymbol standing for a block index under a dispatch
ENUMERATION_LIMIT = 1024  # larger symbol ranges are not enumerated (their boxes stay unknown)


class BlockSymbol:
    """The block index of one dispatch or spmd scope (a fresh symbol per analysed launch)."""

    def __repr__(self) -> str:
        return f"<block {id(self):#x}>"


@dataclass(frozen=True)
class Affine:
    """`const + sum(coef * symbol)`; terms with a zero coefficient are never stored."""

    const: int
    terms: frozenset[tuple[Symbol, int]] = frozenset()

    @staticmethod
    def symbol(s: Symbol) -> Affine:
        return Affine(0, frozenset({(s, 1)}))

    @property
    def is_const(self) -> bool:
        return not self.terms

    def coef(self, s: Symbol) -> int:
        return dict(self.terms).get(s, 0)

    def symbols(self) -> set[Symbol]:
        """Every symbol the form depends on, including those inside its opaque terms."""
        found: set[Symbol] = set()
        for s, _ in self.terms:
            found.add(s)
            if isinstance(s, Opaque):
                found |= s.symbols()
        return found

    def __add__(self, other: Affine) -> Affine:
        terms = dict(self.terms)
        for s, k in other.terms:
            terms[s] = terms.get(s, 0) + k
        return Affine(self.const + other.const, frozenset((s, k) for s, k in terms.items() if k))

    def scale(self, k: int) -> Affine:
        if k == 0:
            return Affine(0)
        return Affine(self.const * k, frozenset((s, c * k) for s, c in self.terms))

    def __sub__(self, other: Affine) -> Affine:
        return self + other.scale(-1)

    def substitute(self, s: Symbol, value: Affine) -> Affine:
        """The form with `s` replaced by `value`, inside opaque terms too (which fold once constant)."""
        result = Affine(self.const)
        for t, k in self.terms:
            if t is s:
                result = result + value.scale(k)
            elif isinstance(t, Opaque) and s in t.symbols():
                result = result + t.substitute(s, value).scale(k)
            else:
                result = result + Affine(0, frozenset({(t, k)}))
        return result


def _floordiv(a: int, b: int) -> int:
    return a // b


def _truncdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


_FOLDS = {
    "arith.floordivsi": _floordiv, "arith.divsi": _truncdiv, "arith.ceildivsi": lambda a, b: -((-a) // b),
    "arith.remsi": lambda a, b: a - _truncdiv(a, b) * b, "arith.minsi": min, "arith.maxsi": max,
}  # fmt: skip
_DIVIDING = {"arith.floordivsi", "arith.divsi", "arith.ceildivsi", "arith.remsi"}


@dataclass(frozen=True)
class Opaque:
    """A pure integer op the affine forms cannot see through (a division, min, max or `pl.dim`), keyed by
    its operation and its operands' forms: two computations of `t // 8` are one symbol, and a symbol knows
    what it depends on (a block index inside `b // 4`)."""

    op: str
    operands: tuple[Affine, ...]

    def symbols(self) -> set[Symbol]:
        return set().union(*(o.symbols() for o in self.operands))

    def substitute(self, s: Symbol, value: Affine) -> Affine:
        return Opaque(self.op, tuple(o.substitute(s, value) for o in self.operands)).fold()

    def fold(self) -> Affine:
        fold = _FOLDS.get(self.op)
        if fold is not None and all(o.is_const for o in self.operands):
            a, b = (o.const for o in self.operands)
            if self.op not in _DIVIDING or b != 0:
                return Affine(fold(a, b))
        return Affine.symbol(self)


def evaluate(value: SSAValue, bound: Mapping[SSAValue, Affine] | None = None) -> Affine:
    """The affine form of an index/integer value; `bound` overrides values (e.g. callee parameters)."""
    if bound is not None and value in bound:
        return bound[value]
    op = value.owner
    if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
        return Affine(op.value.value.data)
    if isinstance(op, arith.AddiOp):
        return evaluate(op.lhs, bound) + evaluate(op.rhs, bound)
    if isinstance(op, arith.SubiOp):
        return evaluate(op.lhs, bound) - evaluate(op.rhs, bound)
    if isinstance(op, arith.MuliOp):
        lhs, rhs = evaluate(op.lhs, bound), evaluate(op.rhs, bound)
        if rhs.is_const:
            return lhs.scale(rhs.const)
        if lhs.is_const:
            return rhs.scale(lhs.const)
    if isinstance(op, arith.IndexCastOp):
        return evaluate(op.input, bound)
    if isinstance(op, Operation) and op.name in _FOLDS:
        return Opaque(op.name, tuple(evaluate(o, bound) for o in op.operands)).fold()
    if isinstance(op, DimOp):  # keyed by the tensor (its SSA value) and axis: a size, never negative
        return Affine.symbol(Opaque("pl.dim", (Affine.symbol(op.source), Affine(op.axis.value.data))))
    return Affine.symbol(value)


@dataclass(frozen=True)
class Box:
    """A rectangular region: per axis an offset form and a static extent."""

    offsets: tuple[Affine, ...]
    sizes: tuple[int, ...]

    @staticmethod
    def whole(shape: Sequence[int]) -> Box:
        return Box(tuple(Affine(0) for _ in shape), tuple(shape))

    @property
    def is_const(self) -> bool:
        return all(o.is_const for o in self.offsets)

    def symbols(self) -> set[Symbol]:
        return set().union(*(o.symbols() for o in self.offsets))

    def substitute(self, s: Symbol, value: Affine) -> Box:
        return Box(tuple(o.substitute(s, value) for o in self.offsets), self.sizes)

    def intervals(self) -> list[tuple[int, int]]:
        return [(o.const, o.const + n) for o, n in zip(self.offsets, self.sizes)]


def expand(box: Box, s: Symbol, values: range) -> list[Box]:
    """Boxes whose union is the union of `box` over `s in values`; [] when that is not representable.

    One axis depending on `s` with a stride no larger than the extent gives one contiguous box; other
    cases are enumerated up to ENUMERATION_LIMIT values.
    """
    if not values:
        return []
    if s not in box.symbols():
        return [box]
    dependent = [a for a, o in enumerate(box.offsets) if s in o.symbols()]
    if len(dependent) == 1 and _linear_in(box.offsets[dependent[0]], s):
        a = dependent[0]
        k = box.offsets[a].coef(s)
        stride = abs(k * values.step)
        if stride <= box.sizes[a]:
            lowest = values[0] if k > 0 else values[-1]
            first = box.offsets[a].substitute(s, Affine(lowest))
            span = box.sizes[a] + stride * (len(values) - 1)
            offsets = list(box.offsets)
            offsets[a] = first
            sizes = list(box.sizes)
            sizes[a] = span
            return [Box(tuple(offsets), tuple(sizes))]
    if len(values) > ENUMERATION_LIMIT:
        return []
    return [box.substitute(s, Affine(v)) for v in values]


def _linear_in(form: Affine, s: Symbol) -> bool:
    """Whether `form` depends on `s` through its own term only (not inside an opaque one)."""
    return s not in (form - Affine.symbol(s).scale(form.coef(s))).symbols()


@dataclass(frozen=True)
class Span:
    """A rectangular region with symbolic ends, per axis [low, high): e.g. rows [0, 8 * (t // 8)) that
    the blocks of a launch of `t // 8` blocks write, 8 rows each (a size only known at run time)."""

    lows: tuple[Affine, ...]
    highs: tuple[Affine, ...]

    def symbols(self) -> set[Symbol]:
        return set().union(*(f.symbols() for f in (*self.lows, *self.highs)))


def sweep(box: Box, s: Symbol, first: Affine, last: Affine) -> Span | None:
    """The union of `box` over `s` in [first, last] (step 1), when `s` moves one axis by k <= its extent.

    Each step keeps only its first k elements, so the span is exact and empty when there is no step
    (last < first, e.g. a launch of zero blocks); None when the union is not one region."""
    dependent = [a for a, o in enumerate(box.offsets) if s in o.symbols()]
    if len(dependent) != 1:
        return None
    a = dependent[0]
    offset = box.offsets[a]
    k = offset.coef(s)
    if not 0 < k <= box.sizes[a] or not _linear_in(offset, s):
        return None
    lows = list(box.offsets)
    highs = [o + Affine(n) for o, n in zip(box.offsets, box.sizes)]
    lows[a] = offset.substitute(s, first)
    highs[a] = offset.substitute(s, last) + Affine(k)
    return Span(tuple(lows), tuple(highs))


Limits = Mapping[Symbol, tuple[Affine | None, Affine | None]]
"""Symbolic inclusive bounds of loop variables and block indices, outermost first (`i` in [0, n - 1])."""


def nonneg(
    form: Affine, ranges: Mapping[Symbol, Bounds], limits: Limits, facts: Sequence[Affine] = ()
) -> bool:
    """Whether `form` is certainly >= 0, given `facts` (forms known to be >= 0, e.g. `n - 1` inside a loop
    of n steps): `form` itself, or `form - m * fact` for a positive m cancelling one of the fact's terms."""
    if _nonneg(form, ranges, limits):
        return True
    for fact in facts:
        for s, k in fact.terms:
            m = form.coef(s) // k if form.coef(s) % k == 0 else 0
            if m > 0 and _nonneg(form - fact.scale(m), ranges, limits):
                return True
    return False


def _nonneg(form: Affine, ranges: Mapping[Symbol, Bounds], limits: Limits) -> bool:
    """Bounded symbols are replaced, innermost first, by the bound that makes the form smallest (their own
    bounds may name outer symbols, replaced next); what is left is bounded by `ranges`, a size or a
    division of non-negative values counting as non-negative."""
    for s in reversed(list(limits)):
        k = form.coef(s)
        bound = limits[s][0 if k > 0 else 1] if k else None
        if bound is not None:
            form = form.substitute(s, bound)
    known = dict(ranges)
    for s, _ in form.terms:
        if s not in known and isinstance(s, Opaque) and _nonneg_opaque(s, ranges, limits):
            known[s] = (0, None)
    lo, _ = span(form, known)
    return lo is not None and lo >= 0


def _nonneg_opaque(s: Opaque, ranges: Mapping[Symbol, Bounds], limits: Limits) -> bool:
    if s.op == "pl.dim":
        return True
    signs = [_nonneg(o, ranges, limits) for o in s.operands]
    return any(signs) if s.op == "arith.maxsi" else s.op in _FOLDS and all(signs)


def minima(form: Affine) -> list[Affine]:
    """Forms whose minimum is `form`: the arms of a `min(a, b) + c`, else `form` itself."""
    if len(form.terms) == 1:
        ((s, k),) = form.terms
        if isinstance(s, Opaque) and s.op == "arith.minsi" and k > 0:
            return [m.scale(k) + Affine(form.const) for o in s.operands for m in minima(o)]
    return [form]


def within(
    offsets: Sequence[Affine], extents: Sequence[Sequence[Affine]], region: Span,
    ranges: Mapping[Symbol, Bounds], limits: Limits, facts: Sequence[Affine] = (),
) -> bool:
    """Whether the box at `offsets`, whose extent on each axis is the smallest of its `extents`, lies in
    `region`."""
    for offset, sizes, low, high in zip(offsets, extents, region.lows, region.highs):
        if not nonneg(offset - low, ranges, limits, facts):
            return False
        if not any(nonneg(high - offset - size, ranges, limits, facts) for size in sizes):
            return False
    return True


def _inside(inner: Box, outer: Box) -> bool:
    """Symbolic containment: every axis differs by a constant that keeps `inner` within `outer`."""
    for oi, ni, oo, no in zip(inner.offsets, inner.sizes, outer.offsets, outer.sizes):
        if oi.terms != oo.terms:  # the difference has a symbol left (no zero coefficients are stored)
            return False
        d = oi.const - oo.const
        if d < 0 or d + ni > no:
            return False
    return True


def _covered(target: list[tuple[int, int]], boxes: list[list[tuple[int, int]]]) -> bool:
    """Whether constant `boxes` cover the constant `target` (sweep the first axis, recurse on the rest)."""
    if not target:
        return True
    (lo, hi), rest = target[0], target[1:]
    spanning = [b for b in boxes if b[0][0] < hi and b[0][1] > lo]
    cuts = sorted({lo, hi, *(max(lo, b[0][0]) for b in spanning), *(min(hi, b[0][1]) for b in spanning)})
    for a, b in zip(cuts, cuts[1:]):
        here = [box[1:] for box in spanning if box[0][0] <= a and box[0][1] >= b]
        if not here or not _covered(rest, here):
            return False
    return True


def covers(boxes: Iterable[Box | Span], target: Box) -> bool:
    """Whether the union of `boxes` (spans are left out) certainly contains `target`."""
    boxes = [b for b in boxes if isinstance(b, Box)]
    if any(_inside(target, b) for b in boxes):
        return True
    if not target.is_const:
        return False
    return _covered(target.intervals(), [b.intervals() for b in boxes if b.is_const])


def constant_range(lb: SSAValue, ub: SSAValue, step: SSAValue) -> range | None:
    """The iteration values of a loop with constant bounds, else None."""
    lo, hi, st = evaluate(lb), evaluate(ub), evaluate(step)
    if not (lo.is_const and hi.is_const and st.is_const) or st.const <= 0:
        return None
    return range(lo.const, hi.const, st.const)


Bounds = tuple[int | None, int | None]  # inclusive min and max of a symbol or form; None: unbounded


def span(form: Affine, ranges: Mapping[Symbol, Bounds]) -> Bounds:
    """The smallest and largest value of `form` when each symbol stays within its `ranges` entry."""
    lo: int | None = form.const
    hi: int | None = form.const
    for s, k in form.terms:
        smin, smax = ranges.get(s, (None, None))
        low, high = (smin, smax) if k > 0 else (smax, smin)
        lo = None if lo is None or low is None else lo + k * low
        hi = None if hi is None or high is None else hi + k * high
    return lo, hi


# arith.cmpi predicates on a difference d = lhs - rhs: (certainly true, certainly false) given d's bounds
_PREDICATES = {
    0: (lambda lo, hi: lo == hi == 0, lambda lo, hi: (lo is not None and lo > 0) or (hi is not None and hi < 0)),
    2: (lambda lo, hi: hi is not None and hi < 0, lambda lo, hi: lo is not None and lo >= 0),
    3: (lambda lo, hi: hi is not None and hi <= 0, lambda lo, hi: lo is not None and lo > 0),
    4: (lambda lo, hi: lo is not None and lo > 0, lambda lo, hi: hi is not None and hi <= 0),
    5: (lambda lo, hi: lo is not None and lo >= 0, lambda lo, hi: hi is not None and hi < 0),
}


def decide(predicate: int, difference: Affine, ranges: Mapping[Symbol, Bounds]) -> bool | None:
    """The value of a signed `arith.cmpi` whose operands differ by `difference`, if the ranges decide it."""
    negate = predicate == 1  # ne is not eq
    rule = _PREDICATES.get(0 if negate else predicate)
    if rule is None:
        return None
    lo, hi = span(difference, ranges)
    certainly, never = rule
    if certainly(lo, hi):
        return not negate
    if never(lo, hi):
        return negate
    return None


def hull(box: Box, ranges: Mapping[Symbol, Bounds], shape: Sequence[int]) -> Box:
    """A constant box containing every instance of `box` (an axis with an unbounded offset spans the tensor)."""
    offsets, sizes = [], []
    for offset, size, dim in zip(box.offsets, box.sizes, shape):
        lo, hi = span(offset, ranges)
        start = max(0, lo if lo is not None else 0)
        end = min(dim, hi + size if hi is not None else dim)
        offsets.append(Affine(start))
        sizes.append(max(0, end - start))
    return Box(tuple(offsets), tuple(sizes))


def uncovered(boxes: Sequence[Box], shape: Sequence[int]) -> list[Box]:
    """Constant boxes whose union is the part of the whole tensor `shape` outside the constant `boxes`.

    The tensor is cut into a grid at every box edge; uncovered cells are merged along each axis in turn.
    A grid too large to list gives [] (nothing is claimed to be uncovered).
    """
    intervals = [b.intervals() for b in boxes]
    cuts = [sorted({0, dim, *(e for iv in intervals for e in iv[a] if 0 < e < dim)}) for a, dim in enumerate(shape)]
    cells: list[list[tuple[int, int]]] = [[]]  # per cell: its interval on each axis
    for axis_cuts in cuts:
        cells = [c + [(lo, hi)] for c in cells for lo, hi in zip(axis_cuts, axis_cuts[1:])]
        if len(cells) > ENUMERATION_LIMIT * 16:
            return []
    free = [c for c in cells if not any(all(a <= lo < hi <= b for (lo, hi), (a, b) in zip(c, iv)) for iv in intervals)]
    for axis in reversed(range(len(shape))):
        merged: list[list[tuple[int, int]]] = []
        for cell in sorted(free, key=lambda c: (_without(c, axis), c[axis])):
            last = merged[-1] if merged else None
            if last is not None and _without(last, axis) == _without(cell, axis) and last[axis][1] == cell[axis][0]:
                last[axis] = (last[axis][0], cell[axis][1])
            else:
                merged.append(list(cell))
        free = merged
    return [Box(tuple(Affine(lo) for lo, _ in c), tuple(hi - lo for lo, hi in c)) for c in free]


def _without(cell: list[tuple[int, int]], axis: int) -> list[tuple[int, int]]:
    return cell[:axis] + cell[axis + 1 :]


def reshape_box(box: Box, view: Sequence[int], base: Sequence[int], ranges: Mapping[Symbol, Bounds]) -> Box | None:
    """The region of `base` that `box` of its row-major reshape `view` is, when that is one box.

    Axes of extent 1 are dropped (an in-bounds box starts at 0 there); the rest are grouped into runs
    with equal element counts; within a run the view part must be contiguous, and its linear range must
    split into one box of the base part (`_delinearize`).  None otherwise: the caller treats it as unknown.
    """
    kept = [a for a, d in enumerate(view) if d != 1]
    dims = [d for d in base if d != 1]
    offsets: list[Affine] = []
    sizes: list[int] = []
    a = b = 0
    while a < len(kept):
        run, part = [kept[a]], [dims[b]]
        count, total = view[kept[a]], dims[b]
        a, b = a + 1, b + 1
        while count != total:
            if count < total and a < len(kept):
                run.append(kept[a])
                count *= view[kept[a]]
                a += 1
            elif count > total and b < len(dims):
                part.append(dims[b])
                total *= dims[b]
                b += 1
            else:
                return None
        linear = _linearize([box.offsets[i] for i in run], [box.sizes[i] for i in run], [view[i] for i in run])
        pieces = None if linear is None else _delinearize(*linear, part, ranges)
        if pieces is None:
            return None
        offsets += [o for o, _ in pieces]
        sizes += [n for _, n in pieces]
    result_offsets, result_sizes = iter(offsets), iter(sizes)
    full = [(next(result_offsets), next(result_sizes)) if d != 1 else (Affine(0), 1) for d in base]
    return Box(tuple(o for o, _ in full), tuple(n for _, n in full))


def _linearize(offsets: list[Affine], sizes: list[int], dims: list[int]) -> tuple[Affine, int] | None:
    """The row-major linear (offset, length) of a box of `dims` that is one contiguous range, else None:
    axes before some `inner` axis have size 1, axes after it are whole (and start at 0)."""
    inner = next((k for k in range(len(dims)) if sizes[k] != 1), len(dims) - 1)
    if any(sizes[k] != dims[k] for k in range(inner + 1, len(dims))):
        return None
    strides = [1] * len(dims)
    for k in reversed(range(len(dims) - 1)):
        strides[k] = strides[k + 1] * dims[k + 1]
    offset = Affine(0)
    for k in range(inner + 1):
        offset = offset + offsets[k].scale(strides[k])
    return offset, sizes[inner] * strides[inner]


def _delinearize(
    offset: Affine, length: int, dims: list[int], ranges: Mapping[Symbol, Bounds]
) -> list[tuple[Affine, int]] | None:
    """Per axis of `dims`, (offset, size) of the box that the linear range is, else None."""
    if len(dims) == 1:
        return [(offset, length)]
    stride = 1
    for d in dims[1:]:
        stride *= d
    quotient = Affine(offset.const // stride, frozenset((s, k // stride) for s, k in offset.terms if k % stride == 0))
    remainder = Affine(offset.const % stride, frozenset((s, k) for s, k in offset.terms if k % stride))
    if remainder == Affine(0) and length % stride == 0:
        return [(quotient, length // stride), *((Affine(0), d) for d in dims[1:])]
    lo, hi = span(remainder, ranges)
    if lo is None or hi is None or lo < 0 or hi + length > stride:
        return None
    rest = _delinearize(remainder, length, dims[1:], ranges)
    return None if rest is None else [(quotient, 1), *rest]
