"""PyPTO's `pypto.backend` / `pypto.runtime` stand-ins, `config=RunConfig(...)` and `@pl.jit.host` under
`ppc-run --pypto`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.frontend import language as pl
from ppc.runtime import pypto_backend as backend
from ppc.runtime.pypto_golden import HarnessError, UnsupportedPyptoName
from ppc.runtime.pypto_runtime import RunConfig

INPUTS = Path(__file__).parent / "Inputs"


def ppc_run_pypto(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "run_config.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


def test_run_config_file_passes_every_size_with_one_program(tmp_path):
    pytest.importorskip("torch")
    done = ppc_run_pypto("-p", "a5sim", "--rows", "16", "48", "32", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[run_config] backend=Ascend950 chip=a5" in done.stdout
    assert done.stdout.count("NPU model report (a5)") == 3
    for rows in (16, 48, 32):
        assert f"[RUN]   'y' PASS  shape=({rows}, 128)" in done.stdout
    assert "[run_config] one compiled program served rows [16, 48, 32]" in done.stdout


def test_calling_a_host_entry_is_one_located_line(tmp_path):
    pytest.importorskip("torch")
    done = ppc_run_pypto("-p", "a2a3sim", "--call-host", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"{INPUTS / 'run_config.py'}:33:1: error: @pl.jit.host function 'double_rows_host': HOST-level "
        "orchestrators (per-rank dispatch across chips) are not supported by ppc, which models one chip")


HOST = """
from ppc import pl

@pl.jit.host(auto_scope=False)
def host(x: pl.Tensor[[16, 64], pl.FP32]):
    return x
