"""What ppc-validate compares: the modelled figure a hardware record names, and the statistics over records.

A record's metric is read from the report of the file's first golden run (`ppc-run --report-json`):
`total_test_time_us` and `makespan_us` are the report's Total Test Time (first dispatch to last finish; ppc
has no orchestration gap before the first dispatch, so the two coincide), `avg_head_oh_us` its average Head
OH. The per-function metrics name a function in words (`entry_function`, e.g. "qr_rope" or "rope
(sparse_attn)"): the functions of the run whose names match it (`matching_functions`) give `function_exec_us`
(average Exec per block), `span_us` (first start to last end) and `core_time_us` (Exec summed over blocks);
a span or core time naming no function is the whole run's.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

PER_FUNCTION = {"function_exec_us", "span_us", "core_time_us"}
WHOLE_RUN = {"total_test_time_us", "makespan_us", "avg_head_oh_us"}
MODELLED = PER_FUNCTION | WHOLE_RUN
# Metric families of the acceptance figures: per-function Exec vs whole-run / stage times.
FAMILY = {"function_exec_us": "function exec", "span_us": "totals/spans", "total_test_time_us": "totals/spans",
          "makespan_us": "totals/spans", "core_time_us": "core time", "avg_head_oh_us": "head OH"}
SIGNIFICANT_DELTA_PCT = 5.0  # changes smaller than this are within run-to-run noise on hardware
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FILLER = {"and", "the", "per", "task", "tasks", "block", "blocks", "window", "loop", "path", "region", "variant",
           "single", "iteration", "standalone", "max", "end", "start", "compute"}


class FigureError(Exception):
    """The run gives no figure for this record (e.g. its function is not among the run's)."""


def words(entry_function: str) -> list[str]:
    """The identifier-like words of a record's function description, most specific first."""
    found = [w for w in _WORD.findall(entry_function) if len(w) >= 3 and w.lower() not in _FILLER]
    return sorted(dict.fromkeys(found), key=lambda w: ("_" not in w, -len(w)))


def matching_functions(entry_function: str, functions: Sequence[str]) -> list[str]:
    """The run's functions the description names: those equal to one of its words (the most specific word
    that matches any), else those that contain that word (`qk_pv` names `qk_pv_0` and `qk_pv_tail`)."""
    for word in words(entry_function):
        exact = [f for f in functions if f.lower() == word.lower()]
        if exact:
            return exact
    for word in words(entry_function):
        partial = [f for f in functions if word.lower() in f.lower()]
        if partial:
            return partial
    return []


def modelled(metric: str, entry_function: str | None, report: Mapping) -> float:
    """The modelled value of `metric` in one run's report (RunReport.to_dict())."""
    if metric in ("total_test_time_us", "makespan_us"):
        return float(report["total_us"])
    if metric == "avg_head_oh_us":
        return float(report["avg_head_oh_us"])
    rows = report["functions"]
    if entry_function:
        names = matching_functions(entry_function, [r["kernel"] for r in rows])
        if not names:
            raise FigureError(f"function {entry_function!r} not found among the run's functions "
                              f"({', '.join(r['kernel'] for r in rows)})")
        rows = [r for r in rows if r["kernel"] in names]
    elif metric == "function_exec_us":
        raise FigureError("function_exec_us record names no function")
    blocks = sum(r["blocks"] for r in rows)
    if metric == "function_exec_us":
        return sum(r["exec_us"] for r in rows) / blocks
    if metric == "core_time_us":
        return sum(r["exec_us"] for r in rows)
    return max(r["last_end_us"] for r in rows) - min(r["first_start_us"] for r in rows)


@dataclass(frozen=True)
class Comparison:
    """Measured and modelled before/after of one record."""

    record: int
    metric: str
    kind: str
    measured: tuple[float | None, float]  # before is None when the record gives only the after figure
    model: tuple[float | None, float]
    golden_failed: bool = False  # a run's own golden comparison failed (its timing is still the model's)

    @staticmethod
    def delta(pair: tuple[float | None, float]) -> float:
        before, after = pair
        return 100.0 * (after - before) / before if before else float("nan")

    @property
    def measured_delta_pct(self) -> float:
        return self.delta(self.measured)

    @property
    def model_delta_pct(self) -> float:
        return self.delta(self.model)

    @property
    def errors_pct(self) -> list[float]:
        """|model - measured| / measured of the before and the after figure (those given)."""
        return [100.0 * abs(m - h) / h for m, h in zip(self.model, self.measured) if h is not None and h > 0]

    @property
    def significant(self) -> bool:
        """A change of at least 5% on hardware (NaN, when no before is given, is never significant)."""
        return abs(self.measured_delta_pct) >= SIGNIFICANT_DELTA_PCT

    @property
    def direction_right(self) -> bool:
        return (self.model_delta_pct > 0) == (self.measured_delta_pct > 0) and self.model_delta_pct != 0


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summarise(comparisons: Iterable[Comparison], key) -> list[dict]:
    """Per group (`key(comparison)`): records, median and 90th-percentile absolute error of the figures, and the
    share of significant changes whose direction the model gets right."""
    groups: dict[str, list[Comparison]] = {}
    for c in comparisons:
        groups.setdefault(key(c), []).append(c)
    rows = []
    for name, members in sorted(groups.items()):
        errors = [e for c in members for e in c.errors_pct]
        significant = [c for c in members if c.significant]
        rows.append({
            "group": name,
            "records": len(members),
            "median_error_pct": statistics.median(errors) if errors else None,
            "p90_error_pct": _percentile(errors, 0.9) if errors else None,
            "significant_changes": len(significant),
            "direction_right": sum(c.direction_right for c in significant),
        })
    return rows
