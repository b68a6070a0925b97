"""Console tools: ppc-opt (pass driver), ppc-run (compile + simulate)."""

import os

# The executor runs many small tile-sized GEMMs, for which OpenBLAS's thread pool costs far more than it
# saves (a 128x128x128 product: ~30 ms threaded on a busy 2-core host, 0.1 ms on one thread). Set before any
# tool imports numpy; an explicit setting wins. Results do not depend on it (numerics.py is order-exact).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
