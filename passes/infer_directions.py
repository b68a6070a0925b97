"""`pl-infer-directions`: in/out/inout for every tensor parameter of the entry and of each kernel.

Guarantee: afterwards every tensor parameter of an orchestration (entry) or incore function carries
`pl.dir`, derived from the IR's own reads and writes (`tensor_effects`): never written -> in; written and
its old contents possibly read -> inout; otherwise out — except that an entry parameter must also be fully
overwritten on every path to be out (a partially written entry tensor, e.g. one cache row, is inout, so
the caller's other elements survive the copy-back).  A kernel parameter that is partially written without
reading old contents stays out: kernels write their blocks' tiles in place.
Rule for declarations: a `pl.dir` already present is declared (the frontend writes it for `pl.Out` and
`pl.InOut`; IR may also say `#pl.dir<in>`); a parameter without one is undeclared and is inferred.
Declarations are checked, then kept.  Errors, at the offending op: written but declared in (at the first
write); declared out but read before any write (no write precedes the read and no loop around it writes
the tensor; at the read); an output rebound instead of written (a task or kernel returns a new tensor for
its out, or the entry returns a new tensor while a declared output is never written; at the new value).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import scf
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, ModuleOp
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Attribute, BlockArgument, OpResult, Operation, SSAValue
from xdsl.passes import ModulePass

from ppc.dialects.attributes import Direction, DirAttr, FuncKind, KindAttr
from ppc.dialects.data_ops import AssembleOp, WriteOp
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.dialects.task_ops import DispatchOp, TaskScopeOp
from ppc.dialects.types import TensorType
from ppc.passes.tensor_effects import TensorEffects


def _kind(func: FuncOp) -> FuncKind:
    kind = func.attributes.get("pl.kind")
    return kind.data if isinstance(kind, KindAttr) else FuncKind.ORCHESTRATION


def _arg_attrs(func: FuncOp) -> list[dict[str, Attribute]]:
    n = len(func.body.block.args)
    if func.arg_attrs is None:
        return [{} for _ in range(n)]
    return [dict(d.data) for d in func.arg_attrs.data]


def param_name(param: BlockArgument) -> str:
    return param.name_hint or f"#{param.index}"


def _reassigned(param: BlockArgument, where: Operation) -> PlDiagnostic:
    name = param_name(param)
    return PlDiagnostic(
        where,
        f"'{name}' is reassigned here instead of written, so the caller's tensor never receives the result; "
        f"write into it ({name}[...] = ... or pl.assemble)",
    )


def _check(func: FuncOp, effects: TensorEffects, declared: dict[BlockArgument, Direction]) -> None:
    """Raise the first violated declaration, in parameter order."""
    for param in effects.params:
        found = effects.effects[param]
        name = param_name(param)
        if declared.get(param) == Direction.IN and found.first_write is not None:
            raise PlDiagnostic(
                found.first_write,
                f"'{name}' is written here but declared In; mark it pl.Out (or pl.InOut if its old contents are read)",
            )
        if declared.get(param) == Direction.OUT and found.first_old_read is not None:
            raise PlDiagnostic(
                found.first_old_read,
                f"'{name}' is declared Out but its old contents are read here before being written; mark it pl.InOut",
            )
    if effects.reassignment is not None:
        raise _reassigned(effects.reassignment.param, effects.reassignment.where)
    if _kind(func) == FuncKind.INCORE:
        return
    unwritten = [
        p for p in effects.params
        if declared.get(p) in (Direction.OUT, Direction.INOUT) and effects.effects[p].first_write is None
    ]  # fmt: skip
    ret = func.body.block.last_op
    if not unwritten or not isinstance(ret, ReturnOp):
        return
    fresh = [v for v in ret.arguments if isinstance(v.type, TensorType) and not effects.lineage(v)]
    if fresh:  # the entry returns a new tensor while a declared output is never written: it was rebound
        origin = _origin(fresh[0])
        raise _reassigned(unwritten[0], origin.owner if isinstance(origin.owner, Operation) else ret)


def _origin(value: SSAValue) -> SSAValue:
    """The first version of a tensor: follow writes, task/dispatch results and loop results backwards."""
    while isinstance(value, OpResult):
        op = value.op
        if isinstance(op, AssembleOp | WriteOp):
            value = op.dest
        elif isinstance(op, TaskScopeOp | DispatchOp):
            value = op.outs[value.index]
        elif isinstance(op, scf.ForOp):
            value = op.iter_args[value.index]
        else:
            break
    return value


def infer_function(module: ModuleOp, func: FuncOp) -> None:
    """Check and complete the `pl.dir` attributes of one function's tensor parameters."""
    effects = TensorEffects(module, func)
    attrs = _arg_attrs(func)
    declared = {
        p: attrs[p.index]["pl.dir"].data for p in effects.params if isinstance(attrs[p.index].get("pl.dir"), DirAttr)
    }
    _check(func, effects, declared)
    entry = _kind(func) != FuncKind.INCORE
    for param in effects.params:
        if param in declared:
            continue
        found = effects.effects[param]
        if found.first_write is None:
            direction = Direction.IN
        elif found.first_old_read is not None or (entry and not effects.fully_written(param)):
            direction = Direction.INOUT
        else:
            direction = Direction.OUT
        attrs[param.index]["pl.dir"] = DirAttr(direction)
    func.arg_attrs = ArrayAttr(DictionaryAttr(a) for a in attrs)


@dataclass(frozen=True)
class InferDirectionsPass(ModulePass):
    name = "pl-infer-directions"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        funcs = [f for f in op.ops if isinstance(f, FuncOp) and f.body.blocks and _kind(f) != FuncKind.INLINE]
        funcs.sort(key=lambda f: _kind(f) == FuncKind.INCORE)  # entries first: their messages name user params
        for func in funcs:
            infer_function(op, func)
