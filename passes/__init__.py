"""Compiler passes over the pl dialect (one module per pass) and the default pipeline."""
