"""`pl-outline-tasks` (SPMD dispatch lowering): every task scope becomes a kernel plus one dispatch.

Guarantee: after this pass no `pl.at`/`pl.spmd` remains.  Each scope's body is moved into a new
`func.func` with `pl.kind = #pl.kind<incore>` whose parameters are the scope's live-ins (tensors and
scalars, in first-use order; `arith.constant` live-ins are re-materialised inside instead), then its `outs`,
then the block index (`pl.block_idx` and the spmd region argument both become that parameter); it returns
the yielded new versions of the outs.  In place of the scope stands one `pl.dispatch` of that kernel with
the same outs and results and a block count (the spmd count, 1 for `pl.at`), so a `pl.at` inside an
N-iteration loop is still N dispatches at run time.  Kernels are named after the scope's `name`
(uniquified within the module: `name`, `name_1`, ...; `<function>_task` when unnamed) and placed after
the function they came from; the dispatch's `name` stays the scope's own name, so two sites written with
the same `name_hint` report under one name.  Nested task scopes are reported as an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerAttr, ModuleOp
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Block, BlockArgument, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from ppc.dialects.attributes import FuncKind, KindAttr
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.dialects.symbols import SymbolNames
from ppc.dialects.task_ops import BlockIdxOp, DispatchOp, SpmdOp, TaskScopeOp, YieldOp


def defined_inside(value: SSAValue, op: Operation) -> bool:
    """Whether `value` is defined within one of `op`'s regions."""
    owner = value.block.parent_op() if isinstance(value, BlockArgument) else value.owner
    while owner is not None:
        if owner is op:
            return True
        owner = owner.parent_op()
    return False


def live_ins(op: Operation) -> list[SSAValue]:
    """Values used inside `op`'s regions but defined outside them, in first-use order."""
    found: dict[SSAValue, None] = {}
    for inner in op.walk():
        if inner is op:
            continue
        for operand in inner.operands:
            if not defined_inside(operand, op):
                found.setdefault(operand)
    return list(found)


def _outline(scope: TaskScopeOp, func: FuncOp, names: SymbolNames, anchor: Operation) -> FuncOp:
    """Replace `scope` by a dispatch of a new kernel inserted after `anchor`; return the kernel."""
    base = scope.name_hint.data if scope.name_hint is not None else f"{func.sym_name.data}_task"
    kernel_name = names.fresh(base)
    captured = live_ins(scope)
    constants = [v for v in captured if isinstance(v.owner, arith.ConstantOp)]
    params = [v for v in captured if v not in constants]
    outs = list(scope.outs)
    inputs = [v.type for v in params] + [v.type for v in outs] + [IndexType()]
    block = Block(arg_types=inputs)
    for arg, value in zip(block.args, [*params, *scope.out_args]):
        arg.name_hint = value.name_hint
    block.args[-1].name_hint = "block_idx"
    kernel = FuncOp(kernel_name, (inputs, [v.type for v in outs]), Region(block))
    kernel.attributes["pl.kind"] = KindAttr(FuncKind.INCORE)
    kernel.location = scope.location
    anchor.parent_block().insert_op_after(kernel, anchor)

    for value in constants:
        block.add_op(value.owner.clone())
    for op in list(scope.body.block.ops):
        op.detach()
        block.add_op(op)
    for value, clone in zip(constants, block.ops):
        _replace_uses_within(value, clone.results[0], kernel)
    for value, arg in zip(params, block.args):
        _replace_uses_within(value, arg, kernel)
    for region_arg, arg in zip(scope.out_args, block.args[len(params) :]):
        region_arg.replace_all_uses_with(arg)
    if isinstance(scope, SpmdOp):
        scope.block_index.replace_all_uses_with(block.args[-1])
    for op in list(kernel.walk()):
        if isinstance(op, BlockIdxOp):
            op.result.replace_all_uses_with(block.args[-1])
            Rewriter.erase_op(op)
    terminator = block.last_op
    assert isinstance(terminator, YieldOp), "verified task scopes end with pl.yield"
    ret = ReturnOp(*terminator.values)
    ret.location = terminator.location
    Rewriter.replace_op(terminator, ret)

    count = scope.count if isinstance(scope, SpmdOp) else one_block(func)
    dispatch = DispatchOp(kernel_name, params, outs, count, name=base)
    dispatch.location = scope.location
    Rewriter.replace_op(scope, dispatch)
    return kernel


def one_block(func: FuncOp) -> SSAValue:
    """The `arith.constant 1 : index` at the top of `func` (created once), the block count of a pl.at."""
    entry = func.body.block
    for op in entry.ops:
        if not isinstance(op, arith.ConstantOp):
            break
        if op.value == IntegerAttr(1, IndexType()):
            return op.result
    one = arith.ConstantOp.from_int_and_width(1, IndexType())
    one.result.name_hint = "c1"
    one.location = func.location
    if entry.first_op is None:
        entry.add_op(one)
    else:
        entry.insert_op_before(one, entry.first_op)
    return one.result


def _replace_uses_within(value: SSAValue, new: SSAValue, within: Operation) -> None:
    for use in list(value.uses):
        if within.is_ancestor(use.operation):
            use.operation.operands[use.index] = new


@dataclass(frozen=True)
class OutlineTasksPass(ModulePass):
    name = "pl-outline-tasks"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        names = SymbolNames(str(o.sym_name.data) for o in op.ops if isinstance(o, FuncOp))
        for func in [f for f in op.ops if isinstance(f, FuncOp)]:
            scopes = [s for s in func.walk() if isinstance(s, TaskScopeOp)]
            for scope in scopes:
                outer = scope.parent_op()
                while outer is not None and not isinstance(outer, TaskScopeOp):
                    outer = outer.parent_op()
                if outer is not None:
                    message = f"'{scope.name}' cannot be nested inside another task scope ('{outer.name}')"
                    raise PlDiagnostic(scope, message)
            anchor: Operation = func
            for scope in scopes:
                anchor = _outline(scope, func, names, anchor)


