"""A config module for test/frontend/compressor_shape.py: module-level constants imported by a kernel."""

B = 4
S = 2
D = 256
HEAD_DIM = 128
RATIO = 128
K_CHUNK = 64
OUT_CHUNK = 64
BATCH_CHUNK = 2
EPS = 1e-6
