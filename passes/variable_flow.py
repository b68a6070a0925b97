"""Data flow of local variables over structured regions: the facts `pl-ssa` decides with.

For every block, `scf.if`, `scf.for` and task scope (`pl.at` / `pl.spmd`) of a function in local-variable
form this computes an `Effects` summary (which variables it may read before writing, surely overwrites,
may change, surely leaves holding a usable value, may leave unusable), bottom-up in one walk; then one
backward walk that uses those summaries for nested ops records the variables live after each `scf.if`
and `scf.for` and at the end of each loop body.  Both walks visit every op once and cost O(variables) per
op, so a kernel of a few hundred ops is analysed in milliseconds.

A task scope is a boundary: outer tensor variables it assigns are threaded through it (read and written),
other outer variables it assigns leave it with the value they have at its end (PyPTO semantics: `pl-ssa`
makes them results of the scope), and variables declared inside it are invisible outside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.dialects import scf
from xdsl.ir import Attribute, Block, Operation, SSAValue

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.dialects.local_ops import LocalDeclOp, LocalGetOp, LocalSetOp
from ppc.dialects.support import constant_int
from ppc.dialects.task_ops import TaskScopeOp
from ppc.dialects.types import RefType, TensorType

from .first_iteration import affine_difference

LOCAL_OPS = (LocalDeclOp, LocalGetOp, LocalSetOp)


@dataclass(eq=False)
class Variable:
    """One `pl.local.decl`; `order` is its position in the function (results/iter_args/outs follow it)."""

    name: str
    type: Attribute
    decl: LocalDeclOp
    order: int

    @property
    def is_tensor(self) -> bool:
        return isinstance(self.type, TensorType)

    def declared_inside(self, op: Operation) -> bool:
        return op.is_ancestor(self.decl)


@dataclass
class Effects:
    """What running a region does to variables (sets of `Variable`)."""

    reads: set[Variable] = field(default_factory=set)
    """may be read before being written (upward-exposed uses)"""
    kills: set[Variable] = field(default_factory=set)
    """surely written (or made unusable) on every path: the incoming value is dead"""
    writes: set[Variable] = field(default_factory=set)
    """may hold a different value at the end"""
    defines: set[Variable] = field(default_factory=set)
    """surely hold a usable value at the end, whatever they held at the start"""
    first_write: dict[Variable, Operation] = field(default_factory=dict)
    """the first `pl.local.set` of each written variable (quoted in diagnostics)"""

    def then(self, later: Effects) -> None:
        """Sequential composition: `self` followed by `later`, in place."""
        self.reads |= later.reads - self.kills
        self.kills |= later.kills
        self.writes |= later.writes
        self.defines |= later.defines
        for var, op in later.first_write.items():
            self.first_write.setdefault(var, op)

    @staticmethod
    def either(a: Effects, b: Effects) -> Effects:
        """Join of two alternative paths (the arms of an `scf.if`)."""
        return Effects(
            a.reads | b.reads, a.kills & b.kills, a.writes | b.writes, a.defines & b.defines,
            b.first_write | a.first_write,
        )


def runs_at_least_once(loop: scf.ForOp) -> bool:
    """True when `ub - lb` is a positive constant (`pl.range(b0, b0 + 16)` too) and the step a positive one."""
    step = constant_int(loop.step)
    span = affine_difference(loop.ub, loop.lb)
    return step is not None and step > 0 and set(span) <= {None} and span.get(None, 0) > 0


def threaded_variables(task: TaskScopeOp, body: Effects) -> set[Variable]:
    """Outer tensor variables a task scope assigns: they become its `outs`."""
    return {v for v in body.writes if v.is_tensor and not v.declared_inside(task)}


class VariableFlow:
    """Effects of every region op and liveness at `scf.if` / `scf.for` of one function body."""

    def __init__(self, body: Block):
        self.variables: dict[SSAValue, Variable] = {}
        self.block_effects: dict[Block, Effects] = {}
        self.op_effects: dict[Operation, Effects] = {}
        self.live_after: dict[Operation, frozenset[Variable]] = {}
        self.live_at_loop_end: dict[Operation, frozenset[Variable]] = {}
        self._summarize_block(body)
        self._record_liveness(body, set())

    def variable(self, op: LocalDeclOp | LocalGetOp | LocalSetOp) -> Variable:
        var = self.variables.get(op.ref)
        if var is None:
            raise PlDiagnostic(op, f"'{op.name}' must use a variable declared by pl.local.decl in this function")
        return var

    # -------------------------------------------------------------------------------- summaries
    def _summarize_block(self, block: Block) -> Effects:
        eff = Effects()
        for op in block.ops:
            if isinstance(op, LocalDeclOp):
                assert isinstance(op.ref.type, RefType)
                var = Variable(op.var_name.data, op.ref.type.value_type, op, len(self.variables))
                self.variables[op.ref] = var
                eff.kills.add(var)  # a fresh variable: nothing before its declaration matters
                eff.defines.discard(var)
            elif isinstance(op, LocalGetOp):
                var = self.variable(op)
                if var not in eff.kills:
                    eff.reads.add(var)
            elif isinstance(op, LocalSetOp):
                var = self.variable(op)
                eff.then(Effects(kills={var}, writes={var}, defines={var}, first_write={var: op}))
            elif op.regions:
                eff.then(self._summarize_op(op))
        self.block_effects[block] = eff
        return eff

    def _summarize_op(self, op: Operation) -> Effects:
        if isinstance(op, scf.IfOp):
            then = self._summarize_block(op.true_region.block)
            other = self._summarize_block(op.false_region.block) if op.false_region.blocks else Effects()
            eff = Effects.either(then, other)
        elif isinstance(op, scf.ForOp):
            body = self._summarize_block(op.body.block)
            once = runs_at_least_once(op)
            eff = Effects(
                set(body.reads), set(body.kills) if once else set(), set(body.writes),
                set(body.defines) if once else set(), dict(body.first_write),
            )
        elif isinstance(op, TaskScopeOp):
            body = self._summarize_block(op.body.block)
            outer = {v for v in body.writes if not v.declared_inside(op)}
            eff = Effects(
                {v for v in body.reads if not v.declared_inside(op)} | threaded_variables(op, body),
                {v for v in body.kills if not v.declared_inside(op)}, outer,
                {v for v in body.defines if not v.declared_inside(op)},
                {v: w for v, w in body.first_write.items() if v in outer},
            )
        else:
            inner = next((o for o in op.walk() if isinstance(o, LOCAL_OPS)), None)
            if inner is not None:
                raise PlDiagnostic(inner, f"local variables cannot be used inside '{op.name}' (only scf.if, scf.for, pl.at, pl.spmd)")
            eff = Effects()
        self.op_effects[op] = eff
        return eff

    # -------------------------------------------------------------------------------- liveness
    def _record_liveness(self, block: Block, live_out: set[Variable]) -> set[Variable]:
        """Backward walk of `block` given the variables live at its end; returns those live at its start."""
        live = set(live_out)
        for op in reversed(block.ops):
            if isinstance(op, LocalGetOp):
                live.add(self.variables[op.ref])
            elif isinstance(op, LocalSetOp | LocalDeclOp):
                live.discard(self.variables[op.ref])
            elif op in self.op_effects:
                self._record_nested(op, live)
                eff = self.op_effects[op]
                live = eff.reads | (live - eff.kills)
        return live

    def _record_nested(self, op: Operation, live: set[Variable]) -> None:
        self.live_after[op] = frozenset(live)
        if isinstance(op, scf.IfOp):
            for region in op.regions:
                for block in region.blocks:
                    self._record_liveness(block, live)
        elif isinstance(op, scf.ForOp):
            end = self.block_effects[op.body.block].reads | live
            self.live_at_loop_end[op] = frozenset(end)
            self._record_liveness(op.body.block, end)
        elif isinstance(op, TaskScopeOp):
            self._record_liveness(op.body.block, threaded_variables(op, self.block_effects[op.body.block]) | live)
