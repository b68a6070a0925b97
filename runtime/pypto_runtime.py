"""PyPTO's `pypto.runtime` as ppc provides it under `ppc-run --pypto`: `RunConfig` and `TensorSpec`.

`RunConfig` has PyPTO's fields and defaults; `config=RunConfig(...)` on a `@pl.jit` function's `compile`,
`lower` or call selects the NPU model its `platform` names (a2a3/a2a3sim -> a2a3, a5/a5sim -> a5), and
`backend_type` follows the platform as in PyPTO. The other fields steer PyPTO's device runtime, codegen and
artefacts (device id, DFX collection, dumps, ring sizes, pass strategy) and have no effect on the model;
`distributed_config` (several chips) is refused. `TensorSpec` is the golden harness's. Every other name of
PyPTO's runtime (device workers, the C++ toolchain paths, `run`/`compile_program` on build directories)
is an error naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .pypto_backend import BackendType, backend_type_for
from .pypto_golden import MULTI_CARD, HarnessError, TensorSpec, unsupported

__all__ = ["RunConfig", "TensorSpec"]

_CHIP_SWIMLANE_LEVELS = range(5)
_REASONS = {
    "pto_isa_include_dir": "it locates the PTO-ISA C++ headers of extern C++ kernels, which ppc does not compile",
    "ensure_pto_isa_root": "it locates the PTO-ISA C++ headers of extern C++ kernels, which ppc does not compile",
    "DistributedWorker": MULTI_CARD,
    "DistributedRunHandle": MULTI_CARD,
    "execute_distributed_compiled": MULTI_CARD,
}


@dataclass
class RunConfig:
    """PyPTO's run configuration; only `platform` (and `backend_type`, which follows it) matters on ppc."""

    __test__ = False

    platform: str = "a2a3sim"
    device_id: int = 0
    rtol: float = 1e-5
    atol: float = 1e-5
    strategy: Any = None
    backend_type: BackendType = BackendType.Ascend910B
    dump_passes: Any = False
    save_kernels: bool = False
    save_kernels_dir: str | None = None
    codegen_only: bool = False
    enable_chip_swimlane: int | bool = 0
    enable_dump_args: int = 0
    enable_pmu: int = 0
    enable_dep_gen: bool = False
    enable_scope_stats: bool = False
    compile_profiling: bool = False
    diagnostic_phase: Any = None
    disabled_diagnostics: Any = None
    golden_data_dir: str | None = None
    aicpu_thread_num: int | None = None
    ring_task_window: Any = None
    ring_heap: Any = None
    ring_dep_pool: Any = None
    distributed_config: Any = None
    analyze_auto_scopes_for_deps: bool = False
    memory_planner: Any = None
    dump_ptoas_passes: bool = False

    def __post_init__(self) -> None:
        self.backend_type = backend_type_for(self.platform)
        if isinstance(self.enable_chip_swimlane, bool):
            self.enable_chip_swimlane = 4 if self.enable_chip_swimlane else 0
        if self.enable_chip_swimlane not in _CHIP_SWIMLANE_LEVELS:
            raise ValueError(f"enable_chip_swimlane must be a collection level in [0, 4], got "
                             f"{self.enable_chip_swimlane!r}")
        if self.distributed_config is not None:
            raise HarnessError(MULTI_CARD)

    @property
    def chip(self) -> str:
        """The ppc NPU model this configuration runs on."""
        return self.backend_type.chip


def __getattr__(name: str):
    raise unsupported("pypto.runtime", name, _REASONS.get(name, "ppc runs kernels on its own NPU model, not on "
                                                               "PyPTO's device runtime"))
