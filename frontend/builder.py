"""The AST builder: a `@pl.jit` function's Python syntax tree -> the `pl` dialect in local-variable form.

Statements map one to one: `if` on a run-time value -> `scf.if`, on a constant -> only the taken arm;
`for` over `pl.range/parallel/pipeline` -> `scf.for` with its `pl.loop` kind, `pl.unroll` -> the body
repeated with a constant index, `pl.spmd` -> `pl.spmd`; `with pl.at` -> `pl.at`; `y[a:b] = t` ->
`pl.assemble` on y's variable.  Names that `analysis` cannot bind directly become `pl.local` variables whose
`decl` sits at the start of the function or task body where they are first assigned.  Each inline/incore
helper is emitted once per distinct signature (argument types, compile-time arguments, task context) and
called with `func.call`.  Expressions are evaluated by `expressions.ExpressionBuilder`, ops are located and
checked by `emitter.Emitter`.
"""

from __future__ import annotations

import ast
import builtins
import gc
import inspect
import itertools
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from xdsl.dialects import func, scf
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, IntegerAttr, ModuleOp, StringAttr, UnitAttr, i64
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.rewriter import Rewriter

from ppc.dialects.attributes import DirAttr, FuncKind, KindAttr, Level, LevelAttr, LoopAttr, LoopKind
from ppc.dialects.diagnostics import CallDiagnostic, SourceLoc, brief, emit
from ppc.dialects.data_ops import CreateTensorOp, SliceOp, UndefOp
from ppc.dialects.local_ops import LocalDeclOp, LocalGetOp, LocalSetOp
from ppc.dialects.symbols import SymbolNames
from ppc.dialects.task_ops import AtOp, SpmdOp, YieldOp
from ppc.dialects.types import DYNAMIC, TensorType, TileType

from . import language as pl
from .split_aiv import lane_bounds
from . import indexing, ops, returns, scalars, strided_loops
from .analysis import FunctionNames, analyze
from .emitter import has_runtime, show
from .expressions import ExpressionBuilder, unsupported
from .jit import JitFunction
from . import arrays
from .arrays import TaskArray
from .tasks import TaskRef, dep_labels, mark_task, via_dummy
from .signature import ParamSpec, accepts_shape, annotation_spec, argument_mismatch
from .stub import updated_name

IMPLEMENTED_OPTIMIZATIONS: frozenset[str] = frozenset()
"""Optimisation hints the compiler acts on; any other is kept as an attribute and reported once as a remark."""

_LOOPS = {"range": LoopKind.RANGE, "parallel": LoopKind.PARALLEL, "pipeline": LoopKind.PIPELINE}


class Var:
    """A `pl.local` variable: the `!pl.ref<T>` handle and T."""

    def __init__(self, ref: SSAValue, value_type: Attribute):
        self.ref = ref
        self.type = value_type


@dataclass
class Scope:
    """A function or task body: where the decls of the names first assigned in it are placed."""

    block: Block
    bindings: dict[str, Any] = field(default_factory=dict)
    last_decl: Operation | None = None


class ModuleBuilder:
    """One module: the entry function plus every helper specialisation it calls."""

    def __init__(self, entry: JitFunction):
        self.entry = entry
        self.helpers: list[func.FuncOp] = []
        self.symbols = SymbolNames()
        self.specialised: dict[Any, tuple[str, list[Attribute], list[Any]]] = {}
        self.active: list[JitFunction] = []
        self.reported_hints: set[str] = set()
        self.task_labels = itertools.count()

    def build(self, args: Sequence[Any]) -> ModuleOp:
        builder = FunctionBuilder(self, self.entry, in_task=self.entry.kind == FuncKind.INCORE)
        self.active.append(self.entry)
        consts = {} if self.entry.program is None else {self.entry.fn.__code__.co_varnames[0]: self.entry.program}
        entry = builder.build_function(self.symbols.fresh(self.entry.__name__), builder.entry_params(args), consts)
        return ModuleOp([entry, *self.helpers])

    def instantiate(
        self, caller: FunctionBuilder, fn: JitFunction, args: list[Any], kwargs: dict[str, Any], node: ast.AST
    ) -> tuple[str, list[Attribute], list[SSAValue], list[Any]]:
        """The symbol, result types and run-time operands of a call to helper `fn` with these arguments, and
        what the call returns (FunctionBuilder.returned: result positions and compile-time values)."""
        if fn in self.active:
            raise caller.error(node, f"recursive call to '{fn.__name__}' is not supported in a pl kernel")
        if fn.program is not None:  # a `@pl.program` method: `self` is the program
            args = [fn.program, *args]
        try:
            bound = inspect.signature(fn.fn).bind(*args, **kwargs)
        except TypeError as err:
            raise caller.error(node, f"wrong arguments to '{fn.__name__}': {err}") from None
        bound.apply_defaults()
        runtime = {k: v for k, v in bound.arguments.items() if isinstance(v, SSAValue)}
        consts = {k: v for k, v in bound.arguments.items() if not isinstance(v, SSAValue)}
        for k, v in consts.items():
            if has_runtime(v):
                raise caller.error(
                    node, f"argument '{k}' of '{fn.__name__}' mixes run-time values into a list; pass them separately"
                )
        in_task = caller.task_context or fn.kind == FuncKind.INCORE
        if fn.kind == FuncKind.INCORE:
            runtime = FunctionBuilder(self, fn, in_task=True).coerce_scalars(runtime, caller, node)
        key = (
            fn,
            tuple((k, v.type) for k, v in runtime.items()),
            tuple((k, _const_key(v)) for k, v in consts.items()),
            in_task,
        )
        if key not in self.specialised:
            builder = FunctionBuilder(self, fn, in_task=in_task)
            params = builder.helper_params(runtime, caller, node)
            self.active.append(fn)
            try:
                op = builder.build_function(self.symbols.fresh(fn.__name__), params, consts)
            finally:
                self.active.pop()
            self.helpers.append(op)
            self.specialised[key] = (op.sym_name.data, list(op.function_type.outputs.data), builder.returned)
        symbol, results, returned = self.specialised[key]
        return symbol, results, list(runtime.values()), returned

    def report_hint(self, hint: str, where: SourceLoc) -> None:
        if hint not in IMPLEMENTED_OPTIMIZATIONS and hint not in self.reported_hints:
            self.reported_hints.add(hint)
            emit(where, f"optimization '{hint}' is not implemented yet; kept as an attribute", "remark")


