"""PyPTO's `pypto.backend` as ppc provides it under `ppc-run --pypto`: the backend type and its process-wide
setting.

In PyPTO a backend type names the chip generation code is generated for (Ascend910B = a2a3, Ascend950 = a5).
`set_backend_type` fixes it once per process (setting it again to the same type is fine, to another one is an
error) and compiling re-selects it from the run's platform; so here, too, the chip a run models is the one its
platform names (`RunConfig.platform`, `runtime_cfg["platform"]`), and this module only keeps PyPTO's
configuration state and its errors. The SoC description classes (`SoC`, `Core`, `Mem`, ...) describe codegen
targets and are not provided: naming one is an error that says so.
"""

from __future__ import annotations

from enum import Enum

from .pypto_golden import unsupported


class BackendType(Enum):
    """PyPTO's backend types; `chip` is the ppc NPU model each one selects."""

    Ascend910B = "a2a3"
    Ascend950 = "a5"

    @property
    def chip(self) -> str:
        return self.value


_configured: BackendType | None = None


def set_backend_type(backend_type: BackendType) -> None:
    """Fix the backend type of this process; another type after the first is an error, as in PyPTO."""
    global _configured
    if not isinstance(backend_type, BackendType):
        raise TypeError(f"set_backend_type expects a BackendType, got {type(backend_type).__name__}")
    if _configured is not None and _configured != backend_type:
        raise ValueError(f"backend type is already set to {_configured.name}; cannot change it to {backend_type.name}")
    _configured = backend_type


def get_backend_type() -> BackendType:
    if _configured is None:
        raise ValueError("backend type has not been configured (call set_backend_type first)")
    return _configured


def is_backend_configured() -> bool:
    return _configured is not None


def reset_for_testing() -> None:
    """Forget the configured backend type (PyPTO offers this for tests; `ppc-run --pypto` calls it per file)."""
    global _configured
    _configured = None


def backend_type_for(platform: str) -> BackendType:
    """The backend type PyPTO selects for a runtime platform ("a2a3"/"a2a3sim" or "a5"/"a5sim")."""
    if platform in ("a2a3", "a2a3sim"):
        return BackendType.Ascend910B
    if platform in ("a5", "a5sim"):
        return BackendType.Ascend950
    raise ValueError(f"Invalid platform {platform!r}. Expected 'a2a3sim', 'a2a3', 'a5sim', or 'a5'.")


def __getattr__(name: str):
    raise unsupported("pypto.backend", name, "ppc models the chip itself and has no codegen backend objects")
