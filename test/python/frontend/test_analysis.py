"""Which names the builder binds directly and which become pl.local variables (frontend/analysis.py)."""

from __future__ import annotations

import ast
import textwrap

from ppc.frontend.analysis import analyze


def kinds(source: str, env: dict | None = None) -> dict[str, str | None]:
    fn = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(fn, ast.FunctionDef)
    names = analyze(fn, env or {})
    tasks = [
        id(n.body)
        for n in ast.walk(fn)
        if isinstance(n, ast.With) or (isinstance(n, ast.For) and "spmd" in ast.unparse(n.iter))
    ]
    result = {}
    for name in sorted(names.locals):
        found = {names.kind(name, task) for task in [None, *tasks]} - {None}
        result[name] = "/".join(sorted(found)) or None
    return result


def test_single_dominating_assignment_is_direct():
    k = kinds("""
    def f(x, n):
        a = n + 1
        if n:
            b = a
        return x
    """)
    assert k["a"] == "direct" and k["b"] == "direct"
    assert k["x"] == "direct" and k["n"] == "direct"  # parameters never re-assigned


def test_branch_assignment_read_after_is_a_variable():
    k = kinds("""
    def f(flag):
        if flag:
            v = 1
        else:
            v = 2
        w = v
    """)
    assert k["v"] == "variable" and k["w"] == "direct"


def test_loop_carried_and_reassigned_parameters_are_variables():
    k = kinds("""
    def f(y, n):
        acc = 0
        for i in pl.range(n):
            acc = acc + i
        y[0:1, :] = acc
    """)
    assert k["acc"] == "variable" and k["y"] == "variable"


def test_a_name_in_two_task_bodies_is_one_function_level_name():
    """A value first assigned in one task may be read in a later one (PyPTO semantics), so a name that occurs in
    two task bodies is one variable; pl-ssa's liveness decides whether a value actually leaves a task."""
    k = kinds("""
    def f(x, flag):
        if flag:
            for g in pl.spmd(2):
                b0 = g * 2
        else:
            for g in pl.spmd(2):
                b0 = g * 4
    """)
    assert k["b0"] == "variable"


def test_a_name_of_one_task_body_only_is_bound_directly():
    k = kinds("""
    def f(x):
        with pl.at():
            b0 = x
            y = b0
    """)
    assert k["b0"] == "direct"


def test_a_name_also_used_outside_task_bodies_is_one_function_level_name():
    k = kinds("""
    def f(x):
        t = x
        with pl.at():
            t = x
    """)
    assert k["t"] == "variable"


def test_if_on_module_constants_is_folded_before_classifying():
    source = """
    def f(x):
        if MODE == "fast":
            chunk = 16
        else:
            chunk = 8
        y = x[0:chunk]
    """
    assert kinds(source, {"MODE": "fast"})["chunk"] == "direct"
    assert kinds(source, {})["chunk"] == "variable"  # unknown at analysis time: both arms count
