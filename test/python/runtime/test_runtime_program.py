"""Orchestration interpretation, write-back, task graph, and the NPU-model integration of whole programs."""

from __future__ import annotations

import json

import ml_dtypes
import numpy as np
import pytest
import torch

from rt_programs import compile_text

WALKTHROUGH = """
func.func @scale_rows(%x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %flag: i1) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %yA = scf.if %flag -> (!pl.tensor<64x128xf32>) {
    %ys = pl.dispatch @quarters(%x) outs(%y) blocks(%c4) {name = "quarters"} : (!pl.tensor<64x128xf32>) -> (!pl.tensor<64x128xf32>)
    scf.yield %ys : !pl.tensor<64x128xf32>
  } else {
    %yl = scf.for %r = %c0 to %c64 step %c16 iter_args(%yc = %y) -> (!pl.tensor<64x128xf32>) {
      %yt = pl.dispatch @rows(%x, %r) outs(%yc) blocks(%c1) {name = "rows"} : (!pl.tensor<64x128xf32>, index) -> (!pl.tensor<64x128xf32>)
      scf.yield %yt : !pl.tensor<64x128xf32>
    } {pl.loop = #pl.loop<parallel>}
    scf.yield %yl : !pl.tensor<64x128xf32>
  }
  func.return %yA : !pl.tensor<64x128xf32>
}
func.func @quarters(%x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %i: index) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c2f = arith.constant 2.0 : f32
  %off = arith.muli %i, %c16 : index
  %t = pl.slice %x[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  %m = pl.mul %t, %c2f : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
  %y1 = pl.assemble %m into %y[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return %y1 : !pl.tensor<64x128xf32>
}
func.func @rows(%x: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<in>}, %r: index, %y: !pl.tensor<64x128xf32> {pl.dir = #pl.dir<out>}, %b: index) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %t = pl.slice %x[%r, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  %e = pl.exp %t : !pl.tile<16x128xf32, vec>
  %y1 = pl.assemble %e into %y[%r, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return %y1 : !pl.tensor<64x128xf32>
}
"""


def _x():
    return np.random.default_rng(7).standard_normal((64, 128)).astype(np.float32)


def test_walkthrough_branch_picks_dispatch_shape():
    program = compile_text(WALKTHROUGH)
    x = _x()
    y = np.zeros_like(x)
    res = program.run(x, y, True)
    np.testing.assert_array_equal(y, x * np.float32(2))
    assert res.outputs[0] is y
    assert [(t.kernel, len(t.blocks)) for t in res.tasks] == [("quarters", 4)]  # 1 submit of 4 blocks

    y2 = np.zeros_like(x)
    res = program.run(x, y2, False)
    np.testing.assert_array_equal(y2, np.exp(x))
    assert [(t.kernel, len(t.blocks)) for t in res.tasks] == [("rows", 1)] * 4  # 4 submits of 1 block
    # the rows tasks write disjoint rows: no dependencies although the IR threads %yc through the loop
    assert all(t.deps == () for t in res.tasks)
    assert res.report.tasks == 4 and res.report.blocks == 4


def test_torch_tensors_written_back_in_place():
    program = compile_text(WALKTHROUGH)
    x = torch.from_numpy(_x())
    y = torch.zeros(64, 128)
    res = program.run(x, y, True)
    assert torch.equal(y, x * 2)
    assert res.outputs[0] is y


def test_in_argument_is_not_modified_and_output_untouched_on_error():
    program = compile_text(WALKTHROUGH)
    x = _x()
    keep = x.copy()
    y = np.full_like(x, 5.0)
    program.run(x, y, False)
    np.testing.assert_array_equal(x, keep)


