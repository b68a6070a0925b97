"""Random well-typed `pl` programs for the differential fuzzer, each rendered twice from one drawing.

`programs()` is a hypothesis strategy of `Program`s: the `@pl.jit` entry `fuzz` as Python source, and the same
computation as numpy code over `difffuzz_ref` (imported as `R`). Both renderings come from the same draws,
line for line, so Python's own control flow (`if`, `for`) runs the reference and shrinking shrinks both.

The entry takes one 64x64 input and one 64x64 InOut output per dtype (x0/o0 f32, x1/o1 bf16, x2/o2 i32),
two int32 scalars n0, n1 (0..SCALAR_MAX), and first fills a GM scratch tensor `g` (f32) from x0. Its body is a
sequence of orchestration statements: `pl.at` scopes, `pl.parallel` loops of scopes writing disjoint rows,
sequential `pl.range` loops of scopes (reading what earlier tasks stored, carrying tiles across tasks),
`pl.spmd` scopes, and run-time `if`s on the scalars (a tile assigned by a task in each arm escapes the `if`).
A scope holds tile statements: expressions (elementwise with tile or scalar operands, unary, row/col
reductions and broadcasts, matmul, casts, slices of inputs, outputs and `g` at random in-bounds offsets that
may move with loop indices and the scalars), run-time `if`s re-assigning tiles, accumulating
`pl.range`/`pl.pipeline`/`pl.unroll` loops with or without a first-iteration guard, and stores
(`o[a:b, c:d] = t` or `pl.assemble`). Tiles assigned in a `pl.at` escape it and are read later.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, field

from hypothesis import strategies as st

SIZE = 64
DTYPES = ("f32", "bf16", "i32")
PL_DTYPE = {"f32": "pl.FP32", "bf16": "pl.BF16", "i32": "pl.INT32"}
FLOATS = ("f32", "bf16")
ROWS = (1, 4, 8, 16)
COLS = (16, 32)
SCALARS = {"f32": (0.5, 2.0, -1.5, 0.1, 3.0), "bf16": (0.5, 2.0, -1.5, 0.1, 3.0), "i32": (2, -3, 7)}
FLOAT_BINARY = ("add", "sub", "mul", "maximum", "minimum")
INT_BINARY = ("add", "sub", "mul", "maximum", "minimum")
UNARY = {"f32": ("neg", "abs", "relu", "exp", "sqrt"), "bf16": ("neg", "abs", "relu", "exp", "sqrt"),
         "i32": ("neg", "abs", "relu")}  # fmt: skip
MAX_DEPTH = 3
SCALAR_ARGS = ("n0", "n1")
SCALAR_MAX = 4
"""n0, n1 take 0..SCALAR_MAX at run time: branch conditions, loop counts, and terms of slice offsets"""


@dataclass(frozen=True)
class Index:
    """A loop index or scalar argument in scope: `name` takes values from start to last."""

    name: str
    start: int
    last: int


@dataclass(frozen=True)
class Tile:
    """A tile's type. `space` is "acc" for a matmul result and whatever has one as its first operand (ppc
    keeps the first operand's memory space); a name keeps one type, so re-assignments keep the space too."""

    shape: tuple[int, int]
    dtype: str
    space: str = "vec"

    def like(self, shape=None, dtype=None, space=None) -> Tile:
        return Tile(shape or self.shape, dtype or self.dtype, space or self.space)


@dataclass
class Program:
    pl_source: str
    ref_source: str
    n0: int
    n1: int
    seed: int
    platform: str = "a2a3"
    spmd: bool = False
    """compile with pl-parallel-to-spmd (`compile(spmd=True)`)"""

    def __str__(self) -> str:
        """The program as a regression file (regressions/README.md): both renderings and the run's arguments."""
        return (f"{self.pl_source}\n\n{self.ref_source}\n\n"
                f"RUN = {(self.n0, self.n1, self.seed, self.platform, self.spmd)!r}  # n0, n1, data seed, platform, spmd\n")

    @classmethod
    def from_file(cls, text: str) -> Program:
        return cls(text, text, *ast.literal_eval(text.rsplit("RUN = ", 1)[1].split("#")[0]))


