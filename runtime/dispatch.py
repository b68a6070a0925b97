"""Kernels and `pl.dispatch`: every dispatch runs its blocks at once, in program order, on numpy.

Executing eagerly in submit order is exact because the IR threads every written tensor through the
dispatches (a later task only sees an earlier task's writes if it comes after it in program order). Time
is a separate question: each block's recorded tile ops are priced (Level A) and its GM regions feed the
TensorMap, whose dependencies - not the SSA chain - order the tasks in the simulation (Level B), together
with the scheduling hints kept on the dispatch (`pl.early_resolve`, `pl.sync_start`), which change only time.
A kernel with `pl.syncall` barriers runs its blocks phase by phase instead (runtime/barrier.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from xdsl.dialects.builtin import IndexType
from xdsl.dialects.func import FuncOp

from ..dialects.attributes import FuncKind, KindAttr
from ..dialects.task_ops import DispatchOp, SyncallOp
from .barrier import PhasedRun, check_occupancy
from .errors import PlRuntimeError
from .gm import GmTensor
from .interp import Frame, FunctionCompiler, PreparedFunction, Recorder, handles
from .out_reads import note_write
from .npu import BlockWork, ChipConfig, SimTask, TensorMap, time_ops_with_deps
from .npu.phases import phased_works
from .pricing import Pricer, core_type_of


def function_kind(function: FuncOp) -> FuncKind | None:
    kind = function.attributes.get("pl.kind")
    return kind.data if isinstance(kind, KindAttr) else None


class PreparedKernel:
    """An incore function ready to run block by block on one core type."""

    def __init__(self, function: FuncOp, cfg: ChipConfig):
        self.name = function.sym_name.data
        args = function.body.block.args
        if not args or args[-1].type != IndexType():
            raise PlRuntimeError(
                f"kernel '{self.name}' must take the block index (index) as its last parameter", function
            )
        self.core_type = core_type_of(function)
        self.pricer = Pricer(cfg, self.core_type)
        self.function = PreparedFunction.prepare(function, f"kernel '{self.name}'", self.pricer)
        self.return_op = function.body.block.last_op
        self.syncalls = [op for op in function.walk() if isinstance(op, SyncallOp)]

    def run_block(self, args: Sequence[object], block: int, blocks: int, rec: Recorder | None = None) -> Recorder:
        rec = Recorder() if rec is None else rec
        try:
            returned = self.function.run([*args, block], rec)
            outs = args[len(args) - len(returned):]
            for i, (out, result) in enumerate(zip(outs, returned)):
                if not _same_view(out, result):
                    self._land(i, out, result, blocks, rec)
        except PlRuntimeError as err:
            raise err.with_context(f"kernel '{self.name}' block {block}") from None
        return rec

    def _land(self, i: int, out: GmTensor, result: GmTensor, blocks: int, rec: Recorder) -> None:
        """Copy a returned tensor that is not the out's buffer into the out (a read of it, a whole-out write):
        the dispatch's result is the out buffer, so leaving the data elsewhere would silently lose it."""
        if blocks > 1:
            raise PlRuntimeError(
                f"result #{i} is not written into out #{i} but is another tensor; with {blocks} blocks each "
                "block would replace the whole out, so write (pl.assemble) into the out parameter instead",
                self.return_op,
            )
        if not out.array.flags.writeable:
            raise PlRuntimeError(
                f"result #{i} replaces out #{i}, a tensor the entry received as an In argument; declare it "
                "pl.Out or pl.InOut", self.return_op,
            )
        rec.reads.extend(result.whole_regions())
        out.array[...] = result.array
        written = out.whole_regions()
        rec.writes.extend(written)
        note_write(out, written)
        eb = out.array.dtype.itemsize
        rows, row = result.transfer_shape(result.shape)
        load = self.pricer.load(self.return_op, rows, row * eb, 1)
        rows, row = out.transfer_shape(out.shape)
        rec.ops.append((load, ()))
        rec.ops.append((self.pricer.store(rows, row * eb, eb), (len(rec.ops) - 1,)))


