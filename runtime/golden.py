"""Golden harness: run a `@pl.jit` entry on generated inputs and compare its outputs with a torch golden.

`specs` list the entry's parameters in order (`TensorSpec` for tensors, `ScalarSpec` for scalars). Inputs
are drawn from a seeded generator; the kernel runs on numpy copies and the golden on torch copies of the
same data, so both start from identical bits. `golden_fn(tensors)` receives a dict name -> torch tensor
(scalars as Python values) and either writes the output tensors in place or returns a dict of them.
Comparators turn (actual, expected) into a pass/fail `Comparison` with a one-line summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .arguments import is_torch_tensor, torch_as_numpy
from .dtypes import BF16

_NAMED_DTYPES = {
    "bf16": BF16, "bfloat16": BF16, "f16": np.float16, "fp16": np.float16, "float16": np.float16, "half": np.float16,
    "f32": np.float32, "fp32": np.float32, "float32": np.float32, "float": np.float32, "f64": np.float64,
    "float64": np.float64, "double": np.float64, "i8": np.int8, "int8": np.int8, "i16": np.int16, "int16": np.int16,
    "i32": np.int32, "int32": np.int32, "int": np.int32, "i64": np.int64, "int64": np.int64, "long": np.int64,
    "index": np.int64, "ui32": np.uint32, "uint32": np.uint32, "u8": np.uint8, "uint8": np.uint8, "i1": np.bool_,
    "bool": np.bool_,
}  # fmt: skip


def as_numpy_dtype(dtype: Any) -> np.dtype:
    """A numpy dtype from a pl dtype (`pl.BF16`), a torch dtype, a numpy/ml_dtypes dtype or a name ("bf16")."""
    if hasattr(dtype, "mlir"):  # pl.DType
        dtype = dtype.mlir
    elif type(dtype).__module__.split(".")[0] == "torch":
        dtype = str(dtype).removeprefix("torch.")
    if isinstance(dtype, str):
        if dtype.lower() not in _NAMED_DTYPES:
            raise ValueError(f"unknown dtype {dtype!r}")
        return np.dtype(_NAMED_DTYPES[dtype.lower()])
    return np.dtype(dtype)


@dataclass(frozen=True)
class TensorSpec:
    """A tensor parameter. `init_value`: None = random (outputs: zeros), a number = filled, an array or
    tensor = copied, or a callable `(shape, rng) -> array`."""

    name: str
    shape: Sequence[int]
    dtype: Any
    init_value: Any = None
    is_output: bool = False


@dataclass(frozen=True)
class ScalarSpec:
    name: str
    dtype: Any
    value: Any


Spec = TensorSpec | ScalarSpec


def _random(shape: tuple[int, ...], dtype: np.dtype, rng: np.random.Generator) -> np.ndarray:
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(np.bool_)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = max(info.min, -1000), min(info.max, 1000)
        return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)
    return rng.standard_normal(shape).astype(np.float32).astype(dtype)


def make_inputs(specs: Sequence[Spec], seed: int = 0) -> dict[str, Any]:
    """Numpy arrays (and scalars) for the specs, in order, reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    values: dict[str, Any] = {}
    for spec in specs:
        if isinstance(spec, ScalarSpec):
            values[spec.name] = spec.value
            continue
        shape, dtype = tuple(spec.shape), as_numpy_dtype(spec.dtype)
        init = spec.init_value
        if init is None:
            array = np.zeros(shape, dtype) if spec.is_output else _random(shape, dtype, rng)
        elif callable(init):
            array = np.asarray(init(shape, rng)).astype(dtype)
        elif is_torch_tensor(init):
            array = to_numpy(init).astype(dtype, copy=False)  # to_numpy already copied
        elif np.isscalar(init):
            array = np.full(shape, init, dtype)
        else:
            array = np.asarray(init).astype(dtype)
        if array.shape != shape:
            raise ValueError(f"init_value of {spec.name!r} has shape {list(array.shape)}, expected {list(shape)}")
        values[spec.name] = np.ascontiguousarray(array)
    return values


def to_numpy(tensor) -> np.ndarray:
    """A numpy copy of a torch tensor (bf16 bit-exact, as ml_dtypes bfloat16)."""
    import torch

    t = tensor.detach().cpu()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(BF16).copy()
    return t.numpy().copy()


def to_torch(array: np.ndarray):
    """A torch copy of a numpy array (bf16 bit-exact)."""
    import torch

    if array.dtype == BF16:
        return torch.from_numpy(array.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(array.copy())


# ------------------------------------------------------------------------------------------- comparators
@dataclass(frozen=True)
class Comparison:
    passed: bool
    summary: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.name}: {'PASS' if self.passed else 'FAIL'} {self.summary}".strip()


