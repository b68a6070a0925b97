"""Shared fixture: load a kernel source written to a temporary file (pl kernels must live in a file)."""

from __future__ import annotations

import sys
import textwrap
import types

import pytest


@pytest.fixture
def load_kernel(tmp_path, monkeypatch):
    def load(source: str) -> dict:
        path = tmp_path / "kernel.py"
        path.write_text(textwrap.dedent(source))
        module = types.ModuleType("kernel")
        module.__file__ = str(path)
        monkeypatch.setitem(sys.modules, "kernel", module)  # where inspect looks for a class's source
        exec(compile(path.read_text(), str(path), "exec"), module.__dict__)  # noqa: S102 - the kernel under test
        return module.__dict__

    return load
