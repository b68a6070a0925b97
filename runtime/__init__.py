"""Runtime: numpy executor, NPU cost model, reports, traces and the golden harness.

`CompiledProgram(module, platform)` prepares a lowered module once; `.run(*tensors)` executes it on numpy
(bf16 rounding as torch), writes Out/InOut tensors back, and returns a `RunResult` with the NPU model's
`RunReport` and timeline. Run-time mistakes raise `PlRuntimeError` (one line, located).
"""

from .errors import PlRuntimeError
from .program import CompiledProgram, RunResult

__all__ = ["CompiledProgram", "PlRuntimeError", "RunResult"]