@dataclass
class _Out:
    """Two renderings being written, at the same indentation."""

    pl: list[str] = field(default_factory=list)
    ref: list[str] = field(default_factory=list)
    depth: int = 1

    def line(self, pl: str, ref: str | None = None) -> None:
        self.pl.append("    " * self.depth + pl)
        self.ref.append("    " * self.depth + (pl if ref is None else ref))


class _Gen:
    def __init__(self, draw):
        self.draw = draw
        self.out = _Out()
        self.names = itertools.count()
        self.tasks = itertools.count()
        self.frozen: frozenset[str] = frozenset()
        """tiles of the enclosing scope a pl.parallel iteration or pl.spmd block must not re-assign (it would be
        a dependence between iterations, or a value leaving the block)"""

    def mutable(self, env: dict[str, Tile]) -> list[str]:
        return sorted(n for n in env if n not in self.frozen)

    # ------------------------------------------------------------------------------------- small draws
    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def flag(self, p_true: float = 0.5) -> bool:
        return self.draw(st.integers(0, 99)) < p_true * 100

    def fresh(self, prefix: str = "v") -> str:
        return f"{prefix}{next(self.names)}"

    def offset(self, extent: int, indices: list[Index], moving: Index | None = None) -> str:
        """An in-bounds start for `extent` elements of a SIZE axis, maybe moving with the loop indices.
        With `moving`, the start is `base + extent * moving` (disjoint per iteration of that index)."""
        terms = [(extent, moving)] if moving else []
        for idx in indices:
            if idx is not moving and self.flag(0.3):
                terms.append((self.pick((1, 2, extent)), idx))
        lo = sum(c * i.start for c, i in terms)
        hi = sum(c * i.last for c, i in terms)
        room = SIZE - extent - (hi - lo)
        if room < 0:
            return self.offset(extent, [], moving)
        base = self.draw(st.integers(0, room)) - lo
        parts = [str(base)] if base or not terms else []
        parts += [f"{i.name}" if c == 1 else f"{i.name} * {c}" for c, i in terms]
        return " + ".join(parts)

    # ------------------------------------------------------------------------------------- expressions
    def expr(self, tile: Tile, env: dict[str, Tile], idx: list[Index], depth: int = 0, exact_only: bool = False,
             outs_readable: bool = True) -> tuple[str, str]:
        """(pl, numpy) renderings of a value of type `tile`."""
        h, w = tile.shape
        acc = tile.space == "acc"
        kinds = ["matmul"] if acc else ["load"]
        if not exact_only:
            kinds += [name for name, t in env.items() if t == tile]
        if depth < MAX_DEPTH:
            kinds += ["binary", "binary", "scalar", "unary", "cast"]
            if w > 1 and h > 1 and not exact_only:
                kinds += ["row_expand", "col_expand"]
        if outs_readable and not exact_only and not acc:
            kinds.append("load_out")
        kind = self.pick(kinds)
        sub = lambda t, **kw: self.expr(t, env, idx, depth + 1, kw.get("exact_only", exact_only), outs_readable)  # noqa: E731
        other_space = "vec" if exact_only else self.space(tile.dtype)  # of operands after the first (acc is inexact)
        if kind in env:
            return kind, kind
        if kind in ("load", "load_out"):
            return self.load(tile, idx, out=kind == "load_out")
        if kind == "binary":
            op = self.pick(FLOAT_BINARY if tile.dtype in FLOATS else INT_BINARY)
            (pa, ra), (pb, rb) = sub(tile), sub(tile.like(space=other_space))
            return f"pl.{op}({pa}, {pb})", f"R.binary({op!r}, {ra}, {rb})"
        if kind == "scalar":
            op = self.pick(FLOAT_BINARY if tile.dtype in FLOATS else INT_BINARY)
            s = self.pick(SCALARS[tile.dtype])
            pa, ra = sub(tile)
            return f"pl.{op}({pa}, {s!r})", f"R.binary_scalar({op!r}, {ra}, {s!r})"
        if kind == "unary":
            op = self.pick(UNARY[tile.dtype])
            if exact_only and op == "exp":
                op = "neg"
            pa, ra = sub(tile)
            if op == "sqrt":  # of a non-negative value
                return f"pl.sqrt(pl.abs({pa}))", f"R.unary('sqrt', R.unary('abs', {ra}))"
            return f"pl.{op}({pa})", f"R.unary({op!r}, {ra})"
        if kind == "cast":
            return self.cast(tile, sub)
        if kind == "row_expand":
            op = self.pick(("add", "sub", "mul"))
            red = self.pick(("row_sum", "row_max", "row_min")) if tile.dtype in FLOATS else "row_max"
            (pa, ra), (pv, rv) = sub(tile), sub(Tile((h, self.pick(COLS)), tile.dtype, other_space))
            return (f"pl.row_expand_{op}({pa}, pl.{red}({pv}))",
                    f"R.expand('row_expand_{op}', {ra}, R.reduce({red!r}, {rv}))")
        if kind == "col_expand":
            op = self.pick(("expand", "expand_mul"))
            red = self.pick(("col_sum", "col_max")) if tile.dtype in FLOATS else "col_max"
            (pa, ra), (pv, rv) = sub(tile), sub(Tile((self.pick(ROWS[1:]), w), tile.dtype, other_space))
            return (f"pl.col_{op}({pa}, pl.{red}({pv}))",
                    f"R.expand('col_{op}', {ra}, R.reduce({red!r}, {rv}))")
        assert kind == "matmul"
        k = self.pick(COLS)
        dt = self.pick(FLOATS)
        (pa, ra), (pb, rb) = sub(Tile((h, k), dt)), sub(Tile((k, w), dt))  # vec operands: ppc loads them to L0A/B
        p, r = f"pl.matmul({pa}, {pb}, out_dtype=pl.FP32)", f"R.matmul({ra}, {rb})"
        if tile.dtype == "bf16":
            return f"pl.cast({p}, target_type=pl.BF16, mode='rint')", f"R.cast({r}, 'bf16', 'rint')"
        return p, r

    def cast(self, tile: Tile, sub) -> tuple[str, str]:
        src = self.pick([d for d in (FLOATS if tile.space == "acc" else DTYPES) if d != tile.dtype])
        mode = self.pick(("rint", "round", "trunc")) if tile.dtype == "i32" else "rint"
        # float -> int of a value whose last bits depend on summation order would not be comparable
        pa, ra = sub(tile.like(dtype=src), exact_only=tile.dtype == "i32")
        return (f"pl.cast({pa}, target_type={PL_DTYPE[tile.dtype]}, mode={mode!r})",
                f"R.cast({ra}, {tile.dtype!r}, {mode!r})")

    def load(self, tile: Tile, idx: list[Index], out: bool = False) -> tuple[str, str]:
        h, w = tile.shape
        r, c = self.offset(h, idx), self.offset(w, idx)
        t = self.gm(tile.dtype) if out else "x" + str(DTYPES.index(tile.dtype))
        ref = f"outs.load({t!r}, {r}, {c}, {h}, {w})" if out else f"R.load({t}, {r}, {c}, {h}, {w})"
        if self.flag(0.2):
            return f"pl.slice({t}, [{h}, {w}], [{r}, {c}])", ref
        return f"{t}[{r}:{r} + {h}, {c}:{c} + {w}]", ref

    # ------------------------------------------------------------------------------------- tile statements
    def space(self, dtype: str) -> str:
        return "acc" if dtype in FLOATS and self.flag(0.2) else "vec"

    def tile_type(self) -> Tile:
        dtype = self.pick(DTYPES)
        return Tile((self.pick(ROWS), self.pick(COLS)), dtype, self.space(dtype))

    def assign(self, env, idx, outs_readable, name: str | None = None, tile: Tile | None = None) -> None:
        if name is None:
            reuse = self.mutable(env) if self.flag(0.3) else []
            name = self.pick(reuse) if reuse else self.fresh()
            tile = env.get(name) or self.tile_type()
        p, r = self.expr(tile, env, idx, outs_readable=outs_readable)
        self.out.line(f"{name} = {p}", f"{name} = {r}")
        env[name] = tile

    def store(self, env, idx, moving: Index | None = None, name: str | None = None) -> None:
        name = name or self.pick(list(env))
        tile = env[name]
        h, w = tile.shape
        r = self.offset(h, [] if moving else idx, moving)
        c = self.offset(w, [] if moving else idx)
        o = self.gm(tile.dtype)
        ref = f"outs.store({o!r}, {name}, {r}, {c})"
        if self.flag():
            self.out.line(f"{o}[{r}:{r} + {h}, {c}:{c} + {w}] = {name}", ref)
        else:
            self.out.line(f"{o} = pl.assemble({o}, {name}, [{r}, {c}])", ref)

    def gm(self, dtype: str) -> str:
        """A tensor the program writes and reads back: the output of that dtype, or the f32 GM scratch `g`."""
        return "g" if dtype == "f32" and self.flag(0.3) else "o" + str(DTYPES.index(dtype))

    def condition(self) -> str:
        return f"{self.pick(('n0', 'n1'))} {self.pick(('>', '==', '<=', '!='))} {self.draw(st.integers(0, 3))}"

    def tile_stmts(self, env: dict[str, Tile], idx: list[Index], outs_readable: bool, budget: int) -> None:
        for _ in range(self.draw(st.integers(1, budget))):
            kind = self.pick(["assign", "assign", "if", "loop"] if self.mutable(env) else ["assign", "loop"])
            if kind == "assign":
                self.assign(env, idx, outs_readable)
            elif kind == "if":
                self.tile_if(env, idx, outs_readable)
            else:
                self.tile_loop(env, idx, outs_readable)

    def tile_if(self, env, idx, outs_readable) -> None:
        """A run-time `if` re-assigning existing tiles in one or both arms (a new tile: in both)."""
        targets = self.draw(st.lists(st.sampled_from(self.mutable(env)), min_size=1, max_size=2, unique=True))
        new = self.fresh() if self.flag(0.3) else None
        both = new is not None or self.flag()
        self.out.line(f"if {self.condition()}:")
        arms = [dict(env), dict(env)] if both else [dict(env)]
        new_tile = self.tile_type()
        for k, arm in enumerate(arms):
            if k:
                self.out.line("else:")
            self.out.depth += 1
            for t in targets:
                self.assign(arm, idx, outs_readable, t, env[t])
            if new:
                self.assign(arm, idx, outs_readable, new, new_tile)
            self.out.depth -= 1
        if new:
            env[new] = new_tile

    def bounds(self, name: str, dynamic: bool) -> tuple[str, Index]:
        """`start, stop, step` of a loop (a scalar argument as the stop when `dynamic`) and its index."""
        if dynamic and self.flag(0.25):
            n = self.pick(SCALAR_ARGS)
            return n, Index(name, 0, SCALAR_MAX - 1)
        start, trips, step = self.draw(st.integers(0, 2)), self.draw(st.integers(1, 3)), self.pick((1, 2))
        last = start + (trips - 1) * step
        return (f"{start}, {last + 1}" if step == 1 else f"{start}, {last + 1}, {step}"), Index(name, start, last)

    def tile_loop(self, env, idx, outs_readable) -> None:
        """An accumulating loop inside a scope: `acc = op(acc, f(k))`, or a first-iteration guard
        `if k == start: acc = f(k) else: acc = op(acc, f(k))` starting a new tile."""
        k = self.fresh("k")
        guarded = self.flag() or not self.mutable(env)
        bounds, inner = self.bounds(k, dynamic=not guarded)  # a guarded loop must run: its tile is read after it
        ctors = [f"pl.range({bounds})", f"pl.pipeline({bounds}, stage=2)"]
        ctor = self.pick(ctors + ([] if bounds in SCALAR_ARGS else [f"pl.unroll({bounds})"]))  # unroll: constant
        acc = self.fresh("acc") if guarded else self.pick(self.mutable(env))
        tile = self.tile_type() if guarded else env[acc]
        op = self.pick(("add", "maximum", "sub") + (("matmul_acc",) if tile.space == "acc" and tile.dtype == "f32" else ()))
        self.out.line(f"for {k} in {ctor}:", f"for {k} in range({bounds}):")
        self.out.depth += 1
        body_env = dict(env)
        if guarded:
            self.out.line(f"if {k} == {inner.start}:")
            self.out.depth += 1
            self.assign(body_env, idx + [inner], outs_readable, acc, tile)
            self.out.depth -= 1
            self.out.line("else:")
            self.out.depth += 1
        if op == "matmul_acc":
            kk, dt = self.pick(COLS), self.pick(FLOATS)
            (pa, ra), (pb, rb) = (self.expr(Tile(s, dt), body_env, idx + [inner], 1, outs_readable=outs_readable)
                                  for s in ((tile.shape[0], kk), (kk, tile.shape[1])))
            self.out.line(f"{acc} = pl.matmul_acc({acc}, {pa}, {pb})", f"{acc} = R.matmul_acc({acc}, {ra}, {rb})")
        else:
            p, r = self.expr(tile, body_env, idx + [inner], 1, outs_readable=outs_readable)
            self.out.line(f"{acc} = pl.{op}({acc}, {p})", f"{acc} = R.binary({op!r}, {acc}, {r})")
        self.out.depth -= 1 + guarded
        env[acc] = tile

    # ------------------------------------------------------------------------------------- orchestration
    def open_at(self) -> None:
        """Start a `pl.at` scope (plain code in the reference); the caller closes it."""
        self.out.line(f'with pl.at(level=pl.Level.CORE_GROUP, name_hint="t{next(self.tasks)}"):', "if True:")
        self.out.depth += 1

    def scope(self, env, idx) -> dict[str, Tile]:
        """A `pl.at` with tile statements ending in a store; returns the tiles it assigned (they escape)."""
        self.open_at()
        inner = dict(env)
        self.tile_stmts(inner, idx, True, 3)
        self.store(inner, idx, name=self.last_assigned(inner, env))
        self.out.depth -= 1
        return inner

    @staticmethod
    def last_assigned(inner, env) -> str:
        new = [n for n in inner if n not in env]
        return new[-1] if new else list(inner)[-1]

    def orch_stmts(self, env: dict[str, Tile], idx: list[Index], budget: int, nest: int = 0) -> None:
        for _ in range(self.draw(st.integers(1, budget))):
            kinds = ["at", "at", "parallel", "spmd"] + (["range", "if"] if nest < 2 else [])
            kind = self.pick(kinds)
            if kind == "at":
                env.update(self.scope(env, idx))
            elif kind == "parallel":
                self.parallel(env, idx, "parallel")
            elif kind == "spmd":
                self.parallel(env, idx, "spmd")
            elif kind == "range":
                i = self.fresh("i")
                bounds, index = self.bounds(i, dynamic=True)
                self.out.line(f"for {i} in pl.range({bounds}):", f"for {i} in range({bounds}):")
                self.out.depth += 1
                self.orch_stmts(dict(env), idx + [index], 2, nest + 1)
                self.carry(env, idx)
                self.out.depth -= 1
            else:
                self.orch_if(env, idx, nest)

    def orch_if(self, env, idx, nest: int) -> None:
        """A run-time `if` around tasks; when both arms end with a task assigning one new tile, it is read
        after the `if` (a value escaping a task in each arm)."""
        escaping = (self.fresh(), self.tile_type()) if self.flag(0.3) else None
        arms = 2 if escaping or self.flag() else 1
        self.out.line(f"if {self.condition()}:")
        for arm in range(arms):
            if arm:
                self.out.line("else:")
            self.out.depth += 1
            self.orch_stmts(dict(env), idx, 2, nest + 1)
            if escaping:
                self.open_at()
                self.assign(dict(env), idx, True, *escaping)
                self.out.depth -= 1
            self.out.depth -= 1
        if escaping:
            env[escaping[0]] = escaping[1]

    def carry(self, env, idx) -> None:
        """Maybe re-assign a tile of the enclosing scope in a task inside the loop (carried across tasks)."""
        if not self.mutable(env) or not self.flag():
            return
        name = self.pick(self.mutable(env))
        self.open_at()
        self.assign(dict(env), idx, True, name, env[name])
        self.out.depth -= 1

    def parallel(self, env, idx, kind: str) -> None:
        """`pl.parallel` over scopes, or one `pl.spmd` task: each iteration/block stores to its own rows and
        reads no output (iterations are independent)."""
        i = self.fresh("b" if kind == "spmd" else "p")
        n = self.draw(st.integers(1, 4))
        moving = Index(i, 0, n - 1)
        outer_frozen, self.frozen = self.frozen, self.frozen | set(env)
        if kind == "spmd":
            self.out.line(f'for {i} in pl.spmd({n}, name_hint="s{next(self.tasks)}"):', f"for {i} in range({n}):")
            self.out.depth += 1
        else:
            chunk = self.pick(("", ", chunk=2"))
            self.out.line(f"for {i} in pl.parallel(0, {n}{chunk}):", f"for {i} in range({n}):")
            self.out.depth += 1
            self.open_at()
        inner = dict(env)
        self.tile_stmts(inner, idx + [moving], False, 3)
        self.store(inner, idx, moving, self.last_assigned(inner, env))  # max(ROWS) * 4 rows fit in SIZE
        self.out.depth -= 1 if kind == "spmd" else 2
        self.frozen = outer_frozen


