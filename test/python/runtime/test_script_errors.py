"""An uncaught run-time error in a user script ends it with one line on stderr, exit 1, no traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_runtime_error_in_a_script_is_one_line(tmp_path):
    script = tmp_path / "kernel.py"
    script.write_text(textwrap.dedent('''
        import numpy as np
        from ppc import pl

        @pl.jit
        def double(x: pl.Tensor[[16, 16], pl.FP32], y: pl.Out[pl.Tensor[[16, 16], pl.FP32]]):
            for i in pl.spmd(2, name_hint="twice"):
                y[i * 16:i * 16 + 16, :] = pl.add(x[i * 16:i * 16 + 16, :], x[i * 16:i * 16 + 16, :])
            return y

        double(np.zeros((16, 16), np.float32), np.zeros((16, 16), np.float32))
    '''))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"{script}:8:")
    assert line.split(": ", 1)[1] == ("error: kernel 'twice' block 1: pl.slice offsets [16, 0] with shape [16, 16] out "
                                      "of bounds for tensor [16, 16]")
