"""pypto-lib's `golden` harness API, run on ppc: what `from golden import ...` gives a kernel file under
`ppc-run --pypto`.

Mirrors the API of pypto-lib's `golden/` package (revisions ba2f5c79 and 634e77bd): `TensorSpec`, `ScalarSpec`,
`run_jit`, `run`, `RunResult`, `validate_golden` and the comparators `ratio_allclose`, `ratio_reldiff`,
`topk_pair_compare`, `mapped_pool_ratio_allclose`, `error_distribution`, with the same signatures and pass rules:
specs build torch tensors (`init_value` None = zeros, a number, a tensor, a zero-argument callable or a torch
factory called with `(shape, dtype=)`), `golden_fn` fills the outputs of a dict of clones, and each output is
checked by its `compare_fn` entry or by `torch.allclose(rtol, atol)`. pypto-lib seeds nothing; `ppc-run --pypto`
seeds torch/numpy/random once before the file runs, so a run is reproducible unless the file seeds itself.

Where pypto-lib compiles for a device, this module runs `ppc.runtime.golden.execute` (numpy executor plus the
NPU model of `runtime_cfg["platform"]`: a2a3/a2a3sim -> a2a3, a5/a5sim -> a5), prints ppc's report, and with
`enable_chip_swimlane` / `enable_l2_swimlane` writes the modelled swimlane (Perfetto JSON) to the current
directory. Replay options (`golden_data`, `runtime_dir`) and multi-card programs are refused with a clear error.
torch is imported lazily, as the harness is the only part of ppc that needs it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..dialects.diagnostics import PlError
from . import golden as ppc_golden


class HarnessError(PlError, ValueError):
    """A harness call ppc cannot honour (an unknown platform or runtime option, replay, several chips); `ppc-run
    --pypto` locates it at the call in the user's file."""


MULTI_CARD = "multi-card kernels are not supported (ppc models one chip)"


class UnsupportedPyptoName(PlError, ImportError):
    """A name of a PyPTO module ppc provides in part (`pypto.backend`, `pypto.runtime`); the message says why
    the name has no meaning here."""


def unsupported(module: str, name: str, reason: str) -> BaseException:
    """The error for `module.name`; dunder look-ups (import machinery probing) stay plain AttributeErrors."""
    if name.startswith("__"):
        return AttributeError(f"module {module!r} has no attribute {name!r}")
    return UnsupportedPyptoName(f"{module}.{name} is not supported by ppc: {reason}")

_CHIPS = {"a2a3": "a2a3", "a2a3sim": "a2a3", "a5": "a5", "a5sim": "a5"}
_SWIMLANE_KEYS = ("enable_chip_swimlane", "enable_l2_swimlane")
# Device-side options with no meaning on the model; pypto-lib forwards them to the device runner.
_DEVICE_KEYS = {"device_id", "enable_pmu", "enable_dump_args", "enable_dep_gen", "enable_scope_stats", "log_level"}


# ------------------------------------------------------------------------------------------- specs
@dataclass
class TensorSpec:
    """A tensor argument; `create_tensor` builds it the way pypto-lib does. `resident` (device residency of
    multi-card programs) is accepted and has no effect on one chip."""

    name: str
    shape: list[int]
    dtype: Any  # torch.dtype
    init_value: Any = None
    is_output: bool = False
    resident: int | str | bool | None = None

    def create_tensor(self):
        import torch

        init = self.init_value
        if init is None:
            return torch.zeros(self.shape, dtype=self.dtype)
        if isinstance(init, (int, float)):
            return torch.full(self.shape, init, dtype=self.dtype)
        if isinstance(init, torch.Tensor):
            return init.to(dtype=self.dtype)
        if init in (torch.randn, torch.rand, torch.zeros, torch.ones):
            return init(self.shape, dtype=self.dtype)
        if callable(init):
            return torch.as_tensor(init(), dtype=self.dtype)
        raise TypeError(f"unsupported init_value type {type(init).__name__!r} for tensor {self.name!r}")