Comparator = Callable[[np.ndarray, np.ndarray, Mapping[str, Any]], Comparison]


def _as_f64(a: np.ndarray) -> np.ndarray:
    return np.asarray(a).astype(np.float64)


def _ratio_check(bad: np.ndarray, actual: np.ndarray, expected: np.ndarray, max_error_ratio: float,
                 rule: str) -> Comparison:
    """Pass when at most `max_error_ratio` of the elements are `bad`; the summary names the worst one."""
    count, total = int(bad.sum()), bad.size
    ratio = count / total if total else 0.0
    passed = ratio <= max_error_ratio
    text = f"{count}/{total} ({100 * ratio:.3f}%) elements outside {rule}, allowed {100 * max_error_ratio:.3f}%"
    if count:
        err = np.where(bad, np.abs(_as_f64(actual) - _as_f64(expected)), -1.0)
        err = np.nan_to_num(err, nan=np.inf)
        worst = np.unravel_index(int(np.argmax(err)), bad.shape)
        text += f"; worst at {list(map(int, worst))}: got {actual[worst]}, want {expected[worst]}"
    return Comparison(passed, text)


def _shape_mismatch(actual: np.ndarray, expected: np.ndarray) -> Comparison | None:
    if np.shape(actual) != np.shape(expected):
        return Comparison(False, f"shape {list(np.shape(actual))} differs from golden {list(np.shape(expected))}")
    return None


def ratio_allclose(atol: float = 1e-5, rtol: float = 1e-5, max_error_ratio: float = 0.0) -> Comparator:
    """|actual - expected| <= atol + rtol * |expected| must hold for all but `max_error_ratio` of the
    elements (NaN matches NaN, inf matches the same inf)."""

    def compare(actual: np.ndarray, expected: np.ndarray, _: Mapping[str, Any]) -> Comparison:
        mismatch = _shape_mismatch(actual, expected)
        if mismatch:
            return mismatch
        a, e = _as_f64(actual), _as_f64(expected)
        with np.errstate(invalid="ignore"):
            ok = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
        return _ratio_check(~ok, actual, expected, max_error_ratio, f"atol={atol:g} rtol={rtol:g}")

    return compare


def ratio_reldiff(max_reldiff: float = 1 / 128, max_error_ratio: float = 0.0, eps: float = 1e-12) -> Comparator:
    """Elementwise relative difference |actual - expected| / max(|expected|, eps) <= max_reldiff for all
    but `max_error_ratio` of the elements."""

    def compare(actual: np.ndarray, expected: np.ndarray, _: Mapping[str, Any]) -> Comparison:
        mismatch = _shape_mismatch(actual, expected)
        if mismatch:
            return mismatch
        a, e = _as_f64(actual), _as_f64(expected)
        with np.errstate(invalid="ignore"):
            rel = np.abs(a - e) / np.maximum(np.abs(e), eps)
            bad = ~((rel <= max_reldiff) | (np.isnan(a) & np.isnan(e)) | (a == e))
        return _ratio_check(bad, actual, expected, max_error_ratio, f"reldiff {max_reldiff:g}")

    return compare


def topk_pair_compare(scores: str | np.ndarray, offset: int = 0, pad: int = -1, atol: float = 0.0,
                      rtol: float = 0.0) -> Comparator:
    """Top-k index lists that may differ only by swapping tied entries.

    Per row, padding (`pad`) must sit at the same positions, and the scores the selected indices point
    at (`scores[..., index - offset]`; `scores` is an array or the name of a golden/input tensor) must be
    the same multiset within atol/rtol; indices must be in range and unique.
    """

    def compare(actual: np.ndarray, expected: np.ndarray, tensors: Mapping[str, Any]) -> Comparison:
        mismatch = _shape_mismatch(actual, expected)
        if mismatch:
            return mismatch
        table = _as_f64(tensors[scores] if isinstance(scores, str) else scores)
        k = actual.shape[-1]
        rows_a = np.asarray(actual).reshape(-1, k).astype(np.int64)
        rows_e = np.asarray(expected).reshape(-1, k).astype(np.int64)
        table = table.reshape(rows_a.shape[0], -1)
        bad_rows = []
        for r, (ia, ie) in enumerate(zip(rows_a, rows_e)):
            if not _same_topk_row(ia, ie, table[r], offset, pad, atol, rtol):
                bad_rows.append(r)
        if bad_rows:
            r = bad_rows[0]
            return Comparison(
                False,
                f"{len(bad_rows)}/{rows_a.shape[0]} rows select different scores; first row {r}: "
                f"got {rows_a[r][:8].tolist()}..., want {rows_e[r][:8].tolist()}...",
            )
        return Comparison(True, f"{rows_a.shape[0]} rows of top-{k} agree (ties may swap)")

    return compare


