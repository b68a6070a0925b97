"""PyPTO's `pl.prefetch.*` (GM -> L2 warm-up): kept in the IR as `pl.prefetch`, no value effect, a read of
its source (so it runs after the source's writers), PyPTO's operand checks as located errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.parser import Parser
from xdsl.utils.exceptions import VerifyException

from ppc.dialects import PL
from ppc.dialects.diagnostics import PlDiagnostic

INPUTS = Path(__file__).parent / "Inputs"


def test_prefetch_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "prefetch_weights.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "[RUN]   'y' PASS" in done.stdout


KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[4, 8], pl.FP32], y: pl.Out[pl.Tensor[[4, 8], pl.FP32]]):
    t = pl.create_tensor([4, 8], dtype=pl.FP32)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="writer"):
        t[:, :] = pl.exp(x[:, :])
    flat = pl.reshape(t, [32])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="warm"):
        ctx = pl.prefetch.make_context()
        done = pl.prefetch.wait(pl.prefetch.async_prefetch(flat, ctx), pl.prefetch.session(ctx))
        if done:
            y[:, :] = pl.neg(x[:, :])
    return y
"""


def test_prefetch_is_kept_reads_its_source_and_changes_nothing(load_kernel):
    ns = load_kernel(KERNEL)
    x = np.arange(32, dtype=np.float32).reshape(4, 8)
    y = np.zeros_like(x)
    program = ns["main"].compile(x, y)
    assert "pl.prefetch %flat : !pl.tensor<32xf32>" in str(program.module)
    result = program.run(x, y)
    np.testing.assert_array_equal(y, -x)  # wait's done flag is True
    # warm touches t only through the prefetch: that read alone orders it after the task writing t
    names = [t.name for t in result.timeline.tasks]
    assert (names.index("writer"), names.index("warm")) in result.timeline.edges


@pytest.mark.parametrize(
    "body, message",
    [
        ("pl.prefetch.async_prefetch(x, ctx)", r"src must be a flat contiguous 1-D region .*got shape \[4, 8\]"),
        ("pl.prefetch.async_prefetch(x[0:1, :], ctx)", r"src must be a GM tensor .*got !pl.tile"),
        ("pl.prefetch.async_prefetch(pl.reshape(x, [32]), x)", r"expects ctx to be a PrefetchAsyncContext \(the result "
                                                               r"of pl.prefetch.make_context\)"),
        ("pl.prefetch.wait(ctx, pl.prefetch.session(ctx))", r"expects event to be an AsyncEvent"),
        ("pl.prefetch.session()", r"wrong arguments to pl.prefetch.session"),
        ("pl.prefetch.fetch(x)", r"pl.prefetch.fetch is not supported by ppc"),
    ],
)
def test_misuse_is_one_located_error(load_kernel, body, message):
    source = f"""
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[4, 8], pl.FP32], y: pl.Out[pl.Tensor[[4, 8], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        ctx = pl.prefetch.make_context()
        {body}
        y[:, :] = pl.neg(x[:, :])
    return y
"""
    ns = load_kernel(source)
    x = np.zeros((4, 8), np.float32)
    with pytest.raises(PlDiagnostic, match=message) as err:
        ns["main"].compile(x, x.copy())
    assert re.search(r"kernel.py:8:\d+", str(err.value))


def test_outside_a_task_scope_is_refused(load_kernel):
    ns = load_kernel("""
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[32], pl.FP32]):
    ctx = pl.prefetch.make_context()
    return x
""")
    with pytest.raises(PlDiagnostic, match=r"kernel.py:6:\d+.*pl.prefetch.make_context .* must be inside a task scope"):
        ns["main"].compile(np.zeros(32, np.float32))


@pytest.mark.parametrize("t", ["!pl.tensor<4x8xf32>", "!pl.tensor<?xf32>", "!pl.tile<1x8xf32, vec>"])
def test_verifier_refuses_a_non_flat_or_dynamic_or_tile_source(t):
    ctx = Context(allow_unregistered=True)
    ctx.load_dialect(PL)
    text = f'"test.op"() ({{\n^bb0(%x : {t}):\n  pl.prefetch %x : {t}\n}}) : () -> ()'
    with pytest.raises(VerifyException):
        Parser(ctx, text).parse_module().verify()


def test_verifier_accepts_a_flat_static_tensor():
    ctx = Context(allow_unregistered=True)
    ctx.load_dialect(PL)
    t = "!pl.tensor<1x1x32xf32>"
    Parser(ctx, f'"test.op"() ({{\n^bb0(%x : {t}):\n  pl.prefetch %x : {t}\n}}) : () -> ()').parse_module().verify()