@dataclass
class ScalarSpec:
    """A scalar argument; `value` is kept as a 0-dim tensor of `dtype`, so the kernel and the golden see the
    value rounded to the scalar's precision."""

    name: str
    dtype: Any  # torch.dtype
    value: Any

    def __post_init__(self) -> None:
        import torch

        if isinstance(self.value, torch.Tensor):
            if self.value.ndim != 0 or self.value.dtype != self.dtype:
                raise ValueError(f"ScalarSpec {self.name!r}: value must be a 0-dim {self.dtype} tensor")
            return
        if self.dtype == torch.bool and not isinstance(self.value, bool):
            raise ValueError(f"ScalarSpec {self.name!r} dtype=torch.bool requires a bool value")
        if not self.dtype.is_floating_point and self.dtype != torch.bool and not isinstance(self.value, int):
            raise ValueError(f"ScalarSpec {self.name!r} dtype={self.dtype} requires an int value")
        self.value = torch.tensor(self.value, dtype=self.dtype)

    def to_python(self) -> int | float | bool:
        return self.value.item()


# ------------------------------------------------------------------------------------------- comparators
def _nonfinite(actual, expected) -> str:
    import torch

    counts = [int(torch.isnan(t).sum()) for t in (actual, expected)] + [int(torch.isinf(t).sum()) for t in
                                                                         (actual, expected)]
    if not any(counts):
        return ""
    return (f"    illegal values in comparison: actual: NaN={counts[0]} Inf={counts[2]}; "
            f"expected: NaN={counts[1]} Inf={counts[3]}")


def _valid_prefix(actual, expected, valid_rows: int | None, valid_axis: int, zero_tail: bool):
    """The leading `valid_rows` along `valid_axis` of both, and an error text (bad count, non-zero tail)."""
    if valid_rows is None:
        return actual, expected, ""
    total = actual.shape[valid_axis]
    if not 0 <= valid_rows <= total:
        return actual, expected, f"    valid_rows={valid_rows} out of range for axis {valid_axis} of length {total}"
    tail = int(actual.narrow(valid_axis, valid_rows, total - valid_rows).count_nonzero())
    if zero_tail and tail:
        return actual, expected, f"    inactive tail contains {tail} nonzero values"
    return actual.narrow(valid_axis, 0, valid_rows), expected.narrow(valid_axis, 0, valid_rows), ""


def _comparable(actual, expected, valid_rows: int | None, valid_axis: int, zero_tail: bool):
    """(actual, expected) as float, restricted to their valid prefix, and a verdict when that already decides:
    a bad prefix or any NaN/Inf fails, an empty prefix passes."""
    actual, expected, error = _valid_prefix(actual, expected, valid_rows, valid_axis, zero_tail)
    if error or actual.numel() == 0:
        return actual, expected, (not error, error)
    a, e = actual.float(), expected.float()
    error = _nonfinite(a, e)
    return a, e, (False, error) if error else None


def ratio_allclose(atol: float | None = None, rtol: float | None = None, max_error_ratio: float = 0.005,
                   max_show: int = 10, valid_rows: int | None = None, valid_axis: int = 0,
                   zero_tail: bool = False) -> Callable:
    """Pass when at most round(max_error_ratio * numel) points have |a - e| > atol + rtol * |e| (atol/rtol None:
    the run's defaults); any NaN/Inf fails. The count rule is ppc's `ratio_allclose`."""
    if not 0.0 <= max_error_ratio <= 1.0:
        raise ValueError(f"max_error_ratio must be in [0, 1], got {max_error_ratio}")

    def cmp(actual, expected, *, rtol: float, atol: float, **_: Any) -> tuple[bool, str]:
        a, e, verdict = _comparable(actual, expected, valid_rows, valid_axis, zero_tail)
        if verdict is not None:
            return verdict
        allowed = round(max_error_ratio * a.numel()) / a.numel()
        check = ppc_golden.ratio_allclose(cmp.atol_override if cmp.atol_override is not None else atol,
                                          cmp.rtol_override if cmp.rtol_override is not None else rtol, allowed)
        result = check(ppc_golden.to_numpy(a), ppc_golden.to_numpy(e), {})
        return result.passed, "" if result.passed else f"    ratio_allclose fail: {result.summary}"

    cmp.atol_override, cmp.rtol_override = atol, rtol
    cmp.__name__ = f"ratio_allclose(atol={atol}, rtol={rtol}, max_error_ratio={max_error_ratio})"
    return cmp


def _rdiff(a, e, diff_thd: float):
    """pypto-lib's floored relative difference: |a - e| below diff_thd, else |a - e| / max(|a|, |e|, 2^-14 / diff_thd)."""
    import torch

    diff = (a - e).abs()
    floor = torch.full_like(a, (1.0 / (1 << 14)) / diff_thd)
    return torch.where(diff < diff_thd, diff, diff / (torch.maximum(torch.maximum(a.abs(), e.abs()), floor) + 1e-9))


