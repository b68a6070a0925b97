"""DeepSeek-V4 decode kernels written in pl, their configs and torch goldens."""
