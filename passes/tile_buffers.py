"""The on-chip buffers of one kernel: which tiles share a buffer, which memories it occupies, and when.

This mirrors how PyPTO places a tensor-level kernel (its InferTileMemorySpace, MemoryReuse and
AllocateMemoryAddr passes), at the granularity ppc's IR has:
- one *buffer* per group of tile values PyPTO binds to one allocation: a view (`pl.reshape`, `pl.slice`
  of a tile, `pl.set_validshape`, `pl.fillpad`) shares its source's buffer, an in-place write
  (`pl.assemble` into a tile, `pl.gather_row`, `pl.matmul_acc`) its destination's, and a loop- or
  branch-carried tile one buffer with its initial and yielded values;
- a buffer lives in UB (vec) when a vector op produces or reads it (or it is stored from the vector
  core), in L1 (mat) when it feeds a matmul or the author placed it there (`target_memory=`; a
  `transpose_view` of it is the same buffer); a load or a `pl.full` goes wherever its consumers need it
  (both when both do: PyPTO inserts a move).  A matmul result lives in L0C; PyPTO's AutoTileMatmulL0
  tiles a matmul whose result is only stored or accumulated to fit L0A/L0B/L0C, so L0C is counted only
  for a result a vector op reads (and then a UB copy of it too), a cast to bf16 feeding only matmuls
  being folded into the L0C -> L1 write-back;
- a buffer is live from its first definition to its last use; a use inside a loop the buffer was
  defined outside of extends to the loop's end.  An op's result may take the buffer of an input whose
  last use it is (PyPTO's reuse rule `last_use <= def`);
- a load inside `pl.pipeline(stage=s)` has s slots (the NPU model overlaps load i+1 with compute i).

The peak over program points of the live bytes is a lower bound of what any placement needs (packing
and PyPTO's no-alias rules only add to it), so a kernel refused on it cannot fit on the chip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from xdsl.dialects import scf
from xdsl.dialects.builtin import IntegerAttr, StringAttr
from xdsl.ir import Block, BlockArgument, OpResult, Operation, SSAValue

from ppc.dialects.attributes import LoopAttr, LoopKind
from ppc.dialects.compute_ops import MatmulAccOp, MatmulOp
from ppc.dialects.data_ops import (
    AssembleOp,
    CastOp,
    FillPadOp,
    FullOp,
    GatherRowOp,
    ReshapeOp,
    SetValidShapeOp,
    SliceOp,
    TransposeOp,
)
from ppc.dialects.types import TensorType, TileType, element_bits

UB, L1, L0C = "UB", "L1", "L0C"


@dataclass
class Buffer:
    """One on-chip allocation: the tile values bound to it and the op indices where it is live."""

    root: SSAValue
    values: list[SSAValue] = field(default_factory=list)
    start: int = 0
    end: int = 0
    slots: int = 1
    pipeline: Operation | None = None  # the pl.pipeline loop whose loads fill it (slots > 1)
    spaces: set[str] = field(default_factory=set)

    @cached_property
    def tile_type(self) -> TileType:
        """The largest type bound to the buffer (PyPTO sizes a shared buffer by its largest member)."""
        return max((v.type for v in self.values), key=tile_bytes)  # type: ignore[arg-type]

    @cached_property
    def nbytes(self) -> int:
        return tile_bytes(self.tile_type)


def tile_bytes(t: TileType) -> int:
    return math.ceil(math.prod(t.get_shape()) * element_bits(t.element_type) / 8)


def _is_tile(v: SSAValue) -> bool:
    return isinstance(v.type, TileType)


class KernelBuffers:
    """The buffers of one incore function, its ops numbered in program order (nested ops after their parent)."""

    def __init__(self, body: Block):
        self.index: dict[Operation, int] = {}
        self.end: dict[Operation, int] = {}
        self._parent: dict[SSAValue, SSAValue] = {}
        self._number(body)
        for op in self.index:
            self._bind(op)
        groups: dict[SSAValue, Buffer] = {}
        values = [*body.args, *(v for op in self.index for v in op.results),
                  *(a for op in self.index for r in op.regions for b in r.blocks for a in b.args)]
        for v in filter(_is_tile, values):
            groups.setdefault(self._find(v), Buffer(self._find(v))).values.append(v)
        self._acc_roots = {root for root, b in groups.items() if any(_is_matmul(v) for v in b.values)}
        self.buffers = [self._place(b) for b in groups.values()]

    # --- numbering and union-find ---------------------------------------------------------------
    def _number(self, block: Block) -> None:
        for op in block.ops:
            self.index[op] = len(self.index)
            for region in op.regions:
                for inner in region.blocks:
                    self._number(inner)
            self.end[op] = len(self.index) - 1

    def _find(self, v: SSAValue) -> SSAValue:
        while v in self._parent:
            v = self._parent[v]
        return v

    def _union(self, a: SSAValue, b: SSAValue) -> None:
        if _is_tile(a) and _is_tile(b) and self._find(a) is not self._find(b):
            self._parent[self._find(a)] = self._find(b)

    def _bind(self, op: Operation) -> None:
        """Union the values PyPTO keeps in one allocation."""
        if isinstance(op, ReshapeOp | SetValidShapeOp | FillPadOp) or (
            isinstance(op, SliceOp) and _is_tile(op.source)
        ):
            self._union(op.results[0], op.operands[0])
        elif isinstance(op, TransposeOp) and _declared(op.source) in _CUBE_SIDE:
            self._union(op.result, op.source)  # PyPTO's transpose_view of an L1 tile: a layout, no data moves
        elif isinstance(op, AssembleOp):
            self._union(op.result, op.dest)
        elif isinstance(op, GatherRowOp | MatmulAccOp):
            self._union(op.result, op.acc)
        elif isinstance(op, scf.ForOp):
            body = op.body.block
            for init, arg, res, out in zip(op.iter_args, body.args[1:], op.res, _yielded(body)):
                for v in (arg, res, out):
                    self._union(init, v)
        elif isinstance(op, scf.IfOp):
            for region in op.regions:
                for res, out in zip(op.results, _yielded(region.block) if region.blocks else ()):
                    self._union(res, out)

    # --- placement and live range ---------------------------------------------------------------
    def _place(self, buf: Buffer) -> Buffer:
        values = set(buf.values)
        is_acc = buf.root in self._acc_roots  # a matmul result (a vector op's result may be typed acc too)
        vector_def = any(_computes(v.owner, values) and not self._folded_cast(v.owner)
                         for v in values if not isinstance(v, BlockArgument))
        vector_use = matmul_use = False
        start, end = len(self.index), 0
        for v in values:
            owner = v.block.parent_op() if isinstance(v, BlockArgument) else v.owner
            at = self.index.get(owner, 0)  # type: ignore[arg-type]  (a tile parameter: from the start)
            start, end = min(start, at), max(end, at)
            for use in v.uses:
                end = max(end, self._use_index(use.operation, v))
                role = "fixpipe" if self._folded_cast(use.operation) else _role(use.operation, v, values)
                matmul_use = matmul_use or role == "matmul"
                vector_use = vector_use or role == "vector" or (role == "store" and not is_acc)
        buf.start, buf.end = start, max(end, start + 1)
        if is_acc:
            buf.spaces = {L0C, UB} if vector_use else set()
        elif _declared(buf.root) in _CUBE_SIDE:  # placed by the author (PyPTO never overrides it)
            buf.spaces = {L1, UB} if vector_def or vector_use else {L1}
        else:
            buf.spaces = {L1} if matmul_use else set()
            if vector_def or vector_use or not matmul_use:
                buf.spaces.add(UB)
        root = buf.root
        if isinstance(root, OpResult) and _loads(root.owner):
            loop = _enclosing_pipeline(root.owner)
            if loop is not None:
                buf.pipeline, buf.slots = loop, _stages(loop)
        return buf

    def _folded_cast(self, op: Operation) -> bool:
        """A cast of a matmul result read only by matmuls: PyPTO folds it into the L0C -> L1 write-back."""
        return isinstance(op, CastOp) and self._find(op.operands[0]) in self._acc_roots and all(
            _role(use.operation, op.results[0], set()) == "matmul" for use in op.results[0].uses)

    def _use_index(self, user: Operation, v: SSAValue) -> int:
        """Where a use ends `v`'s life: the use itself, or the end of the outermost loop around the use
        that `v` is defined outside of (the next iteration reads it again)."""
        home = v.block if isinstance(v, BlockArgument) else v.owner.parent_block()  # type: ignore[union-attr]
        at, op = self.index[user], user
        while op.parent_block() is not home and op.parent_op() is not None:
            op = op.parent_op()  # type: ignore[assignment]
            if isinstance(op, scf.ForOp | scf.WhileOp):
                at = self.end[op]
        return at


def _is_matmul(v: SSAValue) -> bool:
    return isinstance(v.owner, MatmulOp | MatmulAccOp)


def _yielded(block: Block) -> tuple[SSAValue, ...]:
    last = block.last_op
    return tuple(last.operands) if isinstance(last, scf.YieldOp) else ()


_ALIASING = (
    ReshapeOp, SetValidShapeOp, FillPadOp, SliceOp, TransposeOp, AssembleOp, GatherRowOp, MatmulAccOp, scf.ForOp, scf.IfOp
)
_CUBE_SIDE = ("mat", "left", "right", "bias")  # `target_memory=` spaces a load or create puts in (or via) L1


def _declared(v: SSAValue) -> str | None:
    """The `target_memory=` the author gave the op making `v` (frontend/explicit.py keeps it)."""
    space = v.owner.attributes.get("pl.target_memory") if isinstance(v, OpResult) else None
    return space.data if isinstance(space, StringAttr) else None


def _loads(op: Operation) -> bool:
    return isinstance(op, SliceOp) and isinstance(op.source.type, TensorType)


def _binds(op: Operation, values: set[SSAValue]) -> bool:
    """`op` only makes another name for the buffer (a view, an in-place write, a carried value)."""
    return isinstance(op, _ALIASING) and not _loads(op) and any(r in values for r in op.results)


def _computes(op: Operation, values: set[SSAValue]) -> bool:
    """`op` writes the buffer on the vector core: not a view, a carry, a matmul, nor a producer PyPTO places
    where its consumers need it (a load from GM, a fill, a DMA gather)."""
    return not (_binds(op, values) or _loads(op) or isinstance(op, FullOp | GatherRowOp | MatmulOp | MatmulAccOp))


def _role(user: Operation, v: SSAValue, values: set[SSAValue]) -> str:
    """How `user` reads the buffer: as a matmul operand, stored to GM, through an alias, or by a vector op."""
    if isinstance(user, MatmulOp) or (isinstance(user, MatmulAccOp) and v is not user.acc):
        return "matmul"
    if isinstance(user, AssembleOp) and v is user.source:
        return "store"
    if _binds(user, values) or isinstance(user, scf.YieldOp | scf.ForOp | MatmulAccOp):
        return "alias"
    return "vector"


def _enclosing_pipeline(op: Operation) -> scf.ForOp | None:
    parent = op.parent_op()
    while parent is not None:
        if isinstance(parent, scf.ForOp):
            kind = parent.attributes.get("pl.loop")
            return parent if isinstance(kind, LoopAttr) and kind.data == LoopKind.PIPELINE else None
        parent = parent.parent_op()
    return None


def _stages(loop: Operation) -> int:
    stages = loop.attributes.get("pl.stages")
    return stages.value.data if isinstance(stages, IntegerAttr) else 2
