"""Expressions: a Python expression evaluates to a compile-time value or to an SSA value.

Compile-time values (module constants, shapes, dtypes, `pl` objects, and arithmetic, comparisons,
subscripts and allowed calls on them) are folded with Python's own operators; anything touching a run-time
value emits ops: scalar arithmetic (`scalars`), tile operators and `pl` op calls (`ops`), tensor subscripts
(`pl.slice`), and calls to `@pl.jit.inline`/`@pl.jit.incore` helpers (`func.call`).
"""

from __future__ import annotations

import ast
import builtins
import inspect
import operator
from abc import ABC, abstractmethod
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from xdsl.dialects import func
from xdsl.dialects.arith import ConstantOp
from xdsl.ir import Attribute, Operation, SSAValue

from ppc.dialects.attributes import FuncKind
from ppc.dialects.types import DYNAMIC, TensorType, TileType

from . import language as pl
from . import arrays, dynamic, indexing, ops, scalars
from . import explicit  # noqa: F401  (pl.tile.* / pl.tensor.* calls)
from . import prefetch  # noqa: F401  (pl.prefetch.*)
from . import syncall  # noqa: F401  (pl.system.syncall)
from .arrays import TaskArray
from .emitter import Emitter, has_runtime, show
from .jit import JitFunction
from .signature import dtype_of

if TYPE_CHECKING:
    from .builder import ModuleBuilder

CONST_BUILTINS = {abs, int, float, bool, len, round, divmod, pow, tuple, list, range, str, sum, any, all, min, max}
"""Builtins a kernel may apply to constants (folded at compile time)."""
UNSUPPORTED = {
    "While": "'while' loops are not supported in a pl kernel; use 'for ... in pl.range(...)'",
    "Try": "'try' statements are not supported in a pl kernel",
    "TryStar": "'try' statements are not supported in a pl kernel",
    "FunctionDef": "nested functions are not supported in a pl kernel; define a @pl.jit.inline helper at module level",
    "AsyncFunctionDef": "nested functions are not supported in a pl kernel",
    "ClassDef": "class definitions are not supported in a pl kernel",
    "Lambda": "lambda expressions are not supported in a pl kernel; use a @pl.jit.inline helper",
    "SetComp": "comprehensions are not supported in a pl kernel; use a pl.range or pl.unroll loop",
    "DictComp": "comprehensions are not supported in a pl kernel; use a pl.range or pl.unroll loop",
    "GeneratorExp": "comprehensions are not supported in a pl kernel; use a pl.range or pl.unroll loop",
    "Global": "'global' is not supported: a pl kernel cannot modify module-level state",
    "Nonlocal": "'nonlocal' is not supported: a pl kernel cannot modify enclosing state",
    "NamedExpr": "assignment expressions (:=) are not supported in a pl kernel",
    "Break": "'break' is not supported in a pl kernel (loops have static trip counts)",
    "Continue": "'continue' is not supported in a pl kernel; use an 'if' around the rest of the body",
    "Yield": "generators are not supported in a pl kernel",
}


