"""PyPTO scoping end to end: a small compressor-like kernel in pypto-lib idioms, frontend to executor.

The kernel exercises what `pl-ssa` and `pl-outline-tasks` do for values that leave task scopes: a K-blocked
matmul accumulator (`acc = pl.create_tensor` placeholder, then `k0 = kb * K; if k0 == 0: matmul else
matmul_acc`) whose per-block result is assembled into a tensor created inside a `pl.spmd` and read after it;
an online softmax seeded by `mi = mi_seed` (a tensor bound to a name that holds a tile); a tile made in one
`pl.at` and consumed by a later one; a tensor made in a `pl.at` and reshaped by the orchestration; a tile
leaving a task inside an `if` and one inside a loop (the first-iteration guard inside the task).  Outputs are
checked against numpy in float64 (bf16 inputs, f32 accumulation).  Errors: a tile leaving a `pl.spmd`, and
an unprovable first-iteration guard (warning at compile time, a located error only when a run reads it).
"""

from __future__ import annotations

import numpy as np
import pytest

from ppc import pl
from ppc.dialects.diagnostics import PlDiagnostic, capture_diagnostics
from ppc.runtime.errors import PlRuntimeError

ml_dtypes = pytest.importorskip("ml_dtypes")
BF16 = ml_dtypes.bfloat16

T, D, H, KC, RB, R = 16, 64, 32, 16, 8, 4  # tokens, hidden, head, K chunk, rows per spmd block, state slots
KB = D // KC
SCALE = 0.5


@pl.jit
def scoped_compressor(
    x: pl.Tensor[[T, D], pl.BF16],
    w: pl.Tensor[[D, H], pl.BF16],
    state: pl.Tensor[[R, T, H], pl.FP32],
    bias: pl.Tensor[[T, H], pl.FP32],
    use_proj: pl.Scalar[pl.BOOL],
    with_bias: pl.Scalar[pl.BOOL],
    pooled: pl.Out[pl.Tensor[[T, H], pl.FP32]],
    normed: pl.Out[pl.Tensor[[T, H], pl.FP32]],
    sq: pl.Out[pl.Tensor[[1, T], pl.FP32]],
    refined: pl.Out[pl.Tensor[[T, H], pl.FP32]],
):
    # projection: a fresh tensor per spmd block row range, read after the scope
    for rb in pl.spmd(T // RB, name_hint="proj"):
        r0 = rb * RB
        proj = pl.create_tensor([T, H], dtype=pl.FP32)
        acc = pl.create_tensor([RB, H], dtype=pl.FP32)
        for kb in pl.range(KB):
            k0 = kb * KC
            xt = x[r0 : r0 + RB, k0 : k0 + KC]
            wt = w[k0 : k0 + KC, :]
            if k0 == 0:
                acc = pl.matmul(xt, wt, out_dtype=pl.FP32)
            else:
                acc = pl.matmul_acc(acc, xt, wt)
        proj = pl.assemble(proj, acc, [r0, 0])

    # online softmax over the state slots, seeded from the last slot or (use_proj) the projection
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="pool"):
        mi = pl.reshape(state[R - 1 : R, :, :], [T, H])
        oi = mi
        if use_proj:
            mi_seed = pl.create_tensor([T, H], dtype=pl.FP32)
            for b in pl.range(0, T, RB):
                mi_seed = pl.assemble(mi_seed, proj[b : b + RB, :], [b, 0])
            mi = mi_seed
            oi = mi_seed
        li = pl.exp(pl.sub(mi, mi))
        for s in pl.range(R - 1):
            slot = pl.reshape(state[s : s + 1, :, :], [T, H])
            mi_next = pl.maximum(mi, slot)
            alpha = pl.exp(pl.sub(mi, mi_next))
            beta = pl.exp(pl.sub(slot, mi_next))
            li = pl.add(pl.mul(alpha, li), beta)
            oi = pl.add(pl.mul(oi, alpha), pl.mul(slot, beta))
            mi = mi_next
        pooled_tile = pl.div(oi, li)
        pooled = pl.assemble(pooled, pooled_tile, [0, 0])

    # a tile leaving a task inside an if: the bias to add, or zeros
    if with_bias:
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="load_bias"):
            shift = pl.mul(bias[:, :], SCALE)
    else:
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="zero_bias"):
            shift = pl.full([T, H], dtype=pl.FP32, value=0.0)

    # pooled_tile (from "pool") and shift consumed by a later task; a fresh tensor leaves it for the orchestration
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="norm"):
        y = pl.add(pl.mul(pooled_tile, SCALE), shift)
        normed = pl.assemble(normed, y, [0, 0])
        sums = pl.create_tensor([T, 1], dtype=pl.FP32)
        sums = pl.assemble(sums, pl.row_sum(pl.mul(y, y)), [0, 0])
    sums_row = pl.reshape(sums, [1, T])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="sq"):
        sq = pl.assemble(sq, pl.mul(sums_row[:, :], 1.0), [0, 0])

    # a tile leaving a task inside a loop; the first-iteration guard is inside the task
    for it in pl.range(3):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="refine"):
            if it == 0:
                cur = pl.mul(pooled_tile, 1.0)
            else:
                cur = pl.add(pl.mul(cur, 0.5), pooled_tile)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="store_refined"):
        refined = pl.assemble(refined, cur, [0, 0])
    return pooled, normed, sq, refined


def line_of(marker: str) -> int:
    """The line of this file that holds `marker` (a comment naming a source position the test checks)."""
    (line,) = [i for i, text in enumerate(open(__file__).read().splitlines(), 1) if text.endswith(marker)]
    return line


