"""The NPU model against the seed result measured on a2a3 hardware (design/NPU_MODEL.md, Calibration
target): both compressor variants compiled and run at full size, every target band checked.

The delta and parallel's Head OH are not reproduced yet (runtime/npu/CALIBRATION.md, "Open"): they are
strict xfails, so the suite turns red the day the model starts meeting them and the marks must go."""

import pytest

from ppc.runtime.npu import calibrate

NOT_REPRODUCED = (
    "the seed's -9% needs one extra softmax_pool wave in the parallel variant (a scheduler thread "
    "overflowing into its busy cores' pending slots); the runtime's rules as read (pending slots only "
    "while no peer has an idle core) rule that out, and the model shows ~-1.6%"
)
EXPECTED = {
    "Total Test Time parallel (us)": None,
    "Total Test Time spmd (us)": None,
    "delta spmd vs parallel (%)": NOT_REPRODUCED,
    "avg Head OH parallel (us)": NOT_REPRODUCED,
    "avg Head OH spmd (us)": None,
}


@pytest.fixture(scope="module")
def measurement() -> calibrate.Measurement:
    return calibrate.measure("a2a3")


def test_variants_write_identical_outputs(measurement):
    assert measurement.outputs_identical


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=r)) if r else n for n, r in EXPECTED.items()],
)
def test_band(measurement, name):
    (band,) = [b for b in calibrate.bands(measurement) if b.name == name]
    assert band.passed, (
        f"{name}: model {band.modelled:.2f}, hardware {band.hardware:.2f}, band [{band.low:.2f}, {band.high:.2f}]"
    )


def test_bands_arithmetic():
    seed = calibrate.Measurement(dict(calibrate.SEED_TOTAL_US), dict(calibrate.SEED_HEAD_OH_US), True)
    assert seed.delta_percent == pytest.approx(-9.006, abs=1e-3)
    assert all(b.passed for b in calibrate.bands(seed))
    off = calibrate.Measurement({"parallel": 409.7, "spmd": 409.7 * 0.87}, {"parallel": 1.5, "spmd": 0.57}, True)
    failed = [b.name for b in calibrate.bands(off) if not b.passed]
    assert failed == ["delta spmd vs parallel (%)", "avg Head OH parallel (us)"]  # -13% and 1.5 < 1.603


def test_table_lists_every_band(measurement):
    text = calibrate.table(measurement)
    rows = text.splitlines()[2:7]
    assert [row.split("  ")[1].strip() for row in rows] == list(EXPECTED)
    assert [row.split()[-1] for row in rows] == ["PASS" if b.passed else "FAIL" for b in calibrate.bands(measurement)]
    assert text.splitlines()[-1].endswith("yes")
