"""Run the ratio-128 compressor variants on the NPU model and check them against the torch golden.

    python -m ppc.models.deepseek_v4.run_compressor_r128 --size full --case crossing --rotate

prints, per variant, the golden check, Total Test Time, avg Head OH and the tasks × blocks of every
dispatch site (the calibration figures of NPU_MODEL.md are for --size full --case crossing --rotate).
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass

from ppc.runtime.program import RunResult

from . import golden
from .cases import kernel_args, make_inputs, named, start_pos_cases
from .compressor_r128 import build_compressor_r128
from .config import CONFIGS, CompressorR128Config

VARIANTS = ("parallel", "spmd")


@dataclass(frozen=True)
class VariantRun:
    variant: str
    result: RunResult
    outputs: dict
    problems: list[str]  # golden mismatches; empty when every output is within tolerance

    def sites(self) -> dict[str, tuple[int, int]]:
        """Dispatch site name -> (tasks submitted, blocks run)."""
        tasks = Counter(t.name for t in self.result.tasks)
        blocks = Counter()
        for t in self.result.tasks:
            blocks[t.name] += len(t.blocks)
        return {name: (tasks[name], blocks[name]) for name in tasks}


def run_variant(cfg: CompressorR128Config, variant: str, inputs: dict, platform: str = "a2a3") -> VariantRun:
    """Compile `variant` for these inputs, run it, and compare its written outputs with the golden."""
    entry = getattr(build_compressor_r128(cfg), variant)
    args = kernel_args(inputs)
    result = entry.compile(*args, platform=platform).run(*args)
    outputs = named(args)
    return VariantRun(variant, result, outputs, golden.mismatches(outputs, golden.compressor_r128(cfg, inputs)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(CONFIGS), default="full")
    parser.add_argument("--case", choices=("none", "aligned", "crossing"), default="crossing")
    parser.add_argument("--rotate", action="store_true")
    parser.add_argument("--platform", default="a2a3")
    parser.add_argument("--start-pos", type=int, help="overrides the case's start_pos")
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)

    cfg = CONFIGS[opts.size]
    start_pos = start_pos_cases(cfg)[opts.case] if opts.start_pos is None else opts.start_pos
    inputs = make_inputs(cfg, start_pos, opts.rotate, opts.seed)
    print(f"compressor r128, {opts.size}: B={cfg.B} S={cfg.S} D={cfg.D} HEAD_DIM={cfg.HEAD_DIM}, "
          f"start_pos={start_pos}, rotate={opts.rotate}, platform {opts.platform}")
    failed = False
    for variant in VARIANTS:
        run = run_variant(cfg, variant, inputs, opts.platform)
        report = run.result.report
        print(f"\n[{variant}] golden: {'OK' if not run.problems else 'MISMATCH'}")
        for line in run.problems:
            print(f"  {line}")
        print(f"  Total Test Time {report.total_us:9.3f} us   avg Head OH {report.avg_head_oh_us:6.3f} us   "
              f"tasks {report.tasks}   blocks {report.blocks}")
        for name, (tasks, blocks) in run.sites().items():
            print(f"    {name:26s} {tasks:4d} task(s) {blocks:4d} block(s)")
        failed |= bool(run.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
