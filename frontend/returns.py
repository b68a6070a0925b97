"""Which arguments a `@pl.jit.inline` helper call returns, following `return g(...)` chains.

An entry may end with `return helper(...)` (PyPTO returns the call's results).  ppc's entries name their
outputs, so each returned tensor must be traced, syntactically, to the argument it is: a helper returns one
of its parameters, the result of another helper call (`return g(...)`, `return g(...), z`), or a name
assigned or unpacked from one (`a, b = g(...)` ... `return a, b`).  Anything else names no output and is
refused by the caller.
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

from .jit import JitFunction


class Untraced(Exception):
    """`helper` returns `item`, which is none of its parameters (nor a helper result that is one)."""

    def __init__(self, helper: JitFunction, item: ast.expr):
        super().__init__(helper.__name__, ast.unparse(item))
        self.helper = helper
        self.item = item


def call_outputs(callee: JitFunction, call: ast.Call) -> list[ast.expr]:
    """The argument expressions of `call` that `callee` returns, in order (an Untraced names the first miss)."""
    bound = bind(callee, call)
    outputs = []
    for p in returned_params(callee):
        if p not in bound:  # a defaulted parameter: no argument of `call`
            raise Untraced(callee, ast.Name(id=p))
        outputs.append(bound[p])
    return outputs


def bind(callee: JitFunction, call: ast.Call) -> dict[str, ast.expr]:
    """`call`'s argument expressions by parameter name (TypeError if they do not fit the signature)."""
    args = [ast.Constant(None), *call.args] if callee.program is not None else call.args  # `self`
    bound = inspect.signature(callee.fn).bind(*args, **{k.arg: k.value for k in call.keywords if k.arg})
    return bound.arguments


def returned_params(fn: JitFunction) -> list[str]:
    """The parameter of `fn` behind each value it returns."""
    body = fn.parsed.tree.body
    last = body[-1] if body else None
    if not isinstance(last, ast.Return) or last.value is None:
        return []
    if isinstance(last.value, ast.Call) and isinstance(_helper(fn, last.value), JitFunction):
        return [_param(fn, arg, last.value) for arg in _nested_outputs(fn, last.value, last.value)]
    items = last.value.elts if isinstance(last.value, ast.Tuple) else [last.value]
    return [_param(fn, item, item) for item in items]


def _param(fn: JitFunction, expr: ast.expr, item: ast.expr) -> str:
    """The parameter of `fn` that `expr` (an expression in its body) is; `item` is what `fn` returns."""
    if isinstance(expr, ast.Call):  # `return g(...), z` with `g` returning one tensor
        outputs = _nested_outputs(fn, expr, item)
        if len(outputs) != 1:
            raise Untraced(fn, item)
        return _param(fn, outputs[0], item)
    if not isinstance(expr, ast.Name):
        raise Untraced(fn, item)
    if expr.id in _params(fn):
        return expr.id
    source = _unpacked_from(fn, expr.id)
    if source is None:
        raise Untraced(fn, item)
    call, index = source
    outputs = _nested_outputs(fn, call, item)
    if index >= len(outputs):
        raise Untraced(fn, item)
    return _param(fn, outputs[index], item)


def _nested_outputs(fn: JitFunction, call: ast.Call, item: ast.expr) -> list[ast.expr]:
    """The arguments of `call` (in `fn`) that its helper returns; `item`, what `fn` returns, for an Untraced."""
    helper = _helper(fn, call)
    if not isinstance(helper, JitFunction) or any(isinstance(a, ast.Starred) for a in call.args):
        raise Untraced(fn, item)
    try:
        return call_outputs(helper, call)
    except TypeError:
        raise Untraced(fn, item) from None


def _params(fn: JitFunction) -> set[str]:
    a = fn.parsed.tree.args
    return {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}


def _unpacked_from(fn: JitFunction, name: str) -> tuple[ast.Call, int] | None:
    """(call, position) when `name`'s only binding in `fn` is `name = call` or `..., name, ... = call`."""
    stores = [n for n in ast.walk(fn.parsed.tree) if isinstance(n, ast.Name) and n.id == name
              and isinstance(n.ctx, ast.Store)]
    if len(stores) != 1:
        return None
    for node in ast.walk(fn.parsed.tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call):
            target = node.targets[0]
            elts = target.elts if isinstance(target, ast.Tuple | ast.List) else None
            if target is stores[0]:
                return node.value, 0
            if elts is not None and stores[0] in elts:
                return node.value, elts.index(stores[0])
    return None


def _helper(fn: JitFunction, call: ast.Call) -> Any:
    """What `call` names in `fn`: a module or closure name, or `self.<method>` of its `@pl.program`."""
    f = call.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and fn.program is not None:
        return fn.program.functions.get(f.attr) if f.value.id == fn.parsed.tree.args.args[0].arg else None
    if not isinstance(f, ast.Name):
        return None
    closure = dict(zip(fn.fn.__code__.co_freevars, (c.cell_contents for c in fn.fn.__closure__ or ())))
    return closure.get(f.id, fn.fn.__globals__.get(f.id))
