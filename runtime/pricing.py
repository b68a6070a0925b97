"""Level-A prices of the ops a kernel executes, as `runtime.npu.cost.TileOp` templates.

A kernel runs on one core type: AIC if it contains a matmul, else AIV (NPU_MODEL.md). Prices depend only
on static shapes, except GM transfers whose row structure depends on the run-time view; those are cached
per (op, rows, row bytes). Vector work inside an AIC kernel is priced with the vector formulas on the
FIXPIPE pipe (the cube core's post-processing unit), since an AIC has no vector pipe.
"""

from __future__ import annotations

import dataclasses

from xdsl.dialects.func import FuncOp

from ..dialects.compute_ops import MatmulAccOp, MatmulOp
from . import npu
from .npu import ChipConfig, TileOp


def core_type_of(kernel: FuncOp) -> str:
    return "AIC" if any(isinstance(op, MatmulOp | MatmulAccOp) for op in kernel.walk()) else "AIV"


# Ops without a figure of their own, priced like the closest measured op: the fused exp(x - v) like exp
# (its costlier half).
PRICED_LIKE = {"col_expand_expdif": "exp"}


class Pricer:
    def __init__(self, cfg: ChipConfig, core_type: str):
        self.cfg = cfg
        self.core_type = core_type
        self._vector_pipe = "VEC" if core_type == "AIV" else "FIXPIPE"
        self._transfers: dict[tuple, TileOp] = {}

    def vector(self, name: str, nbytes: int, *, scalar_operand: bool = False, reduce_len: int | None = None) -> TileOp:
        name = PRICED_LIKE.get(name, name)
        op = npu.vector_op(name, max(nbytes, 1), self.cfg, scalar_operand=scalar_operand, reduce_len=reduce_len)
        return op if op.pipe == self._vector_pipe else TileOp(op.kind, self._vector_pipe, op.cycles)

    def copy(self, nbytes: int) -> TileOp:
        """An on-chip tile-to-tile copy (sub-tile extraction or insertion)."""
        return TileOp("copy", self._vector_pipe, npu.vector_cycles("unary", max(nbytes, 1), self.cfg))

    def load(self, key: object, rows: int, row_bytes: int, stages: int) -> TileOp:
        """GM -> on-chip into a `stages`-slot buffer owned by the static op `key`."""
        k = ("load", key, rows, row_bytes)
        op = self._transfers.get(k)
        if op is None:
            op = npu.gm_load_op(rows, row_bytes, self.cfg).in_buffer(f"load{id(key)}", stages)
            self._transfers[k] = op
        return op

    def store(self, rows: int, row_bytes: int, elem_bytes: int) -> TileOp:
        """On-chip -> GM: MTE3 from UB on an AIV, FIXPIPE drain from L0C on an AIC."""
        k = ("store", rows, row_bytes, elem_bytes)
        op = self._transfers.get(k)
        if op is None:
            if self.core_type == "AIV":
                op = npu.gm_store_op(rows, row_bytes, self.cfg)
            else:
                op = npu.fixpipe_op(rows, max(row_bytes // elem_bytes, 1), elem_bytes, self.cfg)
            self._transfers[k] = op
        return op

    def matmul(
        self, m: int, k: int, n: int, dtype: str, a_bytes: int, b_bytes: int, batch: int = 1
    ) -> tuple[TileOp, TileOp, TileOp]:
        """L1 -> L0A, L1 -> L0B, then the cube op (which depends on both moves); a batched matmul is `batch`
        back-to-back [m,k]x[k,n] products on the cube (each pays its own head, as separate issues would)."""
        cube = npu.matmul_op(m, k, n, dtype, self.cfg)
        if batch > 1:
            cube = dataclasses.replace(cube, cycles=cube.cycles * batch, flops=cube.flops * batch)
        return (npu.l1_to_l0_op(a_bytes, "a", self.cfg), npu.l1_to_l0_op(b_bytes, "b", self.cfg), cube)