def _run_blocks(kernel: PreparedKernel, args: list, blocks: int, op: DispatchOp) -> Iterator[tuple[Recorder, BlockWork]]:
    """Each block's recorder and priced work: one block after the other, or phase by phase around the kernel's
    `pl.syncall` barriers (runtime/barrier.py), where a block's work includes waiting for the slowest one."""
    if not kernel.syncalls:
        for b in range(blocks):
            rec = kernel.run_block(args, b, blocks)
            yield rec, time_ops_with_deps(rec.ops, kernel.core_type).work
        return
    check_occupancy(kernel, blocks, op)
    recs = PhasedRun(blocks).run(lambda b, rec: kernel.run_block(args, b, blocks, rec))
    yield from zip(recs, phased_works([(r.tile_ops(), r.phases) for r in recs], kernel.core_type, kernel.pricer.cfg))


def _same_view(a: GmTensor, b: GmTensor) -> bool:
    """Whether two tensors are the same elements of the same buffer (the kernel wrote into its out)."""
    x, y = a.array, b.array
    return x.__array_interface__["data"][0] == y.__array_interface__["data"][0] and x.strides == y.strides


class RunState(Recorder):
    """Orchestration-level recorder: collects the dispatched tasks (GM accesses outside kernels are not timed)."""

    def __init__(self) -> None:
        super().__init__()
        self.tensormap = TensorMap()
        self.tasks: list[SimTask] = []
        self.latest: dict[int, frozenset[int]] = {}  # task label -> the dispatches it names (dialects/array_ops.py)
        self.task_arrays: dict[int, list[frozenset[int]]] = {}  # `pl.task_ids` array -> its elements

    def dispatch(self, kernel: PreparedKernel, name: str, args: list, blocks: int, op: DispatchOp) -> None:
        if blocks < 1:
            raise PlRuntimeError(f"pl.dispatch of kernel '{kernel.name}' with {blocks} blocks (needs at least 1)", op)
        sync_start = "pl.sync_start" in op.attributes
        cores = kernel.pricer.cfg.core_count[kernel.core_type]
        if sync_start and blocks > cores:
            raise PlRuntimeError(
                f"pl.dispatch of kernel '{kernel.name}' with sync_start=True launches {blocks} blocks at once, "
                f"but {kernel.pricer.cfg.name} has only {cores} {kernel.core_type} cores", op
            )
        works: list[BlockWork] = []
        reads, writes = {}, {}
        for rec, work in _run_blocks(kernel, args, blocks, op):
            works.append(work)
            reads.update(dict.fromkeys(rec.reads))
            writes.update(dict.fromkeys(rec.writes))
        deps = self.tensormap.submit(reads, writes)
        explicit = self.named(d.value.data for d in op.attributes.get("pl.deps", ()))
        label = op.attributes.get("pl.task")
        if label is not None:
            self.latest[label.value.data] = frozenset({len(self.tasks)})
        deps = tuple(sorted(set(deps).union(explicit)))
        hints = (key in op.attributes for key in ("pl.early_resolve", "pl.sync_start", "pl.via_dummy"))
        self.tasks.append(SimTask(name, kernel.name, kernel.core_type, tuple(works), deps, *hints))


    def named(self, labels: Iterable[int]) -> frozenset[int]:
        """The dispatches a set of task-id labels names now (a label not yet dispatched names none)."""
        return frozenset().union(*(self.latest.get(label, ()) for label in labels))


@handles(DispatchOp)
def _dispatch(op: DispatchOp, c: FunctionCompiler):
    callee = op.callee.root_reference.data
    kernels = getattr(c.program, "kernels", {})
    kernel = kernels.get(callee)
    if kernel is None:
        raise PlRuntimeError(f"{c.label}: pl.dispatch of @{callee}, which is not an incore kernel of this module", op)
    name = op.name_hint.data if op.name_hint is not None else callee
    arg_slots = c.slots_of([*op.args, *op.outs])
    out_slots = c.slots_of(op.outs)
    res_slots = c.slots_of(op.res)
    blocks = c.slot(op.blocks)

    def run(f: Frame) -> None:
        r = f.r
        f.rec.dispatch(kernel, name, [r[s] for s in arg_slots], r[blocks], op)  # type: ignore[attr-defined]
        for s, o in zip(res_slots, out_slots):
            r[s] = r[o]

    return run
