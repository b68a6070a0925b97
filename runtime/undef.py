"""Run-time check of `pl.undef`: a value `pl-ssa` could not prove is never read undefined.

`pl.undef` puts the `UNDEFINED` marker in its register.  Loops and branches pass it on unchanged (iter_args,
yields), and so does `pl.dispatch` (into the kernel's parameter: a task outlined from a loop body whose
first-iteration guard is inside the task receives the undefined start value and, correctly, never reads it);
any other op that takes a value which may be the marker (found once per function by following those edges,
into a kernel from every dispatch of it) is guarded: reading the marker stops the run with a located error
naming the variable, so an unproved first-iteration guard is either harmless or loud, never a silently
wrong tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xdsl.dialects import func, scf
from xdsl.ir import Operation, SSAValue

from ..dialects.data_ops import UndefOp
from ..dialects.diagnostics import source_loc
from ..dialects.support import defining_op
from ..dialects.task_ops import DispatchOp
from .errors import PlRuntimeError

if TYPE_CHECKING:
    from .interp import FunctionCompiler

Closure = Callable[[Any], None]


class _Undefined:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<pl.undef>"


UNDEFINED = _Undefined()


def prepare_undef(op: UndefOp, c: FunctionCompiler) -> None:
    """The `pl.undef` handler: resolved at preparation, like a constant."""
    c.constant(op.result, UNDEFINED)


def maybe_undefined(function: func.FuncOp) -> set[SSAValue]:
    """Values of `function` that may hold `UNDEFINED`: `pl.undef` results and what loops/branches carry them to."""
    found: set[SSAValue] = {op.result for op in function.walk() if isinstance(op, UndefOp)}
    found |= _undefined_params(function)
    if not found:
        return found
    edges: list[tuple[SSAValue, SSAValue]] = []  # value -> value it is passed on to unchanged
    for op in function.walk():
        if isinstance(op, scf.ForOp):
            body = op.body.block
            carried, results = body.args[1:], op.results
            yields = body.last_op.operands if isinstance(body.last_op, scf.YieldOp) else ()
            for init, arg, res, end in zip(op.iter_args, carried, results, yields):
                edges += [(init, arg), (init, res), (end, arg), (end, res)]
        elif isinstance(op, DispatchOp):
            edges += list(zip(op.outs, op.res))
        elif isinstance(op, scf.IfOp):
            for region in op.regions:
                if region.blocks and isinstance(region.block.last_op, scf.YieldOp):
                    edges += list(zip(region.block.last_op.operands, op.results))
    changed = True
    while changed:
        changed = False
        for src, dst in edges:
            if src in found and dst not in found:
                found.add(dst)
                changed = True
    return found


def _undefined_params(kernel: func.FuncOp) -> set[SSAValue]:
    """Parameters of `kernel` some `pl.dispatch` of it may pass the marker to (none for other functions)."""
    module = kernel.parent_block()
    if module is None:
        return set()
    params = kernel.body.block.args
    found: set[SSAValue] = set()
    for caller in [op for op in module.ops if isinstance(op, func.FuncOp) and op is not kernel]:
        sites = [op for op in caller.walk()
                 if isinstance(op, DispatchOp) and op.callee.root_reference.data == kernel.sym_name.data]
        if sites:
            suspects = maybe_undefined(caller)
            found |= {p for op in sites for p, v in zip(params, [*op.args, *op.outs]) if v in suspects}
    return found


def transported(op: Operation) -> tuple[SSAValue, ...]:
    """Operands `op` only passes on (never reads)."""
    if isinstance(op, DispatchOp):
        return (*op.args, *op.outs)
    return tuple(op.iter_args) if isinstance(op, scf.ForOp) else ()


def guard_undefined(op: Operation, fn: Closure, c: FunctionCompiler, suspects: set[SSAValue]) -> Closure:
    """`fn` preceded by a check that none of `op`'s operands in `suspects` holds `UNDEFINED`."""
    passed = transported(op)
    checked = [(c.slot(v), v) for v in dict.fromkeys(op.operands) if v in suspects and v not in passed]
    if not checked:
        return fn

    def run(f: Any) -> None:
        r = f.r
        for slot, value in checked:
            if r[slot] is UNDEFINED:
                name = f"'{value.name_hint}'" if value.name_hint else "a value"
                raise PlRuntimeError(
                    f"{name} is read before it is assigned (it still holds the pl.undef start value "
                    f"pl-ssa gave it, see the warning at {source_loc(defining_op(value))})", op)
        fn(f)

    return run
