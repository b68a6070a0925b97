"""The values of the module globals and closure constants a kernel reads, as a compile-cache key.

The frontend folds those values into the program (a tile size, a scale, a flag picking a branch), so a
program compiled before one of them changed is stale: the key makes a call after the change compile again.
A name is followed through attribute chains (`cfg.rows` is keyed by the value of `cfg.rows`) and into the
`pl` helpers the kernel calls; an object that is none of the values below is keyed by its identity.
"""

from __future__ import annotations

import ast
import hashlib
from types import MethodType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .jit import JitFunction

_PLAIN = (bool, int, float, complex, str, bytes, type(None))


def constants_key(fn: JitFunction) -> tuple[Any, ...]:
    """The fingerprint of everything outside its parameters that `fn` (and the pl functions it uses) reads."""
    return _key(fn, set())


def _key(fn: JitFunction, seen: set[int]) -> tuple[Any, ...]:
    seen.add(id(fn))
    scopes = [fn.program.functions] if fn.program is not None else []
    closure = fn.fn.__closure__ or ()
    scopes += [{name: cell.cell_contents for name, cell in zip(fn.fn.__code__.co_freevars, closure)},
               fn.fn.__globals__]
    items = []
    for chain in read_chains(fn):
        scope = next((s for s in scopes if chain[0] in s), None)
        if scope is None:
            continue  # a local name or a builtin
        value = scope[chain[0]]
        for attr in chain[1:]:
            try:
                value = getattr(value, attr)
            except Exception:  # noqa: BLE001  (any property may raise: the kernel would report it)
                break
        items.append((chain, _fingerprint(value, seen)))
    return tuple(items)


def read_chains(fn: JitFunction) -> tuple[tuple[str, ...], ...]:
    """The outer names `fn` reads (not its parameters or the names it assigns), each with the attribute chain
    read from it (`cfg.rows` -> ("cfg", "rows"))."""
    if fn._read_chains is None:
        tree = fn.parsed.tree
        local = {a.arg for a in ast.walk(tree.args) if isinstance(a, ast.arg)}
        local |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        chains = set()
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in local:
                chain, top = [node.id], node
                while isinstance(parents.get(top), ast.Attribute):
                    top = parents[top]
                    chain.append(top.attr)
                chains.add(tuple(chain))
        fn._read_chains = tuple(sorted(chains))
    return fn._read_chains


def _fingerprint(value: Any, seen: set[int]) -> Any:
    if isinstance(value, _PLAIN):
        return (type(value).__name__, value)
    if hasattr(value, "_read_chains"):  # a JitFunction (importing jit here would be circular)
        return ("pl", id(value)) if id(value) in seen else ("pl", id(value), _key(value, seen))
    if isinstance(value, tuple | list | frozenset | set | dict):
        if id(value) in seen:  # a container holding itself
            return ("id", id(value))
        seen.add(id(value))
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(value, key=repr) if isinstance(value, frozenset | set) else value
        return (type(value).__name__, tuple(_fingerprint(v, seen) for v in items))
    if isinstance(value, dict):
        return ("dict", tuple((repr(k), _fingerprint(v, seen)) for k, v in value.items()))
    if isinstance(value, np.ndarray | np.generic):
        data = np.ascontiguousarray(value)
        return ("array", data.shape, str(data.dtype), hashlib.blake2b(data.tobytes(), digest_size=16).digest())
    if isinstance(value, MethodType):  # a new object on every attribute read
        return ("method", id(value.__self__), id(value.__func__))
    return ("id", id(value))
