"""Writes through a tensor view (`pl.reshape`) made inside a task scope reach the viewed tensor, as in PyPTO
where a reshape shares the base's memory: in a `pl.at`, a `pl.spmd` block, a loop or branch inside a scope,
and an inline helper given the view.  A form that cannot be honoured is one located error, never a lost write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic

INPUTS = Path(__file__).parent / "Inputs"

HEADER = """
from ppc import pl

@pl.jit.inline
def exp_into(src: pl.Tensor[[32, 32], pl.FP32], dst: pl.Tensor[[32, 32], pl.FP32]):
    dst[0:32, :] = pl.exp(src[0:32, :])

@pl.jit
def main(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
"""

PLACEMENTS = {
    "at": """
    with pl.at(level=pl.Level.CORE_GROUP):
        v = pl.reshape(y, [32, 32])
        v[0:32, :] = pl.exp(pl.reshape(x, [32, 32])[0:32, :])
    return y
""",
    "spmd": """
    for i in pl.spmd(4):
        v = pl.reshape(y, [32, 32])
        v[i * 8:i * 8 + 8, :] = pl.exp(pl.reshape(x, [32, 32])[i * 8:i * 8 + 8, :])
    return y
""",
    "loop_in_task": """
    with pl.at(level=pl.Level.CORE_GROUP):
        v = pl.reshape(y, [32, 32])
        for i in pl.range(4):
            v[i * 8:i * 8 + 8, :] = pl.exp(pl.reshape(x, [32, 32])[i * 8:i * 8 + 8, :])
    return y
""",
    "view_in_loop": """
    with pl.at(level=pl.Level.CORE_GROUP):
        for i in pl.range(4):
            v = pl.reshape(y, [32, 32])
            v[i * 8:i * 8 + 8, :] = pl.exp(pl.reshape(x, [32, 32])[i * 8:i * 8 + 8, :])
    return y
""",
    "view_in_branches": """
    with pl.at(level=pl.Level.CORE_GROUP):
        for i in pl.range(4):
            if i < 2:
                v = pl.reshape(y, [32, 32])
                v[i * 8:i * 8 + 8, :] = pl.exp(pl.reshape(x, [32, 32])[i * 8:i * 8 + 8, :])
            else:
                u = pl.reshape(y, [64, 16])
                u[i * 16:i * 16 + 16, :] = pl.exp(pl.reshape(x, [64, 16])[i * 16:i * 16 + 16, :])
    return y
""",
    "inline_helper": """
    with pl.at(level=pl.Level.CORE_GROUP):
        exp_into(pl.reshape(x, [32, 32]), pl.reshape(y, [32, 32]))
    return y
""",
}


@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
def test_write_through_view_made_in_task_reaches_base(load_kernel, placement):
    main = load_kernel(HEADER + PLACEMENTS[placement])["main"]
    x = (np.arange(16 * 64, dtype=np.float32).reshape(16, 64) - 500) / 300
    y = np.zeros_like(x)
    main(x, y)
    np.testing.assert_allclose(y, np.exp(x), rtol=1e-6)


def test_view_becomes_an_out_of_the_dispatch(load_kernel):
    main = load_kernel(HEADER + PLACEMENTS["view_in_loop"])["main"]
    x = np.zeros((16, 64), np.float32)
    text = str(main.compile(x, x.copy()).module)
    assert "%0 = pl.reshape %y : !pl.tensor<16x64xf32> -> !pl.tensor<32x32xf32>" in text
    assert "outs(%0)" in text


def test_view_of_a_tensor_the_scope_also_assigns_is_refused(load_kernel):
    main = load_kernel(HEADER + """
    with pl.at(level=pl.Level.CORE_GROUP):
        y[0:16, 0:32] = pl.exp(x[0:16, 0:32])
        v = pl.reshape(y, [32, 32])
        v[16:32, :] = pl.exp(pl.reshape(x, [32, 32])[16:32, :])
    return y
""")["main"]
    x = np.zeros((16, 64), np.float32)
    with pytest.raises(PlDiagnostic, match=r"kernel\.py:14:9: error: this write into 'y' through a view made inside "
                       r"the task scope at .*kernel\.py:11:5 would be lost"):
        main(x, x.copy())


def test_pypto_file_writes_through_views_in_tasks(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "task_views.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in "yzw":
        assert f"[RUN]   '{name}' PASS" in done.stdout
