"""Console tools: ppc-opt (pass driver), ppc-run (compile + simulate)."""