"""


def test_host_decorator_takes_pyptos_keywords_and_refuses_to_compile(load_kernel):
    host = load_kernel(HOST)["host"]
    assert host.auto_scope is False and host.__name__ == "host"
    for use in (host.lower, host.compile, host):
        with pytest.raises(PlDiagnostic, match="@pl.jit.host function 'host': HOST-level") as info:
            use(np.zeros((16, 64), np.float32))
        assert info.value.loc.line == 4
    with pytest.raises(TypeError, match="level"):
        pl.jit.host(level=1)


def test_run_config_follows_pyptos_rules():
    assert RunConfig().platform == "a2a3sim" and RunConfig().chip == "a2a3"
    config = RunConfig(platform="a5sim", backend_type=backend.BackendType.Ascend910B, enable_chip_swimlane=True)
    assert config.backend_type is backend.BackendType.Ascend950 and config.chip == "a5"  # the platform decides
    assert config.enable_chip_swimlane == 4
    with pytest.raises(ValueError, match="Invalid platform 'a3'"):
        RunConfig(platform="a3")
    with pytest.raises(ValueError, match=r"collection level in \[0, 4\]"):
        RunConfig(enable_chip_swimlane=7)
    with pytest.raises(HarnessError, match="multi-card"):
        RunConfig(distributed_config=object())


def test_backend_type_is_set_once_per_process():
    backend.reset_for_testing()
    assert not backend.is_backend_configured()
    with pytest.raises(ValueError, match="has not been configured"):
        backend.get_backend_type()
    backend.set_backend_type(backend.BackendType.Ascend910B)
    backend.set_backend_type(backend.BackendType.Ascend910B)  # the same type again is fine
    with pytest.raises(ValueError, match="already set to Ascend910B; cannot change it to Ascend950"):
        backend.set_backend_type(backend.BackendType.Ascend950)
    assert backend.get_backend_type() is backend.BackendType.Ascend910B
    backend.reset_for_testing()


def test_other_names_are_errors_saying_why():
    from ppc.runtime import pypto_runtime

    with pytest.raises(UnsupportedPyptoName, match="pypto.runtime.pto_isa_include_dir is not supported by ppc: it "
                       "locates the PTO-ISA C.. headers"):
        pypto_runtime.pto_isa_include_dir  # noqa: B018
    with pytest.raises(UnsupportedPyptoName, match="pypto.backend.SoC is not supported by ppc"):
        backend.SoC  # noqa: B018
    assert not hasattr(backend, "__path__")  # import machinery probes still see a plain module


def test_compile_with_a_config_reuses_the_program(load_kernel):
    entry = load_kernel("""
        from ppc import pl

        @pl.jit
        def twice(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
            with pl.at(level=pl.Level.CORE_GROUP):
                y[0:16, :] = pl.add(x[0:16, :], x[0:16, :])
            return y
    """)["twice"]
    x, y = np.ones((16, 64), np.float32), np.zeros((16, 64), np.float32)
    program = entry.compile(x, y, config=RunConfig(platform="a5"))
    assert program.platform == "a5"
    assert entry.compile(x, y, platform="a5") is program
    assert entry.compile(x, y) is not program  # another chip, another program
    entry(x, y, config=RunConfig(platform="a5"))
    assert np.array_equal(y, x * 2) and len(entry._compiled) == 2


def test_harness_compiles_first_and_runs_that_program(load_kernel):
    """As pypto-lib: a compile error comes before any input is built, and the run reuses the compiled program."""
    torch = pytest.importorskip("torch")
    from ppc.runtime import pypto_golden as golden

    ns = load_kernel("""
        from ppc import pl

        @pl.jit
        def twice(x: pl.Tensor[[16, 64], pl.BF16], y: pl.Out[pl.Tensor[[16, 64], pl.BF16]]):
            with pl.at(level=pl.Level.CORE_GROUP):
                y[0:16, :] = pl.add(x[0:16, :], x[0:16, :])
            return y

        @pl.jit
        def broken(x: pl.Tensor[[16, 64], pl.BF16], y: pl.Out[pl.Tensor[[16, 64], pl.BF16]]):
            y[0:16, :] = pl.not_an_op(x)
            return y
    """)
    built = []

    def init():
        built.append(1)
        return torch.ones(16, 64)

    specs = [golden.TensorSpec("x", [16, 64], torch.bfloat16, init_value=init),
             golden.TensorSpec("y", [16, 64], torch.bfloat16, is_output=True)]
    with pytest.raises(PlDiagnostic):
        golden.run_jit(ns["broken"], specs)
    assert not built
    result = golden.run_jit(ns["twice"], specs, lambda t: t["y"].copy_(t["x"] * 2))
    assert result.passed and built and len(ns["twice"]._compiled) == 1


TWICE = """
    from ppc import pl

    @pl.jit
    def twice(x: pl.Tensor[[16, 64], pl.BF16], y: pl.Out[pl.Tensor[[16, 64], pl.BF16]]):
        with pl.at(level=pl.Level.CORE_GROUP):
            y[0:16, :] = pl.add(x[0:16, :], x[0:16, :])
        return y
"""


def test_harness_runs_the_kernel_on_the_spec_tensors_and_the_golden_on_clones(load_kernel, monkeypatch):
    """As pypto-lib, with no numpy/torch conversion copies: the kernel's results land in the spec tensors,
    the golden gets clones taken before the run (its in-place edits reach neither the comparators' inputs
    nor the outputs), and one tensor given for two specs is two buffers."""
    torch = pytest.importorskip("torch")
    from ppc.runtime import golden as ppc_golden
    from ppc.runtime import pypto_golden as golden

    def no_copies(*_):
        raise AssertionError("a numpy/torch conversion copy")

    monkeypatch.setattr(ppc_golden, "to_numpy", no_copies)
    monkeypatch.setattr(ppc_golden, "to_torch", no_copies)
    x = torch.randn(16, 64).to(torch.bfloat16)
    original = x.clone()
    specs = [golden.TensorSpec("x", [16, 64], torch.bfloat16, init_value=x),
             golden.TensorSpec("y", [16, 64], torch.bfloat16, init_value=x, is_output=True)]
    seen = {}

    def golden_fn(t):
        seen["y before"] = t["y"].clone()
        t["y"].copy_(t["x"] * 2)
        t["x"].zero_()

    def check(actual, expected, *, inputs, **_):
        seen["inputs x"], seen["actual"] = inputs["x"].clone(), actual
        return torch.equal(actual, expected), ""

    result = golden.run_jit(load_kernel(TWICE)["twice"], specs, golden_fn, compare_fn={"y": check})
    assert result.passed
    assert torch.equal(seen["y before"], original) and torch.equal(seen["inputs x"], original)
    assert torch.equal(x, original) and torch.equal(seen["actual"], original * 2)


def test_tools_run_numpys_blas_on_one_thread_unless_told_otherwise():
    probe = "import os; import ppc.tools; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == "1", done.stderr
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={**env, "OPENBLAS_NUM_THREADS": "3"})
    assert done.stdout.strip() == "3", done.stderr
