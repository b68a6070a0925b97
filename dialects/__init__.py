"""The `pl` MLIR dialect (types, attributes, ops with verifiers), defined with xDSL's IRDL."""

from xdsl.ir import Dialect

from .array_ops import ARRAY_OPS
from .attributes import CastModeAttr, DirAttr, KindAttr, LevelAttr, LoopAttr, PadAttr
from .compute_ops import COMPUTE_OPS
from .data_ops import DATA_OPS
from .local_ops import LOCAL_OPS
from .prefetch_ops import PREFETCH_OPS
from .task_ops import TASK_OPS
from .types import RefType, TensorType, TileType

PL = Dialect(
    "pl",
    [*LOCAL_OPS, *TASK_OPS, *ARRAY_OPS, *DATA_OPS, *COMPUTE_OPS, *PREFETCH_OPS],
    [TensorType, TileType, RefType, DirAttr, LevelAttr, KindAttr, LoopAttr, CastModeAttr, PadAttr],
)
