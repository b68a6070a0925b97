"""Sizes shared by the pypto-style kernels here (a sibling module, as pypto-lib's config.py)."""

ROWS = 64
COLS = 128
BLOCKS = 4
