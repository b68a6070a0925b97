"""Sizes and tilings of the DeepSeek-V4 ratio-128 (HCA) KV compressor.

`FULL` is the DeepSeek-V4 "Flash" decode step the calibration targets; `REDUCED` keeps every structural
property (R = 128, HEAD_DIM = NOPE + ROPE with ROPE = 64, several tiles per dispatch site) at a size the numpy
executor runs in well under a second.  Kernels read the fields as plain Python ints, which the frontend folds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompressorR128Config:
    """One size of the ratio-128 compressor: model dimensions plus the tiling of its dispatch sites."""

    B: int  # batch (sequences)
    S: int  # new tokens per sequence in this decode step
    D: int  # hidden size
    NOPE: int  # head channels without rotary embedding
    ROPE: int  # head channels with (interleaved-pair) rotary embedding, the last ROPE of HEAD_DIM
    MAX_SEQ: int
    K_CHUNK: int  # reduction chunk of the kv/score projection
    OUT_CHUNK: int  # output columns per projection / scatter / hadamard task
    BATCH_CHUNK_0: int  # token rows per projection block (BATCH_CHUNK_0 / S whole batches); batch rows per hadamard task
    BATCH_CHUNK_1: int  # batch rows per pooling / norm / rope / write task
    HEAD_CHUNK: int  # channels per pooling task
    R: int = 128  # compression ratio: slots per window
    EPS: float = 1e-6

    @property
    def HEAD_DIM(self) -> int:
        return self.NOPE + self.ROPE

    @property
    def CACHE_ROWS(self) -> int:
        return self.MAX_SEQ // self.R

    def __post_init__(self) -> None:
        def divides(chunk: int, size: int, what: str) -> None:
            if chunk <= 0 or size % chunk:
                raise ValueError(f"{what}={chunk} must divide {size}")

        divides(self.K_CHUNK, self.D, "K_CHUNK")
        divides(self.OUT_CHUNK, self.HEAD_DIM, "OUT_CHUNK")
        divides(self.HEAD_CHUNK, self.HEAD_DIM, "HEAD_CHUNK")
        divides(self.BATCH_CHUNK_0, self.B, "BATCH_CHUNK_0")
        divides(self.S, self.BATCH_CHUNK_0, "S (tokens of a projection row block)")
        divides(self.BATCH_CHUNK_1, self.B, "BATCH_CHUNK_1")
        divides(self.R, self.MAX_SEQ, "R")
        if self.ROPE % 2:
            raise ValueError(f"ROPE={self.ROPE} must be even (interleaved pairs)")
        if not 1 <= self.S <= self.R:
            raise ValueError(f"S={self.S} must be in [1, R={self.R}]")


FULL = CompressorR128Config(
    B=64, S=2, D=4096, NOPE=448, ROPE=64, MAX_SEQ=8192,
    K_CHUNK=512, OUT_CHUNK=64, BATCH_CHUNK_0=64, BATCH_CHUNK_1=16, HEAD_CHUNK=64,
)  # fmt: skip

REDUCED = CompressorR128Config(
    B=4, S=2, D=256, NOPE=64, ROPE=64, MAX_SEQ=512,
    K_CHUNK=128, OUT_CHUNK=32, BATCH_CHUNK_0=4, BATCH_CHUNK_1=2, HEAD_CHUNK=32,
)  # fmt: skip

CONFIGS = {"full": FULL, "reduced": REDUCED}
