"""Preparing a function for execution: its ops become a tuple of Python closures over a register file.

Each SSA value gets a slot index once, at preparation; executing the function is then a loop of closure
calls reading and writing `frame.r[slot]`, with no IR walking, attribute lookups or dispatch on op types
in the hot path (a kernel runs once per block, so this is what keeps the per-op overhead small).
Next to each value, `frame.p[slot]` holds the position, in the block's recorded op list, of the op that
produced it (-1 if none) so the Level-A cost model sees the data dependencies between tile ops.

Handlers are registered per op class (`@handles(...)`); a handler returns the closure, or None for ops
resolved at preparation (constants). Terminators are read by their parent op's handler.
"""

from __future__ import annotations

import dataclasses

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from xdsl.dialects import func, scf
from xdsl.ir import Block, Operation, SSAValue

from ..dialects.attributes import CHECKED_READ
from ..dialects.data_ops import UndefOp
from ..dialects.task_ops import YieldOp as PlYieldOp
from .errors import PlRuntimeError
from .npu import Region, TileOp
from .out_reads import guard_out_reads
from .undef import guard_undefined, maybe_undefined, prepare_undef

Closure = Callable[["Frame"], None]
Handler = Callable[[Operation, "FunctionCompiler"], Closure | None]

HANDLERS: dict[type[Operation], Handler] = {UndefOp: prepare_undef}
TERMINATORS = (scf.YieldOp, func.ReturnOp, PlYieldOp)


def handles(*op_types: type[Operation]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for op_type in op_types:
            HANDLERS[op_type] = handler
        return handler

    return register


@dataclass
class Recorder:
    """What one block did: tile ops (priced template, producer positions) and GM regions read/written.
    `ops` is what `npu.time_ops_with_deps` schedules (the templates carry no deps of their own)."""

    ops: list[tuple[TileOp, tuple[int, ...]]] = field(default_factory=list)
    reads: list[Region] = field(default_factory=list)
    writes: list[Region] = field(default_factory=list)
    phases: list[int] = field(default_factory=list)  # positions in `ops` where a `pl.syncall` started a phase
    barrier: Callable[[Operation], None] | None = None  # waits at a `pl.syncall` (runtime/barrier.py)

    def tile_ops(self) -> list[TileOp]:
        """The ops with their deps folded in: what a barrier-phased block is split into (runtime/npu/phases.py)."""
        return [dataclasses.replace(t, deps=deps) if deps else t for t, deps in self.ops]


class Frame:
    """Registers of one activation: values `r`, producer op positions `p`, and the block's recorder."""

    __slots__ = ("r", "p", "rec")

    def __init__(self, template: list, rec: Recorder):
        self.r = list(template)
        self.p = [-1] * len(template)
        self.rec = rec


def record(f: Frame, op: TileOp, dep_slots: Sequence[int]) -> int:
    """Append a priced op whose inputs are the values in `dep_slots`; return its position."""
    p = f.p
    ops = f.rec.ops
    ops.append((op, tuple([p[s] for s in dep_slots if p[s] >= 0])))
    return len(ops) - 1


class FunctionCompiler:
    """Slot assignment and block compilation for one `func.func`; handlers query it for slots/context."""

    def __init__(self, function: func.FuncOp, label: str, pricer: object, program: object = None):
        self.function = function
        self.label = label  # "kernel 'rows'" / "orchestration 'scale_rows'": prefix of run-time errors
        self.pricer = pricer  # Level-A prices of the ops (a `pricing.Pricer`)
        self.program = program  # what `pl.dispatch` resolves kernels against (orchestration only)
        self.slots: dict[object, int] = {}
        self.aliases: dict[SSAValue, int] = {}  # while set, these values resolve to other slots
        self.constants: dict[int, object] = {}
        self.stages = 1  # buffer slots of loads in the enclosing pipeline loop
        self.maybe_undefined: set[SSAValue] = maybe_undefined(function)
        self.after: dict[Operation, Closure] = {}  # run right after the op's own closure (runtime/out_reads.py)

    def slot(self, value: SSAValue) -> int:
        if self.aliases and value in self.aliases:
            return self.aliases[value]
        s = self.slots.get(value)
        if s is None:
            s = self.slots[value] = len(self.slots)
        return s

    def fresh_slot(self) -> int:
        """A register no SSA value owns (scratch for adapters)."""
        return self.slot(object())  # type: ignore[arg-type]

    def slots_of(self, values: Sequence[SSAValue]) -> tuple[int, ...]:
        return tuple(self.slot(v) for v in values)

    def constant(self, value: SSAValue, data: object) -> None:
        self.constants[self.slot(value)] = data

    def compile_block(self, block: Block) -> tuple[Closure, ...]:
        fns: list[Closure] = []
        for op in block.ops:
            if isinstance(op, TERMINATORS):
                continue
            handler = HANDLERS.get(type(op))
            if handler is None:
                raise PlRuntimeError(f"{self.label}: op '{op.name}' is not supported by the executor", op)
            fn = handler(op, self)
            if fn is not None and CHECKED_READ in op.attributes:
                fn = guard_out_reads(op, fn, self)
            if fn is not None:
                fns.append(guard_undefined(op, fn, self, self.maybe_undefined) if self.maybe_undefined else fn)
            if op in self.after:
                fns.append(self.after.pop(op))
        return tuple(fns)

    def register_template(self) -> list:
        template: list = [None] * len(self.slots)
        for s, v in self.constants.items():
            template[s] = v
        return template


def terminator_slots(block: Block, compiler: FunctionCompiler) -> tuple[int, ...]:
    last = block.last_op
    return compiler.slots_of(last.operands) if isinstance(last, TERMINATORS) else ()


@dataclass
class PreparedFunction:
    """A function ready to run: closures, register template, parameter and return slots."""

    name: str
    fns: tuple[Closure, ...]
    template: list
    params: tuple[int, ...]
    returns: tuple[int, ...]

    @classmethod
    def prepare(cls, function: func.FuncOp, label: str, pricer: object, program: object = None) -> PreparedFunction:
        compiler = FunctionCompiler(function, label, pricer, program)
        block = function.body.block
        params = compiler.slots_of(block.args)
        fns = compiler.compile_block(block)
        returns = terminator_slots(block, compiler)
        return cls(function.sym_name.data, fns, compiler.register_template(), params, returns)

    def run(self, args: Sequence[object], rec: Recorder) -> list:
        f = Frame(self.template, rec)
        r = f.r
        for s, a in zip(self.params, args):
            r[s] = a
        for fn in self.fns:
            fn(f)
        return [r[s] for s in self.returns]

