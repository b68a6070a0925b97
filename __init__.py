"""ppc: compile `pl` tile programs (PyPTO's language) to MLIR with xDSL and simulate them on an NPU model."""

__version__ = "0.1.0"
