"""Chip configs: platforms, derived figures, immutability, the deterministic sweep jitter."""

import dataclasses

import pytest

from ppc.runtime.npu import A2A3, A5, get_config


def test_get_config():
    assert get_config("a2a3") is A2A3
    assert get_config("A5") is A5
    with pytest.raises(ValueError, match="unknown NPU platform 'a9'.*a2a3, a5"):
        get_config("a9")


def test_chip_topology_and_peak():
    assert A2A3.core_count == {"AIC": 24, "AIV": 48}
    assert A5.core_count == {"AIC": 36, "AIV": 72}
    assert (A5.clock_ghz, A5.scheduler_threads, A5.cube_passes["f32"]) == (1.65, 4, 8)
    # 2 * 16*16*16 MAC * 24 AIC * 1.8 GHz = 353.9 TFLOPS
    assert A2A3.cube_peak_flops_per_us == pytest.approx(353.8944e6)
    assert A2A3.shared_hbm_bytes_per_us == pytest.approx(1.28e6)
    assert A2A3.core_gm_bytes_per_us == pytest.approx(115200)


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        A2A3.submit_us = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        A2A3.cube_k["bf16"] = 8  # type: ignore[index]


def test_sweep_jitter_is_deterministic_and_bounded():
    offsets = [A2A3.sweep_jitter_us(i) for i in range(1000)]
    assert offsets[:3] == pytest.approx([0.0, 0.2 * 0.6180339887, 0.2 * 0.2360679775])
    assert all(0 <= x < A2A3.sweep_jitter_max_us for x in offsets)
    assert offsets == [A2A3.sweep_jitter_us(i) for i in range(1000)]


def test_configs_are_hashable_and_compare_by_value():
    copy = dataclasses.replace(A2A3)
    assert copy == A2A3 and hash(copy) == hash(A2A3)
    assert A2A3 != A5 and len({A2A3, A5}) == 2
