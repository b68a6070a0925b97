"""Which regions of a function's tensor parameters are read and written, found by walking its IR.

Writes are functional in the IR (`pl.assemble`/`pl.write` return a new version) but in place at run time,
so every version of a parameter — through assemble/write results, loop iter_args, `scf.if` results, task
`outs` and dispatch results — is the parameter's buffer (its *lineage*; a `pl.reshape` is a view whose
boxes map back to the parameter's when `index_regions.reshape_box` can, and touch an unknown part
otherwise).  The walk follows program paths: `covered` holds, per parameter, the regions certainly
written so far; a read outside them may read the caller's old contents.  A branch whose condition the
loop bounds decide walks one arm, otherwise both, keeping what both wrote; a loop walks its first
iteration apart from the later ones (`_loop`), and with a constant non-empty range adds the union of its
iterations' writes (any other loop adds nothing); a task or dispatch adds the union over its
blocks (a dispatch is analysed through its callee's body with the callee's parameters bound to the
arguments; a call of an `@pl.jit.incore` function is walked through its callee's body in place).  A
launch whose block count is only known at run time (`t // 8` blocks of 8 rows) adds a symbolic `Span`
([0, 8 * (t // 8))); a read lies in one when `index_regions.within` proves it from the symbolic bounds of
the loop variables and block indices around it (`i <= n - 1`), the fact that a walked loop or launch has a
step, and the read's valid shape (`min(16, t - t0)` rows read at most `t - t0`; a slice whose only use is
a `pl.set_validshape` feeding a `pl.fillpad` reads only that valid part).  What one arm of an undecided
branch alone wrote is kept as written under the arm's condition (`guarded_regions`), and a read on a path
with that condition lies in it.  A self-copy `t[r] = t[r]` neither reads old contents nor certainly writes.
A read not proven covered is recorded as of old contents, or, when its region depends on values loaded at
run time (a gathered row), as an unknown read.
Results are recorded in `ParamEffects` (first write, first read of old contents, may-write hulls) and
`covered`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import DYNAMIC_INDEX, IndexType, IntegerAttr, ModuleOp
from xdsl.dialects.func import CallOp, FuncOp, ReturnOp
from xdsl.ir import Attribute, Block, BlockArgument, Operation, OpResult, SSAValue
from xdsl.traits import SymbolTable

from ppc.dialects.attributes import FuncKind, KindAttr
from ppc.dialects.data_ops import AssembleOp, DimOp, FillPadOp, ReadOp, ReshapeOp, SetValidShapeOp, SliceOp, WriteOp
from ppc.dialects.task_ops import BlockIdxOp, DispatchOp, SpmdOp, SyncallOp, TaskScopeOp, YieldOp
from ppc.dialects.types import TensorType, TileType
from ppc.passes.guarded_regions import Cond, Context, Guarded, condition, guard, holds, over_blocks
from ppc.passes.index_regions import (
    ENUMERATION_LIMIT, Affine, BlockSymbol, Bounds, Box, Span, Symbol, covers, decide, evaluate, expand, hull, minima,
    reshape_box, sweep, uncovered, within,
)

# The reshapes between a value and its parameter, innermost first, as (value shape, source shape) steps:
# () for the parameter's own versions, None where the mapping is lost (e.g. through an opaque call).
Views = tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] | None
Lineage = frozenset[tuple[BlockArgument, Views]]
Covered = dict[BlockArgument, list[Box | Span | Guarded]]


@dataclass
class ParamEffects:
    """`first_old_read` is the first read of a region not certainly written before it on its path (it may
    see the caller's contents) at a region known at compile time; `first_unknown_read` the first such read
    whose region depends on values loaded at run time (a gathered row), which no write is proven to cover
    and none is proven to miss, and `unknown_reads` every such read (the executor checks them); `may_write` holds boxes whose union contains every write, with loop and
    block symbols spread over their ranges on leaving the loop or launch (None: anywhere, e.g. a write
    through a view that does not map back)."""

    first_write: Operation | None = None
    first_old_read: Operation | None = None
    first_unknown_read: Operation | None = None
    unknown_reads: dict[Operation, None] = field(default_factory=dict)
    may_write: list[Box] | None = field(default_factory=list)


@dataclass
class Reassignment:
    """A task or kernel returned, for an out, a value that is not a version of that out."""

    param: BlockArgument
    where: Operation


def _extent(t: Attribute) -> tuple[int, ...] | None:
    """The extent a value of type `t` writes: its (constant) valid shape; None if only known at run time."""
    if isinstance(t, TileType):
        valid = t.get_valid_shape()
        if valid is not None:
            return None if DYNAMIC_INDEX in valid else valid
    if isinstance(t, TensorType | TileType):
        return t.get_shape()
    return ()


UNBOUNDED = 1 << 62
"""A dynamic (`?`) dimension as the analysis sees it: no write certainly covers it whole."""


def _bounds(t: TensorType) -> tuple[int, ...]:
    return tuple(UNBOUNDED if d == DYNAMIC_INDEX else d for d in t.get_shape())


def _union(
    boxes: Sequence[Box | Span | Guarded], symbol: Symbol, values: range | None,
    swept: tuple[Affine, Affine] | None = None,
) -> list[Box | Span | Guarded]:
    """The union of boxes over `symbol in values` (or, when those are not constant, over the symbolic range
    `swept`, step 1), as far as it stays small; boxes that cannot be united (too many pieces, or not one
    region, and guarded regions that depend on `symbol`) are dropped, which only under-approximates what is
    certainly written."""
    fixed = [b for b in boxes if symbol not in b.symbols()]
    moving = [b for b in boxes if symbol in b.symbols() and isinstance(b, Box)]
    if values is None:
        spans = [sweep(b, symbol, *swept) for b in moving] if swept is not None else []
        return fixed + [s for s in spans if s is not None]
    united = [u for b in moving for u in expand(b, symbol, values)]
    return fixed + united if len(united) <= ENUMERATION_LIMIT else fixed


def _all_blocks(
    boxes: Sequence[Box | Span | Guarded], body: Block, block_index: Affine, blocks: range | None,
    last: Affine | None = None,
) -> list[Box | Span | Guarded]:
    """What every block of a launch wrote: `boxes` (of one block) united over the block index's values (the
    constant `blocks`, else the symbolic range 0..`last`); a guarded region keeps the index as its parameter,
    unless it names a value computed in the `body` (another block's value differs)."""
    for symbol in block_index.symbols():
        moving = [g for g in boxes if isinstance(g, Guarded) and symbol in g.symbols() and not _local(g, body)]
        final = Affine(blocks[-1]) if blocks else last
        families = [over_blocks(g, symbol, final) for g in moving] if final is not None else []
        rest = [b for b in boxes if not (isinstance(b, Guarded) and symbol in b.symbols())]
        boxes = _union(rest, symbol, blocks, (Affine(0), last) if last is not None else None)
        boxes += [f for f in families if f is not None]
    return list(boxes)


def _copy(covered: Covered) -> Covered:
    return {p: list(boxes) for p, boxes in covered.items()}


class TensorEffects:
    """Walks one function (and the kernels it dispatches) and records its parameters' effects."""

    def __init__(self, module: ModuleOp, func: FuncOp):
        self.module = module
        self.params = [a for a in func.body.block.args if isinstance(a.type, TensorType)]
        self.effects = {p: ParamEffects() for p in self.params}
        self.reassignment: Reassignment | None = None
        self._lineage: dict[SSAValue, Lineage] = {p: frozenset({(p, ())}) for p in self.params}
        self._bound: dict[SSAValue, Affine] = {}
        self._block_index: list[Affine] = []
        self._launches: list[tuple[Block, Affine, range | None, Affine | None, dict[BlockArgument, int]]] = []
        self._active: set[FuncOp] = {func}
        self._ranges: dict[Symbol, Bounds] = {}
        self._limits: dict[Symbol, tuple[Affine | None, Affine | None]] = {}
        self._facts: list[Affine] = []  # forms >= 0 on the path walked: `n - 1` in a launch or loop of n steps
        self._conds: list[Cond] = []  # the conditions of the undecided branch arms around the op walked
        if _is_incore(func) and func.body.block.args and isinstance(func.body.block.args[-1].type, IndexType):
            self._block_index.append(Affine.symbol(func.body.block.args[-1]))
        self.covered: Covered = {p: [] for p in self.params}
        self._block(func.body.block, self.covered)

    # ------------------------------------------------------------------------------------ queries
    def lineage(self, value: SSAValue) -> Lineage:
        return self._lineage.get(value, frozenset())

    def fully_written(self, param: BlockArgument) -> bool:
        assert isinstance(param.type, TensorType)
        return covers(self.covered[param], Box.whole(_bounds(param.type)))

    def never_written(self, param: BlockArgument) -> list[Box]:
        """Constant boxes of `param` that no write can reach ([] when that is not provable)."""
        assert isinstance(param.type, TensorType)
        written = self.effects[param].may_write
        if written is None or not param.type.is_static:  # a dynamic size: no box is certainly outside
            return []
        shape = param.type.get_shape()
        return uncovered([hull(b, {}, shape) for b in written], shape)

    # ------------------------------------------------------------------------------------ effects
    def _box(self, offsets: Sequence[SSAValue], extent: tuple[int, ...] | None) -> Box | None:
        if extent is None:
            return None
        return Box(tuple(evaluate(o, self._bound) for o in offsets), extent)

    def _through(self, box: Box | None, views: Views) -> Box | None:
        """`box` of a value as a box of its parameter, back through its reshapes; None if unknown."""
        if views is None:
            return None
        for view, base in views:
            if box is None:
                return None
            box = reshape_box(box, view, base, self._ranges)
        return box

    def _read(
        self, value: SSAValue, box: Box | None, op: Operation, covered: Covered,
        extents: Sequence[Sequence[Affine]] | None = None,
    ) -> None:
        """`extents`: per axis, forms whose minimum is the extent read (a valid shape), when not all of `box`."""
        for param, views in self.lineage(value):
            assert isinstance(param.type, TensorType)
            shape = _bounds(param.type)
            target = self._through(box, views) or Box.whole(shape)
            effects = self.effects[param]
            if covers(covered[param], target) or covers(covered[param], hull(target, self._ranges, shape)):
                continue
            if box is not None and views == () and self._in_span(box, extents, covered[param]):
                continue
            if self._in_guarded(target, extents if views == () else None, covered[param]):
                continue
            if box is not None and _loaded([*box.offsets, *(f for forms in extents or () for f in forms)]):
                if effects.first_unknown_read is None:
                    effects.first_unknown_read = op
                effects.unknown_reads[op] = None
            elif effects.first_old_read is None:
                effects.first_old_read = op

    def _in_span(self, box: Box, extents: Sequence[Sequence[Affine]] | None, covered: list[Box | Span]) -> bool:
        """Whether one symbolic span written so far holds the read `box` (of `extents`, if given)."""
        sizes = extents or [[Affine(n)] for n in box.sizes]
        return any(
            isinstance(s, Span) and within(box.offsets, sizes, s, self._ranges, self._limits, self._facts)
            for s in covered
        )

    def _in_guarded(
        self, box: Box, extents: Sequence[Sequence[Affine]] | None, covered: list[Box | Span | Guarded]
    ) -> bool:
        """Whether a region written under conditions holds the read `box` (of `extents`, if given) here."""
        sizes = extents or [[Affine(n)] for n in box.sizes]
        at = Context(self._conds, self._ranges, self._limits, self._facts)
        return any(isinstance(g, Guarded) and holds(g, box.offsets, sizes, at) for g in covered)

    def _window(self, op: SliceOp) -> tuple[Box | None, list[list[Affine]] | None]:
        """The region a slice reads: its window, narrowed by its valid shape and by a `pl.set_validshape` whose
        only use is a `pl.fillpad` (which replaces all outside it); per axis the forms whose minimum is the
        extent, and the box of the smallest constant ones."""
        shape = op.result.type.get_shape()
        narrowing = [op.valid_shape] if op.valid_shape else []
        padded = padded_by(op)
        if padded is not None:
            narrowing.append(padded.valid_shape)
        if not narrowing:
            return self._box(op.offsets, shape), None
        extents = [[Affine(n)] for n in shape]
        for valid in narrowing:
            for forms, v in zip(extents, valid):
                forms += minima(evaluate(v, self._bound))
        sizes = tuple(max(0, min(f.const for f in forms if f.is_const)) for forms in extents)
        return self._box(op.offsets, sizes), extents

    def _self_copy(self, op: AssembleOp) -> bool:
        """`t[r] = t[r]`: the region is stored back unchanged, so it neither reads the old contents (their value
        does not matter) nor certainly writes the region."""
        source = op.source.owner
        return (
            isinstance(source, SliceOp) and source.source == op.dest and not source.valid_shape
            and op.atomic_add is None and len(list(source.result.uses)) == 1
            and [evaluate(o, self._bound) for o in source.offsets] == [evaluate(o, self._bound) for o in op.offsets]
        )  # fmt: skip

    def _write(
        self, dest: SSAValue, box: Box | None, op: Operation, covered: Covered, certain: bool = True
    ) -> None:
        lineage = self.lineage(dest)
        for param, views in lineage:
            effects = self.effects[param]
            if effects.first_write is None:
                effects.first_write = op
            written = self._through(box, views)
            if written is None:
                effects.may_write = None
            elif effects.may_write is not None:
                effects.may_write.append(written)
            if certain and len(lineage) == 1 and written is not None:
                covered[param].append(written)

    # ------------------------------------------------------------------------------------ walking
    def _block(self, block: Block, covered: Covered) -> None:
        for op in block.ops:
            self._op(op, covered)

    def _op(self, op: Operation, covered: Covered) -> None:
        if isinstance(op, AssembleOp):
            self._read(op.source, None, op, covered)
            box = self._box(op.offsets, _extent(op.source.type))
            if op.atomic_add is not None:  # adds into what the region held
                self._read(op.dest, box, op, covered)
            self._write(op.dest, box, op, covered, certain=not self._self_copy(op))
            self._lineage[op.result] = self.lineage(op.dest)
        elif isinstance(op, WriteOp):
            self._write(op.dest, self._box(op.indices, (1,) * len(op.indices)), op, covered)
            self._lineage[op.result] = self.lineage(op.dest)
        elif isinstance(op, SliceOp):
            users = [use.operation for use in op.result.uses]
            if not (len(users) == 1 and isinstance(users[0], AssembleOp) and self._self_copy(users[0])):
                box, extents = self._window(op)
                self._read(op.source, box, op, covered, extents)
        elif isinstance(op, ReadOp):
            self._read(op.source, self._box(op.indices, (1,) * len(op.indices)), op, covered)
        elif isinstance(op, ReshapeOp):
            step = (op.result.type.get_shape(), op.source.type.get_shape())
            dynamic = not (op.result.type.is_static and op.source.type.is_static)  # no static box mapping
            source = self.lineage(op.source)
            if _identity(op):
                self._lineage[op.result] = source
            else:
                self._lineage[op.result] = frozenset(
                    (p, None if v is None or dynamic else (step, *v)) for p, v in source
                )
        elif isinstance(op, SyncallOp):
            self._barrier(covered)
        elif isinstance(op, BlockIdxOp):
            self._bound[op.result] = self._block_index[-1] if self._block_index else Affine.symbol(op.result)
        elif isinstance(op, scf.ForOp):
            self._loop(op, covered)
        elif isinstance(op, scf.IfOp):
            self._branch(op, covered)
        elif isinstance(op, TaskScopeOp):
            self._task(op, covered)
        elif isinstance(op, DispatchOp):
            self._dispatch(op, covered)
        elif isinstance(op, CallOp):
            self._call(op, covered)
        elif not isinstance(op, scf.YieldOp | YieldOp | ReturnOp | DimOp):  # a size is not the contents
            self._opaque(op, covered)

    def _opaque(self, op: Operation, covered: Covered) -> None:
        """Any other op reads the whole of its tensor operands; its regions add no certain writes."""
        for operand in op.operands:
            self._read(operand, None, op, covered)
        for region in op.regions:
            for block in region.blocks:
                self._block(block, _copy(covered))

    def _loop(self, op: scf.ForOp, covered: Covered) -> None:
        """With a constant lower bound and step, the first iteration is walked with the induction variable
        bound to it, and a later one (iv > lb: guards like `if k != 0` are decided) starting from what the
        first wrote; otherwise one walk with iv unknown.  Walks repeat until the carried lineage is stable."""
        iv, *carried = op.body.block.args
        for arg, init in zip(carried, op.iter_args):
            self._lineage[arg] = self.lineage(init)
        lo, hi, st = (evaluate(v, self._bound) for v in (op.lb, op.ub, op.step))
        peel = lo.is_const and st.is_const and st.const > 0
        values = range(lo.const, hi.const, st.const) if peel and hi.is_const else None
        later = values[1:] if values is not None else None
        bounds: Bounds = (lo.const + st.const, later[-1] if later else None) if peel else (None, None)
        first = inner = covered
        start = {p: len(covered[p]) for p in covered}
        marks = self._may_marks()
        while True:
            if peel:
                first = _copy(covered)
                self._bound[iv] = lo
                self._facts.append(hi - lo - Affine(1))  # the first step is walked: the loop runs
                self._block(op.body.block, first)
                self._facts.pop()
                del self._bound[iv]
            if not peel or later is None or later:
                inner = {
                    p: first[p][: len(covered[p])] + _outer(first[p][len(covered[p]) :], op.body.block) for p in first
                }
                start = {p: len(inner[p]) for p in inner}
                self._ranges[iv] = bounds
                if st.is_const and st.const > 0:  # lb (+ step after the first) <= iv <= ub - 1
                    self._limits[iv] = (lo + st if peel else lo, hi - Affine(1))
                self._block(op.body.block, inner)
                del self._ranges[iv]
                self._limits.pop(iv, None)
            if not self._widen(carried, op.body.block.last_op):
                break
        for result, arg in zip(op.results, carried):
            self._lineage[result] = self.lineage(arg)
        self._ranges[iv] = bounds
        self._spread(marks, iv, later)
        del self._ranges[iv]
        if values:
            for p in self.params:
                firsts = first[p][len(covered[p]) :]
                covered[p].extend(firsts + _union(inner[p][start[p] :], iv, later) if later else firsts)

    def _may_marks(self) -> dict[BlockArgument, int]:
        """How many may-write boxes each parameter has before a loop or launch is walked."""
        return {p: len(e.may_write) for p, e in self.effects.items() if e.may_write is not None}

    def _spread(self, marks: dict[BlockArgument, int], symbol: Symbol, values: range | None) -> None:
        """Replace the may-write boxes added since `marks` by boxes free of `symbol`, which takes `values`
        (or, when those are unknown or too many to list, any value in its range)."""
        for p, start in marks.items():
            boxes = self.effects[p].may_write
            if boxes is None:
                continue
            spread: list[Box] = []
            for box in boxes[start:]:
                if symbol not in box.symbols():
                    spread.append(box)
                    continue
                pieces = expand(box, symbol, values) if values is not None else []
                if pieces or values is not None and not values:
                    spread += pieces
                else:
                    spread.append(hull(box, self._ranges, _bounds(p.type)))
            boxes[start:] = spread

    def _widen(self, carried: Sequence[BlockArgument], yielded: Operation | None) -> bool:
        """Add the lineage of the yielded values to the loop-carried arguments; whether any changed."""
        assert isinstance(yielded, scf.YieldOp)
        changed = False
        for arg, value in zip(carried, yielded.operands):
            widened = self.lineage(arg) | self.lineage(value)
            changed |= widened != self.lineage(arg)
            self._lineage[arg] = widened
        return changed

    def _decide(self, cond: SSAValue) -> bool | None:
        """The value of a branch condition where loop bounds and block counts fix it, else None."""
        op = cond.owner
        if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
            return bool(op.value.value.data)
        if isinstance(op, arith.CmpiOp):
            difference = evaluate(op.lhs, self._bound) - evaluate(op.rhs, self._bound)
            return decide(op.predicate.value.data, difference, self._ranges)
        return None

    def _branch(self, op: scf.IfOp, covered: Covered) -> None:
        """Walk the arms the condition allows; afterwards only what every walked arm wrote is certain."""
        taken = self._decide(op.cond)
        arms: list[Covered] = []
        conds: list[Cond | None] = []
        for region, when in ((op.true_region, True), (op.false_region, False)):
            if taken is not None and taken != when:
                continue
            arm = _copy(covered)
            cond = condition(op.cond, self._bound, when) if taken is None else None
            if region.blocks:
                if cond is not None:
                    self._conds.append(cond)
                self._block(region.block, arm)
                if cond is not None:
                    self._conds.pop()
                yielded = region.block.last_op
                if isinstance(yielded, scf.YieldOp):
                    for result, value in zip(op.results, yielded.operands):
                        self._lineage[result] = self.lineage(result) | self.lineage(value)
            arms.append(arm)
            conds.append(cond)
        for p in self.params:
            kept: list[Box | Span | Guarded] = []
            for arm in arms:
                kept += [
                    b for b in arm[p]
                    if b not in kept and all(b in other[p] or isinstance(b, Box) and covers(other[p], b) for other in arms)
                ]  # fmt: skip
            for arm, cond in zip(arms, conds):  # what one arm alone wrote: written where its condition held
                guarded = [guard(b, cond) for b in arm[p][len(covered[p]) :] if b not in kept] if cond else []
                kept += [g for g in guarded if g is not None and g not in kept]
            covered[p][:] = kept

    def _launch(
        self, body: Block, out_params: Sequence[SSAValue], outs: Sequence[SSAValue], block_index: Affine,
        blocks: range | None, covered: Covered, last: Affine | None = None,
    ) -> None:
        """Walk a task body (inline scope or callee) as one block of a launch of `blocks` blocks."""
        for param, out in zip(out_params, outs):
            self._lineage[param] = self.lineage(out)
        inner = _copy(covered)
        marks = self._may_marks()
        self._block_index.append(block_index)
        self._facts.append(last if last is not None else Affine(0))  # a block is walked: there is one
        self._launches.append((body, block_index, blocks, last, {p: len(covered[p]) for p in self.params}))
        self._block(body, inner)
        self._launches.pop()
        self._facts.pop()
        self._block_index.pop()
        for symbol in block_index.symbols():
            self._spread(marks, symbol, blocks)
        for p in self.params:
            covered[p].extend(_all_blocks(inner[p][len(covered[p]) :], body, block_index, blocks, last))
        terminator = body.last_op
        assert terminator is not None
        for out, value in zip(outs, terminator.operands):
            self._check_threaded(out, value, terminator)

    def _barrier(self, covered: Covered) -> None:
        """Past a `pl.syncall` every block has done what precedes it: what any block of the launch certainly
        wrote since the launch began is written for all of them (a block may read what another wrote)."""
        if not self._launches:
            return
        body, block_index, blocks, last, marks = self._launches[-1]
        for p in self.params:
            covered[p].extend(_all_blocks(covered[p][marks[p] :], body, block_index, blocks, last))

    def _check_threaded(self, out: SSAValue, value: SSAValue, terminator: Operation) -> None:
        """The value a task returns for an out must be a version of that out, not a rebinding."""
        if self.reassignment is not None:
            return
        produced = {p for p, _ in self.lineage(value)}
        for param, _ in self.lineage(out):
            if param not in produced:
                where = value.owner if isinstance(value.owner, Operation) else terminator
                self.reassignment = Reassignment(param, where)
                return

    def _task(self, op: TaskScopeOp, covered: Covered) -> None:
        if isinstance(op, SpmdOp):
            symbol = BlockSymbol()
            index = Affine.symbol(symbol)
            self._bound[op.block_index] = index
            n = evaluate(op.count, self._bound)
            blocks = range(n.const) if n.is_const else None
            self._ranges[symbol] = (0, n.const - 1) if n.is_const else (0, None)
            self._limits[symbol] = (Affine(0), n - Affine(1))
        else:
            index, blocks, n = Affine(0), range(1), Affine(1)
        self._launch(op.body.block, op.out_args, op.outs, index, blocks, covered, n - Affine(1))
        for result, out in zip(op.results, op.outs):
            self._lineage[result] = self.lineage(out)
        yielded = op.body.block.last_op
        assert yielded is not None
        for result in op.escapes:  # a value first assigned in the scope: what the scope yields for it
            self._lineage[result] = self.lineage(yielded.operands[result.index])

    def _dispatch(self, op: DispatchOp, covered: Covered) -> None:
        callee = SymbolTable.lookup_symbol(self.module, op.callee)
        for result, out in zip(op.results, op.outs):
            self._lineage[result] = self.lineage(out)
        if not isinstance(callee, FuncOp) or not callee.body.blocks or callee in self._active:
            for value in [*op.args, *op.outs]:
                self._read(value, None, op, covered)
            for out in op.outs:
                self._write(out, None, op, covered)
            return
        params = callee.body.block.args
        for param, value in zip(params[: len(op.args)], op.args):
            if isinstance(value.type, TensorType):
                self._lineage[param] = self.lineage(value)
            else:
                self._bound[param] = evaluate(value, self._bound)
        symbol = BlockSymbol()
        self._bound[params[-1]] = Affine.symbol(symbol)
        n = evaluate(op.blocks, self._bound)
        self._ranges[symbol] = (0, n.const - 1) if n.is_const else (0, None)
        self._limits[symbol] = (Affine(0), n - Affine(1))
        self._active.add(callee)
        self._launch(
            callee.body.block, params[len(op.args) : -1], op.outs, Affine.symbol(symbol),
            range(n.const) if n.is_const else None, covered, n - Affine(1),
        )
        self._active.discard(callee)


    def _call(self, op: CallOp, covered: Covered) -> None:
        """A call (of an `@pl.jit.incore` function) runs the callee's body on this path, in this block."""
        callee = SymbolTable.lookup_symbol(self.module, op.callee)
        if not isinstance(callee, FuncOp) or not callee.body.blocks or callee in self._active:
            self._opaque(op, covered)
            every = frozenset((p, None) for v in op.arguments for p, _ in self.lineage(v))
            for result in op.results:
                self._lineage[result] = every
            return
        for param, value in zip(callee.body.block.args, op.arguments):
            if isinstance(value.type, TensorType):
                self._lineage[param] = self.lineage(value)
            else:
                self._bound[param] = evaluate(value, self._bound)
        self._active.add(callee)
        self._block(callee.body.block, covered)
        self._active.discard(callee)
        returned = callee.body.block.last_op
        assert returned is not None
        for result, value in zip(op.results, returned.operands):
            self._lineage[result] = self.lineage(value)


def _local(region: Box | Span | Guarded, body: Block) -> bool:
    """Whether `region` names a value computed in `body`: one value per iteration or block, so in another
    iteration or block the same name means another value."""
    for s in region.symbols():
        if not isinstance(s, SSAValue):
            continue
        block = s.owner if isinstance(s.owner, Block) else s.owner.parent_block()
        while block is not None and block is not body:
            parent = block.parent_op()
            block = parent.parent_block() if parent is not None else None
        if block is body:
            return True
    return False


def _outer(regions: Sequence[Box | Span | Guarded], body: Block) -> list[Box | Span | Guarded]:
    """What an earlier iteration of a loop with this `body` wrote, as later iterations can use it."""
    return [r for r in regions if not _local(r, body)]


def padded_by(op: SliceOp) -> SetValidShapeOp | None:
    """The `pl.set_validshape` that is the slice's only use, when a `pl.fillpad` is that op's only use."""
    uses = list(op.result.uses)
    if len(uses) != 1 or not isinstance(narrowed := uses[0].operation, SetValidShapeOp):
        return None
    after = list(narrowed.result.uses)
    return narrowed if len(after) == 1 and isinstance(after[0].operation, FillPadOp) else None


def _loaded(forms: Sequence[Affine]) -> bool:
    """Whether an index form depends on a value loaded from a tensor at run time (`pl.read`, a gathered row)."""
    return any(
        isinstance(s, SSAValue) and not isinstance(s.type, TensorType) and _loads(s)  # a tensor: inside `pl.dim`
        for form in forms for s in form.symbols()
    )  # fmt: skip


def _loads(value: SSAValue) -> bool:
    """Whether computing `value` reads tensor contents (parameters, loop and block indices, sizes do not)."""
    pending, seen = [value], {value}
    while pending:
        current = pending.pop()
        op = current.owner
        if not isinstance(op, Operation) or isinstance(op, DimOp):
            continue
        if op.regions:  # an `scf.if` / `scf.for` result: what its arms yield for it, and a loop's initial value
            assert isinstance(current, OpResult)
            ends = [b.last_op for r in op.regions for b in r.blocks]
            inputs = [e.operands[current.index] for e in ends if e is not None and current.index < len(e.operands)]
            inputs += [op.iter_args[current.index]] if isinstance(op, scf.ForOp) else []
        elif any(isinstance(o.type, TensorType | TileType) for o in op.operands):
            return True
        else:
            inputs = list(op.operands)
        pending += [v for v in inputs if v not in seen]
        seen.update(inputs)
    return False


def _identity(op: ReshapeOp) -> bool:
    """A reshape to its source's own shape with at most one dynamic axis: the run-time element-count check
    makes that axis equal too, so every box maps to itself."""
    shape = op.source.type.get_shape()
    return op.result.type.get_shape() == shape and shape.count(DYNAMIC_INDEX) <= 1


def _is_incore(func: FuncOp) -> bool:
    kind = func.attributes.get("pl.kind")
    return isinstance(kind, KindAttr) and kind.data == FuncKind.INCORE