class ExpressionBuilder(Emitter, ABC):
    """Evaluates expressions; the statement builder provides names (`load_name`) and helper calls (`module`)."""

    module: ModuleBuilder

    @abstractmethod
    def load_name(self, name: str, node: ast.AST) -> Any:
        """The value a name has at this point of the function."""

    # ------------------------------------------------------------------------------------- expressions
    def expr(self, node: ast.expr) -> Any:
        method = getattr(self, f"expr_{type(node).__name__.lower()}", None)
        if method is None:
            raise self.error(node, unsupported(node))
        return method(node)

    def expr_constant(self, node: ast.Constant) -> Any:
        return node.value

    def expr_name(self, node: ast.Name) -> Any:
        return self.load_name(node.id, node)

    def expr_tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self.expr(e) for e in node.elts)

    def expr_list(self, node: ast.List) -> list[Any]:
        return [self.expr(e) for e in node.elts]

    def expr_joinedstr(self, node: ast.JoinedStr) -> str:
        parts = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                spec = self.expr(v.format_spec) if v.format_spec is not None else ""
                parts.append(self.fold(v, format, self.constant(self.expr(v.value), "an f-string part", v), spec))
            else:
                parts.append(self.expr(v))
        return "".join(parts)

    def expr_attribute(self, node: ast.Attribute) -> Any:
        if node.attr == "bind_dynamic":
            return dynamic.BindDynamic(node.value)
        base = self.expr(node.value)
        if isinstance(base, SSAValue):
            if ops.is_shaped(base) and node.attr == "shape":
                return base.type.get_shape()
            if ops.is_shaped(base) and node.attr == "dtype":
                return dtype_of(base.type.element_type)
            raise self.error(
                node, f"'{node.attr}' is not available on {scalars.describe(base)} (only .shape and .dtype are)"
            )
        if isinstance(base, ModuleType) and base is pl and not hasattr(pl, node.attr):
            raise self.error(node, f"unknown pl name 'pl.{node.attr}'")
        namespace = getattr(base, "__pl_namespace__", None)
        if namespace is not None and not hasattr(base, node.attr):  # pl.tile.X, pl.tensor.X, pl.system.X
            raise self.error(node, f"pl.{namespace}.{node.attr} is not supported by ppc")
        try:
            return getattr(base, node.attr)
        except AttributeError:
            raise self.error(node, f"{show(base)} has no attribute '{node.attr}'") from None

    def expr_subscript(self, node: ast.Subscript) -> Any:
        base = self.expr(node.value)
        if ops.is_shaped(base):
            offsets, extents, dropped = self.box(base.type, node.slice, node)
            return indexing.read(self, node, base, offsets, extents, dropped)
        if isinstance(base, SSAValue):
            raise self.error(node, f"cannot index {scalars.describe(base)}")
        if isinstance(base, TaskArray):
            return arrays.get_element(self, node, base, self.expr(node.slice))
        key = self.constant(self.expr(node.slice), "a subscript of a compile-time value", node)
        return self.fold(node, operator.getitem, base, key)

    def expr_slice(self, node: ast.Slice) -> slice:
        bounds = (node.lower, node.upper, node.step)
        parts = [None if p is None else self.constant(self.expr(p), "a slice bound", node) for p in bounds]
        return builtins.slice(*parts)

    def box(
        self, t: Attribute, index: ast.expr, node: ast.AST
    ) -> tuple[list[SSAValue], tuple[int, ...], list[int]]:
        """Offsets and static extents of the window `t[index]`, and the integer-indexed axes (extent 1), which
        PyPTO drops from the result (see `indexing`)."""
        assert isinstance(t, TensorType | TileType)
        shape = t.get_shape()
        items = index.elts if isinstance(index, ast.Tuple) else [index]
        if len(items) > len(shape):
            raise self.error(node, f"too many indices ({len(items)}) for a rank-{len(shape)} value")
        offsets: list[Any] = []
        extents: list[int] = []
        dropped: list[int] = []
        for axis, (item, dim) in enumerate(zip(items, shape)):
            if isinstance(item, ast.Slice):
                if item.step is not None and self.expr(item.step) != 1:
                    raise self.error(item, "strided slices are not supported; use a step of 1")
                if item.upper is None and dim == DYNAMIC:
                    raise self.error(item, _whole_dynamic_axis(axis))
                lo = self.expr(item.lower) if item.lower is not None else 0
                mark = self.block.last_op
                hi = self.expr(item.upper) if item.upper is not None else dim
                extent = scalars.static_difference(self, hi, lo)
                self._drop_since(mark, hi)  # the upper bound only served to compute the extent
                if extent is None:
                    raise self.error(
                        item,
                        f"the extent of slice '{ast.unparse(item)}' on axis {axis} must be a compile-time constant "
                        "(write 'x[off:off + n]' or use pl.slice(x, shape, offsets))"
                    )
                if extent <= 0:
                    raise self.error(item, f"slice '{ast.unparse(item)}' on axis {axis} is empty")
                offsets.append(lo)
                extents.append(extent)
            else:
                if isinstance(item, ast.Starred) or (isinstance(item, ast.Constant) and item.value is Ellipsis):
                    raise self.error(item, "'...' and starred indices are not supported")
                offsets.append(self.expr(item))
                extents.append(1)
                dropped.append(axis)
        for axis, dim in enumerate(shape[len(items) :], start=len(items)):
            if dim == DYNAMIC:
                raise self.error(node, _whole_dynamic_axis(axis))
            offsets.append(0)
            extents.append(dim)
        for axis, (off, extent, dim) in enumerate(zip(offsets, extents, shape)):
            if dim == DYNAMIC:  # only known at run time, where the access is checked
                if isinstance(off, int) and off < 0:
                    raise self.error(node, f"index out of bounds on axis {axis}: offset {off} < 0")
                continue
            if isinstance(off, int) and not 0 <= off <= dim - extent:
                raise self.error(
                    node, f"index out of bounds on axis {axis}: offset {off} + extent {extent} > dimension {dim}"
                )
        return self.indices(offsets, "subscript offsets", node), tuple(extents), dropped

    def _drop_since(self, mark: Operation | None, value: Any) -> None:
        """Erase the unused arith ops emitted after `mark` that computed `value`."""
        op = mark.next_op if mark is not None else self.block.first_op
        fresh = set()
        while op is not None:
            fresh.add(op)
            op = op.next_op
        pending = [value]
        while pending:
            v = pending.pop()
            if (
                isinstance(v, SSAValue)
                and v.owner in fresh
                and not v.uses
                and v.owner.dialect_name() == "arith"
                and not isinstance(v.owner, ConstantOp)  # constants are shared (see const_frames)
            ):
                owner = v.owner
                pending.extend(owner.operands)
                fresh.discard(owner)
                owner.detach()
                owner.erase()

    def expr_binop(self, node: ast.BinOp) -> Any:
        return self.binop(node.op, self.expr(node.left), self.expr(node.right), node)

    def binop(self, op: ast.operator, lhs: Any, rhs: Any, node: ast.AST) -> Any:
        if not has_runtime(lhs) and not has_runtime(rhs):
            return self.fold(node, _PY_BINOPS[type(op)], lhs, rhs)
        if ops.is_shaped(lhs) or ops.is_shaped(rhs):
            name = _TILE_BINOPS.get(type(op))
            if name is None:
                symbol = scalars.OP_SYMBOLS.get(type(op), "?")
                raise self.error(node, f"operator '{symbol}' is not supported on tensors and tiles")
            if name == "matmul":
                args = {"a": lhs, "b": rhs, "out_dtype": None, "a_trans": False, "b_trans": False}
                return ops.EMITTERS["matmul"](self, name, node, args)
            return ops.binary(self, name, node, {"lhs": lhs, "rhs": rhs})
        for v in (lhs, rhs):
            if not isinstance(v, SSAValue | int | float):
                raise self.error(node, f"cannot combine {scalars.describe(v)} with a run-time value")
        return scalars.binary(self, op, lhs, rhs, node)

    def expr_unaryop(self, node: ast.UnaryOp) -> Any:
        v = self.expr(node.operand)
        if not isinstance(v, SSAValue):
            return self.fold(node, _PY_UNARY[type(node.op)], v)
        if isinstance(node.op, ast.UAdd):
            return v
        if ops.is_shaped(v):
            if isinstance(node.op, ast.USub):
                return ops.EMITTERS["neg"](self, "neg", node, {"x": v})
            raise self.error(node, "only unary '-' is supported on tensors and tiles")
        if isinstance(node.op, ast.USub):
            return scalars.negate(self, v, node)
        if isinstance(node.op, ast.Not):
            return scalars.logical_not(self, v, node)
        raise self.error(node, "operator '~' is not supported on run-time values")

    def expr_boolop(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        result = self.expr(node.values[0])
        for operand in node.values[1:]:
            if not isinstance(result, SSAValue):
                if bool(result) != is_and:  # short-circuit on a constant, like Python
                    return result
                result = self.expr(operand)
                continue
            rhs = self.expr(operand)
            if not isinstance(rhs, SSAValue) and bool(rhs) == is_and:
                continue  # `x and True` / `x or False`
            result = scalars.logical(self, is_and, result, rhs, node)
        return result

    def expr_compare(self, node: ast.Compare) -> Any:
        lhs = self.expr(node.left)
        result: Any = True
        for op, right in zip(node.ops, node.comparators):
            rhs = self.expr(right)
            if has_runtime(lhs) or has_runtime(rhs):
                if ops.is_shaped(lhs) or ops.is_shaped(rhs):
                    raise self.error(node, "tensors and tiles cannot be compared with Python operators")
                value: Any = scalars.compare(self, op, lhs, rhs, node)
            else:
                value = self.fold(node, _PY_COMPARE[type(op)], lhs, rhs)
            if isinstance(value, SSAValue) or isinstance(result, SSAValue):
                result = value if result is True else scalars.logical(self, True, result, value, node)
            else:
                result = result and value
            lhs = rhs
        return result

    def expr_ifexp(self, node: ast.IfExp) -> Any:
        cond = self.expr(node.test)
        if not isinstance(cond, SSAValue):
            return self.expr(node.body if cond else node.orelse)
        a, b = self.expr(node.body), self.expr(node.orelse)
        if any(ops.is_shaped(v) or not isinstance(v, SSAValue | int | float) for v in (a, b)):
            raise self.error(node, "a run-time conditional expression must choose between scalars; use an 'if' statement")
        return scalars.select(self, cond, a, b, node)

    # ------------------------------------------------------------------------------------- calls
    def expr_call(self, node: ast.Call) -> Any:
        return self.call(self.expr(node.func), node)

    def call_args(self, node: ast.Call) -> tuple[list[Any], dict[str, Any]]:
        args = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise self.error(a, "'*args' in calls is not supported in a pl kernel")
            args.append(self.expr(a))
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise self.error(kw.value, "'**kwargs' in calls is not supported in a pl kernel")
            kwargs[kw.arg] = self.expr(kw.value)
        return args, kwargs

    def bind(self, callee: Any, node: ast.Call) -> dict[str, Any]:
        args, kwargs = self.call_args(node)
        try:
            bound = _signature(callee).bind(*args, **kwargs)
        except TypeError as err:
            raise self.error(node, f"wrong arguments to pl.{callee.__pl_name__}: {err}") from None
        bound.apply_defaults()
        return bound.arguments

    def call(self, callee: Any, node: ast.Call) -> Any:
        if isinstance(callee, dynamic.BindDynamic):
            return callee.call(self, node)  # type: ignore[arg-type]
        if hasattr(callee, "pl_call"):  # a compile-time construct that reads its own arguments (frontend/tasks.py)
            return callee.pl_call(self, node)
        if hasattr(callee, "__pl_explicit__"):
            return explicit.emit_explicit(self, callee, node)
        name = getattr(callee, "__pl_name__", None)
        if name is not None:
            if name in ("range", "parallel", "pipeline", "unroll", "spmd", "split_aiv"):
                raise self.error(node, f"pl.{name} can only be used as the iterator of a 'for' loop")
            if name == "at":
                raise self.error(node, "pl.at can only be used as 'with pl.at(...):'")
            return ops.EMITTERS[name](self, name, node, self.bind(callee, node))
        args, kwargs = self.call_args(node)
        if isinstance(callee, JitFunction):
            return self.call_function(callee, args, kwargs, node)
        if callee in (builtins.min, builtins.max) and not kwargs and any(isinstance(a, SSAValue) for a in args):
            return ops.min_max(self, callee.__name__, node, {"values": tuple(args)})
        if not _is_compile_time_callable(callee):
            raise self.error(
                node, f"cannot call {_callee_name(callee)} in a pl kernel: only pl ops, @pl.jit.inline / @pl.jit.incore "
                "helpers and compile-time math are supported"
            )
        if has_runtime(args) or has_runtime(list(kwargs.values())):
            raise self.error(node, f"{_callee_name(callee)} is evaluated at compile time and cannot take run-time values")
        return self.fold(node, callee, *args, **kwargs)

    def call_function(self, fn: JitFunction, args: list[Any], kwargs: dict[str, Any], node: ast.Call) -> Any:
        if fn.kind == FuncKind.ORCHESTRATION:
            raise self.error(
                node, f"'{fn.__name__}' is a @pl.jit entry and cannot be called from a kernel; make it @pl.jit.inline"
            )
        if fn.kind == FuncKind.INCORE and not self.task_context:
            raise self.error(node, f"incore function '{fn.__name__}' must be called inside a task scope")
        symbol, result_types, operands, returned = self.module.instantiate(self, fn, args, kwargs, node)
        call = self.emit(func.CallOp(symbol, operands, result_types), node)

        def value(r: Any) -> Any:  # a result position, a compile-time task id, or a tuple of them
            return tuple(value(x) for x in r) if isinstance(r, tuple) else call.results[r] if isinstance(r, int) else r

        if not returned:
            return None
        return value(returned[0]) if len(returned) == 1 else tuple(value(r) for r in returned)


_PY_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow, ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.MatMult: operator.matmul,
}  # fmt: skip
_PY_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos, ast.USub: operator.neg, ast.Not: operator.not_, ast.Invert: operator.invert,
}  # fmt: skip
_PY_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}  # fmt: skip
_TILE_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.MatMult: "matmul"}
_SIGNATURES: dict[Any, inspect.Signature] = {}


def _signature(stub: Any) -> inspect.Signature:
    sig = _SIGNATURES.get(stub)
    if sig is None:
        sig = _SIGNATURES[stub] = inspect.signature(stub.__pl_signature__)
    return sig


def _callee_name(callee: Any) -> str:
    name = getattr(callee, "__qualname__", None) or getattr(callee, "__name__", None)
    return f"'{name}'" if name else repr(callee)


def _whole_dynamic_axis(axis: int) -> str:
    return (
        f"axis {axis} is dynamic (pl.dynamic), so taking all of it has no static extent; "
        "slice it with a constant size (x[off:off + n]) and a valid_shape for the ragged end"
    )


def unsupported(node: ast.AST) -> str:
    kind = type(node).__name__
    what = "statements" if isinstance(node, ast.stmt) else "expressions"
    return UNSUPPORTED.get(kind, f"{kind} {what} are not supported in a pl kernel")


def _is_compile_time_callable(callee: Any) -> bool:
    """Python callables a kernel may apply to constants: a few builtins, `math`, optimisation hints."""
    if isinstance(callee, pl.OptimizationHint) or getattr(callee, "__module__", None) == "math":
        return True
    try:
        return callee in CONST_BUILTINS
    except TypeError:  # unhashable
        return False

