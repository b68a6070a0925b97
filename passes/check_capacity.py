"""`pl-check-capacity{platform=a2a3}`: the tiles a kernel keeps on chip at once must fit the chip's memories.

It runs after lowering (on incore kernels, whose tiles are final) for the platform the program is compiled
for, so `ppc-run -p a5` may accept what a2a3 refuses: memory sizes come from runtime/npu/config.py, the
one place chip constants live.  Buffers, memories and live ranges are those of `tile_buffers.py` (PyPTO's
placement rules); the bytes live at once in each memory are compared with its capacity, UB less the 8 KiB
PTO-ISA reserves (PyPTO's own limit), twice that for a `pl.split` task (its vector tiles are halved
between the two AIV cores).  Like PyPTO's MemoryReuse, a `pl.pipeline(stage=s)` whose loads
only fit with fewer slots is run with fewer (its `pl.stages` lowered, with a warning: the NPU model then
overlaps less), and only what does not fit single-buffered is an error, located at the op where the
live tiles first exceed the memory and naming each of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, IntegerAttr, ModuleOp, StringAttr, i64
from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from ppc.dialects.attributes import FuncKind, KindAttr
from ppc.dialects.diagnostics import PlDiagnostic, emit, source_loc
from ppc.passes.tile_buffers import L0C, L1, UB, Buffer, KernelBuffers
from ppc.runtime.npu.config import ChipConfig, get_config

_LISTED = 8  # tiles named in a message; the smaller rest are counted


@dataclass(frozen=True)
class CheckCapacityPass(ModulePass):
    name = "pl-check-capacity"
    platform: str = "a2a3"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        try:
            cfg = get_config(self.platform)
        except ValueError as err:
            raise PlDiagnostic(None, str(err)) from None
        for func in op.ops:
            kind = func.attributes.get("pl.kind") if isinstance(func, FuncOp) else None
            if isinstance(kind, KindAttr) and kind.data == FuncKind.INCORE:
                check_kernel(func, cfg)  # type: ignore[arg-type]


def capacities(cfg: ChipConfig, lanes: int = 1) -> dict[str, int]:
    """Bytes per memory; a `pl.split` task halves its vector tiles between `lanes` AIV cores, each with its UB."""
    return {UB: lanes * (cfg.ub_bytes - cfg.ub_reserved_bytes), L1: cfg.l1_bytes, L0C: cfg.l0c_bytes}


def _split_lanes(func: FuncOp) -> int:
    hints = func.attributes.get("pl.optimizations")
    return 2 if isinstance(hints, ArrayAttr) and StringAttr("split") in hints.data else 1


def check_kernel(func: FuncOp, cfg: ChipConfig) -> None:
    kernel = KernelBuffers(func.body.block)
    lanes = _split_lanes(func)
    depth = {b.pipeline: b.slots for b in kernel.buffers if b.pipeline is not None}
    declared = dict(depth)
    shed: dict[Operation, str] = {}  # pipeline loop -> what did not fit with its declared slots
    ops = {i: op for op, i in kernel.index.items()}
    for space, capacity in capacities(cfg, lanes).items():
        buffers = [b for b in kernel.buffers if space in b.spaces]
        chip = f"{cfg.name}'s {lanes} AIV cores of a pl.split task" if space == UB and lanes > 1 else cfg.name
        need, at = _peak(buffers, depth)
        for loop in sorted(depth, key=kernel.index.__getitem__):  # shed slots, first pipeline first
            if need <= capacity or depth[loop] == 1 or not any(b.pipeline is loop for b in buffers):
                continue
            shed.setdefault(loop, f"need {_size(need)} of {space} with {depth[loop]} slots "
                                  f"({_size(capacity)} on {chip})")
            while need > capacity and depth[loop] > 1:
                depth[loop] -= 1
                need, at = _peak(buffers, depth)
        if need > capacity:
            live = [b for b in buffers if b.start <= at < b.end]
            raise PlDiagnostic(ops[at], f"tiles live here need {_size(need)} of {space} "
                               f"({_size(capacity)} on {chip}): {_listing(live, depth)}")
    for loop, why in shed.items():
        loop.attributes["pl.stages"] = IntegerAttr(depth[loop], i64)
        emit(loop, f"pl.pipeline(stage={declared[loop]}): the tiles live with its loads {why}; "
                   f"run with {depth[loop]} slot(s), as PyPTO does (shrink the loaded tiles or lower 'stage')")


def _peak(buffers: list[Buffer], depth: dict) -> tuple[int, int]:
    """The most bytes live at once and the first op index where they are."""
    best = (0, 0)
    for at in sorted({b.start for b in buffers}):
        need = sum(_bytes(b, depth) for b in buffers if b.start <= at < b.end)
        best = max(best, (need, -at))
    return best[0], -best[1]


def _bytes(b: Buffer, depth: dict) -> int:
    return b.nbytes * (depth[b.pipeline] if b.pipeline is not None else 1)


def _listing(live: list[Buffer], depth: dict) -> str:
    live = sorted(live, key=lambda b: -_bytes(b, depth))
    parts = [_describe(b, depth) for b in live[:_LISTED]]
    if len(live) > _LISTED:
        rest = live[_LISTED:]
        parts.append(f"and {len(rest)} smaller ({_size(sum(_bytes(b, depth) for b in rest))})")
    return ", ".join(parts)


def _describe(b: Buffer, depth: dict) -> str:
    t = b.tile_type
    named = [v.name_hint for v in b.values if v.name_hint]
    name = f"'{named[0]}'" if named else f"a {_owner(b).name} result"
    slots = f" x{depth[b.pipeline]} pipeline slots" if b.pipeline is not None and depth[b.pipeline] > 1 else ""
    dims = ", ".join(map(str, t.get_shape()))
    return f"{name} [{dims}] {t.element_type} {_size(b.nbytes)}{slots} at {source_loc(_owner(b))}"


def _owner(b: Buffer) -> Operation:
    root = b.root
    return root.owner if isinstance(root.owner, Operation) else root.owner.parent_op()  # type: ignore[return-value]


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    return f"{n // 1024} KiB" if n % 1024 == 0 else f"{n / 1024:.1f} KiB"