def _same_topk_row(ia: np.ndarray, ie: np.ndarray, row: np.ndarray, offset: int, pad: int, atol: float,
                   rtol: float) -> bool:
    if not np.array_equal(ia == pad, ie == pad):
        return False
    sel_a, sel_e = ia[ia != pad] - offset, ie[ie != pad] - offset
    if sel_a.size != np.unique(sel_a).size or ((sel_a < 0) | (sel_a >= row.size)).any():
        return False
    return bool(np.allclose(np.sort(row[sel_a]), np.sort(row[sel_e]), atol=atol, rtol=rtol, equal_nan=True))


# ------------------------------------------------------------------------------------------- run_jit
@dataclass
class GoldenResult:
    """Outcome of `run_jit`: overall pass, one comparison per output, the run and both sets of outputs."""

    passed: bool
    comparisons: dict[str, Comparison]
    run: Any  # RunResult
    outputs: dict[str, np.ndarray] = field(repr=False)
    golden: dict[str, np.ndarray] = field(repr=False)

    def __bool__(self) -> bool:
        return self.passed

    def summary(self) -> str:
        return "\n".join(str(c) for c in self.comparisons.values())


@dataclass
class Execution:
    """One kernel run next to its golden: the run, the kernel's inputs (outputs written in place) and the golden's
    values (None without a golden_fn), all numpy."""

    run: Any  # RunResult
    inputs: dict[str, Any]
    golden: dict[str, Any] | None


def execute(fn: Any, specs: Sequence[Spec], golden_fn: Callable[[dict[str, Any]], Any] | None,
            platform: str = "a2a3", seed: int = 0, out_staging: str = "undefined",
            strict_out_reads: bool = False) -> Execution:
    """Compile `fn` (`fn.compile(*args, platform=)`) for the specs, run it, and run `golden_fn` on torch copies of
    the same inputs (taken before the run). `out_staging`, `strict_out_reads`: see `CompiledProgram.run`."""
    inputs = make_inputs(specs, seed)
    golden_tensors = {n: to_torch(v) if isinstance(v, np.ndarray) else v for n, v in inputs.items()}
    args = [inputs[s.name] for s in specs]
    result = fn.compile(*args, platform=platform).run(*args, out_staging=out_staging, strict_out_reads=strict_out_reads)
    if golden_fn is None:
        return Execution(result, inputs, None)
    returned = golden_fn(golden_tensors)
    if isinstance(returned, Mapping):
        golden_tensors.update(returned)
    # the golden's tensors are the harness's own copies: numpy views of them, not another copy
    golden = {n: torch_as_numpy(v) if is_torch_tensor(v) else v for n, v in golden_tensors.items()}
    return Execution(result, inputs, golden)


def run_jit(fn: Any, specs: Sequence[Spec], golden_fn: Callable[[dict[str, Any]], Any], platform: str = "a2a3",
            compare: Mapping[str, Comparator] | None = None, seed: int = 0,
            default: Comparator | None = None, out_staging: str = "undefined",
            strict_out_reads: bool = False) -> GoldenResult:
    """`execute` the entry and its golden, then compare every output.

    Outputs are the specs with `is_output=True`; each is compared with `compare[name]` or `default`
    (ratio_allclose() unless given).
    """
    done = execute(fn, specs, golden_fn, platform, seed, out_staging, strict_out_reads)
    inputs, golden = done.inputs, done.golden
    outputs = {s.name: inputs[s.name] for s in specs if isinstance(s, TensorSpec) and s.is_output}
    context = {**inputs, **golden}
    compare = dict(compare or {})
    unknown = set(compare) - set(outputs)
    if unknown:
        raise ValueError(f"compare names {sorted(unknown)} are not outputs (is_output=True): {sorted(outputs)}")
    default = default or ratio_allclose()
    comparisons = {}
    for name, actual in outputs.items():
        c = compare.get(name, default)(actual, golden[name], context)
        comparisons[name] = Comparison(c.passed, c.summary, name)
    return GoldenResult(all(c.passed for c in comparisons.values()), comparisons, done.run, outputs, golden)
