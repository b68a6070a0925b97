"""`CompiledProgram`: a lowered module prepared once, run many times on numpy + the NPU model.

Preparation turns the orchestration function and every incore kernel into closure lists (see interp.py);
`run` binds the arguments, interprets the orchestration function (each `pl.dispatch` executes its blocks
and becomes one task), writes Out/InOut tensors back, simulates the task list and builds the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation

from ..dialects.attributes import Direction, FuncKind
from ..dialects.internal import user_facing
from . import gather_row, scalar_ops, task_arrays, tile_ops  # noqa: F401  (registers the op handlers)
from .arguments import BoundArguments, Param, signature
from .dispatch import PreparedKernel, RunState, function_kind
from .errors import PlRuntimeError
from .gm import GmTensor
from .interp import PreparedFunction
from .out_reads import OutReadCheck, checked_outs
from .npu import RunReport, SimTask, Timeline, build_report, get_config, simulate, write_trace
from .pricing import Pricer


@dataclass(frozen=True)
class RunResult:
    """What one run produced: the report, the entry's returned values, and the simulated timeline."""

    report: RunReport
    outputs: tuple
    timeline: Timeline
    tasks: tuple[SimTask, ...]

    def write_trace(self, path: str) -> None:
        """Perfetto / Chrome-trace JSON swimlane of the run (open in ui.perfetto.dev)."""
        write_trace(self.timeline, path)


class CompiledProgram:
    """A lowered module (one orchestration function + incore kernels) ready to run on `platform`."""

    def __init__(self, module: ModuleOp, platform: str = "a2a3", entry: str | None = None,
                 ir_after: Mapping[str, ModuleOp] | None = None):
        self.module = module
        self.platform = platform
        try:
            self.config = get_config(platform)
        except ValueError as err:
            raise PlRuntimeError(str(err)) from None
        self._ir_after = dict(ir_after or {})
        functions = [op for op in module.ops if isinstance(op, FuncOp)]
        self.kernels: dict[str, PreparedKernel] = {
            f.sym_name.data: PreparedKernel(f, self.config) for f in functions if function_kind(f) == FuncKind.INCORE
        }
        entry_func = self._entry_function = _entry_function(functions, entry, next(iter(module.ops), None))
        self.entry_name = entry_func.sym_name.data
        self.params: tuple[Param, ...] = signature(entry_func)
        self._checked_outs = checked_outs(module)  # Outs some read is checked against (runtime/out_reads.py)
        self._orchestration = PreparedFunction.prepare(
            entry_func, f"orchestration '{self.entry_name}'", Pricer(self.config, "AIV"), program=self
        )

    def ir_after(self, pass_name: str) -> str:
        """The IR text after pass `pass_name`, when the compiler recorded it."""
        if pass_name not in self._ir_after:
            known = ", ".join(self._ir_after) or "none recorded"
            raise KeyError(f"no IR recorded after pass {pass_name!r} (recorded: {known})")
        return str(self._ir_after[pass_name])

    @user_facing("run")
    def run(self, *args: object, out_staging: str = "undefined", strict_out_reads: bool = False) -> RunResult:
        """Execute on the given tensors/scalars; Out/InOut tensors are written back in place on success.

        `out_staging` says what an Out holds before the kernels write it (see `arguments.OUT_STAGINGS`); a read
        of an Out element never written, at a region only known at run time, warns, or with `strict_out_reads`
        fails (runtime/out_reads.py)."""
        bound = BoundArguments(self._entry_function, self.params, args, out_staging)
        if self._checked_outs:
            check = OutReadCheck(out_staging, strict_out_reads)
            for param, value in zip(self.params, bound.values):
                if param.name in self._checked_outs and param.direction == Direction.OUT:
                    check.track(value, param.name)
        state = RunState()
        with np.errstate(all="ignore"):  # inf/nan follow IEEE like torch does, without warnings
            try:
                returned = self._orchestration.run(bound.values, state)
            except PlRuntimeError as err:
                raise err.with_context(f"orchestration '{self.entry_name}'") from None
        bound.write_back()
        outputs = tuple(_output(v, bound) for v in returned)
        timeline = simulate(state.tasks, self.config)
        return RunResult(build_report(timeline), outputs, timeline, tuple(state.tasks))


def _entry_function(functions: list[FuncOp], entry: str | None, first_op: Operation | None) -> FuncOp:
    """The orchestration function to run; errors are located at a function, else at the module's first op."""
    candidates = [f for f in functions if function_kind(f) == FuncKind.ORCHESTRATION]
    if entry is not None:
        for f in candidates:
            if f.sym_name.data == entry:
                return f
        names = ", ".join(f.sym_name.data for f in candidates) or "none"
        raise PlRuntimeError(f"no orchestration function '{entry}' in the module (found: {names})")
    if len(candidates) != 1:
        names = ", ".join(f.sym_name.data for f in candidates) or "none"
        where = candidates[1] if candidates else next(iter(functions), first_op)  # the second one, or the first function
        raise PlRuntimeError(
            "the module must have exactly one orchestration function (pl.kind = #pl.kind<orchestration>), "
            f"found: {names}", where
        )
    return candidates[0]


def _output(value: object, bound: BoundArguments) -> object:
    """Returned tensors as arrays: a returned Out/InOut parameter is the caller's own (written-back) object."""
    if not isinstance(value, GmTensor):
        return value
    user = bound.user_object(value)
    return user if user is not None else value.array