# A dependency chain through a GM scratch tensor, a sequential loop, bf16 state and an InOut parameter.
CHAIN = """
func.func @chain(%x: !pl.tensor<32x64xbf16> {pl.dir = #pl.dir<in>}, %acc: !pl.tensor<32x64xbf16> {pl.dir = #pl.dir<inout>}, %n: i32) -> !pl.tensor<32x64xbf16> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %tmp = pl.create_tensor : !pl.tensor<32x64xbf16>
  %nn = arith.index_cast %n : i32 to index
  %res = scf.for %i = %c0 to %nn step %c1 iter_args(%a = %acc) -> (!pl.tensor<32x64xbf16>) {
    %t = pl.dispatch @double(%x) outs(%tmp) blocks(%c2) {name = "double"} : (!pl.tensor<32x64xbf16>) -> (!pl.tensor<32x64xbf16>)
    %a2 = pl.dispatch @accumulate(%t) outs(%a) blocks(%c2) {name = "accumulate"} : (!pl.tensor<32x64xbf16>) -> (!pl.tensor<32x64xbf16>)
    scf.yield %a2 : !pl.tensor<32x64xbf16>
  } {pl.loop = #pl.loop<range>}
  func.return %res : !pl.tensor<32x64xbf16>
}
func.func @double(%x: !pl.tensor<32x64xbf16>, %o: !pl.tensor<32x64xbf16> {pl.dir = #pl.dir<out>}, %b: index) -> !pl.tensor<32x64xbf16> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %off = arith.muli %b, %c16 : index
  %t = pl.slice %x[%off, %c0] : !pl.tensor<32x64xbf16> -> !pl.tile<16x64xbf16, vec>
  %d = pl.add %t, %t : !pl.tile<16x64xbf16, vec>
  %o1 = pl.assemble %d into %o[%off, %c0] : !pl.tile<16x64xbf16, vec> into !pl.tensor<32x64xbf16> -> !pl.tensor<32x64xbf16>
  func.return %o1 : !pl.tensor<32x64xbf16>
}
func.func @accumulate(%t: !pl.tensor<32x64xbf16>, %a: !pl.tensor<32x64xbf16> {pl.dir = #pl.dir<inout>}, %b: index) -> !pl.tensor<32x64xbf16> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %off = arith.muli %b, %c16 : index
  %v = pl.slice %t[%off, %c0] : !pl.tensor<32x64xbf16> -> !pl.tile<16x64xbf16, vec>
  %w = pl.slice %a[%off, %c0] : !pl.tensor<32x64xbf16> -> !pl.tile<16x64xbf16, vec>
  %s = pl.add %v, %w : !pl.tile<16x64xbf16, vec>
  %a1 = pl.assemble %s into %a[%off, %c0] : !pl.tile<16x64xbf16, vec> into !pl.tensor<32x64xbf16> -> !pl.tensor<32x64xbf16>
  func.return %a1 : !pl.tensor<32x64xbf16>
}
"""


def test_sequential_loop_chain_bf16_inout_matches_torch():
    program = compile_text(CHAIN)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((32, 64)).astype(ml_dtypes.bfloat16)
    acc = rng.standard_normal((32, 64)).astype(ml_dtypes.bfloat16)
    tx = torch.from_numpy(x.view(np.int16).copy()).view(torch.bfloat16)
    tacc = torch.from_numpy(acc.view(np.int16).copy()).view(torch.bfloat16)
    want = tacc.clone()
    for _ in range(3):
        want = (tx + tx) + want
    res = program.run(tx, tacc, 3)
    assert torch.equal(tacc.view(torch.int16), want.view(torch.int16))  # bit-identical, written back in place
    # six tasks; each accumulate depends on the double before it (RAW on %tmp) and the previous accumulate
    # (RAW/WAW on acc); each later double waits for the previous double (WAW) and accumulate (WAR on %tmp)
    assert [t.kernel for t in res.tasks] == ["double", "accumulate"] * 3
    assert [t.deps for t in res.tasks] == [(), (0,), (0, 1), (1, 2), (2, 3), (3, 4)]
    # zero iterations: acc untouched, no tasks
    before = acc.copy()
    res = program.run(x, acc, 0)
    assert res.tasks == () and np.array_equal(acc.view(np.int16), before.view(np.int16))


