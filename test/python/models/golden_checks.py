"""Pieces the golden tests share: float64/bf16 conversions for the references, and for the compressors
(§1, §2) the reference's starting point, the tolerances and the checks every compressor golden must pass.

A plain module next to the tests (pytest puts this folder on sys.path), not a test file itself.
"""

from __future__ import annotations

from collections.abc import Callable

import ml_dtypes
import numpy as np
import torch

from ppc.models.deepseek_v4 import golden

KV_TOL = {"atol": 1e-4, "rtol": 1 / 128}
STATE_TOL = {"atol": 1e-3, "rtol": 1e-3}


def f64(t: torch.Tensor) -> np.ndarray:
    return t.double().numpy()


def bf16(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float32).astype(ml_dtypes.bfloat16).astype(np.float64)


def compressor_start(inp: dict) -> tuple[np.ndarray, ...]:
    """(kv_state, score_state, kv_cache, kvp, scp, ape) in float64: fresh copies of what the step updates,
    and the exact projections x @ wkv, x @ wgate."""
    x = f64(inp["x"])
    kvp = np.einsum("bsd,dc->bsc", x, f64(inp["wkv"]))
    scp = np.einsum("bsd,dc->bsc", x, f64(inp["wgate"]))
    states = (f64(inp[name]).copy() for name in ("kv_state", "score_state", "kv_cache"))
    return (*states, kvp, scp, f64(inp["ape"]))


def assert_compressor_matches(got: dict, want: dict[str, np.ndarray]) -> None:
    """A compressor golden's outputs against the float64 reference, with KERNELS.md tolerances."""
    np.testing.assert_allclose(f64(got["kv"]), want["kv"], **KV_TOL)
    np.testing.assert_allclose(f64(got["kv_cache"]), want["kv_cache"], **KV_TOL)
    for name in golden.STATE_OUTPUTS:
        np.testing.assert_allclose(f64(got[name]), want[name], **STATE_TOL)


def assert_rotation_is_the_hadamard(run: Callable[..., tuple[dict, dict, dict]]) -> None:
    """With rotate, kv[:, 0] is the unrotated result times the hadamard matrix (`run(case, rotate)` gives
    (inputs, golden outputs, reference outputs))."""
    _, plain, _ = run("aligned", rotate=False)
    inp, rotated, _ = run("aligned", rotate=True)
    np.testing.assert_allclose(f64(rotated["kv"][:, 0]), f64(plain["kv"][:, 0]) @ f64(inp["hadamard"]), **KV_TOL)


def assert_window_positions(cases: dict[str, int], R: int, S: int) -> None:
    """The three start_pos cases: no compression, a window completed by the last token, and by the first."""
    assert cases["none"] % R + S < R
    assert (cases["aligned"] + S) % R == 0
    assert cases["crossing"] % R == R - 1


def assert_only_token_slots_written(inp: dict, got: dict, slots: list[int], state_len: int) -> None:
    """A step without compression: kv stays zero, the cache untouched, and of the states' `state_len` slots
    exactly the token `slots` change."""
    assert not got["kv"].any()
    assert torch.equal(got["kv_cache"], inp["kv_cache"])
    untouched = [r for r in range(state_len) if r not in slots]
    for name in golden.STATE_OUTPUTS:
        assert torch.equal(got[name][:, untouched], inp[name][:, untouched])
        assert not torch.equal(got[name][:, slots], inp[name][:, slots])
