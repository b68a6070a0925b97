"""`pl.system.syncall`: a hard barrier among the blocks of one `pl.spmd` task. Blocks run phase by phase (what
one block writes before a barrier is what another reads after it), the launch must fill the chip with
sync_start, every block must reach every barrier, and the NPU model waits for the slowest block per phase."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime.errors import PlRuntimeError
from ppc.runtime.npu import A2A3, TileOp
from ppc.runtime.npu.phases import phase_slices, phased_works

INPUTS = Path(__file__).parent / "Inputs"

RING = """
from ppc import pl

N = BLOCKS
R = 8

@pl.jit
def main(x: pl.Tensor[[N * R, 64], pl.FP32], y: pl.Out[pl.Tensor[[N * R, 64], pl.FP32]]):
    scratch = pl.create_tensor([N * R, 64], dtype=pl.FP32)
    with pl.spmd(N, name_hint="ring"SYNC_START):
        b = pl.tile.get_block_idx()
        t = pl.mul(x[b * R:(b + 1) * R, :], 2.0)
        scratch[b * R:(b + 1) * R, :] = t
        BARRIER
        nb = (b + 1) % N
        y[b * R:(b + 1) * R, :] = pl.add(scratch[nb * R:(nb + 1) * R, :], t)
    return y
"""


def ring(load_kernel, barrier="pl.system.syncall(core_type='aiv_only')", blocks=48, sync_start=True):
    source = RING.replace("BARRIER", barrier).replace("BLOCKS", str(blocks))
    ns = load_kernel(source.replace("SYNC_START", ", sync_start=True" if sync_start else ""))
    x = np.arange(blocks * 8 * 64, dtype=np.float32).reshape(blocks * 8, 64)
    y = np.zeros_like(x)
    ns["main"](x, y)
    return x, y


def test_a_block_reads_after_the_barrier_what_another_wrote_before_it(load_kernel):
    x, y = ring(load_kernel)
    np.testing.assert_array_equal(y, np.roll(2 * x, -8, axis=0) + 2 * x)


def test_without_the_barrier_block_0_reads_rows_not_yet_written(load_kernel):
    x, y = ring(load_kernel, barrier="pass")
    assert not np.array_equal(y[:8], 2 * x[8:16] + 2 * x[:8])


OUT_READ = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[384, 64], pl.FP32], y: pl.Out[pl.Tensor[[384, 64], pl.FP32]],
         z: pl.Out[pl.Tensor[[384, 64], pl.FP32]]):
    with pl.spmd(48, sync_start=True):
        b = pl.tile.get_block_idx()
        y[b * 8:(b + 1) * 8, :] = pl.mul(x[b * 8:(b + 1) * 8, :], 2.0)
        BARRIER
        nb = (b + 1) % 48
        z[b * 8:(b + 1) * 8, :] = pl.add(y[nb * 8:(nb + 1) * 8, :], 1.0)
    return y, z
"""


def test_reading_an_out_another_block_wrote_before_the_barrier_is_not_an_old_contents_read(load_kernel):
    ns = load_kernel(OUT_READ.replace("BARRIER", "pl.system.syncall(core_type='aiv_only')"))
    x = np.arange(384 * 64, dtype=np.float32).reshape(384, 64)
    y, z = np.zeros_like(x), np.zeros_like(x)
    ns["main"](x, y, z)
    np.testing.assert_array_equal(z, np.roll(2 * x, -8, axis=0) + 1)


