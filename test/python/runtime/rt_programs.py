"""Builders of small lowered modules (WALKTHROUGH §3 shape) for the runtime tests, parsed from text."""

from __future__ import annotations

import numpy as np

from ppc.dialects.diagnostics import verify_module
from ppc.dialects.parsing import parse_mlir
from ppc.runtime.dtypes import dtype_name
from ppc.runtime.program import CompiledProgram

MLIR_DTYPES = {"bf16": "bf16", "f16": "f16", "f32": "f32", "i8": "i8", "i32": "i32", "i64": "i64"}


def tensor_type(shape, dtype: str) -> str:
    return f"!pl.tensor<{'x'.join(map(str, shape))}x{dtype}>"


def tile_type(shape, dtype: str, extra: str = "") -> str:
    return f"!pl.tile<{'x'.join(map(str, shape))}x{dtype}, vec{extra}>"


def compile_text(text: str, platform: str = "a2a3", entry: str | None = None) -> CompiledProgram:
    module = parse_mlir(text, "test.mlir")
    verify_module(module)
    return CompiledProgram(module, platform, entry=entry)


def single_kernel(ins: dict[str, tuple], outs: dict[str, tuple], body: str, blocks: int = 1,
                  results: dict[str, str] | None = None, scalars: dict[str, str] | None = None,
                  out_dir: str = "out") -> str:
    """A module: entry `@main(ins..., outs..., scalars...)` dispatching kernel `@k` once with `blocks` blocks.

    `ins`/`outs` map names to (shape, dtype); `body` is the kernel body (it sees %<name> params, %bi = block
    index, %c0..%c4 constants) and must define the values named in `results` (out name -> SSA name, default
    `%<name>_new`).
    """
    scalars = scalars or {}
    results = results or {name: f"%{name}_new" for name in outs}
    tt = {n: tensor_type(*spec) for n, spec in {**ins, **outs}.items()}
    params = [f"%{n}: {tt[n]} {{pl.dir = #pl.dir<in>}}" for n in ins]
    params += [f"%{n}: {tt[n]} {{pl.dir = #pl.dir<{out_dir}>}}" for n in outs]
    params += [f"%{n}: {t}" for n, t in scalars.items()]
    out_types = ", ".join(tt[n] for n in outs)
    in_types = ", ".join([*(tt[n] for n in ins), *scalars.values()])
    res_names = ", ".join(f"%r_{n}" for n in outs)
    k_params = [f"%{n}: {tt[n]}" for n in ins] + [f"%{n}: {t}" for n, t in scalars.items()]
    k_params += [f"%{n}: {tt[n]}" for n in outs] + ["%bi: index"]
    consts = "\n".join(f"  %c{i} = arith.constant {i} : index" for i in range(5))
    return f"""
func.func @main({", ".join(params)}) -> ({out_types}) attributes {{pl.kind = #pl.kind<orchestration>}} {{
  %nb = arith.constant {blocks} : index
  {res_names} = pl.dispatch @k({", ".join([*(f"%{n}" for n in ins), *(f"%{n}" for n in scalars)])}) outs({", ".join(f"%{n}" for n in outs)}) blocks(%nb) {{name = "k"}} : ({in_types}) -> ({out_types})
  func.return {res_names} : {out_types}
}}
func.func @k({", ".join(k_params)}) -> ({out_types}) attributes {{pl.kind = #pl.kind<incore>}} {{
{consts}
{body}
  func.return {", ".join(results[n] for n in outs)} : {out_types}
}}
"""


def tile_kernel(ins: dict[str, tuple], out: tuple, body: str, result: str = "%res", space: str = "vec") -> str:
    """One block: every input is loaded whole as tile %<name>_t, `body` computes `result`, stored to %out."""
    loads = "\n".join(
        f"  %{n}_t = pl.slice %{n}[{', '.join(['%c0'] * len(s))}] : {tensor_type(s, d)} -> {tile_type(s, d)}"
        for n, (s, d) in ins.items()
    )
    shape, dtype = out
    store = (
        f"  %out_new = pl.assemble {result} into %out[{', '.join(['%c0'] * len(shape))}] : "
        f"{tile_type(shape, dtype).replace('vec', space)} into {tensor_type(shape, dtype)} -> {tensor_type(shape, dtype)}"
    )
    return single_kernel(ins, {"out": out}, f"{loads}\n{body}\n{store}")


def run_tile_kernel(ins: dict[str, np.ndarray], out_shape, out_dtype: str, body: str, result: str = "%res",
                    space: str = "vec") -> np.ndarray:
    """Compile `tile_kernel` for these input arrays, run it, return the output array."""
    specs = {n: (a.shape, dtype_name(a.dtype)) for n, a in ins.items()}
    program = compile_text(tile_kernel(specs, (out_shape, out_dtype), body, result, space))
    out = np.zeros(out_shape, dtype=program.params[-1].dtype)
    program.run(*ins.values(), out)
    return out
