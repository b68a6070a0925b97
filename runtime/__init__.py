"""Runtime: numpy executor, NPU cost model, reports, traces and the golden harness."""