def _split_program(spmd: bool, n: int, work: int, rows: int = 16, cols: int = 128) -> str:
    """n blocks of `work` rounds of exp/mul on a rows x cols tile: one spmd task, or n pl.at tasks in a loop."""
    tensor = f"!pl.tensor<{rows * n}x{cols}xf32>"
    tile = f"!pl.tile<{rows}x{cols}xf32, vec>"
    kernel = f"""
func.func @body(%x: {tensor}, %row: index, %y: {tensor} {{pl.dir = #pl.dir<out>}}, %b: index) -> {tensor} attributes {{pl.kind = #pl.kind<incore>}} {{
  %c0 = arith.constant 0 : index
  %c16 = arith.constant {rows} : index
  %blk = arith.addi %row, %b : index
  %off = arith.muli %blk, %c16 : index
  %cw = arith.constant {work} : index
  %c1 = arith.constant 1 : index
  %t = pl.slice %x[%off, %c0] : {tensor} -> {tile}
  %m = scf.for %j = %c0 to %cw step %c1 iter_args(%v = %t) -> ({tile}) {{
    %e = pl.exp %v : {tile}
    %r = pl.mul %e, %t : {tile}
    scf.yield %r : {tile}
  }}
  %y1 = pl.assemble %m into %y[%off, %c0] : {tile} into {tensor} -> {tensor}
  func.return %y1 : {tensor}
}}"""
    if spmd:
        orch = f"""
  %yr = pl.dispatch @body(%x, %c0) outs(%y) blocks(%cn) {{name = "body"}} : ({tensor}, index) -> ({tensor})"""
    else:
        orch = f"""
  %yr = scf.for %i = %c0 to %cn step %c1 iter_args(%yc = %y) -> ({tensor}) {{
    %yt = pl.dispatch @body(%x, %i) outs(%yc) blocks(%c1) {{name = "body"}} : ({tensor}, index) -> ({tensor})
    scf.yield %yt : {tensor}
  }} {{pl.loop = #pl.loop<parallel>}}"""
    return f"""
func.func @split(%x: {tensor} {{pl.dir = #pl.dir<in>}}, %y: {tensor} {{pl.dir = #pl.dir<out>}}) -> {tensor} attributes {{pl.kind = #pl.kind<orchestration>}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant {n} : index{orch}
  func.return %yr : {tensor}
}}{kernel}"""


@pytest.mark.parametrize("platform,n", [("a2a3", 96), ("a5", 144)])
def test_spmd_beats_parallel_at_with_identical_outputs(platform, n):
    """Twice as many blocks as AIV cores, each longer than all submits take: the pl.at tasks queue in
    busy cores' pending slots (Head OH includes that wait); the spmd task launches in two waves."""
    x = np.random.default_rng(11).standard_normal((64 * n, 512)).astype(np.float32) * np.float32(0.02)
    y_par, y_spmd = np.zeros_like(x), np.zeros_like(x)
    par = compile_text(_split_program(False, n, 50, 64, 512), platform).run(x, y_par)
    spmd = compile_text(_split_program(True, n, 50, 64, 512), platform).run(x, y_spmd)
    np.testing.assert_array_equal(y_par, y_spmd)
    want = x
    for _ in range(50):
        want = np.exp(want) * x
    np.testing.assert_array_equal(y_spmd, want)
    assert (par.report.tasks, spmd.report.tasks) == (n, 1)
    assert par.report.blocks == spmd.report.blocks == n
    assert spmd.report.avg_head_oh_us < par.report.avg_head_oh_us
    assert spmd.report.total_us < par.report.total_us
    assert spmd.report.platform == platform


def test_two_runs_give_identical_report_and_trace(tmp_path):
    program = compile_text(CHAIN)
    x = np.ones((32, 64), ml_dtypes.bfloat16)
    outs = []
    for i in range(2):
        acc = np.zeros((32, 64), ml_dtypes.bfloat16)
        res = program.run(x, acc, 4)
        path = tmp_path / f"t{i}.json"
        res.write_trace(str(path))
        outs.append((res.report.to_json(), path.read_bytes()))
    assert outs[0] == outs[1]
    # a freshly compiled program gives the same report too
    acc = np.zeros((32, 64), ml_dtypes.bfloat16)
    assert compile_text(CHAIN).run(x, acc, 4).report.to_json() == outs[0][0]