def test_without_the_barrier_that_read_may_see_old_contents(load_kernel):
    ns = load_kernel(OUT_READ.replace("BARRIER", "pass"))
    x = np.zeros((384, 64), np.float32)
    with pytest.raises(PlDiagnostic, match=r"'y' is declared Out .* but its old contents may be read here"):
        ns["main"](x, x.copy(), x.copy())


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"blocks": 47}, r"needs its pl.spmd to fill the chip: a2a3 has 48 AIV cores, the task launches 47 blocks"),
    ({"sync_start": False}, r"needs its pl.spmd launched with sync_start=True"),
    ({"barrier": "pl.system.syncall(core_type='mix')"},
     r"syncall\(core_type='mix'\) in kernel 'ring', which has no cube work, can never complete"),
    ({"barrier": "if b < 3:\n            pl.system.syncall(core_type='aiv_only')"},
     r"block 3 ends without reaching this pl.syncall, which block 0 waits at"),
])
def test_launches_that_hang_on_the_device_are_refused(load_kernel, kwargs, message):
    with pytest.raises(PlRuntimeError, match=r"kernel.py:\d+:\d+: error: orchestration 'main': .*" + message):
        ring(load_kernel, **kwargs)


def test_an_error_in_a_later_phase_names_its_block(load_kernel):
    with pytest.raises(PlRuntimeError, match=r"kernel 'ring' block 47: .*out of bounds"):
        ring(load_kernel, barrier="pl.system.syncall(core_type='aiv_only')\n        y[b * R + 8:(b + 2) * R, :] = t")


@pytest.mark.parametrize(("barrier", "message"), [
    ("pl.system.syncall(core_type='aiv_only', mode='soft')", r"\(mode='soft'\) .* is not supported by ppc"),
    ("pl.system.syncall(core_type='vector')", r" core_type must be one of mix, aiv_only, aic_only, got 'vector'"),
    ("pl.system.syncall(gm_workspace=x)", r"\(mode='hard'\) takes no gm_workspace/used_cores"),
])
def test_bad_arguments_are_located(load_kernel, barrier, message):
    with pytest.raises(PlDiagnostic, match=r"kernel.py:14:9: error: pl.system.syncall" + message):
        ring(load_kernel, barrier=barrier)


@pytest.mark.parametrize("where", ["outside", "at"])
def test_a_barrier_outside_a_spmd_body_is_refused(load_kernel, where):
    scope = "with pl.at(level=pl.Level.CORE_GROUP):\n        " if where == "at" else ""
    source = RING.replace("BARRIER", "pass").replace("BLOCKS", "48").replace("SYNC_START", "")
    source = source.replace("    with pl.spmd", f"    {scope}pl.system.syncall(core_type='aiv_only')\n    with pl.spmd")
    with pytest.raises(PlDiagnostic, match=r"kernel.py:\d+:\d+: error: pl.system.syncall is a barrier among the "
                       r"blocks of a pl.spmd task: it must be inside a pl.spmd body"):
        load_kernel(source)["main"](np.zeros((384, 64), np.float32), np.zeros((384, 64), np.float32))


def test_the_verifier_keeps_the_op_in_spmd_bodies():
    from xdsl.utils.exceptions import VerifyException

    from ppc.dialects.task_ops import AtOp, SyncallOp

    at = AtOp([], _region_with(SyncallOp("mix")))
    with pytest.raises(VerifyException, match="only valid inside a pl.spmd task body"):
        at.body.block.first_op.verify_()


def _region_with(op):
    from xdsl.ir import Block, Region

    from ppc.dialects.task_ops import YieldOp

    return Region(Block([op, YieldOp()]))


def test_phases_split_a_blocks_ops_and_drop_deps_across_a_barrier():
    ops = [TileOp("a", "VEC", 1), TileOp("b", "VEC", 1, deps=(0,)), TileOp("c", "VEC", 1, deps=(0, 1))]
    assert [[o.deps for o in p] for p in phase_slices(ops, [1])] == [[()], [(), (0,)]]


def test_every_block_waits_for_the_slowest_block_of_each_phase():
    slow, fast = TileOp("slow", "VEC", 100), TileOp("fast", "VEC", 10)
    works = phased_works([([slow, fast], [1]), ([fast, slow], [1])], "AIV", A2A3)
    barrier = A2A3.syncall_us * A2A3.cycles_per_us
    assert [w.cycles for w in works] == [100 + 100 + barrier] * 2


def test_kernel_file_runs_three_phases_through_ppc_run(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "syncall_phases.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "[RUN]   'out' PASS" in done.stdout
    assert "split_k                               1     24" in done.stdout
