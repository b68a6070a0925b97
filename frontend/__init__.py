"""Frontend: the `pl` language surface (`language`) and the Python AST -> pl dialect builder (`builder`)."""