def ratio_reldiff(diff_thd: float = 0.01, pct_thd: float = 0.05, max_diff_hd: float = float("inf"),
                  max_show: int = 10, valid_rows: int | None = None, valid_axis: int = 0,
                  zero_tail: bool = False) -> Callable:
    """pypto-lib's relative-difference rule: rdiff = |a - e| below diff_thd, else |a - e| / max(|a|, |e|,
    2^-14 / diff_thd); pass when at most round(pct_thd * numel) points exceed diff_thd and the worst stays
    below max_diff_hd; any NaN/Inf fails."""
    if diff_thd <= 0 or not 0.0 <= pct_thd <= 1.0 or max_diff_hd <= 0:
        raise ValueError(f"ratio_reldiff: bad thresholds diff_thd={diff_thd} pct_thd={pct_thd} "
                         f"max_diff_hd={max_diff_hd}")

    def cmp(actual, expected, **_: Any) -> tuple[bool, str]:
        import torch

        a, e, verdict = _comparable(actual, expected, valid_rows, valid_axis, zero_tail)
        if verdict is not None:
            return verdict
        rdiff = _rdiff(a, e, diff_thd)
        bad = rdiff > diff_thd
        count, worst = int(bad.sum()), float(rdiff[bad].max()) if bad.any() else 0.0
        if count <= round(pct_thd * a.numel()) and worst < max_diff_hd:
            return True, ""
        shown = [f"    [{i}] actual={a.flatten()[i]:.8g}, expected={e.flatten()[i]:.8g}, rdiff={rdiff.flatten()[i]:.4g}"
                 for i in torch.nonzero(bad.flatten()).flatten()[:max_show].tolist()]
        return False, (f"    ratio_reldiff fail: {count}/{a.numel()} points over diff_thd={diff_thd} "
                       f"(allowed {pct_thd:.4%}), worst rdiff={worst:.4g} (cap {max_diff_hd:.4g})\n" + "\n".join(shown))

    cmp.__name__ = f"ratio_reldiff(diff_thd={diff_thd}, pct_thd={pct_thd}, max_diff_hd={max_diff_hd})"
    return cmp


def topk_pair_compare(vals_name: str, *, dim: int = -1, descending: bool = True, max_show: int = 10) -> Callable:
    """Top-k indices may differ from the golden only where the kernel's own scores (`vals_name` output) keep
    their sorted order across the differing position (a swap of tied scores)."""

    def cmp(actual, expected, *, actual_outputs: Mapping[str, Any], **_: Any) -> tuple[bool, str]:
        import torch

        if vals_name not in actual_outputs:
            return False, f"    compare_fn misconfigured: '{vals_name}' is not an output ({list(actual_outputs)})"
        vals = actual_outputs[vals_name].float()
        if not actual.shape == expected.shape == vals.shape:
            return False, (f"    shape mismatch: idx {tuple(actual.shape)}, golden {tuple(expected.shape)}, "
                           f"vals {tuple(vals.shape)}")
        a, e, v = (t.movedim(dim, -1).reshape(-1, t.shape[dim]) for t in (actual, expected, vals))
        ordered = v[:, :-1] >= v[:, 1:] if descending else v[:, :-1] <= v[:, 1:]
        ok = torch.ones_like(a, dtype=torch.bool)
        ok[:, 1:] &= ordered
        ok[:, :-1] &= ordered
        bad = torch.nonzero((a != e) & ~ok).tolist()
        if not bad:
            return True, ""
        shown = [f"    row {r} pos {p}: actual_idx={int(a[r, p])} expected_idx={int(e[r, p])} "
                 f"score={float(v[r, p]):.6g}" for r, p in bad[:max_show]]
        return False, (f"    top-k idx mismatch via '{vals_name}': {len(bad)} position(s) where the scores break "
                       f"{'descending' if descending else 'ascending'} order\n" + "\n".join(shown))

    cmp.__name__ = "topk_pair_compare"
    return cmp


