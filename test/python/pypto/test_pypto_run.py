"""`ppc-run --pypto`: pypto-lib style kernel files (Inputs/) run unchanged, with pypto-lib's harness API."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from ppc.frontend import language as pl  # noqa: E402
from ppc.runtime import pypto_golden as golden  # noqa: E402
from ppc.tools.pypto_compat import run_file  # noqa: E402

INPUTS = Path(__file__).parent / "Inputs"


def ppc_run_pypto(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / name), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


def test_passing_file_reports_and_writes_its_swimlane(tmp_path):
    done = ppc_run_pypto("scale_bias.py", "-p", "a2a3sim", "--enable-chip-swimlane", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[RUN]   'y' PASS  shape=(64, 128) dtype=torch.float32 (ratio_allclose(" in done.stdout
    assert "NPU model report (a2a3)" in done.stdout and "Total Test Time" in done.stdout
    trace = tmp_path / "scale_bias.swimlane.json"
    assert f"[RUN] swimlane written to {trace}" in done.stdout
    names = {e.get("name") for e in json.loads(trace.read_text())["traceEvents"]}
    assert "scale_bias" in names


@pytest.mark.parametrize("rows", [40, 7])
def test_dynamic_rows_run_at_any_size(tmp_path, rows):
    done = ppc_run_pypto("dyn_rows.py", "-p", "a2a3sim", "--rows", str(rows), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"--- dyn_rows: T={rows} ---" in done.stdout
    assert f"[RUN]   'y' PASS  shape=({rows}, 128) dtype=torch.float32" in done.stdout


@pytest.mark.parametrize("rows", [37, 16])
def test_out_reread_inside_a_run_time_sized_write(tmp_path, rows):
    """A launch of T_DYN blocks writes every row of `emb`; valid-row windows read it back: no InOut needed."""
    done = ppc_run_pypto("dyn_reread.py", "-p", "a2a3sim", "--rows", str(rows), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"[RUN]   'y' PASS  shape=({rows}, 128) dtype=torch.float32" in done.stdout


def test_failing_golden_exits_1_with_a_fail_line(tmp_path):
    done = ppc_run_pypto("wrong_golden.py", "-p", "a5sim", cwd=tmp_path)
    assert done.returncode == 1
    assert "NPU model report (a5)" in done.stdout
    assert "[RUN]   'y' FAIL  shape=(64, 128) dtype=torch.float32" in done.stdout
    assert "Output(s) does not match golden: ['y']" in done.stdout and "Mismatched elements" in done.stdout
    assert not list(tmp_path.iterdir())  # no swimlane asked for


def test_compile_error_is_one_located_line(tmp_path):
    done = ppc_run_pypto("read_out.py", "-p", "a2a3sim", cwd=tmp_path)
    assert done.returncode == 1
    (line,) = [x for x in done.stderr.splitlines() if ": error: " in x]
    assert line.startswith(f"{INPUTS / 'read_out.py'}:14:")
    assert "'y' is declared Out" in line and "Traceback" not in done.stderr


def test_multi_card_import_is_one_located_line(tmp_path):
    done = ppc_run_pypto("multi_card.py", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == (f"{INPUTS / 'multi_card.py'}:4:1: error: pypto.language.distributed: "
                                   "multi-card kernels are not supported (ppc models one chip)")


@pytest.fixture
def checkout(tmp_path):
    """A pypto-lib-like checkout: models/demo/kernel.py, a root helper package, and a `golden/` that must lose."""
    root = tmp_path / "pypto-lib"
    (root / "models" / "demo").mkdir(parents=True)
    (root / "helpers").mkdir()
    (root / "golden").mkdir()
    (root / "helpers" / "__init__.py").write_text("FACTOR = 3\n")
    (root / "golden" / "__init__.py").write_text("raise RuntimeError('the checkout golden was imported')\n")
    (root / "models" / "demo" / "utils.py").write_text("ROWS = 8\n")
    return root


def write_kernel(checkout: Path, body: str) -> Path:
    path = checkout / "models" / "demo" / "kernel.py"
    path.write_text(textwrap.dedent(body))
    return path


def test_imports_resolve_for_the_run_only(checkout, capsys):
    kernel = write_kernel(checkout, '''
        import sys
        import pypto.language as pl
        import golden
        from golden import TensorSpec, ratio_reldiff, topk_pair_compare
        from helpers import FACTOR
        from utils import ROWS

        if __name__ == "__main__":
            print(pl.__name__, golden.__name__, FACTOR * ROWS, sys.argv[1:], type(pl.jit).__name__)
            raise SystemExit(3)
    ''')
    assert run_file(str(kernel), ["-p", "a2a3sim"]) == 3
    assert capsys.readouterr().out.split() == ["ppc.frontend.language", "ppc.runtime.pypto_golden", "24",
                                               "['-p',", "'a2a3sim']", "JitDecorator"]
    assert not hasattr(pl, "__path__") and pl.__spec__.name == "ppc.frontend.language"
    assert "golden" not in sys.modules and not any(m.split(".")[0] == "pypto" for m in sys.modules)
    with pytest.raises(ImportError):
        __import__("pypto.language")


def test_unsupported_pl_name_is_a_located_line(checkout, capsys):
    kernel = write_kernel(checkout, '''
        import pypto.language as pl

        N = pl.not_a_ppc_construct(4)
    ''')
    assert run_file(str(kernel), []) == 1
    assert capsys.readouterr().err.strip() == f"{kernel}:4:5: error: pl.not_a_ppc_construct is not supported by ppc"


def test_other_pypto_modules_and_replay_options_are_located_lines(checkout, capsys):
    kernel = write_kernel(checkout, '''
        from golden import run_jit

        run_jit(None, [], runtime_dir="build_output")
    ''')
    assert run_file(str(kernel), []) == 1
    assert capsys.readouterr().err.strip() == (f"{kernel}:4:1: error: golden_data / runtime_dir replay "
                                               "of a device build is not supported by ppc")
    write_kernel(checkout, "from pypto.ir.printer import python_print\n")
    assert run_file(str(kernel), []) == 1
    assert "kernel.py:1:1: error: ModuleNotFoundError: No module named 'pypto.ir.printer'" in capsys.readouterr().err
    write_kernel(checkout, "from pypto.backend import BackendType\nfrom pypto.runtime import RunConfig, DistributedWorker\n")
    assert run_file(str(kernel), []) == 1
    assert capsys.readouterr().err.strip() == (f"{kernel}:2:1: error: pypto.runtime.DistributedWorker is not supported "
                                               "by ppc: multi-card kernels are not supported (ppc models one chip)")


# ------------------------------------------------------------------------------------------- harness API
def check(cmp, actual, expected, rtol=1e-5, atol=1e-5, **outputs):
    return cmp(actual, expected, actual_outputs=outputs, expected_outputs={}, inputs=outputs, rtol=rtol, atol=atol)


def test_tensor_spec_init_values():
    assert golden.TensorSpec("a", [2, 3], torch.float32).create_tensor().eq(0).all()
    assert golden.TensorSpec("a", [2], torch.int32, init_value=7).create_tensor().tolist() == [7, 7]
    made = golden.TensorSpec("a", [4, 5], torch.bfloat16, init_value=torch.rand).create_tensor()
    assert made.shape == (4, 5) and made.dtype == torch.bfloat16
    made = golden.TensorSpec("a", [3], torch.float16, init_value=lambda: [1.0, 2.0, 3.0]).create_tensor()
    assert made.dtype == torch.float16 and made.tolist() == [1.0, 2.0, 3.0]
    assert golden.ScalarSpec("s", torch.float32, 0.1).to_python() == torch.tensor(0.1).item()
    with pytest.raises(ValueError):
        golden.ScalarSpec("s", torch.int32, 1.5)


def test_ratio_allclose_counts_like_pypto_lib():
    expected = torch.zeros(1000)
    two_bad, three_bad = expected.clone(), expected.clone()
    two_bad[:2], three_bad[:3] = 1.0, 1.0
    cmp = golden.ratio_allclose(atol=1e-3, max_error_ratio=0.0025)  # round(2.5) = 2 points allowed
    assert check(cmp, two_bad, expected)[0]
    ok, detail = check(cmp, three_bad, expected)
    assert not ok and "3/1000" in detail
    strict = golden.ratio_allclose(max_error_ratio=0.0)  # atol=None: the run's atol
    assert not check(strict, two_bad, expected, atol=0.5)[0]
    assert check(strict, two_bad, expected, atol=1.0)[0]
    nan = expected.clone()
    nan[5] = float("nan")
    assert "NaN=1" in check(golden.ratio_allclose(atol=1.0), expected, nan)[1]


def test_ratio_reldiff_floors_small_differences():
    expected = torch.tensor([1e-4, 1.0, 100.0, 100.0])
    small_abs = expected + torch.tensor([5e-3, 0.0, 0.0, 0.0])  # relative 50x, absolute below diff_thd
    assert check(golden.ratio_reldiff(diff_thd=0.01, pct_thd=0.0), small_abs, expected)[0]
    one_far = expected * torch.tensor([1.0, 1.0, 1.0, 1.05])
    assert not check(golden.ratio_reldiff(diff_thd=0.01, pct_thd=0.0), one_far, expected)[0]
    assert check(golden.ratio_reldiff(diff_thd=0.01, pct_thd=0.25), one_far, expected)[0]
    assert not check(golden.ratio_reldiff(diff_thd=0.01, pct_thd=0.25, max_diff_hd=0.02), one_far, expected)[0]


def test_topk_pair_compare_allows_tie_swaps_only():
    cmp = golden.topk_pair_compare("vals")
    want = torch.tensor([[4, 7, 1]])
    tie = torch.tensor([[0.9, 0.5, 0.5]])
    assert check(cmp, torch.tensor([[4, 1, 7]]), want, vals=tie)[0]
    ok, detail = check(cmp, torch.tensor([[4, 1, 7]]), want, vals=torch.tensor([[0.9, 0.4, 0.5]]))
    assert not ok and "actual_idx=1 expected_idx=7" in detail


def test_mapped_pool_checks_mapped_rows_and_keeps_the_rest():
    cmp = golden.mapped_pool_ratio_allclose("slots", mapping_shape=(2,), block_size=2, atol=1e-3, rtol=0.0,
                                            max_error_ratio=0.0)
    expected = torch.zeros(2, 2, 4)  # 2 blocks x 2 rows
    slots = torch.tensor([3, -1])
    actual = expected.clone()
    actual[1, 1] = 5e-4  # row 3, mapped, within atol
    assert check(cmp, actual, expected, slots=slots)[0]
    actual[0, 0] = 1.0  # row 0, unmapped, changed
    ok, detail = check(cmp, actual, expected, slots=slots)
    assert not ok and "unmapped pool row changed: rank=0 row=0" in detail


def ppc_run_staged(staging: str, name: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ppc.tools.run", "--out-staging", staging, "--pypto", str(INPUTS / name)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("name", ["half_written.py", "boundary_rows.py"])
def test_an_out_not_fully_written_gets_the_zeros_its_golden_expects_from_todays_staging(tmp_path, name):
    """Today's simpler gives an Out fresh device memory, which reads as zeros: rows never written (statically,
    or by a run-time condition as in the DeepSeek-V4 decode compressors) match a golden that leaves them 0;
    the compile-time warning still names what is never written."""
    done = ppc_run_pypto(name, "-p", "a2a3sim", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout and "FAIL" not in done.stdout
    never = {"half_written.py": "'y' is declared Out but y[32:64, 0:128]",
             "boundary_rows.py": "'kv' is declared Out but kv[0:4, 1:2, 0:128]"}[name]
    assert never + " is never written" in done.stderr


@pytest.mark.parametrize("staging", ["zeroed", "copied"])
def test_older_simpler_stagings_give_the_zeros_the_golden_expects(tmp_path, staging):
    done = ppc_run_staged(staging, "half_written.py", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[RUN]   'y' PASS" in done.stdout


@pytest.mark.parametrize(("name", "out"), [("half_written.py", "y"), ("boundary_rows.py", "kv")])
def test_poison_staging_shows_the_elements_an_out_never_gets(tmp_path, name, out):
    done = ppc_run_staged("poison", name, tmp_path)
    assert done.returncode == 1
    assert f"[RUN]   '{out}' FAIL" in done.stdout


def test_an_unknown_out_staging_is_a_usage_error(tmp_path):
    done = ppc_run_staged("garbage", "half_written.py", tmp_path)
    assert done.returncode == 2 and "invalid choice: 'garbage'" in done.stderr


def test_op_surface_file_passes_its_golden(tmp_path):
    """rsqrt/log/transpose/arange(start, shape)/row_min/col_expand_expdif, a padded valid_shape slice, a
    batched matmul and a pl.split hint, all as pypto-lib writes them."""
    done = ppc_run_pypto("op_surface.py", "-p", "a2a3sim", cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    for name, shape in [("y", "(16, 64)"), ("xt", "(64, 16)"), ("padded", "(16, 32)"), ("z", "(1, 16, 32)")]:
        assert f"[RUN]   '{name}' PASS  shape={shape}" in done.stdout


def test_an_out_read_before_written_follows_the_staging_of_its_era(tmp_path):
    """Files of the copied-Out era add into their Out: under that staging the caller's data is what they read
    (the golden checks it), with a note at the read; under the zeroed staging they read zeros; under today's
    staging the same file is a located error."""
    done = ppc_run_staged("copied", "copied_out.py", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[RUN]   'y' PASS" in done.stdout
    assert f"{INPUTS / 'copied_out.py'}:15:" in done.stderr and "treated as InOut" in done.stderr
    refused = ppc_run_staged("undefined", "copied_out.py", tmp_path)
    assert refused.returncode == 1
    assert f"{INPUTS / 'copied_out.py'}:15:" in refused.stderr and "mark it pl.InOut" in refused.stderr
    # zero-filled Outs (simpler mid-June to mid-July 2026): the read is defined, it sees zeros, which this file's
    # golden (written for the copied era) does not expect
    zeroed = ppc_run_staged("zeroed", "copied_out.py", tmp_path)
    assert zeroed.returncode == 1 and "[RUN]   'y' FAIL" in zeroed.stdout
    assert "with the zeroed Out staging an element not yet written reads as zero" in zeroed.stderr


def test_the_direction_passes_know_the_stagings_the_runtime_offers():
    from ppc.passes.infer_directions import OUT_STAGING_NAMES, STAGINGS_WITH_OLD_CONTENTS
    from ppc.runtime.arguments import OUT_STAGINGS

    assert set(OUT_STAGING_NAMES) == set(OUT_STAGINGS)
    assert set(STAGINGS_WITH_OLD_CONTENTS) < set(OUT_STAGINGS)
