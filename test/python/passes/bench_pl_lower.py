"""Benchmark: time of each pass of `pl-lower` on the DeepSeek-V4 compressor (prints figures; run
`python test/python/passes/bench_pl_lower.py`).  Both variants, both sizes, with and without
pl-parallel-to-spmd; the frontend's build time is shown separately, each pass's time includes the
verification after it."""

from __future__ import annotations

import time

from ppc.dialects.task_ops import DispatchOp
from ppc.frontend.builder import build_module
from ppc.models.deepseek_v4.cases import ARG_ORDER, make_inputs
from ppc.models.deepseek_v4.compressor_r128 import build_compressor_r128
from ppc.models.deepseek_v4.config import CONFIGS
from ppc.passes.pipeline import default_pipeline, run_pipeline


def main() -> None:
    for size, cfg in CONFIGS.items():
        inputs = make_inputs(cfg, start_pos=2 * cfg.R - 1, rotate=False)
        args = [inputs[n] for n in ARG_ORDER]
        for variant in ("parallel", "spmd"):
            for spmd in (False, True):
                start = time.perf_counter()
                module = build_module(getattr(build_compressor_r128(cfg), variant), args)
                built = time.perf_counter()
                times: dict[str, float] = {}
                last = [built]

                def record(name: str, _module: object) -> None:
                    now = time.perf_counter()
                    times[name] = now - last[0]
                    last[0] = now

                run_pipeline(module, default_pipeline(spmd), after_each=record)
                dispatches = sum(isinstance(op, DispatchOp) for op in module.walk())
                per_pass = ", ".join(f"{name} {1e3 * t:.0f}" for name, t in times.items())
                print(
                    f"{size:8} {variant:8} spmd={str(spmd):5} build {1e3 * (built - start):5.0f} ms | "
                    f"pl-lower {1e3 * (last[0] - built):5.0f} ms ({per_pass}) | {dispatches} dispatch ops"
                )


if __name__ == "__main__":
    main()