def mapped_pool_ratio_allclose(mapping_name: str, *, mapping_shape: tuple[int, ...], block_size: int,
                               leading_rank_axis: bool = False, pool_name: str = "pool", atol: float | None = None,
                               rtol: float | None = None, max_error_ratio: float = 0.005) -> Callable:
    """A block-major pool ([ranks,] blocks, block_size, ...) whose rows named by the input `mapping_name`
    (-1 = none) are compared with `ratio_allclose`, and whose other rows must equal the golden exactly."""
    mapped = ratio_allclose(atol, rtol, max_error_ratio)

    def cmp(actual, expected, *, inputs: Mapping[str, Any], **kwargs: Any) -> tuple[bool, str]:
        import torch

        mapping = inputs.get(mapping_name)
        lead = 1 if leading_rank_axis else 0
        if mapping is None or tuple(mapping.shape) != tuple(mapping_shape):
            return False, f"    compare_fn misconfigured: input '{mapping_name}' missing or not {tuple(mapping_shape)}"
        if actual.shape != expected.shape or actual.ndim < lead + 2 or actual.shape[lead + 1] != block_size:
            return False, (f"    {pool_name} {tuple(actual.shape)} vs golden {tuple(expected.shape)}: not a block-major "
                           f"pool with block_size={block_size}")
        ranks = mapping_shape[0] if leading_rank_axis else 1
        a, e = (t.reshape(ranks, -1, *t.shape[lead + 2:]) for t in (actual, expected))
        rows = mapping.reshape(ranks, -1).to(torch.int64)
        if (rows < -1).any() or (rows >= a.shape[1]).any():
            return False, f"    '{mapping_name}' holds entries outside [-1, {a.shape[1]})"
        written = torch.zeros(a.shape[:2], dtype=torch.bool)
        for r in range(ranks):
            picked = rows[r][rows[r] >= 0]
            if picked.unique().numel() != picked.numel():
                return False, f"    '{mapping_name}' maps two items to one {pool_name} row on rank {r}"
            written[r, picked] = True
        changed = ~written & ~(a == e).reshape(*a.shape[:2], -1).all(-1)
        if changed.any():
            r, row = torch.nonzero(changed)[0].tolist()
            return False, f"    unmapped {pool_name} row changed: rank={r} row={row}"
        if not written.any():
            return True, ""
        return mapped(a[written], e[written], inputs=inputs, **kwargs)

    cmp.__name__ = f"mapped_pool_ratio_allclose({mapping_name}, block_size={block_size})"
    return cmp


def error_distribution(diff_thds: tuple[float, ...] = (1e-3, 3e-3, 5e-3, 1e-2, 3e-2, 5e-2),
                       quantiles: tuple[float, ...] = (0.5, 0.9, 0.99, 0.999, 0.9999, 1.0),
                       always_pass: bool = True) -> Callable:
    """A measurement, not a gate: prints rel-L2, cosine, the fraction over each threshold (ratio_reldiff's
    rule) and quantiles of the absolute difference; fails only on NaN/Inf and only without `always_pass`."""

    def cmp(actual, expected, **_: Any) -> tuple[bool, str]:
        import torch

        a, e = actual.float().flatten(), expected.float().flatten()
        error = _nonfinite(a, e)
        if error and not always_pass:
            return False, error
        diff = (a - e).abs()
        rel = float(diff.norm() / e.norm().clamp_min(1e-12))
        print(f"rel-L2 = {rel:.4%}  cosine = {float(torch.nn.functional.cosine_similarity(a, e, dim=0)):.7f}  "
              f"numel={a.numel()}")
        for thd in diff_thds:
            print(f"  diff_thd={thd:.0e}  frac>thd={float((_rdiff(a, e, thd) > thd).float().mean()):.4%}")
        finite = diff[torch.isfinite(diff)]
        if finite.numel():
            values = torch.quantile(finite, torch.tensor(list(quantiles))).tolist()
            print("  abs-diff percentiles: " + "  ".join(f"p{q * 100:g}={v:.3g}" for q, v in zip(quantiles, values)))
        return True, ""

    cmp.__name__ = f"error_distribution(diff_thds={diff_thds})"
    return cmp


def validate_golden(outputs: Mapping[str, Any], golden: Mapping[str, Any], rtol: float = 1e-5, atol: float = 1e-5,
                    compare_fn: Mapping[str, Callable] | None = None, inputs: Mapping[str, Any] | None = None) -> None:
    """Print one PASS/FAIL line per output; raise AssertionError naming the failures, with their details."""
    failures = {}
    for name, actual in outputs.items():
        expected, check = golden[name], (compare_fn or {}).get(name)
        label = f" ({getattr(check, '__name__', 'custom')})" if check else ""
        if check is not None:
            ok, detail = check(actual, expected, actual_outputs=outputs, expected_outputs=golden,
                               inputs=inputs or {}, rtol=rtol, atol=atol)
        else:
            ok, detail = _allclose(actual, expected, rtol, atol)
        head = f"'{name}' {'PASS' if ok else 'FAIL'}  shape={tuple(actual.shape)} dtype={actual.dtype}{label}"
        print(f"[RUN]   {head}", flush=True)
        if not ok:
            failures[name] = f"  {head}\n{detail}"
    if failures:
        raise AssertionError(f"Output(s) does not match golden: {list(failures)}\n" + "\n".join(failures.values()))


