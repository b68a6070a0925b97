"""`pl-parallel-to-spmd`: a parallel loop of independent `pl.at` tasks becomes one `pl.spmd` task.

Guarantee: a `scf.for {pl.loop = #pl.loop<parallel>}` is rewritten only when (1) its bounds are
constants with at least one iteration; (2) its body is exactly one `pl.at` plus pure `arith` index
arithmetic; (3) nothing is carried between iterations: every iter_arg is only the tensor threaded as one
of the `pl.at`'s outs and the loop yields exactly the `pl.at`'s results; (4) the iterations touch disjoint
parts of every out: all reads and writes of an out (through the out or through the loop's initial value
captured directly) lie, along one axis, in a slab `[s(iv), s(iv) + |k * step|)` where `s = c + k * iv`
is the offset of one of those accesses.  Then the loop becomes
`pl.spmd (%b) in N` (N = trip count) whose body recomputes `iv = lb + b * step`, so the loop's N tasks of
one block become one task of N blocks with the same per-iteration effects (`pl.block_idx` in the old body,
always 0 for a `pl.at`, becomes the constant 0).  Any other loop is left unchanged; with `debug=true` a
remark at the loop says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import IndexType, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import Pure

from ppc.dialects.attributes import LoopAttr, LoopKind
from ppc.dialects.data_ops import AssembleOp, ReadOp, SliceOp, WriteOp
from ppc.dialects.diagnostics import emit, source_loc
from ppc.dialects.task_ops import AtOp, BlockIdxOp, SpmdOp, YieldOp
from ppc.passes.index_regions import Affine, Box, constant_range, evaluate


def _is_parallel(op: Operation) -> bool:
    kind = op.attributes.get("pl.loop")
    return isinstance(op, scf.ForOp) and isinstance(kind, LoopAttr) and kind.data == LoopKind.PARALLEL


def _versions(out: SSAValue, body: Block) -> dict[SSAValue, None]:
    """`out` and every value inside `body` that is a new version of it (writes, loop and branch results)."""
    found = {out: None}
    changed = True
    while changed:
        changed = False
        for op in body.walk():
            new: list[SSAValue] = []
            if isinstance(op, AssembleOp | WriteOp) and op.dest in found:
                new.append(op.result)
            elif isinstance(op, scf.ForOp):
                for init, arg, result in zip(op.iter_args, op.body.block.args[1:], op.results):
                    if init in found:
                        new += [arg, result]
            elif isinstance(op, scf.YieldOp) and isinstance(op.parent_op(), scf.IfOp | scf.ForOp):
                parent = op.parent_op()
                new += [r for v, r in zip(op.operands, parent.results) if v in found]
            for value in new:
                if value not in found:
                    found[value] = None
                    changed = True
    return found


def _accesses(versions: dict[SSAValue, None], within: Operation) -> list[tuple[Operation, Box]] | Operation:
    """The boxes read or written through `versions` inside `within`, or the first op using one as a whole."""
    boxes: list[tuple[Operation, Box]] = []
    for value in versions:
        for use in value.uses:
            op = use.operation
            if not within.is_ancestor(op):
                continue
            if isinstance(op, AssembleOp) and use.index == 1:
                boxes.append((op, Box(tuple(evaluate(o) for o in op.offsets), op.source.type.get_shape())))
            elif isinstance(op, SliceOp) and use.index == 0:
                boxes.append((op, Box(tuple(evaluate(o) for o in op.offsets), op.result.type.get_shape())))
            elif (isinstance(op, ReadOp) and use.index == 0) or (isinstance(op, WriteOp) and use.index == 1):
                indices = op.indices
                boxes.append((op, Box(tuple(evaluate(o) for o in indices), (1,) * len(indices))))
            elif not isinstance(op, scf.ForOp | scf.YieldOp | YieldOp):
                return op
    return boxes


def _disjoint(accesses: list[tuple[Operation, Box]], iv: SSAValue, step: int) -> Operation | None:
    """None if, on some axis, one access's offset starts a slab holding every access; else a witness."""
    if not accesses:
        return None
    rank = len(accesses[0][1].offsets)
    for axis in range(rank):
        for _, candidate in accesses:
            start = candidate.offsets[axis]
            stride = abs(start.coef(iv) * step)
            if stride and all(_within(box, axis, start, stride) for _, box in accesses):
                return None
    return accesses[-1][0]


def _within(box: Box, axis: int, start: Affine, stride: int) -> bool:
    d = box.offsets[axis] - start
    return d.is_const and d.const >= 0 and d.const + box.sizes[axis] <= stride


