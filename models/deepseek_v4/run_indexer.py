"""Run the lightning indexer (scoring + top-k) on the NPU model and check it against the torch golden.

    python -m ppc.models.deepseek_v4.run_indexer --size full --case long

prints the golden check, Total Test Time, avg Head OH and the tasks × blocks of every dispatch site.
"""

import argparse
from collections import Counter

from ppc.runtime.program import CompiledProgram

from . import indexer_golden as golden
from .config import INDEXER_CONFIGS
from .indexer import build_indexer
from .indexer_cases import kernel_args, make_inputs, named, start_pos_cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(INDEXER_CONFIGS), default="full")
    parser.add_argument("--case", choices=("empty", "short", "long", "full"), default="long")
    parser.add_argument("--platform", default="a2a3")
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)

    cfg = INDEXER_CONFIGS[opts.size]
    start_pos = start_pos_cases(cfg)[opts.case]
    inputs = make_inputs(cfg, start_pos, opts.seed)
    args = kernel_args(inputs)
    result = CompiledProgram(build_indexer(cfg).lower(*args), opts.platform).run(*args)
    problems = golden.mismatches(cfg, named(args), golden.indexer(cfg, inputs))
    report = result.report
    print(f"lightning indexer, {opts.size}: B={cfg.B} S={cfg.S} IH={cfg.IH} IDX_DIM={cfg.IDX_DIM} "
          f"CACHE_ROWS={cfg.CACHE_ROWS} IDX_TOPK={cfg.IDX_TOPK}, start_pos={start_pos} "
          f"(L={golden.visible_rows(cfg, start_pos)}), platform {opts.platform}")
    print(f"golden: {'OK' if not problems else 'MISMATCH'}")
    for line in problems:
        print(f"  {line}")
    print(f"Total Test Time {report.total_us:9.3f} us   avg Head OH {report.avg_head_oh_us:6.3f} us   "
          f"tasks {report.tasks}   blocks {report.blocks}")
    tasks = Counter(t.name for t in result.tasks)
    blocks = Counter()
    for t in result.tasks:
        blocks[t.name] += len(t.blocks)
    for name in tasks:
        print(f"  {name:24s} {tasks[name]:4d} task(s) {blocks[name]:4d} block(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
