"""`pl-inline`: splice every call of a `@pl.jit.inline` function (`pl.kind = #pl.kind<inline>`) into its caller.

Guarantees on success: no `func.call` to an inline function remains (calls inside inlined bodies are
spliced too), and inline functions that nothing references any more are removed.  A write into a parameter
(`y[...] = t`, `pl.store(t, off, y)`) is a write into the caller's tensor, as on the device where every
version of a tensor is one buffer: the helper's variable for that parameter becomes the caller's variable
(one is declared for an argument the caller never assigns), so a task scope around the call threads the
write out instead of dropping it; rebinding another parameter does not disturb this.  A parameter both
written and rebound to another value is refused.  The callee's ops keep their own source locations, so
later diagnostics point into the helper's source.  A direction on an inline
function's parameter has no meaning (the parameter is the caller's value) and is dropped with a warning;
an inline function that (transitively) calls itself, or whose body is not a single block, is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, ModuleOp, SymbolRefAttr
from xdsl.ir import Block, BlockArgument, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from ppc.dialects.attributes import FuncKind, KindAttr
from ppc.dialects.diagnostics import PlDiagnostic, emit, source_loc
from ppc.dialects.local_ops import LocalDeclOp, LocalGetOp, LocalSetOp

from .lineage import roots


def _is_inline(op: Operation) -> bool:
    kind = op.attributes.get("pl.kind")
    return isinstance(op, func.FuncOp) and isinstance(kind, KindAttr) and kind.data == FuncKind.INLINE


def _callee(op: Operation, inline: dict[str, func.FuncOp]) -> func.FuncOp | None:
    return inline.get(op.callee.root_reference.data) if isinstance(op, func.CallOp) else None


def _drop_directions(fn: func.FuncOp, warned: set[str]) -> None:
    """Remove `pl.dir` on the parameters of an inline function, warning once per source parameter.

    (The frontend emits one inline function per specialization, all located at the same `def`.)"""
    if fn.arg_attrs is None:
        return
    kept: list[DictionaryAttr] = []
    for index, attrs in enumerate(fn.arg_attrs.data):
        direction = attrs.data.get("pl.dir")
        if direction is not None:
            arg = fn.body.block.args[index] if fn.body.blocks else None
            name = arg.name_hint if arg is not None and arg.name_hint else f"#{index}"
            key = f"{source_loc(fn)}:{name}"
            if key not in warned:
                warned.add(key)
                emit(fn, f"direction {direction} of parameter '{name}' of inline function @{fn.sym_name.data} is "
                         "ignored: an inline function works on its caller's values", "warning")
        kept.append(DictionaryAttr({k: v for k, v in attrs.data.items() if k != "pl.dir"}))
    fn.arg_attrs = ArrayAttr(kept)


def _check_acyclic(inline: dict[str, func.FuncOp]) -> None:
    """An inline function reaching itself through inline calls would splice forever."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = " -> ".join(f"@{n}" for n in path[path.index(name):] + [name])
            raise PlDiagnostic(inline[name], f"inline function @{name} calls itself ({cycle}); recursion cannot be inlined")
        if name in done:
            return
        for op in inline[name].walk():
            callee = _callee(op, inline)
            if callee is not None:
                visit(callee.sym_name.data, [*path, name])
        done.add(name)

    for name in inline:
        visit(name, [])


def _written_refs(param: BlockArgument, callee: str) -> list[SSAValue]:
    """The helper's variables that start as `param` and are only ever set to versions of it (writes into it).

    A variable also set to an unrelated value (`y = pl.create_tensor(...)`) is a rebinding, which the caller
    never sees; one that is both written and rebound has no single meaning and is refused."""
    refs = []
    for use in list(param.uses):
        init = use.operation
        if not (isinstance(init, LocalSetOp) and init.value is param and _first_access(init.ref) is init):
            continue  # not the variable's initialisation (`y = x` rebinds `y`, it does not start from `x`)
        ref = init.ref
        sets = [u.operation for u in ref.uses if isinstance(u.operation, LocalSetOp) and u.operation is not init]
        own = {param} | {u.operation.result for u in ref.uses if isinstance(u.operation, LocalGetOp)}
        writes = [s for s in sets if roots(s.value) <= own]
        if writes and len(writes) < len(sets):
            rebind = next(s for s in sets if s not in writes)
            raise PlDiagnostic(rebind, f"parameter '{ref.owner.var_name.data}' of inline function '{callee}' is both "
                               "written in place and rebound to another value; write into it or rebind it, not both")
        if writes:
            refs.append(ref)
    return refs


