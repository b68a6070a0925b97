"""Which Python names of a kernel can be bound directly and which need a local variable.

A name assigned at exactly one place whose every read comes after that assignment in the same statement
list (or nested inside later statements of it) is *dominated* by its assignment: the builder binds it to
the value itself (an SSA value or a compile-time constant), as `off = i * 16` in WALKTHROUGH §1.  Every
other assigned name -- assigned twice, in a branch and read after it, carried around a loop, a parameter
that is re-assigned or written through `y[...] = t` -- becomes a `pl.local` variable, and `pl-ssa` decides
what it is on each path.  `if` statements whose test is a pure compile-time expression of module-level
names are folded here exactly as the builder folds them, so a constant chosen by a config-dependent `if`
stays a constant.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .stub import updated_name

# A position: for each enclosing statement list, (id of the list, index inside it).  Folded `if` arms are
# spliced into their parent list, so their statements get the index tuple (i, j) which sorts between i and i+1.
Path = tuple[tuple[int, tuple[int, ...]], ...]

_PURE_EXPR = (
    ast.Expression, ast.Name, ast.Load, ast.Attribute, ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp,
    ast.Compare, ast.Subscript, ast.Tuple, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)  # fmt: skip


def constant_test(test: ast.expr, env: dict[str, Any]) -> tuple[bool, Any]:
    """(True, value) if `test` only combines constants and module-level names without calls."""
    if not all(isinstance(n, _PURE_EXPR) for n in ast.walk(ast.Expression(test))):
        return False, None
    for n in ast.walk(test):
        if isinstance(n, ast.Name) and n.id not in env and not hasattr(builtins, n.id):
            return False, None
    try:
        code = compile(ast.Expression(test), "<pl-const>", "eval")
        return True, eval(code, {"__builtins__": builtins}, env)  # noqa: S307
    except Exception:  # noqa: BLE001  (anything that does not evaluate is simply not a constant)
        return False, None


_MISSING = object()


@dataclass
class NameInfo:
    assigns: list[Path] = field(default_factory=list)
    loads: list[Path] = field(default_factory=list)


Key = tuple[int | None, str]
"""A name within its home: (id of the task body it is local to, or None for the function level, name)."""


@dataclass
class FunctionNames:
    """The result of the analysis for one function."""

    direct: set[Key]
    variables: set[Key]
    locals: set[str]
    depends: tuple[tuple[str, Any], ...] = ()
    """Module-level names read by `if` tests, with the objects they named: the result holds while they do."""

    def still_valid(self, env: dict[str, Any]) -> bool:
        return all(env.get(name, _MISSING) is value for name, value in self.depends)

    def is_function_level(self, name: str) -> bool:
        return (None, name) in self.direct or (None, name) in self.variables

    def kind(self, name: str, task: int | None) -> str | None:
        """'direct', 'variable' or None (not assigned here) for `name` used inside task body `task`."""
        for key in ((task, name), (None, name)):
            if key in self.direct:
                return "direct"
            if key in self.variables:
                return "variable"
        return None


def _dominates(assign: Path, load: Path) -> bool:
    k = len(assign) - 1
    if len(load) <= k or load[:k] != assign[:k]:
        return False
    (a_list, a_idx), (l_list, l_idx) = assign[k], load[k]
    return a_list == l_list and l_idx > a_idx


class _Collector:
    def __init__(self, globals_env: dict[str, Any], local_names: set[str]):
        self.env = {k: v for k, v in globals_env.items() if k not in local_names}
        self.local_names = local_names
        self.depends: dict[str, Any] = {}
        self.names: dict[Key, NameInfo] = {}
        self.task: int | None = None

    def info(self, name: str) -> NameInfo:
        return self.names.setdefault((self.task, name), NameInfo())

    def task_body(self, body: list[ast.stmt], path: Path) -> None:
        """Task scopes do not nest, so the names seen in `body` are keyed by it (merged later if also outside)."""
        outer, self.task = self.task, id(body)
        self.statements(body, path)
        self.task = outer

    def statements(self, body: list[ast.stmt], path: Path) -> None:
        key = id(body)
        for i, stmt, sub in self._flatten(body, ()):
            self.statement(stmt, (*path, (key, (i, *sub))))

    def _flatten(
        self, body: list[ast.stmt], prefix: tuple[int, ...]
    ) -> Iterator[tuple[int, ast.stmt, tuple[int, ...]]]:
        """Statements of `body` with constant-folded `if`s replaced by their taken arm."""
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.If):
                for n in ast.walk(stmt.test):
                    if isinstance(n, ast.Name) and n.id not in self.local_names:
                        self.depends[n.id] = self.env.get(n.id, _MISSING)
                known, value = constant_test(stmt.test, self.env)
                if known:
                    for j, inner, sub in self._flatten(stmt.body if value else stmt.orelse, ()):
                        yield i, inner, (*prefix, j, *sub)
                    continue
            yield i, stmt, prefix

    def statement(self, stmt: ast.stmt, path: Path) -> None:
        match stmt:
            case ast.Assign(targets=targets, value=value):
                self.loads_in(value, path)
                for t in targets:
                    self.target(t, path)
            case ast.AugAssign(target=target, value=value) | ast.AnnAssign(target=target, value=value):
                if value is not None:
                    self.loads_in(value, path)
                if isinstance(stmt, ast.AugAssign):
                    self.loads_in(target, path)
                self.target(target, path)
            case ast.For(target=target, iter=iterable, body=body, orelse=orelse):
                self.loads_in(iterable, path)
                if _is_spmd(iterable):
                    self.task_body(body, path)
                else:
                    self.statements(body, path)
                self.statements(orelse, path)
            case ast.If(test=test, body=body, orelse=orelse):
                self.loads_in(test, path)
                self.statements(body, path)
                self.statements(orelse, path)
            case ast.With(items=items, body=body):
                for item in items:
                    self.loads_in(item.context_expr, path)
                if _is_runtime_scope(items[0].context_expr):
                    self.statements(body, path)  # a runtime scope (`pl.scope`) is not a task: its names are the function's
                else:
                    self.task_body(body, path)
            case ast.Expr(value=ast.Call() as call) if (dst := updated_name(self.resolve(call.func), call)):
                self.loads_in(stmt.value, path)  # `pl.assemble(y, t, offs)`, `pl.store(t, offs, y)` update y
                if dst in self.local_names:
                    self.info(dst).assigns.append(path)
            case _:
                # Other statements only read names; the unsupported ones are rejected by the builder.
                for child in ast.iter_child_nodes(stmt):
                    if isinstance(child, ast.expr):
                        self.loads_in(child, path)

    def resolve(self, expr: ast.expr) -> Any:
        """The module-level object a dotted name (`pl.tile.store`) names, or None."""
        if isinstance(expr, ast.Name):
            return None if expr.id in self.local_names else self.env.get(expr.id)
        if isinstance(expr, ast.Attribute):
            return getattr(self.resolve(expr.value), expr.attr, None)
        return None

    def target(self, target: ast.expr, path: Path) -> None:
        if isinstance(target, ast.Name):
            self.info(target.id).assigns.append(path)
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                self.target(elt, path)
        elif isinstance(target, ast.Subscript):
            self.loads_in(target, path)  # `y[a:b] = t` reads y's old value and its offsets ...
            base = target.value
            if isinstance(base, ast.Name) and base.id in self.local_names:
                self.info(base.id).assigns.append(path)  # ... and assigns the new version of y
        else:
            self.loads_in(target, path)

    def loads_in(self, expr: ast.AST, path: Path) -> None:
        for n in ast.walk(expr):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                self.info(n.id).loads.append(path)


def local_names(fn: ast.FunctionDef) -> set[str]:
    """Names Python would treat as locals of `fn` (parameters and assignment targets)."""
    names = {a.arg for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _is_spmd(iterable: ast.expr) -> bool:
    f = iterable.func if isinstance(iterable, ast.Call) else None
    return (isinstance(f, ast.Attribute) and f.attr == "spmd") or (isinstance(f, ast.Name) and f.id == "spmd")


def _is_runtime_scope(ctx: ast.expr) -> bool:
    f = ctx.func if isinstance(ctx, ast.Call) else None
    return isinstance(f, ast.Attribute | ast.Name) and getattr(f, "attr", getattr(f, "id", None)) in ("scope", "manual_scope")


def analyze(fn: ast.FunctionDef, globals_env: dict[str, Any]) -> FunctionNames:
    params = [a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
    names = local_names(fn)
    collector = _Collector(globals_env, names)
    entry: Path = ((id(fn.body), (-1,)),)
    for p in params:
        collector.info(p).assigns.append(entry)
    collector.statements(fn.body, ())
    # A name that occurs outside task bodies, or in more than one of them, is one function-level name
    # everywhere: a value first assigned in a task and read after it leaves the task (PyPTO semantics).
    merged: dict[Key, NameInfo] = {}
    homes: dict[str, set[int | None]] = {}
    for task, name in collector.names:
        homes.setdefault(name, set()).add(task)
    function_level = {name for name, tasks in homes.items() if None in tasks or len(tasks) > 1}
    for (task, name), info in collector.names.items():
        key = (None, name) if name in function_level else (task, name)
        into = merged.setdefault(key, NameInfo())
        into.assigns += info.assigns
        into.loads += info.loads
    direct, variables = set(), set()
    for key, info in merged.items():
        if not info.assigns:
            continue
        (first, *rest) = info.assigns
        if not rest and all(_dominates(first, load) for load in info.loads):
            direct.add(key)
        else:
            variables.add(key)
    return FunctionNames(direct, variables, names, tuple(collector.depends.items()))