def _allclose(actual, expected, rtol: float, atol: float) -> tuple[bool, str]:
    import torch

    if actual.shape != expected.shape:
        return False, f"    shape {tuple(actual.shape)} differs from golden {tuple(expected.shape)}"
    if torch.allclose(actual, expected, rtol=rtol, atol=atol):
        return True, ""
    bad = torch.nonzero(~torch.isclose(actual, expected, rtol=rtol, atol=atol).flatten()).flatten()
    shown = [f"    [{i}] actual={actual.flatten()[i].item()}, expected={expected.flatten()[i].item()}"
             for i in bad[:20].tolist()]
    return False, (f"    Mismatched elements: {bad.numel()}/{actual.numel()}  rtol={rtol} atol={atol}\n"
                   + "\n".join(shown))


# ------------------------------------------------------------------------------------------- run
@dataclass
class RunResult:
    """What `run_jit` / `run` return: the fields pypto-lib files read, plus ppc's model report."""

    passed: bool
    error: str | None = None
    execution_time: float | None = None
    work_dir: Path | None = None
    bench: Any = None
    report: Any = field(default=None, repr=False)  # ppc's RunReport

    def __str__(self) -> str:
        text = "PASS" if self.passed else "FAIL" + (f": {self.error}" if self.error else "")
        return text + (f" ({self.execution_time:.2f}s)" if self.execution_time is not None else "")


class _Session:
    """What `ppc-run --pypto` sets for the runs of one kernel file: where the swimlanes go
    (`<stem>.swimlane.json` in the current directory, numbered from the second run on) and how an Out is
    staged (`ppc.runtime.arguments.OUT_STAGINGS`), whether a read of a never-written Out element is an
    error (`strict_out_reads`, runtime/out_reads.py), and where each run's report goes as a JSON line for tools
    (`report_json`, read by ppc-validate)."""

    def __init__(self) -> None:
        self.start(None)

    def start(self, stem: str | None, out_staging: str = "undefined", strict_out_reads: bool = False,
              report_json: str | None = None) -> None:
        self.stem, self.count, self.out_staging, self.strict_out_reads = stem, 0, out_staging, strict_out_reads
        self.report_json = report_json

    def save_report(self, function: str, report: Any) -> None:
        if self.report_json is not None:
            with open(self.report_json, "a", encoding="utf-8") as out:
                out.write(json.dumps({"function": function, "report": report.to_dict()}) + "\n")

    def next_path(self, default_stem: str) -> Path:
        self.count += 1
        number = f".{self.count}" if self.count > 1 else ""
        return Path.cwd() / f"{self.stem or default_stem}.swimlane{number}.json"


SESSION = _Session()


def _runtime_options(runtime_cfg: Mapping[str, Any] | None, compile_cfg: Mapping[str, Any] | None) -> tuple[str, bool]:
    """(ppc chip, write a swimlane?) from pypto-lib's runtime_cfg; unknown keys are errors, as in pypto-lib."""
    cfg = dict(runtime_cfg or {})
    if (compile_cfg or {}).get("distributed_config") is not None:
        raise HarnessError(MULTI_CARD)
    platform = cfg.pop("platform", "a2a3")
    if platform not in _CHIPS:
        raise HarnessError(f"unknown runtime platform {platform!r}; expected one of {sorted(_CHIPS)}")
    swimlane = any(cfg.pop(key, 0) for key in _SWIMLANE_KEYS)
    unknown = sorted(set(cfg) - _DEVICE_KEYS)
    if unknown:
        raise HarnessError(f"runtime_cfg keys {unknown} are not known to the harness")
    return _CHIPS[platform], swimlane