def why_not(loop: scf.ForOp) -> str | None:
    """Why `loop` cannot become a `pl.spmd` (None when it can)."""
    values = constant_range(loop.lb, loop.ub, loop.step)
    if values is None:
        return "its bounds are not compile-time constants"
    if not values:
        return "it has no iterations"
    body = loop.body.block
    ats = [op for op in body.ops if isinstance(op, AtOp)]
    others = [op for op in body.ops if not isinstance(op, AtOp | scf.YieldOp)]
    for op in others:
        if not (op.name.startswith("arith.") and op.has_trait(Pure)):
            return f"its body holds '{op.name}' besides the pl.at"
    if len(ats) != 1:
        return f"its body holds {len(ats)} pl.at tasks, not one"
    (at,) = ats
    iv, *carried = body.args
    yielded = body.last_op
    assert isinstance(yielded, scf.YieldOp)
    for index, (arg, value) in enumerate(zip(carried, yielded.operands)):
        uses = list(arg.uses)
        threaded = len(uses) == 1 and uses[0].operation is at
        if not threaded or value.owner is not at or at.outs[value.index] is not arg:
            return (
                f"a value is carried between iterations (iter_arg #{index} is not just a tensor threaded "
                "through the pl.at)"
            )
    for index, out in enumerate(at.outs):
        if out not in carried:
            return f"pl.at out #{index} is not threaded through the loop's iter_args"
    for index, (out, out_arg) in enumerate(zip(at.outs, at.out_args)):
        init = loop.iter_args[carried.index(out)]
        versions = _versions(out_arg, at.body.block) | _versions(init, at.body.block)
        accesses = _accesses(versions, at)
        if isinstance(accesses, Operation):
            return f"'{accesses.name}' at {source_loc(accesses)} uses the whole of pl.at out #{index}"
        escaping = _disjoint(accesses, iv, values.step)
        if escaping is not None:
            return (
                f"accesses to pl.at out #{index} of different iterations may overlap "
                f"('{escaping.name}' at {source_loc(escaping)})"
            )
    return None


def convert(loop: scf.ForOp) -> SpmdOp:
    """Rewrite a loop accepted by `why_not` into one `pl.spmd`."""
    values = constant_range(loop.lb, loop.ub, loop.step)
    assert values is not None
    body = loop.body.block
    at = next(op for op in body.ops if isinstance(op, AtOp))
    iv, *carried = body.args
    block = Block(arg_types=[IndexType(), *(o.type for o in at.outs)])
    block.args[0].name_hint = "b"
    index: SSAValue = block.args[0]
    if values.step != 1:  # iv = lb + b * step, spelled only as far as needed
        step = arith.ConstantOp.from_int_and_width(values.step, IndexType())
        scaled = arith.MuliOp(index, step.result)
        block.add_ops([step, scaled])
        index = scaled.result
    if values.start != 0:
        first = arith.ConstantOp.from_int_and_width(values.start, IndexType())
        shifted = arith.AddiOp(index, first.result)
        block.add_ops([first, shifted])
        index = shifted.result
    for op in list(body.ops):
        if op is at or isinstance(op, scf.YieldOp):
            continue
        op.detach()
        block.add_op(op)
    for op in list(at.body.block.ops):
        op.detach()
        block.add_op(op)
    iv.replace_all_uses_with(index)
    for old, new in zip(at.out_args, block.args[1:]):
        old.replace_all_uses_with(new)
    for op in [o for o in block.walk() if isinstance(o, BlockIdxOp)]:
        zero = arith.ConstantOp.from_int_and_width(0, IndexType())
        Rewriter.replace_op(op, zero)
    count = arith.ConstantOp.from_int_and_width(len(values), IndexType())
    count.result.name_hint = "n"
    inits = [loop.iter_args[carried.index(out)] for out in at.outs]
    props = {"name": at.name_hint} if at.name_hint is not None else {}
    spmd = SpmdOp(count.result, inits, Region(block), props)
    if at.optimizations is not None:  # hints stay visible to later passes (spmd has no such property)
        spmd.attributes["optimizations"] = at.optimizations
    for op in (count, spmd):
        op.location = loop.location
    Rewriter.insert_op(count, InsertPoint.before(loop))
    results: list[SSAValue] = [spmd.results[list(at.outs).index(arg)] for arg in carried]
    Rewriter.replace_op(loop, spmd, results)
    return spmd


@dataclass(frozen=True)
class ParallelToSpmdPass(ModulePass):
    name = "pl-parallel-to-spmd"
    debug: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        loops = [o for o in op.walk() if _is_parallel(o)]
        for loop in reversed(loops):  # innermost first
            assert isinstance(loop, scf.ForOp)
            reason = why_not(loop)
            if reason is None:
                convert(loop)
            elif self.debug:
                emit(loop, f"parallel loop not converted to pl.spmd: {reason}", "remark")

