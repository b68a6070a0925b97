"""The synthetic compressor-shaped program and the simulation benchmark."""

import pytest

from ppc.runtime.npu import A2A3, BlockWork, build_report, simulate
from ppc.runtime.npu.bench_sim import main, run
from ppc.runtime.npu.synthetic import CompressorShape, compressor_program, split_program


def test_compressor_task_graph_shapes():
    par = compressor_program("parallel", A2A3)
    spmd = compressor_program("spmd", A2A3)
    # 16 proj + 8 scatter + 32 pool + 4 rmsnorm + 4 rope + 8 hadamard + 4 cache + 8 scatter_next
    assert len(par) == 84
    assert len(spmd) == 84 - 16 - 32 - 8 + 3
    assert sum(len(t.blocks) for t in par) == sum(len(t.blocks) for t in spmd) == 84
    pools = [t for t in spmd if t.kernel == "softmax_pool"]
    assert len(pools) == 1 and len(pools[0].blocks) == 32
    assert {t.core_type for t in par if t.kernel in ("kv_score_proj", "kv_hadamard")} == {"AIC"}


def test_compressor_dependencies():
    tasks = compressor_program("parallel", A2A3)
    kernel_of = [t.kernel for t in tasks]
    scatter = tasks[kernel_of.index("score_ape_state_scatter")]
    assert [kernel_of[d] for d in scatter.deps] == ["kv_score_proj", "kv_score_proj"]  # both row blocks
    first_next = tasks[kernel_of.index("state_scatter_next")]
    # slot 0 of the next window is overwritten only after the pools that read it (write-after-read)
    assert {kernel_of[d] for d in first_next.deps} == {"kv_score_proj", "softmax_pool"}


def test_no_compression_skips_the_pooling_stages():
    tasks = compressor_program("spmd", A2A3, CompressorShape(start_pos=10))
    assert {t.kernel for t in tasks} == {"kv_score_proj", "score_ape_state_scatter"}


def test_layers_chain():
    one = compressor_program("parallel", A2A3)
    three = compressor_program("parallel", A2A3, layers=3)
    assert len(three) == 3 * len(one)
    assert three[len(one)].deps  # layer 1's projection waits for layer 0's output


def test_spmd_variant_is_faster():
    par = build_report(simulate(compressor_program("parallel", A2A3), A2A3))
    spmd = build_report(simulate(compressor_program("spmd", A2A3), A2A3))
    assert spmd.tasks < par.tasks
    assert spmd.total_us < par.total_us


def test_split_program():
    (spmd,) = split_program(4, BlockWork(100), spmd=True)
    assert spmd.blocks == (BlockWork(100),) * 4
    assert [t.blocks for t in split_program(4, BlockWork(100), spmd=False)] == [(BlockWork(100),)] * 4


def test_unknown_variant():
    with pytest.raises(ValueError, match="variant"):
        compressor_program("serial", A2A3)


def test_benchmark_runs(capsys):
    figures = run(dispatches=200)
    assert figures["dispatches"] >= 200 and figures["simulate_s"] < 2.0
    main(["--dispatches", "100", "--variant", "spmd"])
    assert "simulate_s" in capsys.readouterr().out
