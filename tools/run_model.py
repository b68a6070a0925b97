"""`ppc-run NAME`: run every variant of a named model on the same inputs, check each against its golden,
print the reports and their comparison, and write one swimlane per variant."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppc.models.registry import MODELS, ModelRun

from .run import Outcome, compare_text


def trace_path(base: str, variant: str) -> Path:
    """`swimlane.json` -> `swimlane.parallel.json`: one trace file per variant."""
    path = Path(base)
    return path.with_name(f"{path.stem}.{variant}{path.suffix or '.json'}")


def run_model(name: str, args: argparse.Namespace) -> int:
    model: ModelRun = MODELS[name](size=args.size, seed=args.seed)
    print(model.title)
    outcomes: list[Outcome] = []
    failed = False
    for variant, entry in model.variants.items():
        values = model.make_args()
        result = entry.compile(*values, platform=args.platform).run(*values)
        outputs = {out: values[i] for out, i in model.output_names.items()}
        problems = model.check(outputs)
        failed |= bool(problems)
        print(f"\n== {variant} ==")
        print(result.report.to_json() if args.json else result.report.to_text())
        print(f"golden check: {'OK' if not problems else 'MISMATCH'}")
        for line in problems:
            print(f"  {line}")
        if args.trace:
            path = trace_path(args.trace, variant)
            result.write_trace(str(path))
            print(f"swimlane written to {path}")
        outcomes.append(Outcome(variant, result, outputs))
    for first, second in zip(outcomes, outcomes[1:]):
        print()
        print(compare_text(first, second))
    return 1 if failed else 0