def _placeholder(value: SSAValue) -> bool:
    """A fresh `pl.create_tensor` with undefined contents (one with an `init_value` holds data)."""
    owner = value.owner
    return isinstance(owner, CreateTensorOp) and owner.init_value is None


def _const_key(v: Any) -> Any:
    """A specialisation key for a compile-time argument (typed, so that True and 1 differ)."""
    try:
        hash(v)
        return (type(v), v)
    except TypeError:
        return (type(v), repr(v) if isinstance(v, list | dict) else id(v))


@dataclass(frozen=True)
class Param:
    name: str
    spec: ParamSpec
    node: ast.AST
    declared: tuple[str, ...] = ()
    """a helper parameter's annotated `pl.dynamic` names per axis, also where the argument is static"""


class FunctionBuilder(ExpressionBuilder):
    """Builds one `func.func` from one Python function (one specialisation of it)."""

    def __init__(self, module: ModuleBuilder, fn: JitFunction, in_task: bool):
        self.module = module
        self.fn = fn
        parsed = fn.parsed
        super().__init__(parsed.file, in_task)
        self.tree = parsed.tree
        self.env = dict(fn.fn.__globals__)
        closure = fn.fn.__closure__ or ()
        self.env.update({name: cell.cell_contents for name, cell in zip(fn.fn.__code__.co_freevars, closure)})
        self.names = _analysis(fn, self.env)
        self.task_key: int | None = None  # id of the task body being built (see analysis.Key)
        self.scopes: list[Scope] = []
        self.get_cache: dict[SSAValue, SSAValue] = {}
        self.loop_vars: set[str] = set()
        self.results: list[SSAValue] = []
        self.returned: list[Any] = []  # per returned item: its index in `results`, or a compile-time task id
        self.return_node: ast.AST = self.tree
        self.in_manual_scope = False  # inside `with pl.manual_scope()` (PyPTO refuses scopes nested in one)

    # ------------------------------------------------------------------------------------- signature
    def entry_params(self, args: Sequence[Any]) -> list[Param]:
        fn_args = self.tree.args
        if fn_args.vararg or fn_args.kwarg or fn_args.kwonlyargs or fn_args.posonlyargs:
            raise self.error(self.tree, "a pl entry takes plain positional parameters only")
        positional = self._tensor_and_scalar_args()
        if args and len(args) != len(positional):
            raise CallDiagnostic(self.source_loc(self.tree),
                                 f"'{self.fn.__name__}' takes {len(positional)} arguments, got {len(args)}")
        annotations = self._annotations()
        params = []
        for i, a in enumerate(positional):
            where = a.annotation or a
            if a.annotation is None:
                raise self.error(
                    a, f"parameter '{a.arg}' needs a pl annotation (pl.Tensor[[dims], dtype] or pl.Scalar[dtype])"
                )
            spec = annotation_spec(annotations[a.arg])
            if isinstance(spec, str):
                raise self.error(where, f"bad annotation for parameter '{a.arg}': {spec}")
            if args:
                problem = argument_mismatch(spec, args[i])
                if problem:
                    raise CallDiagnostic(self.source_loc(where), f"parameter '{a.arg}' {problem}")
            # An unmarked entry tensor stays undeclared: PyPTO promotes a written one (ConvertTensorToTileOps
            # propagates its kernels' Out/InOut up to the orchestration), so pl-infer-directions infers it.
            params.append(Param(a.arg, spec, a))
        return params

    def _tensor_and_scalar_args(self) -> list[ast.arg]:
        """The parameters callers pass: all of them, but a `@pl.program` method's first (`self`, the program)."""
        args = self.tree.args.args
        return args[1:] if self.fn.program is not None else args

    def _annotations(self) -> dict[str, Any]:
        try:
            return inspect.get_annotations(self.fn.fn, eval_str=True, locals=self.env)  # env has the closure too
        except Exception as err:  # noqa: BLE001
            raise self.error(self.tree, f"bad annotation: {type(err).__name__}: {err}") from None

    def coerce_scalars(
        self, runtime: dict[str, SSAValue], caller: FunctionBuilder, node: ast.AST
    ) -> dict[str, SSAValue]:
        """Integer arguments of an incore call converted to the annotated integer types (a PyPTO call passes
        an index value to a `pl.Scalar[pl.INT32]` parameter by conversion)."""
        if not any(a.annotation for a in self.tree.args.args):
            return runtime
        annotations = self._annotations()
        coerced = dict(runtime)
        for name, value in runtime.items():
            spec = annotation_spec(annotations[name]) if name in annotations else None
            if (
                isinstance(spec, ParamSpec) and scalars.is_int(spec.type) and scalars.is_int(value.type)
                and spec.type != value.type
            ):
                coerced[name] = scalars.convert(caller, value, spec.type, node)
        return coerced

    def helper_params(self, runtime: dict[str, SSAValue], caller: FunctionBuilder, node: ast.AST) -> list[Param]:
        """Helper parameters typed by the call's arguments; annotations, if any, are checked against them."""
        annotated = {a.arg: a for a in self.tree.args.args + self.tree.args.kwonlyargs + self.tree.args.posonlyargs}
        annotations = self._annotations() if any(a.annotation for a in annotated.values()) else {}
        params = []
        for name, value in runtime.items():
            direction = None
            if name in annotations:
                spec = annotation_spec(annotations[name])
                if isinstance(spec, str):
                    where = annotated[name].annotation or annotated[name]
                    raise self.error(where, f"bad annotation for parameter '{name}': {spec}")
                direction = spec.direction
                if not _fits_annotation(spec, value.type, self.fn.kind):
                    raise caller.error(
                        node,
                        f"argument '{name}' of '{self.fn.__name__}' has type {value.type}, "
                        f"but the parameter is annotated {spec.type}",
                    )
            symbols = _helper_symbols(spec, value.type) if name in annotations else ()
            declared = spec.symbols if name in annotations else ()
            params.append(Param(name, ParamSpec(value.type, direction, symbols=symbols), annotated[name], declared))
        return params

    # ------------------------------------------------------------------------------------- functions
    def build_function(self, symbol: str, params: list[Param], consts: dict[str, Any]) -> func.FuncOp:
        block = Block(arg_types=[p.spec.type for p in params])
        self.block = block
        self.param_specs = {p.name: p.spec for p in params}  # for bind_dynamic
        self.declared = {p.name: p.declared or p.spec.symbols for p in params}
        self.declared_of = {arg: self.declared[p.name] for p, arg in zip(params, block.args) if self.declared[p.name]}
        self.scopes = [Scope(block)]
        self.const_frames = [(True, {})]
        for p, arg in zip(params, block.args):
            arg.name_hint = p.name
            self.store_name(p.name, arg, p.node)
        for name, value in consts.items():
            self.store_name(name, value, self.tree)
        self.statements(self.tree.body, top_level=True)
        self.emit(func.ReturnOp(*self.results), self.return_node)
        arg_attrs = None
        if any(_arg_attributes(p.spec) for p in params):
            arg_attrs = ArrayAttr([DictionaryAttr(_arg_attributes(p.spec)) for p in params])
        signature = ([p.spec.type for p in params], [r.type for r in self.results])
        op = func.FuncOp(symbol, signature, Region(block), arg_attrs=arg_attrs)
        op.attributes["pl.kind"] = KindAttr(self.fn.kind)
        op.location = self.loc(self.tree)
        return op

    # ------------------------------------------------------------------------------------- names
    def store_name(self, name: str, value: Any, node: ast.AST) -> None:
        if name in self.loop_vars:
            raise self.error(node, f"cannot assign to loop variable '{name}'")
        kind = self.names.kind(name, self.task_key)
        if isinstance(value, TaskRef | TaskArray) or value is None:  # task ids are compile-time (frontend/tasks.py)
            self.scopes[-1].bindings[name] = value
            return
        if kind == "direct":
            if isinstance(value, SSAValue) and value.name_hint is None and value.owner is not None:
                value.name_hint = name
            self.scopes[-1].bindings[name] = value
            return
        if kind is None:
            raise self.error(node, f"cannot modify global '{name}' inside a pl kernel")
        self.set_variable(name, value, node)

    def set_variable(self, name: str, value: Any, node: ast.AST) -> None:
        owner, var = self._find_var(name)
        if not isinstance(value, SSAValue):
            if not isinstance(value, int | float):
                raise self.error(
                    node, f"'{name}' is re-assigned (or assigned under control flow), so it is a run-time variable; "
                    f"it cannot hold the compile-time value {show(value)}"
                )
            t = var.type if var is not None and scalars.is_scalar(var.type) else scalars.default_type(value)
            value = scalars.constant(self, value, t, node)
        elif var is not None and var.type != value.type and scalars.is_int(var.type) and scalars.is_int(value.type):
            value = scalars.convert(self, value, var.type, node)
        elif var is not None and _tile_and_tensor(var.type, value.type):
            value = self._unify_tile_and_tensor(var, value, node)
        if var is None or var.type != value.type:
            var = self._declare(owner or self._home(name), name, value.type, node)
        self.emit(LocalSetOp(var.ref, value), node)
        self.get_cache.pop(var.ref, None)

    def _home(self, name: str) -> Scope:
        """Where a new variable is declared: the function body for a name also used outside this task body."""
        return self.scopes[0] if self.names.is_function_level(name) else self.scopes[-1]

    def load_whole(self, tensor: SSAValue, tile: TileType, node: ast.AST) -> SSAValue:
        """`tensor` loaded whole as a `tile` (a `pl.slice` at offset zero)."""
        zeros = [self.index(0, node) for _ in tile.get_shape()]
        return self.emit(SliceOp(tensor, zeros, tile), node).results[0]

    def _unify_tile_and_tensor(self, var: Var, value: SSAValue, node: ast.AST) -> SSAValue:
        """PyPTO treats a tensor and a tile of one shape and dtype bound to one name as one variable.

        A tensor assigned to a tile variable is loaded (`pl.slice` of the whole tensor).  A tile assigned to a
        tensor variable turns the variable into a tile one when the tensor was only a placeholder: every
        earlier value is a fresh `pl.create_tensor` (undefined contents, so it becomes `pl.undef`) and nothing
        has read the variable yet.  Otherwise the name starts a new variable, as before."""
        if isinstance(var.type, TileType):
            return self.load_whole(value, var.type, node)
        sets = [u.operation for u in var.ref.uses]
        if not all(isinstance(s, LocalSetOp) and _placeholder(s.value) for s in sets):
            return value
        decl = var.ref.owner
        assert isinstance(decl, LocalDeclOp)
        retyped = LocalDeclOp(decl.var_name.data, value.type)
        retyped.location = decl.location
        retyped.results[0].name_hint = decl.results[0].name_hint
        Rewriter.replace_op(decl, retyped)
        for old in sets:
            undef = UndefOp(value.type)
            undef.location = old.location
            undef.result.name_hint = f"{decl.var_name.data}_undef"
            old.parent_block().insert_op_before(undef, old)
            Rewriter.replace_op(old, LocalSetOp(retyped.results[0], undef.result))
        for scope in self.scopes:
            if scope.last_decl is decl:
                scope.last_decl = retyped
        var.ref, var.type = retyped.results[0], value.type
        return value

    def _find_var(self, name: str) -> tuple[Scope | None, Var | None]:
        for scope in reversed(self.scopes):
            binding = scope.bindings.get(name)
            if isinstance(binding, Var):
                return scope, binding
        return None, None

    def _declare(self, scope: Scope, name: str, value_type: Attribute, node: ast.AST) -> Var:
        decl = LocalDeclOp(name, value_type)
        decl.location = self.loc(node)
        decl.results[0].name_hint = f"{name}_ref"
        if scope.last_decl is not None:
            scope.block.insert_op_after(decl, scope.last_decl)
        elif scope.block.first_op is not None:
            scope.block.insert_op_before(decl, scope.block.first_op)
        else:
            scope.block.add_op(decl)
        scope.last_decl = decl
        var = scope.bindings[name] = Var(decl.results[0], value_type)
        return var

    def load_name(self, name: str, node: ast.AST) -> Any:
        for scope in reversed(self.scopes):
            if name in scope.bindings:
                binding = scope.bindings[name]
                return self._get(binding, node) if isinstance(binding, Var) else binding
        if name in self.names.locals:
            raise self.error(node, f"'{name}' is used before it is assigned")
        if name in self.env:
            return self.env[name]
        if hasattr(builtins, name):
            return getattr(builtins, name)
        raise self.error(node, f"name '{name}' is not defined")

    def _get(self, var: Var, node: ast.AST) -> SSAValue:
        cached = self.get_cache.get(var.ref)
        if cached is None:
            cached = self.get_cache[var.ref] = self.emit(LocalGetOp(var.ref), node).results[0]
        return cached

    # ------------------------------------------------------------------------------------- statements
    def statements(self, body: list[ast.stmt], top_level: bool = False) -> None:
        for i, stmt in enumerate(body):
            self.get_cache.clear()
            if isinstance(stmt, ast.Return):
                if not top_level or i != len(body) - 1:
                    raise self.error(stmt, "'return' must be the last statement of the function body")
                self.stmt_return(stmt)
                continue
            method = getattr(self, f"stmt_{type(stmt).__name__.lower()}", None)
            if method is None:
                raise self.error(stmt, unsupported(stmt))
            method(stmt)

    def stmt_pass(self, node: ast.Pass) -> None:
        pass

    def stmt_expr(self, node: ast.Expr) -> None:
        value = node.value
        if isinstance(value, ast.Constant):
            return  # docstring
        if not isinstance(value, ast.Call):
            self.expr(value)
            return
        callee = self.expr(value.func)
        result = self.call(callee, value)
        updated = updated_name(callee, value)
        if updated is not None:
            self.store_name(updated, result, node)  # `pl.assemble(y, t, offs)` updates y

    def stmt_assign(self, node: ast.Assign) -> None:
        value = self.expr(node.value)
        for target in node.targets:
            self.assign(target, value, node)

    def stmt_annassign(self, node: ast.AnnAssign) -> None:
        if node.value is None:
            raise self.error(node, "a declaration without a value is not supported in a pl kernel")
        self.assign(node.target, self.expr(node.value), node)

    def stmt_augassign(self, node: ast.AugAssign) -> None:
        current = self.expr(node.target)  # Name / Subscript evaluation does not depend on the Store context
        self.assign(node.target, self.binop(node.op, current, self.expr(node.value), node), node)

    def assign(self, target: ast.expr, value: Any, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.store_name(target.id, value, target)
        elif isinstance(target, ast.Tuple | ast.List):
            if not isinstance(value, tuple | list) or len(value) != len(target.elts):
                raise self.error(target, f"cannot unpack {scalars.describe(value)} into {len(target.elts)} names")
            for t, v in zip(target.elts, value):
                self.assign(t, v, node)
        elif isinstance(target, ast.Subscript):
            self.store_subscript(target, value)
        elif isinstance(target, ast.Attribute):
            raise self.error(target, "assigning to an attribute is not supported: a pl kernel cannot modify objects")
        else:
            raise self.error(target, f"cannot assign to {type(target).__name__} in a pl kernel")

    def store_subscript(self, target: ast.Subscript, value: Any) -> None:
        if not isinstance(target.value, ast.Name):
            raise self.error(target, "only a named tensor can be written with 'name[...] = value'")
        name = target.value.id
        if name not in self.names.locals:
            raise self.error(target, f"cannot modify global '{name}' inside a pl kernel")
        dst = self.load_name(name, target.value)
        if isinstance(dst, TaskArray):
            arrays.update_element(self, target, dst, self.expr(target.slice), value)
            return
        dst = self.shaped(dst, f"'{name}'", target)
        offsets, extents, dropped = self.box(dst.type, target.slice, target)
        if not ops.is_shaped(value):
            if len(dropped) != len(extents):
                raise self.error(target, f"cannot assign a scalar to the {list(extents)} region of '{name}'")
            new = ops.element_write(self, target, dst, offsets, value)
        else:
            src = indexing.write_source(self, target, name, value, extents, dropped)
            new = self.build(target, lambda: ops.D.AssembleOp(src, dst, offsets))
        self.store_name(name, new, target)

    def stmt_assert(self, node: ast.Assert) -> None:
        cond = self.expr(node.test)
        if isinstance(cond, SSAValue):
            raise self.error(node, "'assert' needs a compile-time condition in a pl kernel")
        if not cond:
            msg = self.expr(node.msg) if node.msg is not None else "assertion failed"
            raise self.error(node, str(msg))

    def stmt_return(self, node: ast.Return) -> None:
        self.return_node = node
        if node.value is None:
            return
        items = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        if self.fn.kind != FuncKind.INLINE and isinstance(node.value, ast.Call):
            names = self._return_call(node.value)
            items = items if names is None else names
        if self.fn.kind != FuncKind.INLINE:
            params = {a.arg for a in self._tensor_and_scalar_args()}
            for item in items:
                if not isinstance(item, ast.Name) or item.id not in params:
                    raise self.error(
                        item, f"'return' must name parameter tensors (the tensors '{self.fn.__name__}' writes); "
                        f"'{ast.unparse(item)}' is not a parameter"
                    )
        values = [self.expr(item) for item in items]
        for item, v in zip(items, values):
            if self.fn.kind == FuncKind.INLINE and isinstance(v, TaskRef | TaskArray):
                self.returned.append(v)  # a task id is compile-time (frontend/tasks.py): the caller gets it as is
                continue
            if not isinstance(v, SSAValue) or (self.fn.kind != FuncKind.INLINE and not isinstance(v.type, TensorType)):
                raise self.error(item, f"'return' must give tensors, '{ast.unparse(item)}' is {scalars.describe(v)}")
            self.returned.append(len(self.results))
            self.results.append(v)
        if isinstance(node.value, ast.Tuple) and len(self.returned) > 1:
            self.returned = [tuple(self.returned)]

    def _return_call(self, call: ast.Call) -> list[ast.expr] | None:
        """`return helper(...)` (PyPTO returns the call's results): each tensor the helper returns must be traced
        (frontend/returns.py) to one of its arguments that is a parameter of this function; the call runs, those
        parameters take its results, and their names are what this function returns.  None when the callee is
        not a pl helper."""
        callee = self.expr(call.func)
        if not isinstance(callee, JitFunction) or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        params = {a.arg for a in self._tensor_and_scalar_args()}
        try:
            bound = returns.bind(callee, call)
        except TypeError as err:
            raise self.error(call, f"wrong arguments to '{callee.__name__}': {err}") from None
        try:
            returned = [(callee, p, bound.get(p)) for p in returns.returned_params(callee)]
        except returns.Untraced as miss:
            raise self.error(
                call, f"'return {ast.unparse(call)}': '{miss.helper.__name__}' returns '{ast.unparse(miss.item)}', "
                "which is neither one of its parameters nor a helper result that is one, so it names no output"
            ) from None
        names = []
        for helper, item, arg in returned:
            if not isinstance(arg, ast.Name) or arg.id not in params:
                raise self.error(
                    call, f"'return {ast.unparse(call)}': '{helper.__name__}' returns '{item}', which is not one of "
                    f"its parameters passed a parameter of '{self.fn.__name__}', so it names no output"
                )
            names.append(arg.id)
        values = self.expr(call)
        values = list(values) if isinstance(values, tuple) else [values] if values is not None else []
        for name, value in zip(names, values):
            self.store_name(name, value, call)
        return [ast.copy_location(ast.Name(id=n, ctx=ast.Load()), call) for n in names]

    def stmt_if(self, node: ast.If) -> None:
        cond = self.expr(node.test)
        if not isinstance(cond, SSAValue):
            self.statements(node.body if cond else node.orelse)
            return
        if ops.is_shaped(cond):
            raise self.error(node.test, "a tensor cannot be used as a condition")
        flag = scalars.truth(self, cond, node.test)
        then_block, else_block = Block(), Block()
        self.emit(scf.IfOp(flag, [], Region(then_block), Region(else_block) if node.orelse else Region()), node)
        self.region(then_block, node.body, node)
        if node.orelse:
            self.region(else_block, node.orelse, node)

    def region(
        self, block: Block, body: list[ast.stmt], node: ast.AST, terminator: type[Operation] = scf.YieldOp
    ) -> None:
        outer = self.block
        self.block = block
        self.const_frames.append((terminator is YieldOp, {}))
        try:
            self.statements(body)
            self.emit(terminator(), node)
        finally:
            self.const_frames.pop()
            self.block = outer

    def stmt_for(self, node: ast.For) -> None:
        if node.orelse:
            raise self.error(node, "'for ... else' is not supported in a pl kernel")
        if not isinstance(node.target, ast.Name):
            raise self.error(node.target, "a pl loop variable must be a single name")
        it = node.iter
        callee = self.expr(it.func) if isinstance(it, ast.Call) else None
        if callee is builtins.range:
            callee = pl.range
        kind = getattr(callee, "__pl_name__", None)
        if kind not in ("range", "parallel", "pipeline", "unroll", "spmd", "split_aiv"):
            raise self.error(
                it, "a for loop in a pl kernel must iterate over pl.range, pl.parallel, pl.pipeline, pl.unroll or pl.spmd"
            )
        assert isinstance(it, ast.Call)
        a = self.bind(callee, it)
        if kind == "spmd":
            self.spmd(node, it, a)
            return
        if kind == "split_aiv":
            kind, a = "range", {"bounds": lane_bounds(self, it, a)}
        bounds = self._bounds(kind, a["bounds"], it)
        if kind == "unroll":
            self.unrolled(node, bounds, it)
            return
        lb, ub, step = (self.index(v, it) for v in bounds)
        body = Block(arg_types=[scalars.INDEX])
        name = node.target.id
        if not isinstance(bounds[2], int) or bounds[2] < 0:  # run-time or negative: count the trips instead
            start, stride = lb, step
            lb, ub, step = strided_loops.counter_bounds(self, strided_loops.trip_count(self, lb, ub, step, kind, it), it)
            body.args[0].name_hint = f"{name}_trip"
            var = strided_loops.induction_value(self, body, start, stride, name, it)
        else:
            body.args[0].name_hint = name
            var = body.args[0]
        loop = scf.ForOp(lb, ub, step, [], body)
        loop.attributes["pl.loop"] = LoopAttr(_LOOPS[kind])
        if kind == "pipeline":
            loop.attributes["pl.stages"] = IntegerAttr(self._positive(a["stage"], "'stage' of pl.pipeline", it), i64)
        if kind == "parallel" and a["chunk"] is not None:
            loop.attributes["pl.chunk"] = IntegerAttr(self._positive(a["chunk"], "'chunk' of pl.parallel", it), i64)
        self.emit(loop, node)
        with self.loop_variable(name, var):
            self.region(body, node.body, node)

    def _bounds(self, kind: str, bounds: tuple[Any, ...], node: ast.AST) -> tuple[Any, Any, Any]:
        if not 1 <= len(bounds) <= 3:
            raise self.error(node, f"pl.{kind} takes 1 to 3 bounds ([start,] stop[, step]), got {len(bounds)}")
        start, stop, step = (0, bounds[0], 1) if len(bounds) == 1 else (*bounds, 1)[:3]
        if not isinstance(step, SSAValue) and (not isinstance(step, int) or isinstance(step, bool) or step == 0):
            raise self.error(node, f"the step of pl.{kind} must be a nonzero integer, got {show(step)}")
        return start, stop, step

    def _positive(self, v: Any, what: str, node: ast.AST) -> int:
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            raise self.error(node, f"{what} must be a positive compile-time integer, got {show(v)}")
        return v

    @contextmanager
    def loop_variable(self, name: str, value: Any) -> Iterator[None]:
        bindings = self.scopes[-1].bindings
        missing = object()
        previous = bindings.get(name, missing)
        bindings[name] = value
        self.loop_vars.add(name)
        try:
            yield
        finally:
            self.loop_vars.discard(name)
            if previous is missing:
                bindings.pop(name, None)
            else:
                bindings[name] = previous

    def expr_listcomp(self, node: ast.ListComp) -> list[Any]:
        """`[e for x in <compile-time iterable> if <compile-time test>]`, unrolled like `pl.unroll`
        (e.g. `deps=[tids[g * N + j] for j in range(N)]`)."""
        gen = node.generators[0]
        if len(node.generators) != 1 or not isinstance(gen.target, ast.Name):
            raise self.error(node, "a list comprehension in a pl kernel takes one 'for name in ...' clause")
        iterable = self.constant(self.expr(gen.iter), "the iterable of a list comprehension", gen.iter)
        try:
            values = list(iterable)
        except TypeError:
            raise self.error(gen.iter, f"cannot iterate over {show(iterable)} in a list comprehension") from None
        items = []
        for v in values:
            with self.loop_variable(gen.target.id, v):
                if all(self.constant(self.expr(c), "a list comprehension condition", c) for c in gen.ifs):
                    items.append(self.expr(node.elt))
        return items

    def unrolled(self, node: ast.For, bounds: tuple[Any, Any, Any], it: ast.AST) -> None:
        if has_runtime(bounds):
            raise self.error(it, "pl.unroll needs compile-time bounds")
        assert isinstance(node.target, ast.Name)
        for i in builtins.range(*bounds):
            with self.loop_variable(node.target.id, i):
                self.statements(node.body)

    # ------------------------------------------------------------------------------------- task scopes
    def _task_entry(self, node: ast.AST, what: str) -> None:
        if self.task_context:
            raise self.error(node, f"{what} cannot be nested inside another task scope or an incore function")

    def _hints(self, a: dict[str, Any], node: ast.AST) -> list[str]:
        raw = [*_as_list(a.get("optimizations")), *_as_list(a.get("optimization"))]
        names = []
        for h in raw:
            if isinstance(h, pl.OptimizationHint):
                names.append(h.name)
            elif isinstance(h, str):
                names.append(h)
            else:
                raise self.error(node, f"optimizations must be pl optimisation hints (e.g. pl.auto_chunk), got {brief(h)}")
        for h in names:
            self.module.report_hint(h, self.source_loc(node))
        return names

    def _task_props(self, a: dict[str, Any], node: ast.AST) -> dict[str, Attribute]:
        props: dict[str, Attribute] = {}
        if a["name_hint"] is not None:
            if not isinstance(a["name_hint"], str):
                raise self.error(node, f"name_hint must be a string, got {show(a['name_hint'])}")
            props["name"] = StringAttr(a["name_hint"])
        hints = self._hints(a, node)
        if hints:
            props["optimizations"] = ArrayAttr([StringAttr(h) for h in hints])
        return props

    def spmd(self, node: ast.For, it: ast.Call, a: dict[str, Any]) -> None:
        assert isinstance(node.target, ast.Name)
        self._spmd_scope(node, it, a, node.target.id, named=False)

    def _spmd_scope(
        self, node: ast.For | ast.With, it: ast.Call, a: dict[str, Any], index: str | None, named: bool
    ) -> int | None:
        self._task_entry(it, "pl.spmd")
        count = a["n"]
        if isinstance(count, int) and not isinstance(count, bool) and count < 1:
            raise self.error(it, f"pl.spmd needs at least one block, got {count}")
        n = self.index(count, it)
        props = self._task_props(a, it)
        hints = props.pop("optimizations", None)
        body = Block(arg_types=[scalars.INDEX])
        body.args[0].name_hint = index or "block_idx"
        op = SpmdOp(n, [], Region(body), properties=props)
        if hints is not None:
            op.attributes["optimizations"] = hints
        label = self._mark_task(op, a, it, named)
        self.emit(op, node)
        self.task_body(body, node.body, node, {index: body.args[0]} if index else {})
        return label

    def _mark_task(self, op: Operation, a: dict[str, Any], node: ast.AST, named: bool) -> int | None:
        """Keep the scope's `deps=` and scheduling hints (the NPU model honours them: runtime/npu/sim.py), and label
        it if its task id is `named` (frontend/tasks.py)."""
        label = next(self.module.task_labels) if named else None
        flags = {}
        for key in ("allow_early_resolve", "sync_start"):
            if not isinstance(a[key], bool):
                raise self.error(node, f"{key} must be a compile-time bool, got {show(a[key])}")
            flags[key] = a[key]
        deps = dep_labels(a["deps"], self, node)
        mark_task(op, label, deps, flags["allow_early_resolve"], flags["sync_start"], via_dummy(a["deps"]))
        return label

    def stmt_with(self, node: ast.With) -> None:
        item = node.items[0]
        ctx = item.context_expr
        callee = self.expr(ctx.func) if isinstance(ctx, ast.Call) else self.expr(ctx)
        kind = getattr(callee, "__pl_name__", None)
        if len(node.items) == 1 and kind in ("scope", "manual_scope") and isinstance(ctx, ast.Call):
            self._runtime_scope(node, ctx, self.bind(callee, ctx).get("mode", pl.ScopeMode.MANUAL))
            return
        if len(node.items) != 1 or kind not in ("at", "spmd") or not isinstance(ctx, ast.Call):
            raise self.error(node, "'with' is only supported for task scopes: 'with pl.at(...)' or 'with pl.spmd(...)'")
        target = item.optional_vars
        if target is not None and not isinstance(target, ast.Name):
            raise self.error(target, "'with pl.at(...) as tid' binds the task id to a single name")
        a = self.bind(callee, ctx)
        if kind == "spmd":
            label = self._spmd_scope(node, ctx, a, None, named=target is not None)
        else:
            label = self._at_scope(node, ctx, a, named=target is not None)
        if target is not None and label is not None:
            self.store_name(target.id, TaskRef(frozenset({label})), target)

    def _runtime_scope(self, node: ast.With, ctx: ast.Call, mode: Any) -> None:
        """`with pl.scope():` - PyPTO's AUTO runtime scope only bounds tracking and memory reuse ("never a
        correctness requirement"); ppc tracks every dispatch, so the body runs in place after PyPTO's checks.
        A MANUAL scope turns PyPTO's tracking off, leaving `deps=` to order its tasks; ppc keeps tracking and
        adds the `deps=` edges, which orders at least as much, so a race-free body runs in place too."""
        if node.items[0].optional_vars is not None:
            raise self.error(node, "'with pl.scope()' binds no name")
        if mode not in (pl.ScopeMode.AUTO, pl.ScopeMode.MANUAL):
            raise self.error(ctx, f"mode must be pl.ScopeMode.AUTO or pl.ScopeMode.MANUAL, got {show(mode)}")
        if self.task_context:
            raise self.error(ctx, "pl.scope is only allowed in orchestration code, not inside a task scope or kernel")
        if self.in_manual_scope:  # PyPTO's runtime forbids both nestings
            kind = "a manual scope" if mode == pl.ScopeMode.MANUAL else "an AUTO scope"
            raise self.error(ctx, f"{kind} may not be nested inside a manual scope")
        if mode == pl.ScopeMode.MANUAL:
            self.in_manual_scope = True
            try:
                self.statements(node.body)
            finally:
                self.in_manual_scope = False
            return
        if self.fn.auto_scope:
            raise self.error(
                ctx, f"pl.scope() (mode AUTO) needs @pl.jit...(auto_scope=False) on '{self.fn.__name__}': with "
                "auto_scope=True PyPTO places the AUTO scopes itself"
            )
        self.statements(node.body)

    def _at_scope(self, node: ast.With, ctx: ast.Call, a: dict[str, Any], named: bool) -> int | None:
        self._task_entry(ctx, "pl.at")
        if not isinstance(a["level"], Level):
            raise self.error(ctx, f"level must be a pl.Level (e.g. pl.Level.CORE_GROUP), got {show(a['level'])}")
        props: dict[str, Attribute] = {"level": LevelAttr(a["level"]), **self._task_props(a, ctx)}
        body = Block()
        op = AtOp([], Region(body), properties=props)
        label = self._mark_task(op, a, ctx, named)
        self.emit(op, node)
        self.task_body(body, node.body, node, {})
        return label

    def task_body(self, block: Block, body: list[ast.stmt], node: ast.AST, bindings: dict[str, Any]) -> None:
        self.scopes.append(Scope(block, dict(bindings)))
        self.task_depth += 1
        self.task_key = id(body)
        names = set(bindings)
        self.loop_vars |= names
        try:
            self.region(block, body, node, YieldOp)
        finally:
            self.loop_vars -= names
            self.task_depth -= 1
            self.task_key = None
            self.scopes.pop()


def _arg_attributes(spec: ParamSpec) -> dict[str, Attribute]:
    attrs: dict[str, Attribute] = {"pl.dir": DirAttr(spec.direction)} if spec.direction else {}
    if spec.unsigned:
        attrs["pl.unsigned"] = UnitAttr()
    if spec.symbols:
        attrs["pl.dyn"] = ArrayAttr(StringAttr(s) for s in spec.symbols)
    return attrs


def _fits_annotation(spec: ParamSpec, t: Attribute, kind: FuncKind) -> bool:
    """A helper argument fits its annotation, which PyPTO only uses to mark dynamic axes (the parameter takes
    the argument's type): same dtype and rank, and equal static axes; a `pl.dynamic` axis takes any size (a
    static argument specialises the helper's type, though `pl.tensor.dim` still reads that axis at run time),
    a dynamic argument axis fits a static one (it stays dynamic).
    An inline helper's scalar parameter is the argument itself (PyPTO substitutes it), whatever its type;
    an incore helper's integer parameter gets the argument converted by the caller (`coerce_scalars`)."""
    if isinstance(spec.type, TensorType) and isinstance(t, TensorType | TileType):
        return spec.type.element_type == t.element_type and accepts_shape(
            spec.type.get_shape(), t.get_shape(), dynamic_fits=True
        )
    if kind == FuncKind.INLINE and scalars.is_scalar(spec.type) and scalars.is_scalar(t):
        return True
    return _same_shape_and_dtype(spec.type, t)


def _helper_symbols(spec: ParamSpec, t: Attribute) -> tuple[str, ...]:
    """The annotation's `pl.dynamic` names of the axes that stay dynamic in the argument's type."""
    if not spec.symbols or not isinstance(t, TensorType):
        return ()
    symbols = tuple(s if d == DYNAMIC else "" for s, d in zip(spec.symbols, t.get_shape()))
    return symbols if any(symbols) else ()


def _tile_and_tensor(a: Attribute, b: Attribute) -> bool:
    """One is a tile and the other a tensor, of the same shape and dtype."""
    return {type(a), type(b)} == {TileType, TensorType} and _same_shape_and_dtype(a, b)


def _same_shape_and_dtype(a: Attribute, b: Attribute) -> bool:
    if isinstance(a, TensorType | TileType) and isinstance(b, TensorType | TileType):
        return a.get_shape() == b.get_shape() and a.element_type == b.element_type
    return a == b

def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    return list(v) if isinstance(v, list | tuple) else [v]


_ANALYSES: weakref.WeakKeyDictionary[JitFunction, FunctionNames] = weakref.WeakKeyDictionary()


def _analysis(fn: JitFunction, env: dict[str, Any]) -> FunctionNames:
    """`analyze` of a function, reused while the module-level names its `if` tests read are unchanged."""
    names = _ANALYSES.get(fn)
    if names is None or not names.still_valid(env):
        names = _ANALYSES[fn] = analyze(fn.parsed.tree, env)
    return names


def build_module(entry: JitFunction, args: Sequence[Any]) -> ModuleOp:
    """The frontend form of `entry` (plus the helpers it calls) for these arguments.

    The IR is a large graph of small objects with no garbage cycles to reclaim while it is being built, so
    the cyclic collector is paused meanwhile (it otherwise rescans the growing heap many times).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return ModuleBuilder(entry).build(args)
    finally:
        if was_enabled:
            gc.enable()