def reference(x, w, state, bias, use_proj: bool, with_bias: bool) -> dict[str, np.ndarray]:
    """The kernel's math in float64 (the kernel rounds through f32; the tolerances cover that)."""
    proj = x.astype(np.float64) @ w.astype(np.float64)
    st = state.astype(np.float64)
    seed = proj if use_proj else st[R - 1]
    scores = np.stack([seed, *st[: R - 1]])
    values = np.stack([seed, *st[: R - 1]])
    p = np.exp(scores - scores.max(axis=0))
    pooled = (p * values).sum(axis=0) / p.sum(axis=0)
    shift = bias.astype(np.float64) * SCALE if with_bias else 0.0
    y = pooled * SCALE + shift
    cur = pooled
    for _ in range(2):
        cur = cur * 0.5 + pooled
    return {"pooled": pooled, "normed": y, "sq": (y * y).sum(axis=1)[None, :], "refined": cur}


def make_inputs(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((T, D)) * 0.5).astype(BF16)
    w = (rng.standard_normal((D, H)) * 0.25).astype(BF16)
    state = rng.standard_normal((R, T, H)).astype(np.float32)
    bias = rng.standard_normal((T, H)).astype(np.float32)
    return x, w, state, bias


def outputs():
    return {"pooled": np.zeros((T, H), np.float32), "normed": np.zeros((T, H), np.float32),
            "sq": np.zeros((1, T), np.float32), "refined": np.zeros((T, H), np.float32)}


@pytest.fixture(scope="module")
def program():
    x, w, state, bias = make_inputs()
    out = outputs()
    with capture_diagnostics() as diagnostics:
        compiled = scoped_compressor.compile(x, w, state, bias, True, True, *out.values())
    assert [str(d) for d in diagnostics] == []  # every first-iteration guard here is proved
    return compiled


@pytest.mark.parametrize("use_proj", [True, False])
@pytest.mark.parametrize("with_bias", [True, False])
def test_kernel_matches_reference(program, use_proj: bool, with_bias: bool):
    x, w, state, bias = make_inputs()
    out = outputs()
    program.run(x, w, state, bias, use_proj, with_bias, *out.values())
    ref = reference(x, w, state, bias, use_proj, with_bias)
    for name, got in out.items():
        np.testing.assert_allclose(got, ref[name], rtol=1e-4, atol=1e-4, err_msg=name)


def test_escaping_values_become_gm_temporaries_and_loads(program):
    ssa = program.ir_after("pl-ssa")
    assert 'pl.spmd (%rb) in %' in ssa and '-> (!pl.tensor<16x32xf32>) attributes {name = "proj"}' in ssa
    assert '-> (!pl.tile<16x32xf32, vec>) attributes {level = #pl.level<core_group>, name = "pool"}' in ssa
    outlined = program.ir_after("pl-outline-tasks")
    assert "%pooled_tile_gm = pl.create_tensor : !pl.tensor<16x32xf32>" in outlined
    assert "%shift_gm = pl.create_tensor" in outlined and "%cur_gm = pl.create_tensor" in outlined
    assert "%sums_gm = pl.create_tensor : !pl.tensor<16x1xf32>" in outlined
    assert "%proj = pl.create_tensor" not in outlined.split("func.func @proj")[1]  # built in the temporary


@pl.jit
def tile_out_of_spmd(x: pl.Tensor[[T, H], pl.FP32], y: pl.Out[pl.Tensor[[T, H], pl.FP32]]):
    for b in pl.spmd(2, name_hint="halves"):  # @halves
        half = pl.exp(x[b * RB : b * RB + RB, :])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="store"):
        y = pl.assemble(y, half, [0, 0])
    return y


def test_tile_leaving_an_spmd_is_a_located_error():
    x = np.zeros((T, H), np.float32)
    with pytest.raises(PlDiagnostic) as err:
        tile_out_of_spmd.compile(x, x)
    assert str(err.value).startswith(f"{__file__}:{line_of('# @halves')}:"), str(err.value)
    assert "value of one block leaves an spmd scope: 'half'" in str(err.value)


@pl.jit
def shifted_accumulator(
    x: pl.Tensor[[T, D], pl.BF16], w: pl.Tensor[[D, H], pl.BF16], start: pl.Scalar[pl.INDEX],
    y: pl.Out[pl.Tensor[[T, H], pl.FP32]],
):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="mm"):
        for kb in pl.range(start, start + KB):
            k0 = (kb - start) * KC
            if kb == 1:  # the first iteration only when start == 1: not provable
                acc = pl.matmul(x[:, k0 : k0 + KC], w[k0 : k0 + KC, :], out_dtype=pl.FP32)
            else:
                acc = pl.matmul_acc(acc, x[:, k0 : k0 + KC], w[k0 : k0 + KC, :])  # @read
        y = pl.assemble(y, acc, [0, 0])
    return y


def test_unprovable_guard_warns_and_fails_only_when_the_undefined_value_is_read():
    x, w, _, _ = make_inputs()
    y = np.zeros((T, H), np.float32)
    with capture_diagnostics() as diagnostics:
        compiled = shifted_accumulator.compile(x, w, 1, y)
    read = line_of("# @read")
    assert [d.severity for d in diagnostics] == ["warning"]
    assert str(diagnostics[0]).startswith(f"{__file__}:{read}:")
    assert "'acc' may be undefined here" in str(diagnostics[0])

    compiled.run(x, w, 1, y)  # start == 1: the then-arm runs first, nothing undefined is read
    np.testing.assert_allclose(y, x.astype(np.float64) @ w.astype(np.float64), rtol=1e-4, atol=1e-4)
    with pytest.raises(PlRuntimeError) as err:
        compiled.run(x, w, 0, np.zeros((T, H), np.float32))
    assert "'acc' is read before it is assigned" in str(err.value)
    assert (err.value.loc.file, err.value.loc.line) == (__file__, read)
