"""`ppc-bench harness`: its kernel passes its golden through the pypto harness at any input size."""

import pytest

from ppc.tools import bench


def test_harness_bench_runs_its_kernel_against_the_golden():
    pytest.importorskip("torch")
    from ppc.runtime.bench_harness import run

    figures = run(48)
    assert figures["mib"] == 48 * 16384 * 2 / 2**20
    assert figures["run_jit_s"] > 0 and figures["build_s"] > 0
    assert "harness" in bench.SECTIONS and bench.BENCHES["harness"] is bench.bench_harness
