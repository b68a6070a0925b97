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


# Sizes and tilings shared by the ratio-128 and ratio-4 compressors (each keeps its own R).
_COMPRESSOR_FULL_SIZES = dict(
    B=64, S=2, D=4096, NOPE=448, ROPE=64, MAX_SEQ=8192,
    K_CHUNK=512, OUT_CHUNK=64, BATCH_CHUNK_0=64, BATCH_CHUNK_1=16, HEAD_CHUNK=64,
)  # fmt: skip
_COMPRESSOR_REDUCED_SIZES = dict(
    B=4, S=2, D=256, NOPE=64, ROPE=64, MAX_SEQ=512,
    K_CHUNK=128, OUT_CHUNK=32, BATCH_CHUNK_0=4, BATCH_CHUNK_1=2, HEAD_CHUNK=32,
)  # fmt: skip

FULL = CompressorR128Config(**_COMPRESSOR_FULL_SIZES)
REDUCED = CompressorR128Config(**_COMPRESSOR_REDUCED_SIZES)

CONFIGS = {"full": FULL, "reduced": REDUCED}


@dataclass(frozen=True)
class SparseAttentionConfig:
    """One size of the sparse attention (KERNELS.md §5): per token (b, s), attend over NK = WIN + TOPK
    gathered keys (window ids 0..WIN-1, compressed ids WIN+j, -1 = padding) in KEY_TILE-key tiles, then
    the grouped output projection (wo_a per group of H / O_GROUPS heads, int8 per-row quant, wo_b)."""

    B: int  # batch (sequences)
    S: int  # new tokens per sequence in this decode step
    H: int  # attention heads
    NOPE: int  # head channels without rotary embedding
    ROPE: int  # head channels with (interleaved-pair) rotary embedding, the last ROPE of HEAD_DIM
    WIN: int  # sliding-window cache rows (index ids 0..WIN-1)
    TOPK: int  # compressed-cache ids per token (index ids WIN..WIN+TOPK-1 point at rows id-WIN)
    CACHE_ROWS: int  # rows of the compressed cache
    KEY_TILE: int  # keys per online-softmax tile
    HEAD_CHUNK: int  # heads per attention block
    D: int  # hidden size (output of the grouped output projection)
    O_GROUPS: int  # head groups of the output projection (wo_a per group)
    O_LORA: int  # wo_a output rows per group
    LORA_CHUNK: int  # wo_a rows per proj_a block; column chunk of the quant and K chunk of proj_b
    QUANT_ROWS: int  # tokens per quant block
    OUT_CHUNK: int  # output columns per proj_b block

    @property
    def HEAD_DIM(self) -> int:
        return self.NOPE + self.ROPE

    @property
    def NK(self) -> int:
        """Index-list length per token: window ids then compressed ids."""
        return self.WIN + self.TOPK

    @property
    def KEY_TILES(self) -> int:
        return -(-self.NK // self.KEY_TILE)

    @property
    def O_GROUP_IN(self) -> int:
        """Input width of one wo_a group: its heads' outputs side by side."""
        return self.H // self.O_GROUPS * self.HEAD_DIM

    @property
    def NK_PAD(self) -> int:
        """NK rounded up to whole key tiles (the lanes past NK are masked like padding ids)."""
        return self.KEY_TILES * self.KEY_TILE

    def __post_init__(self) -> None:
        for chunk, size, what in (
            (self.HEAD_CHUNK, self.H, "HEAD_CHUNK"), (self.O_GROUPS, self.H, "O_GROUPS"),
            (self.LORA_CHUNK, self.O_LORA, "LORA_CHUNK"), (self.QUANT_ROWS, self.B * self.S, "QUANT_ROWS"),
            (self.OUT_CHUNK, self.D, "OUT_CHUNK"),
        ):  # fmt: skip
            if chunk <= 0 or size % chunk:
                raise ValueError(f"{what}={chunk} must divide {size}")
        if self.ROPE % 2:
            raise ValueError(f"ROPE={self.ROPE} must be even (interleaved pairs)")
        if min(self.B, self.S, self.WIN, self.CACHE_ROWS, self.KEY_TILE) <= 0 or self.TOPK < 0:
            raise ValueError("sizes must be positive")


SPARSE_ATTENTION_FULL = SparseAttentionConfig(
    B=64, S=2, H=64, NOPE=448, ROPE=64, WIN=128, TOPK=512, CACHE_ROWS=2048, KEY_TILE=64, HEAD_CHUNK=16,
    D=4096, O_GROUPS=8, O_LORA=1024, LORA_CHUNK=256, QUANT_ROWS=8, OUT_CHUNK=256,
)  # fmt: skip

SPARSE_ATTENTION_REDUCED = SparseAttentionConfig(
    B=2, S=2, H=4, NOPE=64, ROPE=64, WIN=16, TOPK=16, CACHE_ROWS=32, KEY_TILE=16, HEAD_CHUNK=2,
    D=256, O_GROUPS=2, O_LORA=64, LORA_CHUNK=32, QUANT_ROWS=2, OUT_CHUNK=64,
)  # fmt: skip

SPARSE_ATTENTION_CONFIGS = {"full": SPARSE_ATTENTION_FULL, "reduced": SPARSE_ATTENTION_REDUCED}


@dataclass(frozen=True)
class CompressorR4Config(CompressorR128Config):
    """One size of the ratio-4 (CSA) "overlap" compressor (KERNELS.md §2).

    The fields are the ratio-128 ones (R = 4 here): the pooled head is HEAD_DIM wide as there, but the
    projections, `ape` and the states are OUT_DIM = COFF·HEAD_DIM wide (a "front" and a "back" half) and the
    states hold STATE_LEN = COFF·R slots (the previous window, then the current one).
    """

    R: int = 4
    COFF: int = 2  # overlap factor; the kernel pools the front half of slots 0..R-1 with the back half of R..2R-1

    @property
    def OUT_DIM(self) -> int:
        return self.COFF * self.HEAD_DIM

    @property
    def STATE_LEN(self) -> int:
        return self.COFF * self.R

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.COFF != 2:
            raise ValueError(f"COFF={self.COFF}: the overlap compressor pools exactly two windows")


FULL_R4 = CompressorR4Config(**_COMPRESSOR_FULL_SIZES)
REDUCED_R4 = CompressorR4Config(**_COMPRESSOR_REDUCED_SIZES)

R4_CONFIGS = {"full": FULL_R4, "reduced": REDUCED_R4}


@dataclass(frozen=True)
class IndexerConfig:
    """One size of the lightning indexer's scoring + top-k path (KERNELS.md §4, without the §3 compressor).

    The compressed key cache holds one row per RATIO tokens; `CACHE_ROWS` (the score row length) must be
    32·2^k so that `pl.sort32` plus a chain of two-run `pl.mrgsort` merges sorts a whole row.
    """

    B: int  # batch (sequences)
    S: int  # new tokens per sequence in this decode step
    D: int  # hidden size (input of weights_proj)
    Q_LORA: int  # rank of the int8 query latent qr
    IH: int  # index heads
    IDX_DIM: int  # index head dim; RoPE acts on its last ROPE channels
    IDX_TOPK: int
    WIN: int  # sliding-window length: compressed ids are offset by WIN in the index list
    MAX_SEQ: int
    Q_K_CHUNK: int  # reduction chunk of the int8 qr @ wq_b projection
    Q_OUT_CHUNK: int  # output columns per q projection task
    D_CHUNK: int  # reduction chunk of x @ weights_proj
    KEY_CHUNK: int  # compressed-cache rows per score tile
    ROPE: int = 64
    RATIO: int = 4  # compression ratio of the indexer's key cache

    @property
    def TOKENS(self) -> int:
        return self.B * self.S

    @property
    def NOPE(self) -> int:
        return self.IDX_DIM - self.ROPE

    @property
    def CACHE_ROWS(self) -> int:
        return self.MAX_SEQ // self.RATIO

    @property
    def WEIGHTS_SCALE(self) -> float:
        """Head-weight scale IDX_DIM^-0.5 · IH^-0.5 (a Python double, rounded to f32 where it is used)."""
        return self.IDX_DIM**-0.5 * self.IH**-0.5

    def __post_init__(self) -> None:
        def divides(chunk: int, size: int, what: str) -> None:
            if chunk <= 0 or size % chunk:
                raise ValueError(f"{what}={chunk} must divide {size}")

        divides(self.Q_K_CHUNK, self.Q_LORA, "Q_K_CHUNK")
        divides(self.Q_OUT_CHUNK, self.IH * self.IDX_DIM, "Q_OUT_CHUNK")
        divides(self.D_CHUNK, self.D, "D_CHUNK")
        divides(self.RATIO, self.MAX_SEQ, "RATIO")
        divides(self.KEY_CHUNK, self.CACHE_ROWS, "KEY_CHUNK")
        runs = self.CACHE_ROWS // 32
        if self.CACHE_ROWS % 32 or runs & (runs - 1):
            raise ValueError(f"CACHE_ROWS={self.CACHE_ROWS} must be 32 * 2^k (sort32 + mrgsort merges)")
        if self.ROPE % 2 or not 0 < self.ROPE <= self.IDX_DIM:
            raise ValueError(f"ROPE={self.ROPE} must be even and within IDX_DIM={self.IDX_DIM}")
        if not 0 < self.IDX_TOPK <= self.CACHE_ROWS:
            raise ValueError(f"IDX_TOPK={self.IDX_TOPK} must be in [1, CACHE_ROWS={self.CACHE_ROWS}]")


INDEXER_FULL = IndexerConfig(
    B=64, S=2, D=4096, Q_LORA=1024, IH=64, IDX_DIM=128, IDX_TOPK=512, WIN=128, MAX_SEQ=8192,
    Q_K_CHUNK=256, Q_OUT_CHUNK=256, D_CHUNK=512, KEY_CHUNK=128,
)  # fmt: skip

INDEXER_REDUCED = IndexerConfig(
    B=4, S=2, D=256, Q_LORA=64, IH=4, IDX_DIM=64, IDX_TOPK=16, WIN=16, MAX_SEQ=512,
    Q_K_CHUNK=32, Q_OUT_CHUNK=64, D_CHUNK=128, KEY_CHUNK=32,
)  # fmt: skip

INDEXER_CONFIGS = {"full": INDEXER_FULL, "reduced": INDEXER_REDUCED}


@dataclass(frozen=True)
class IndexerCompressorConfig(CompressorR4Config):
    """One size of the indexer compressor (KERNELS.md §3): the ratio-4 overlap compressor at the index head
    size (HEAD_DIM = 128 at full size, NOPE 64 + ROPE 64; OUT_DIM 256), always rotated by a HEAD_DIM² hadamard;
    its cache is the lightning indexer's idx_kv_cache [B, MAX_SEQ / 4, HEAD_DIM]."""


INDEXER_COMPRESSOR_FULL = IndexerCompressorConfig(**{**_COMPRESSOR_FULL_SIZES, "NOPE": 64})
INDEXER_COMPRESSOR_REDUCED = IndexerCompressorConfig(**_COMPRESSOR_REDUCED_SIZES)  # HEAD_DIM already 128

INDEXER_COMPRESSOR_CONFIGS = {"full": INDEXER_COMPRESSOR_FULL, "reduced": INDEXER_COMPRESSOR_REDUCED}