def run_jit(fn: Any, specs: list[TensorSpec | ScalarSpec], golden_fn: Callable | None = None,
            golden_data: str | None = None, compile_cfg: dict[str, Any] | None = None,
            runtime_cfg: dict[str, Any] | None = None, rtol: float = 1e-5, atol: float = 1e-5,
            compare_fn: dict[str, Callable] | None = None, compile_only: bool = False,
            runtime_dir: str | None = None, save_data: bool = False) -> RunResult:
    """Compile `fn` for the specs, run it on the model, compare its outputs with `golden_fn`'s. A failed
    comparison is `RunResult(passed=False, error=...)`; compile and run-time errors raise (PlError).
    `compile_cfg` (pass dumps) and `save_data` have no effect."""
    if golden_data is not None or runtime_dir is not None:
        raise HarnessError("golden_data / runtime_dir replay of a device build is not supported by ppc")
    import torch

    chip, swimlane = _runtime_options(runtime_cfg, compile_cfg)
    start = time.time()
    # As pypto-lib: compile from shape-only dummies first (the run below reuses the program), then build inputs.
    fn.compile(*[s.to_python() if isinstance(s, ScalarSpec) else torch.empty(s.shape, dtype=s.dtype) for s in specs],
               platform=chip, out_staging=SESSION.out_staging)
    if compile_only:
        return RunResult(True, execution_time=time.time() - start)
    tensors = _device_tensors(specs)
    # As pypto-lib: the golden works on clones taken before the run; the kernel runs on the tensors themselves
    # (In through read-only views, Out/InOut written back in place), which are then the outputs and the inputs
    # the comparators see. One copy per tensor, none per numpy/torch conversion.
    scratch = None if golden_fn is None else {
        s.name: tensors[s.name].clone() if isinstance(s, TensorSpec) else s.to_python() for s in specs}
    args = [s.to_python() if isinstance(s, ScalarSpec) else tensors[s.name] for s in specs]
    done = fn.compile(*args, platform=chip, out_staging=SESSION.out_staging).run(*args, out_staging=SESSION.out_staging,
                                                  strict_out_reads=SESSION.strict_out_reads)
    if scratch is not None:
        returned = golden_fn(scratch)
        if isinstance(returned, Mapping):
            scratch.update(returned)
    print(done.report.to_text(), flush=True)
    SESSION.save_report(getattr(fn, "__name__", "kernel"), done.report)
    if swimlane:
        path = SESSION.next_path(getattr(fn, "__name__", "kernel"))
        done.write_trace(str(path))
        print(f"[RUN] swimlane written to {path}", flush=True)
    result = RunResult(True, execution_time=time.time() - start, report=done.report)
    if scratch is None:
        print(f"[RUN] PASS ({result.execution_time:.2f}s, validation skipped: no golden_fn)", flush=True)
        return result
    outputs = {s.name: tensors[s.name] for s in specs if isinstance(s, TensorSpec) and s.is_output}
    golden = {name: _as_torch(scratch[name]) for name in outputs}
    inputs = {s.name: tensors[s.name] if isinstance(s, TensorSpec) else s.value
              for s in specs if not getattr(s, "is_output", False)}
    try:
        validate_golden(outputs, golden, rtol, atol, compare_fn, inputs)
    except AssertionError as failed:
        result.passed, result.error = False, str(failed)
    result.execution_time = time.time() - start
    if result.passed:
        print(f"[RUN] PASS ({result.execution_time:.2f}s)", flush=True)
    return result


def _device_tensors(specs: list[TensorSpec | ScalarSpec]) -> dict[str, Any]:
    """The tensors the kernel runs on, built from the specs: contiguous, and each its own memory (a tensor
    passed for two specs is two buffers on the device, so the second one is a copy)."""
    tensors, seen = {}, set()
    for s in specs:
        if isinstance(s, ScalarSpec):
            continue
        ppc_golden.as_numpy_dtype(s.dtype)  # a dtype ppc has no numpy type for is refused here, by name
        tensor = s.create_tensor().contiguous()
        storage = tensor.untyped_storage().data_ptr()
        tensors[s.name] = tensor.clone() if storage in seen else tensor
        seen.add(storage)
    return tensors


def _as_torch(value: Any) -> Any:
    """A golden value as torch (a golden_fn may return numpy arrays)."""
    return ppc_golden.to_torch(value) if isinstance(value, np.ndarray) else value


def run(program: Any, specs: list[TensorSpec | ScalarSpec], golden_fn: Callable | None = None,
        **options: Any) -> RunResult:
    """`run_jit` for a program object; ppc runs any object with `compile(*args, platform=)`."""
    if not hasattr(program, "compile"):
        raise HarnessError(f"run(program=...) needs a compilable pl program, got {type(program).__name__}")
    return run_jit(program, specs, golden_fn, **options)
