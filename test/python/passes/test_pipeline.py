"""The default pipeline as a Python API: `run_pipeline` verifies after every pass and hands each IR to the
caller (what `compiled.ir_after(name)` is built on); `pl-lower` on the real compressor's frontend output
gives the expected dispatches and entry directions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from xdsl.context import Context
from xdsl.dialects import scf
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.passes import ModulePass
from xdsl.printer import Printer

from ppc.dialects.attributes import Direction, FuncKind, KindAttr
from ppc.dialects.diagnostics import PlDiagnostic
from ppc.dialects.parsing import parse_mlir
from ppc.dialects.support import constant_int
from ppc.dialects.task_ops import DispatchOp
from ppc.passes import pipeline
from ppc.passes.index_regions import constant_range

WALKTHROUGH = """
func.func @scale_rows(%x: !pl.tensor<64x128xf32>, %y: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %yv = pl.local.decl "y" : !pl.ref<!pl.tensor<64x128xf32>>
  pl.local.set %yv, %y : !pl.tensor<64x128xf32>
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %r = %c0 to %c64 step %c16 {
    pl.at attributes {name = "rows"} {
      %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
      %y0 = pl.local.get %yv : !pl.tensor<64x128xf32>
      %y1 = pl.assemble %t into %y0[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
      pl.local.set %yv, %y1 : !pl.tensor<64x128xf32>
    }
  } {pl.loop = #pl.loop<parallel>}
  %yr = pl.local.get %yv : !pl.tensor<64x128xf32>
  func.return %yr : !pl.tensor<64x128xf32>
}
"""


def _text(module: ModuleOp) -> str:
    from io import StringIO

    out = StringIO()
    Printer(stream=out).print_op(module)
    return out.getvalue()


def test_after_each_sees_every_pass_in_order() -> None:
    module = parse_mlir(WALKTHROUGH, "k.mlir")
    seen: dict[str, str] = {}
    pipeline.run_pipeline(module, pipeline.default_pipeline(), after_each=lambda n, m: seen.setdefault(n, _text(m)))
    assert list(seen) == pipeline.DEFAULT_PIPELINE
    assert "pl.local" in WALKTHROUGH and "pl.local" not in seen["pl-ssa"]
    assert "pl.at" in seen["pl-ssa"] and "pl.at" not in seen["pl-outline-tasks"]
    assert "pl.dir" not in seen["pl-outline-tasks"] and "#pl.dir<out>" in seen["pl-infer-directions"]


def test_spmd_option_adds_the_conversion_before_outlining() -> None:
    names = pipeline.default_pipeline(spmd=True)
    assert names.index("pl-parallel-to-spmd") == names.index("pl-outline-tasks") - 1
    module = parse_mlir(WALKTHROUGH, "k.mlir")
    pipeline.run_pipeline(module, names)
    (dispatch,) = [op for op in module.walk() if isinstance(op, DispatchOp)]
    assert constant_int(dispatch.blocks) == 4 and not isinstance(dispatch.parent_op(), scf.ForOp)


@dataclass(frozen=True)
class _BreakDispatchCounts(ModulePass):
    """Test-only pass that corrupts the IR (a dispatch of 0 blocks), to prove verification runs after it."""

    name = "test-break"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from xdsl.dialects import arith
        from xdsl.dialects.builtin import IndexType

        for d in [o for o in op.walk() if isinstance(o, DispatchOp)]:
            zero = arith.ConstantOp.from_int_and_width(0, IndexType())
            d.parent_block().insert_op_before(zero, d)
            d.operands[len(d.operands) - 1] = zero.result


def test_ir_is_verified_after_every_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(pipeline.PASSES, "test-break", lambda: _BreakDispatchCounts)
    module = parse_mlir(WALKTHROUGH, "k.mlir")
    seen: list[str] = []
    with pytest.raises(PlDiagnostic, match="block count must be >= 1"):
        names = [*pipeline.DEFAULT_PIPELINE, "test-break", "cse"]
        pipeline.run_pipeline(module, names, after_each=lambda n, _: seen.append(n))
    assert seen == pipeline.DEFAULT_PIPELINE  # the broken IR reached neither the callback nor the next pass


def test_unknown_pass_name_is_reported() -> None:
    with pytest.raises(ValueError, match="pl-nonsense"):
        pipeline.run_pipeline(parse_mlir(WALKTHROUGH), ["pl-nonsense"])


# ----------------------------------------------------------------------------------- the real compressor
def _dispatches(module: ModuleOp) -> dict[str, list[tuple[int | None, int | None]]]:
    """Per dispatch name: (dispatches at run time from enclosing constant loops, blocks per dispatch)."""
    found: dict[str, list[tuple[int | None, int | None]]] = {}
    for op in module.walk():
        if not isinstance(op, DispatchOp):
            continue
        times: int | None = 1
        outer = op.parent_op()
        while outer is not None and times is not None:
            if isinstance(outer, scf.ForOp):
                values = constant_range(outer.lb, outer.ub, outer.step)
                times = None if values is None else times * len(values)
            outer = outer.parent_op()
        assert op.name_hint is not None
        found.setdefault(op.name_hint.data, []).append((times, constant_int(op.blocks)))
    return found


@pytest.fixture(scope="module")
def compressor():
    pytest.importorskip("torch")
    from ppc.frontend.builder import build_module
    from ppc.models.deepseek_v4.cases import ARG_ORDER, make_inputs
    from ppc.models.deepseek_v4.compressor_r128 import build_compressor_r128
    from ppc.models.deepseek_v4.config import REDUCED

    variants = build_compressor_r128(REDUCED)
    inputs = make_inputs(REDUCED, start_pos=2 * REDUCED.R - 1, rotate=False)
    args = [inputs[n] for n in ARG_ORDER]

    def lower(variant: str, strip_directions: bool = False) -> ModuleOp:
        module = build_module(getattr(variants, variant), args)
        if strip_directions:
            for f in module.ops:
                if isinstance(f, FuncOp):
                    f.arg_attrs = None
        pipeline.run_pipeline(module, ["pl-lower"])
        return module

    return lower


def _entry_directions(module: ModuleOp) -> dict[str, Direction]:
    orchestration = KindAttr(FuncKind.ORCHESTRATION)
    entry = next(f for f in module.ops if isinstance(f, FuncOp) and f.attributes["pl.kind"] == orchestration)
    assert entry.arg_attrs is not None
    pairs = zip(entry.body.block.args, entry.arg_attrs.data)
    return {a.name_hint: d.data["pl.dir"].data for a, d in pairs if "pl.dir" in d.data}


EXPECTED_DIRECTIONS = {
    "kv": Direction.OUT,
    "kv_state": Direction.INOUT, "score_state": Direction.INOUT, "kv_cache": Direction.INOUT,
    **dict.fromkeys(
        ("x", "wkv", "wgate", "ape", "norm_w", "cos", "sin", "even_select", "odd_select", "hadamard"), Direction.IN
    ),
}  # fmt: skip


@pytest.mark.parametrize("variant", ["parallel", "spmd"])
@pytest.mark.parametrize("strip", [False, True], ids=["declared", "inferred"])
def test_compressor_entry_directions(compressor, variant: str, strip: bool) -> None:
    assert _entry_directions(compressor(variant, strip)) == EXPECTED_DIRECTIONS


def test_compressor_dispatch_counts(compressor) -> None:
    # REDUCED: HEAD_DIM 128, OUT_CHUNK 32 -> 4 column blocks; B 4, BATCH_CHUNK_1 2 -> 2 groups; HEAD_CHUNK 32.
    parallel = _dispatches(compressor("parallel"))
    spmd = _dispatches(compressor("spmd"))
    assert parallel["kv_score_proj"] == [(4, 1)] and spmd["kv_score_proj"] == [(1, 4)]
    assert parallel["softmax_pool"] == [(8, 1), (8, 1)] and spmd["softmax_pool"] == [(1, 8), (1, 8)]
    assert parallel["kv_write"] == [(2, 1)] and spmd["kv_write"] == [(1, 2)]
    assert parallel["kv_hadamard"] == spmd["kv_hadamard"] == [(4, 1)]
    assert parallel["rmsnorm"] == parallel["rope"] == parallel["kv_and_cache_write"] == [(2, 1)]
    # a run-time token loop (s < pre) around a parallel column loop: unknown number of dispatches
    assert parallel["score_ape_state_scatter"] == [(None, 1)]
