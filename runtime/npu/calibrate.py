"""Calibration benchmark: the seed result measured on a2a3 hardware against the NPU model.

    python -m ppc.runtime.npu.calibrate [--platform a2a3]

Compiles and runs both variants of the ratio-128 compressor at full size for the calibration case of
design/NPU_MODEL.md (B=64, S=2, start_pos=127, rotate=True), then prints the modelled and measured Total
Test Time of each variant, the spmd-vs-parallel delta and the avg Head OH of each variant, with PASS/FAIL
for every target band. Exits 1 if a band fails or the two variants' outputs differ. runtime/npu/
CALIBRATION.md records what was calibrated and why.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np

# Hardware figures of the seed result (design/NPU_MODEL.md, "Calibration target").
SEED_TOTAL_US = {"parallel": 409.7, "spmd": 372.8}
SEED_HEAD_OH_US = {"parallel": 2.29, "spmd": 0.57}
TOTAL_TOLERANCE = 0.15  # relative
HEAD_OH_TOLERANCE = 0.30  # relative
DELTA_TOLERANCE_POINTS = 3.0  # percentage points around the seed delta

CASE = {"size": "full", "start_pos": 127, "rotate": True, "seed": 0}


@dataclass(frozen=True)
class Measurement:
    """What the model says for the calibration case."""

    total_us: dict[str, float]  # variant -> Total Test Time
    head_oh_us: dict[str, float]  # variant -> avg Head OH per block
    outputs_identical: bool  # the variants wrote bit-identical outputs

    @property
    def delta_percent(self) -> float:
        return delta_percent(self.total_us)


@dataclass(frozen=True)
class Band:
    name: str
    modelled: float
    hardware: float
    low: float
    high: float

    @property
    def passed(self) -> bool:
        return self.low <= self.modelled <= self.high


def delta_percent(total_us: dict[str, float]) -> float:
    """spmd's Total Test Time relative to parallel's, in percent (negative: spmd is faster)."""
    return 100.0 * (total_us["spmd"] - total_us["parallel"]) / total_us["parallel"]


def measure(platform: str = "a2a3") -> Measurement:
    """Compile and run both compressor variants for the calibration case on the model of `platform`."""
    # Imported here: the model itself must not depend on a kernel library.
    from ppc.models.deepseek_v4.cases import make_inputs
    from ppc.models.deepseek_v4.config import CONFIGS
    from ppc.models.deepseek_v4.run_compressor_r128 import VARIANTS, run_variant

    cfg = CONFIGS[CASE["size"]]
    inputs = make_inputs(cfg, CASE["start_pos"], CASE["rotate"], CASE["seed"])
    runs = {variant: run_variant(cfg, variant, inputs, platform) for variant in VARIANTS}
    first, second = (runs[v].outputs for v in VARIANTS)
    identical = first.keys() == second.keys() and all(
        np.array_equal(np.asarray(first[name]), np.asarray(second[name])) for name in first
    )
    return Measurement(
        total_us={v: run.result.report.total_us for v, run in runs.items()},
        head_oh_us={v: run.result.report.avg_head_oh_us for v, run in runs.items()},
        outputs_identical=identical,
    )


def bands(m: Measurement) -> list[Band]:
    """The five target bands of the calibration, in the order of NPU_MODEL.md."""

    def relative(name: str, modelled: float, hardware: float, tolerance: float) -> Band:
        return Band(name, modelled, hardware, hardware * (1 - tolerance), hardware * (1 + tolerance))

    seed_delta = delta_percent(SEED_TOTAL_US)
    return [
        relative("Total Test Time parallel (us)", m.total_us["parallel"], SEED_TOTAL_US["parallel"], TOTAL_TOLERANCE),
        relative("Total Test Time spmd (us)", m.total_us["spmd"], SEED_TOTAL_US["spmd"], TOTAL_TOLERANCE),
        Band("delta spmd vs parallel (%)", m.delta_percent, seed_delta,
             seed_delta - DELTA_TOLERANCE_POINTS, seed_delta + DELTA_TOLERANCE_POINTS),
        relative("avg Head OH parallel (us)", m.head_oh_us["parallel"], SEED_HEAD_OH_US["parallel"], HEAD_OH_TOLERANCE),
        relative("avg Head OH spmd (us)", m.head_oh_us["spmd"], SEED_HEAD_OH_US["spmd"], HEAD_OH_TOLERANCE),
    ]


def table(m: Measurement) -> str:
    lines = [
        "NPU model calibration: ratio-128 compressor, full size, start_pos=127, rotate (seed result on a2a3)",
        f"  {'figure':<32} {'model':>9} {'hardware':>9} {'band':>19}  result",
    ]
    for b in bands(m):
        band = f"[{b.low:.2f}, {b.high:.2f}]"
        lines.append(f"  {b.name:<32} {b.modelled:9.2f} {b.hardware:9.2f} {band:>19}  {'PASS' if b.passed else 'FAIL'}")
    lines.append(f"  outputs of the two variants identical: {'yes' if m.outputs_identical else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", default="a2a3")
    opts = parser.parse_args(argv)
    m = measure(opts.platform)
    print(table(m))
    return 0 if m.outputs_identical and all(b.passed for b in bands(m)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