def test_trace_invariants(tmp_path):
    program = compile_text(CHAIN)
    acc = np.zeros((32, 64), ml_dtypes.bfloat16)
    res = program.run(np.ones((32, 64), ml_dtypes.bfloat16), acc, 2)
    path = tmp_path / "trace.json"
    res.write_trace(str(path))
    events = json.loads(path.read_text())["traceEvents"]
    processes = {e["args"]["name"] for e in events if e.get("name") == "process_name"}
    assert processes == {"Orchestrator", "Scheduler", "Worker View"}
    blocks = [e for e in events if e.get("ph") == "X" and "block" in e.get("args", {})]
    assert len(blocks) == res.report.blocks == 8
    by_track: dict = {}
    for e in blocks:
        assert e["dur"] >= 0
        assert e["args"]["head_oh_us"] >= 0 and e["args"]["tail_oh_us"] >= 0
        assert e["ts"] >= e["args"]["dispatch_us"]
        by_track.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
    for spans in by_track.values():  # one block at a time per core
        spans.sort()
        assert all(a_end <= b_start + 1e-9 for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    flows = [e for e in events if e.get("ph") in ("s", "f")]
    edges = sum(len(t.deps) for t in res.tasks)
    assert len(flows) == 2 * edges and edges > 0
    # a consumer starts after each producer has finished (TensorMap deps are honoured by the schedule)
    finish = {}
    for b in res.timeline.blocks:
        finish[b.task] = max(finish.get(b.task, 0.0), b.finish_us)
    for b in res.timeline.blocks:
        for d in res.tasks[b.task].deps:
            assert b.dispatch_us >= finish[d]


def test_report_json_and_text_carry_the_headline_numbers():
    res = compile_text(WALKTHROUGH).run(_x(), np.zeros((64, 128), np.float32), False)
    data = json.loads(res.report.to_json())
    assert data["tasks"] == 4 and data["platform"] == "a2a3"
    assert data["total_us"] == pytest.approx(res.report.total_us)
    text = res.report.to_text()
    assert "Total Test Time" in text and "rows" in text


def test_matmul_kernel_runs_on_aic_and_vector_kernel_on_aiv():
    text = """
func.func @mm(%a: !pl.tensor<32x64xbf16> {pl.dir = #pl.dir<in>}, %b: !pl.tensor<64x32xbf16> {pl.dir = #pl.dir<in>}, %c: !pl.tensor<32x32xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<32x32xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c1 = arith.constant 1 : index
  %r = pl.dispatch @k(%a, %b) outs(%c) blocks(%c1) {name = "mm"} : (!pl.tensor<32x64xbf16>, !pl.tensor<64x32xbf16>) -> (!pl.tensor<32x32xf32>)
  func.return %r : !pl.tensor<32x32xf32>
}
func.func @k(%a: !pl.tensor<32x64xbf16>, %b: !pl.tensor<64x32xbf16>, %c: !pl.tensor<32x32xf32> {pl.dir = #pl.dir<out>}, %i: index) -> !pl.tensor<32x32xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %acc0 = arith.constant 0.0 : f32
  %init = pl.full %acc0 : f32 -> !pl.tile<32x32xf32, acc>
  %res = scf.for %k = %c0 to %c32 step %c32 iter_args(%acc = %init) -> (!pl.tile<32x32xf32, acc>) {
    %ta = pl.slice %a[%c0, %k] : !pl.tensor<32x64xbf16> -> !pl.tile<32x32xbf16, mat>
    %tb = pl.slice %b[%k, %c0] : !pl.tensor<64x32xbf16> -> !pl.tile<32x32xbf16, mat>
    %n = pl.matmul_acc %acc, %ta, %tb : (!pl.tile<32x32xf32, acc>, !pl.tile<32x32xbf16, mat>, !pl.tile<32x32xbf16, mat>) -> !pl.tile<32x32xf32, acc>
    scf.yield %n : !pl.tile<32x32xf32, acc>
  } {pl.loop = #pl.loop<pipeline>, pl.stages = 2 : i64}
  %c1 = pl.assemble %res into %c[%c0, %c0] : !pl.tile<32x32xf32, acc> into !pl.tensor<32x32xf32> -> !pl.tensor<32x32xf32>
  func.return %c1 : !pl.tensor<32x32xf32>
}
"""
    program = compile_text(text)
    assert program.kernels["k"].core_type == "AIC"
    rng = np.random.default_rng(5)
    a = rng.standard_normal((32, 64)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((64, 32)).astype(ml_dtypes.bfloat16)
    c = np.zeros((32, 32), np.float32)
    res = program.run(a, b, c)
    # one k-step (step 32 over 32): only a[:, :32] @ b[:32] is accumulated
    np.testing.assert_allclose(c, a[:, :32].astype(np.float32) @ b[:32].astype(np.float32), rtol=1e-5, atol=1e-5)
    assert res.timeline.blocks[0].core.startswith("AIC")
    assert res.report.roofline.flops == 2 * 32 * 32 * 32
    assert compile_text(WALKTHROUGH).kernels["rows"].core_type == "AIV"


VIEWS = """
func.func @halves(%x: !pl.tensor<32x16xf32> {pl.dir = #pl.dir<in>}, %y: !pl.tensor<32x16xf32> {pl.dir = #pl.dir<out>}) -> !pl.tensor<32x16xf32> attributes {pl.kind = #pl.kind<orchestration>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %top = pl.slice %y[%c0, %c0] : !pl.tensor<32x16xf32> -> !pl.tensor<16x16xf32>
  %bottom = pl.slice %y[%c16, %c0] : !pl.tensor<32x16xf32> -> !pl.tensor<16x16xf32>
  %xt = pl.slice %x[%c0, %c0] : !pl.tensor<32x16xf32> -> !pl.tensor<16x16xf32>
  %xb = pl.slice %x[%c16, %c0] : !pl.tensor<32x16xf32> -> !pl.tensor<16x16xf32>
  %r0 = pl.dispatch @neg(%xt) outs(%top) blocks(%c1) {name = "top"} : (!pl.tensor<16x16xf32>) -> (!pl.tensor<16x16xf32>)
  %r1 = pl.dispatch @neg(%xb) outs(%bottom) blocks(%c1) {name = "bottom"} : (!pl.tensor<16x16xf32>) -> (!pl.tensor<16x16xf32>)
  %flat = pl.reshape %y : !pl.tensor<32x16xf32> -> !pl.tensor<16x32xf32>
  %sub = pl.slice %flat[%c0, %c0] : !pl.tensor<16x32xf32> -> !pl.tensor<16x16xf32>
  %r2 = pl.dispatch @neg(%sub) outs(%sub) blocks(%c1) {name = "flat"} : (!pl.tensor<16x16xf32>) -> (!pl.tensor<16x16xf32>)
  func.return %y : !pl.tensor<32x16xf32>
}
func.func @neg(%x: !pl.tensor<16x16xf32>, %y: !pl.tensor<16x16xf32> {pl.dir = #pl.dir<inout>}, %b: index) -> !pl.tensor<16x16xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %t = pl.slice %x[%c0, %c0] : !pl.tensor<16x16xf32> -> !pl.tile<16x16xf32, vec>
  %n = pl.neg %t : !pl.tile<16x16xf32, vec>
  %y1 = pl.assemble %n into %y[%c0, %c0] : !pl.tile<16x16xf32, vec> into !pl.tensor<16x16xf32> -> !pl.tensor<16x16xf32>
  func.return %y1 : !pl.tensor<16x16xf32>
}
"""


def test_gm_views_record_regions_in_root_coordinates():
    x = np.arange(32 * 16, dtype=np.float32).reshape(32, 16)
    y = np.zeros_like(x)
    res = compile_text(VIEWS).run(x, y)
    want = -x
    # the last task negates, through a reshaped [16, 32] view, the first 16 rows-of-32 = first 256 elements
    want.reshape(16, 32)[:, :16] *= -1
    np.testing.assert_array_equal(y, want)
    # top/bottom write disjoint halves of y: independent; the reshaped view covers the even rows of both
    assert [t.deps for t in res.tasks] == [(), (), (0, 1)]


def test_compiled_program_api_and_entry_selection():
    from ppc.dialects.parsing import parse_mlir
    from ppc.runtime import CompiledProgram, PlRuntimeError

    module = parse_mlir(WALKTHROUGH, "w.mlir")
    program = CompiledProgram(module, "a2a3", ir_after={"pl-ssa": "// ssa form"})
    assert program.module is module and sorted(program.kernels) == ["quarters", "rows"]
    assert [(p.name, p.direction.value) for p in program.params] == [("x", "in"), ("y", "out"), ("flag", "in")]
    assert program.ir_after("pl-ssa") == "// ssa form"
    with pytest.raises(KeyError, match="no IR recorded after pass 'pl-inline'"):
        program.ir_after("pl-inline")
    two = WALKTHROUGH + WALKTHROUGH.split("func.func @quarters")[0].replace("@scale_rows", "@other")
    with pytest.raises(PlRuntimeError, match="exactly one orchestration function .* found: scale_rows, other"):
        CompiledProgram(parse_mlir(two, "two.mlir"))
    assert CompiledProgram(parse_mlir(two, "two.mlir"), entry="other").entry_name == "other"
    with pytest.raises(PlRuntimeError, match=r"no orchestration function 'nope' in the module \(found: scale_rows, other\)"):
        CompiledProgram(parse_mlir(two, "two.mlir"), entry="nope")


def test_numpy_runs_never_import_torch(tmp_path):
    import subprocess
    import sys

    (tmp_path / "w.mlir").write_text(WALKTHROUGH)
    script = (
        "import sys, numpy as np\n"
        "from ppc.tools.run import main\n"
        f"assert main([{str(tmp_path / 'w.mlir')!r}, '--json']) == 0\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _streaming_kernel(loop_attr: str) -> str:
    return f"""
func.func @stream(%x: !pl.tensor<512x128xf32> {{pl.dir = #pl.dir<in>}}, %y: !pl.tensor<16x128xf32> {{pl.dir = #pl.dir<out>}}) -> !pl.tensor<16x128xf32> attributes {{pl.kind = #pl.kind<orchestration>}} {{
  %c1 = arith.constant 1 : index
  %r = pl.dispatch @k(%x) outs(%y) blocks(%c1) {{name = "k"}} : (!pl.tensor<512x128xf32>) -> (!pl.tensor<16x128xf32>)
  func.return %r : !pl.tensor<16x128xf32>
}}
func.func @k(%x: !pl.tensor<512x128xf32>, %y: !pl.tensor<16x128xf32> {{pl.dir = #pl.dir<out>}}, %b: index) -> !pl.tensor<16x128xf32> attributes {{pl.kind = #pl.kind<incore>}} {{
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c512 = arith.constant 512 : index
  %z = arith.constant 0.0 : f32
  %init = pl.full %z : f32 -> !pl.tile<16x128xf32, vec>
  %acc = scf.for %i = %c0 to %c512 step %c16 iter_args(%a = %init) -> (!pl.tile<16x128xf32, vec>) {{
    %t = pl.slice %x[%i, %c0] : !pl.tensor<512x128xf32> -> !pl.tile<16x128xf32, vec>
    %e = pl.exp %t : !pl.tile<16x128xf32, vec>
    %s = pl.add %a, %e : !pl.tile<16x128xf32, vec>
    scf.yield %s : !pl.tile<16x128xf32, vec>
  }} {loop_attr}
  %y1 = pl.assemble %acc into %y[%c0, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<16x128xf32> -> !pl.tensor<16x128xf32>
  func.return %y1 : !pl.tensor<16x128xf32>
}}"""


def test_pipeline_stages_overlap_loads_with_compute():
    x = np.random.default_rng(2).standard_normal((512, 128)).astype(np.float32)
    cycles = {}
    for name, attr in [("range", "{pl.loop = #pl.loop<range>}"),
                       ("pipeline2", "{pl.loop = #pl.loop<pipeline>, pl.stages = 2 : i64}")]:
        y = np.zeros((16, 128), np.float32)
        res = compile_text(_streaming_kernel(attr)).run(x, y)
        np.testing.assert_allclose(y, np.exp(x).reshape(32, 16, 128).sum(0), rtol=1e-5)
        cycles[name] = res.tasks[0].blocks[0].cycles
    # single-buffered: load i+1 waits until exp i has consumed load i; double-buffered: it overlaps
    assert cycles["pipeline2"] < 0.9 * cycles["range"]