def _first_access(ref: SSAValue) -> Operation | None:
    """The first op after `ref`'s declaration (in its block) that reads or sets it, itself or in a region.

    (The frontend declares a function's variables together, so other declarations and initialisations may
    sit between a variable's declaration and its own initialisation.)"""
    decl = ref.owner
    if not isinstance(decl, LocalDeclOp):
        return None
    op = decl.next_op
    while op is not None and not any(ref in inner.operands for inner in op.walk()):
        op = op.next_op
    return op


def _caller_ref(value: SSAValue) -> SSAValue:
    """The caller's variable holding argument `value`: the one it was read from, or a new one declared where
    `value` is defined, every other use of `value` then reading that variable."""
    if isinstance(value.owner, LocalGetOp):
        return value.owner.ref
    users = [(u.operation, u.index) for u in value.uses]
    decl = LocalDeclOp(value.name_hint or "arg", value.type)
    init = LocalSetOp(decl.ref, value)
    if isinstance(value, BlockArgument):
        Rewriter.insert_op([decl, init], InsertPoint.at_start(value.block))
    else:
        Rewriter.insert_op([decl, init], InsertPoint.after(value.owner))
    for user, index in users:
        _read_into(user, index, decl.ref)
    return decl.ref


def _read_into(user: Operation, index: int, ref: SSAValue) -> None:
    """Make operand `index` of `user` a fresh read of variable `ref`."""
    get = LocalGetOp(ref)
    Rewriter.insert_op(get, InsertPoint.before(user))
    user.operands[index] = get.result


def _bind_written_params(call: func.CallOp, block: Block) -> None:
    """Make each parameter the helper writes into its caller's variable (see the module docstring)."""
    for param, arg in zip(block.args, call.arguments, strict=True):
        refs = _written_refs(param, call.callee.root_reference.data)
        if not refs:
            continue
        outer = _caller_ref(arg)
        for ref in refs:
            Rewriter.erase_op(_first_access(ref))  # the initialisation from `param`
            ref.replace_all_uses_with(outer)
            Rewriter.erase_op(ref.owner)
        for use in list(param.uses):
            _read_into(use.operation, use.index, outer)


def _splice(call: func.CallOp, callee: func.FuncOp) -> list[Operation]:
    """Replace `call` by a copy of the callee's body; returns the spliced ops."""
    if len(callee.body.blocks) != 1:
        raise PlDiagnostic(callee, f"inline function @{callee.sym_name.data} must have a single-block body")
    block = callee.body.clone().block
    ret = block.last_op
    if not isinstance(ret, func.ReturnOp):
        raise PlDiagnostic(callee, f"inline function @{callee.sym_name.data} must end with func.return")
    _bind_written_params(call, block)
    spliced = [op for op in block.ops if op is not ret]
    Rewriter.inline_block(block, InsertPoint.before(call), call.arguments)
    for result, value in zip(call.res, ret.arguments, strict=True):
        result.replace_all_uses_with(value)
    Rewriter.erase_op(ret)
    Rewriter.erase_op(call)
    return spliced


def _symbols_used_outside(module: ModuleOp, skipped: set[Operation]) -> set[str]:
    """Symbols referenced by any op that is not inside one of the `skipped` functions."""
    names: set[str] = set()
    for top in module.ops:
        if top in skipped:
            continue
        for op in top.walk():
            for attr in [*op.properties.values(), *op.attributes.values()]:
                if isinstance(attr, SymbolRefAttr):
                    names.add(attr.root_reference.data)
    return names


@dataclass(frozen=True)
class PlInlinePass(ModulePass):
    name = "pl-inline"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        inline = {fn.sym_name.data: fn for fn in op.walk() if _is_inline(fn)}  # type: ignore[union-attr]
        if not inline:
            return
        _check_acyclic(inline)
        warned: set[str] = set()
        for fn in inline.values():
            _drop_directions(fn, warned)
        callers = [fn for fn in op.ops if fn not in inline.values()]
        work = [o for fn in callers for o in fn.walk() if _callee(o, inline) is not None]
        while work:
            call = work.pop()
            callee = _callee(call, inline)
            assert isinstance(call, func.CallOp) and callee is not None
            for spliced in _splice(call, callee):
                work.extend(o for o in spliced.walk() if _callee(o, inline) is not None)
        used = _symbols_used_outside(op, set(inline.values()))
        for name, fn in inline.items():
            if name not in used:
                Rewriter.erase_op(fn)
