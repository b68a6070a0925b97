"""`ppc-pypto-corpus`: the per-file table of a (tiny, fake) pypto-lib checkout."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

pytest.importorskip("torch")

from ppc.tools.pypto_corpus import main  # noqa: E402

KERNEL = '''
import pypto.language as pl

ROWS, COLS = 32, 64


@pl.jit
def double(x: pl.Tensor[[ROWS, COLS], pl.FP32], y: pl.Out[pl.Tensor[[ROWS, COLS], pl.FP32]]):
    for i in pl.spmd(2, name_hint="double"):
        y[i * 16:i * 16 + 16, :] = pl.add(x[i * 16:i * 16 + 16, :], x[i * 16:i * 16 + 16, :])
    return y


def golden(tensors):
    tensors["y"][:] = tensors["x"] * {factor}


def main():
    import argparse

    import torch
    from golden import TensorSpec, run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", default="a2a3"{choices})
    parser.add_argument("--num-tokens", type=int, default=ROWS)
    args = parser.parse_args()
    specs = [TensorSpec("x", [ROWS, COLS], torch.float32, init_value=torch.randn),
             TensorSpec("y", [ROWS, COLS], torch.float32, is_output=True)]
    result = run_jit(fn=double, specs=specs, golden_fn=golden, runtime_cfg=dict(platform=args.platform))
    if not result.passed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
'''

FILES = {
    "models/demo/config.py": "ROWS = 32\n",  # no __main__: a helper, not a kernel file
    "models/demo/twice.py": KERNEL.format(factor=2, choices=""),  # golden run reached through main(): passes
    # its golden disagrees; its -p leaves out a2a3sim
    "models/demo/thrice.py": KERNEL.format(factor=3, choices=", choices=['a2a3', 'a5']"),
    "models/demo/comm.py": "import pypto.language.distributed as pld\n",
    "models/demo/allreduce.py": "import pypto.language as pl\n\nfrom comm import pld\n\n"
                                "if __name__ == '__main__':\n    from golden import run_jit\n    run_jit(pl, [])\n",
    "models/slow/spin.py": "if __name__ == '__main__':\n    while True:\n        pass\n",  # no golden run
    # spins at its full size, finishes at --num-tokens 8
    "models/sized/big.py": "import argparse\n\nif __name__ == '__main__':\n    parser = argparse.ArgumentParser()\n"
                           "    parser.add_argument('-p')\n    parser.add_argument('--num-tokens', type=int, default=64)\n"
                           "    while parser.parse_args().num_tokens > 8:\n        pass\n",
}


@pytest.fixture
def checkout(tmp_path):
    root = tmp_path / "pypto-lib"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


def cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]


def test_table_rows_and_summary(checkout, tmp_path, capsys):
    md, js = tmp_path / "table.md", tmp_path / "table.json"
    assert main([str(checkout), "--models", "models/demo", "--markdown", str(md), "--json", str(js)]) == 0
    table = md.read_text()
    assert capsys.readouterr().out == table
    rows = [cells(line) for line in table.splitlines() if line.startswith("| models/")]
    assert [r[0] for r in rows] == ["models/demo/allreduce.py", "models/demo/thrice.py", "models/demo/twice.py"]
    allreduce, thrice, twice = rows
    assert allreduce[1:6] == ["multi-card", "yes", "a2a3sim", "no (exit 1)", "-"]
    assert allreduce[9] == ("`models/demo/comm.py:1:1: error: pypto.language.distributed: multi-card kernels are "
                            "not supported (ppc models one chip)`")
    assert thrice[1:6] == ["single-chip", "yes", "a2a3", "no (exit 1)", "FAIL 0/1"] and thrice[8] == "--num-tokens"
    assert thrice[9].startswith("`[RUN]   'y' FAIL  shape=(32, 64) dtype=torch.float32")
    assert twice[1:6] == ["single-chip", "yes", "a2a3sim", "yes", "PASS 1/1"] and twice[9] == ""
    assert float(twice[7]) > 0  # the modelled Total Test Time
    assert "**3 files, 2 single-chip with golden, 1 pass = 50.0% (1 multi-card)**" in table
    causes = [cells(line) for line in table.split("**")[-1].splitlines() if line.startswith("| `")]
    assert sorted(causes) == [["`an output does not match its golden ([RUN] ... FAIL)`", "1"],
                              ["`pypto.language.distributed: multi-card kernels are not supported`", "1"]]
    data = json.loads(js.read_text())
    assert data["summary"] == {"files": 3, "multi_card": 1, "single_chip_golden": 2, "pass": 1, "pass_percent": 50.0}
    assert [r["exit_code"] for r in data["rows"]] == [1, 1, 0]


def test_a_file_past_its_timeout_is_killed(checkout, capsys):
    assert main([str(checkout), "--models", "models/slow", "--timeout", "3"]) == 0
    (spin,) = [cells(line) for line in capsys.readouterr().out.splitlines() if line.startswith("| models/")]
    assert spin[:6] == ["models/slow/spin.py", "single-chip", "no", "a2a3sim", "timeout", "-"]
    assert 3 <= float(spin[6]) < 10 and spin[9] == "`timeout after 3 s`"


def test_a_file_too_slow_at_full_size_runs_at_its_reduced_size(checkout, tmp_path, capsys):
    sizes, js = tmp_path / "sizes.json", tmp_path / "table.json"
    sizes.write_text(json.dumps({"models/sized/big.py": ["--num-tokens", "8"]}))
    assert main([str(checkout), "--models", "models/sized", "--timeout", "8", "--reduced", str(sizes),
                 "--json", str(js)]) == 0
    (big,) = [cells(line) for line in capsys.readouterr().out.splitlines() if line.startswith("| models/")]
    assert big[4] == "yes" and big[8] == "--num-tokens; **ran with `--num-tokens 8`** (full size: timeout after 8 s)"
    (row,) = json.loads(js.read_text())["rows"]
    assert row["reduced_args"] == ["--num-tokens", "8"] and row["exit_code"] == 0 and row["seconds"] >= 8
    # without the map the same file is a timeout
    assert main([str(checkout), "--models", "models/sized", "--timeout", "3"]) == 0
    assert "timeout after 3 s" in capsys.readouterr().out


def test_a_malformed_reduced_map_is_one_error(checkout, tmp_path, capsys):
    sizes = tmp_path / "sizes.json"
    sizes.write_text(json.dumps({"models/sized/big.py": "--num-tokens 8"}))
    assert main([str(checkout), "--reduced", str(sizes)]) == 1
    assert capsys.readouterr().err == (f"ppc-pypto-corpus: error: {sizes}: expected a JSON object mapping each file "
                                       "to a list of argument strings\n")


def test_missing_models_folder_is_one_error(tmp_path, capsys):
    assert main([str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"ppc-pypto-corpus: error: no folder {tmp_path.resolve() / 'models'}\n"
