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

A value that leaves a scope (an escaping result, see `pl-ssa`) first becomes an out backed by a GM
temporary (`pl.create_tensor` before the scope, of the value's shape and dtype): a tensor built inside the
scope from a fresh `pl.create_tensor` is built in the temporary itself (so each block of a `pl.spmd` writes its
own part of it); any other tensor or tile of a `pl.at` is stored whole into it.  Later reads of an escaping tile
load it back (`pl.slice` at the start of the reading task, or after the dispatch in the orchestration).  A tile
or scalar of one `pl.spmd` block cannot leave the scope: each block holds its own, so that is a located error.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerAttr, ModuleOp
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from ppc.dialects.attributes import FuncKind, KindAttr
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.dialects.data_ops import AssembleOp, CreateTensorOp, SliceOp
from ppc.dialects.support import defining_op
from ppc.dialects.symbols import SymbolNames
from ppc.dialects.task_ops import TASK_ATTRIBUTES, BlockIdxOp, DispatchOp, SpmdOp, TaskScopeOp, YieldOp
from ppc.dialects.types import TensorType, TileType

from .lineage import roots


def defined_inside(value: SSAValue, op: Operation) -> bool:
    """Whether `value` is defined within one of `op`'s regions."""
    return op.is_ancestor(defining_op(value))


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


def _fresh_root(value: SSAValue, scope: TaskScopeOp) -> CreateTensorOp | None:
    """The `pl.create_tensor` at the top of the scope's body that `value` is a version of on every path."""
    found = roots(value)
    owner = found.pop().owner if len(found) == 1 else None
    return owner if isinstance(owner, CreateTensorOp) and owner.parent_block() is scope.body.block else None


def _assignment(value: SSAValue, scope: TaskScopeOp) -> Operation:
    """The op inside `scope` that produced `value` (the scope itself for a captured value)."""
    owner = defining_op(value)
    return owner if owner is not None and scope.is_ancestor(owner) else scope


def _zeros(rank: int, before: Operation) -> list[SSAValue]:
    zero = arith.ConstantOp.from_int_and_width(0, IndexType())
    before.parent_block().insert_op_before(zero, before)  # type: ignore[union-attr]
    return [zero.result] * rank


def _back_escapes_with_gm(scope: TaskScopeOp) -> TaskScopeOp:
    """`scope` with each escaping result turned into an out of a new GM temporary (see the module doc)."""
    body = scope.body.block
    term = body.last_op
    assert isinstance(term, YieldOp), "verified task scopes end with pl.yield"
    n_outs = len(scope.outs)
    yielded = list(term.values)
    temps: list[SSAValue] = []
    for i, res in enumerate(scope.escapes):
        value = yielded[n_outs + i]
        name = res.name_hint or "value"
        root = _fresh_root(value, scope) if isinstance(res.type, TensorType) else None
        if root is None and isinstance(scope, SpmdOp):
            raise PlDiagnostic(scope, f"value of one block leaves an spmd scope: '{name}' is assigned in each block of "
                                      f"'{scope.name_hint.data if scope.name_hint else 'pl.spmd'}' and read after it; "
                                      "assemble it into a tensor created before the scope instead")
        if not isinstance(res.type, TensorType | TileType):
            raise PlDiagnostic(scope, f"scalar '{name}' computed in '{scope.name}' cannot be used after it; "
                                      "pass it through a tensor (pl.write inside, pl.read after)")
        gm_type = res.type if isinstance(res.type, TensorType) else TensorType(res.type.get_shape(), res.type.element_type)
        temp = CreateTensorOp(gm_type, init_value=root.init_value if root is not None else None,
                              manual_dep=root is not None and root.manual_dep is not None)
        temp.location = _assignment(value, scope).location  # diagnostics about the temporary name the assignment
        temp.result.name_hint = f"{name}_gm"
        scope.parent_block().insert_op_before(temp, scope)  # type: ignore[union-attr]
        temps.append(temp.result)
        arg = body.insert_arg(gm_type, len(body.args))
        arg.name_hint = name
        if root is not None:
            root.result.replace_all_uses_with(arg)
            Rewriter.erase_op(root)
        else:
            store = AssembleOp(value, arg, _zeros(len(gm_type.get_shape()), term))
            store.location = term.location
            body.insert_op_before(store, term)
            value = store.result
        yielded[n_outs + i] = value
    new_term = YieldOp(*yielded)
    new_term.location = term.location
    Rewriter.replace_op(term, new_term)
    new = type(scope).create(
        operands=[*scope.operands, *temps],
        result_types=[*(r.type for r in scope.results[:n_outs]), *(t.type for t in temps)],
        properties=dict(scope.properties),
        attributes=dict(scope.attributes),
        regions=[scope.detach_region(scope.body)],
    )
    new.location = scope.location
    scope.parent_block().insert_op_before(new, scope)  # type: ignore[union-attr]
    for old, res in zip(scope.results, new.results):
        res.name_hint = old.name_hint
        if isinstance(old.type, TileType):
            _load_where_read(old, res)
        else:
            old.replace_all_uses_with(res)
    Rewriter.erase_op(scope)
    return new


def _load_where_read(tile: SSAValue, gm: SSAValue) -> None:
    """Replace the uses of an escaped tile by loads of its GM copy: one at the start of each reading task
    scope, one after the producing scope for reads in the orchestration."""
    loads: dict[Operation | None, SSAValue] = {}
    for use in list(tile.uses):
        reader = use.operation.parent_op()
        while reader is not None and not isinstance(reader, TaskScopeOp):
            reader = reader.parent_op()
        if reader not in loads:
            first = reader.body.block.first_op if reader is not None else gm.owner.next_op
            assert first is not None
            load = SliceOp(gm, _zeros(len(gm.type.get_shape()), first), tile.type)  # type: ignore[union-attr]
            load.location = first.location
            load.result.name_hint = tile.name_hint
            first.parent_block().insert_op_before(load, first)  # type: ignore[union-attr]
            loads[reader] = load.result
        use.operation.operands[use.index] = loads[reader]


def _outline(scope: TaskScopeOp, func: FuncOp, names: SymbolNames, anchor: Operation) -> FuncOp:
    """Replace `scope` by a dispatch of a new kernel inserted after `anchor`; return the kernel."""
    if scope.escapes:
        scope = _back_escapes_with_gm(scope)
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
    hints = scope.properties.get("optimizations") or scope.attributes.get("optimizations")
    if hints is not None:  # the task's hints stay visible to kernel checks (pl-check-capacity reads pl.split)
        kernel.attributes["pl.optimizations"] = hints
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
    dispatch.attributes.update({k: v for k, v in scope.attributes.items() if k in TASK_ATTRIBUTES})
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