HEADER = '''from ppc import pl


@pl.jit
def fuzz(x0: pl.Tensor[[64, 64], pl.FP32], x1: pl.Tensor[[64, 64], pl.BF16], x2: pl.Tensor[[64, 64], pl.INT32],
         o0: pl.InOut[pl.Tensor[[64, 64], pl.FP32]], o1: pl.InOut[pl.Tensor[[64, 64], pl.BF16]],
         o2: pl.InOut[pl.Tensor[[64, 64], pl.INT32]], n0: pl.Scalar[pl.INT32], n1: pl.Scalar[pl.INT32]):
    g = pl.create_tensor([64, 64], dtype=pl.FP32)
    for q in pl.parallel(0, 4):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="init"):
            g[q * 16:q * 16 + 16, 0:64] = x0[q * 16:q * 16 + 16, 0:64]
'''
REF_HEADER = "def reference(R, outs, x0, x1, x2, n0, n1):\n    outs.scratch('g', x0)\n"


@st.composite
def programs(draw, budget: int = 3) -> Program:
    gen = _Gen(draw)
    gen.orch_stmts({}, [Index(n, 0, SCALAR_MAX) for n in SCALAR_ARGS], budget)
    gen.out.line("return o0, o1, o2", "return outs")
    return Program(HEADER + "\n".join(gen.out.pl) + "\n", REF_HEADER + "\n".join(gen.out.ref) + "\n",
                   draw(st.integers(0, SCALAR_MAX)), draw(st.integers(0, SCALAR_MAX)), draw(st.integers(0, 2**16)),
                   draw(st.sampled_from(("a2a3", "a5"))), draw(st.booleans()))
