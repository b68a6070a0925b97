"""PyPTO's two `pl.mrgsort` formats: format 1 merges each four sorted runs of `block_len` words, format 2
merges 2-4 sorted lists with ties going to the earlier list; the options ppc cannot honour exactly are
located errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ppc import pl
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.runtime import numerics

INPUTS = Path(__file__).parent / "Inputs"


def _pairs(values, ids) -> np.ndarray:
    out = np.empty((1, 2 * len(values)), np.float32)
    out[0, 0::2] = values
    out[0, 1::2] = np.asarray(ids, np.uint32).view(np.float32)
    return out


def _ids(pairs: np.ndarray) -> list[int]:
    return pairs[0, 1::2].copy().view(np.uint32).tolist()


def test_merge_of_lists_keeps_list_order_on_ties():
    a, b, c = _pairs([5, 3, 3], [0, 1, 2]), _pairs([4, 3], [10, 11]), _pairs([3, 1, 0, 0], [20, 21, 22, 23])
    merged = numerics.mrgsort_lists([a, b, c])
    assert merged[0, 0::2].tolist() == [5, 4, 3, 3, 3, 3, 1, 0, 0]
    assert _ids(merged) == [0, 10, 1, 2, 11, 20, 21, 22, 23]


def test_format_one_merges_groups_of_four_runs():
    runs = [[9, 1], [8, 2], [7, 3], [6, 4], [5, 5], [4, 4], [3, 3], [2, 2]]  # runs of 2 pairs = 4 words
    pairs = _pairs([v for r in runs for v in r], range(16))
    merged = numerics.mrgsort(pairs, 4)
    assert merged[0, 0::2].tolist() == [9, 8, 7, 6, 4, 3, 2, 1] + [5, 5, 4, 4, 3, 3, 2, 2]
    assert _ids(merged)[8:] == [8, 9, 10, 11, 12, 13, 14, 15]


def test_merge_sort_file_passes_its_golden(tmp_path):
    pytest.importorskip("torch")
    command = [sys.executable, "-m", "ppc.tools.run", "--pypto", str(INPUTS / "merge_sort.py"), "-p", "a2a3sim"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    for name in ("wide_values", "wide_ids", "narrow_ids"):
        assert f"[RUN]   '{name}' PASS" in done.stdout


KERNEL = """
from ppc import pl

@pl.jit
def main(x: pl.Tensor[[1, 128], pl.FP32], y: pl.Out[pl.Tensor[[1, 128], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP):
        a = x[:, 0:64]
        b = x[:, 64:128]
        y[:, :] = CALL
    return y
"""


def test_tile_form_with_its_tmp_merges(load_kernel):
    ns = load_kernel(KERNEL.replace("CALL", "pl.tile.mrgsort(a, b, tmp=pl.create_tile([1, 128], dtype=pl.FP32))"))
    x = np.concatenate([_pairs([6, 4, 2] + [0] * 29, range(32)), _pairs([5, 4, 3] + [0] * 29, range(32, 64))], 1)
    y = np.zeros_like(x)
    ns["main"](x, y)
    assert y[0, 0::2].tolist()[:6] == [6, 5, 4, 4, 3, 2]
    assert _ids(y)[:6] == [0, 32, 1, 33, 34, 2]  # the 4 of list a before the 4 of list b


@pytest.mark.parametrize(
    "call, message",
    [
        ("pl.mrgsort(a, b, exhausted=True)", r"exhausted=True is not supported by ppc"),
        ("pl.mrgsort(a, b, tmp=a)", r"tmp of pl.mrgsort must have the merged shape \[1, 128\], got \[1, 64\]"),
        ("pl.mrgsort(x[:, :], b, block_len=64)", r"block_len= \(format 1\) takes no other lists"),
        ("pl.mrgsort(x[:, :])", r"needs block_len= \(format 1\) or 2-4 sorted lists"),
        ("pl.mrgsort(x[:, :], block_len=64)", r"row length 128 must be a multiple of 4 \* block_len \(64\)"),
        ("pl.mrgsort(a, pl.cast(b, pl.BF16))", r"list 1 .* does not match list 0"),
    ],
)
def test_unsupported_forms_are_located_errors(load_kernel, call, message):
    ns = load_kernel(KERNEL.replace("CALL", call))
    with pytest.raises(PlDiagnostic, match=message) as info:
        ns["main"].lower(pl.Tensor[[1, 128], pl.FP32], pl.Out[pl.Tensor[[1, 128], pl.FP32]])
    assert info.value.loc.line == 9  # the CALL line
