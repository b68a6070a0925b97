"""Registered pass names and the default pipeline (`pl-lower`).

Each ppc pass lives in `passes/<name>.py`; this table is the one place that maps the name used by
`ppc-opt -p` and `compiled.ir_after(name)` to its class.  Generic cleanups come from xDSL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline

from ppc.dialects.diagnostics import verify_module
from ppc.dialects.parsing import make_context


def _canonicalize() -> type[ModulePass]:
    from xdsl.transforms.canonicalize import CanonicalizePass

    return CanonicalizePass


def _cse() -> type[ModulePass]:
    from xdsl.transforms.common_subexpression_elimination import CommonSubexpressionElimination

    return CommonSubexpressionElimination


def _dce() -> type[ModulePass]:
    from xdsl.transforms.dead_code_elimination import DeadCodeElimination

    return DeadCodeElimination


def _inline() -> type[ModulePass]:
    from ppc.passes.inline import PlInlinePass

    return PlInlinePass


def _ssa() -> type[ModulePass]:
    from ppc.passes.ssa import PlSsaPass

    return PlSsaPass


def _outline_tasks() -> type[ModulePass]:
    from ppc.passes.outline_tasks import OutlineTasksPass

    return OutlineTasksPass


def _infer_directions() -> type[ModulePass]:
    from ppc.passes.infer_directions import InferDirectionsPass

    return InferDirectionsPass


def _check_directions() -> type[ModulePass]:
    from ppc.passes.infer_directions import CheckDirectionsPass

    return CheckDirectionsPass


def _parallel_to_spmd() -> type[ModulePass]:
    from ppc.passes.parallel_to_spmd import ParallelToSpmdPass

    return ParallelToSpmdPass


def _check_capacity() -> type[ModulePass]:
    from ppc.passes.check_capacity import CheckCapacityPass

    return CheckCapacityPass


def _lower() -> type[ModulePass]:
    return LowerPass


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "canonicalize": _canonicalize,
    "cse": _cse,
    "dce": _dce,
    "pl-inline": _inline,
    "pl-ssa": _ssa,
    "pl-outline-tasks": _outline_tasks,
    "pl-check-directions": _check_directions,
    "pl-infer-directions": _infer_directions,
    "pl-parallel-to-spmd": _parallel_to_spmd,
    "pl-check-capacity": _check_capacity,
    "pl-lower": _lower,
}

# The default pipeline (`pl-lower`); `pl-parallel-to-spmd` joins it only when asked (`pl-lower{spmd=true}`).
# Declared directions are checked before the cleanups, which may delete a write the check must see.
DEFAULT_PIPELINE: list[str] = [
    "pl-inline",
    "pl-ssa",
    "pl-check-directions",
    "canonicalize",
    "cse",
    "pl-outline-tasks",
    "pl-infer-directions",
]


def default_pipeline(spmd: bool = False, out_staging: str = "undefined") -> list[str]:
    """The pass names `pl-lower` runs, with `pl-parallel-to-spmd` before outlining when `spmd`, and the directions
    checked for an older runtime's Out staging (`copied` / `zeroed`, passes/infer_directions.py)."""
    names = list(DEFAULT_PIPELINE)
    if spmd:
        names.insert(names.index("pl-outline-tasks"), "pl-parallel-to-spmd")
    if out_staging != "undefined":
        for name in ("pl-check-directions", "pl-infer-directions"):
            names[names.index(name)] = f"{name}{{out_staging={out_staging}}}"
    return names


def run_pipeline(
    module: ModuleOp,
    names: Sequence[str],
    after_each: Callable[[str, ModuleOp], None] | None = None,
    ctx: Context | None = None,
) -> None:
    """Run passes given by name (options allowed: `pl-parallel-to-spmd{debug=true}`) on `module`.

    The module is verified after every pass (raising `PlDiagnostic` at the first broken op), then
    `after_each(pass name, module)` sees it — the live module: print or clone it to keep the IR after
    that pass (what `ir_after` needs).  An unknown pass name raises ValueError before anything runs.
    """

    def verify_then_report(previous: ModulePass | None, op: ModuleOp, _next: ModulePass | None) -> None:
        if previous is None:
            return
        verify_module(op)
        if after_each is not None:
            after_each(previous.name, op)

    pipeline = PassPipeline.parse_spec(PASSES, ",".join(names), verify_then_report)
    pipeline.apply(ctx or make_context(), module)


@dataclass(frozen=True)
class LowerPass(ModulePass):
    """`pl-lower`: the default pipeline as one pass, verifying the IR after each of its passes."""

    name = "pl-lower"
    spmd: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        run_pipeline(op, default_pipeline(self.spmd), ctx=ctx)
