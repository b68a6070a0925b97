"""Frontend: the `pl` language surface and the Python AST -> pl dialect builder."""
