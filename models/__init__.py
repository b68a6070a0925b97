"""Model library: kernels written in pl with torch goldens."""
