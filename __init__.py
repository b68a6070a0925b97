"""ppc: compile `pl` tile programs (PyPTO's language) to MLIR with xDSL and simulate them on an NPU model."""

from ppc.frontend import language as pl

__version__ = "0.1.0"

__all__ = ["pl", "__version__"]
