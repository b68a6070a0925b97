"""lit configuration: runs test/**/*.mlir and test/**/*.py (not the pytest suites under test/python)."""

import os
import shutil
import sys

import lit.formats

config.name = "ppc"  # noqa: F821  (lit injects `config` and `lit_config`)
config.test_format = lit.formats.ShTest(execute_external=False)  # noqa: F821
config.suffixes = [".mlir", ".py"]  # noqa: F821
config.test_source_root = os.path.dirname(__file__)  # noqa: F821
config.excludes = ["lit.cfg.py", "python", "Inputs", "Output", "__pycache__", "conftest.py"]  # noqa: F821

# Tools come from the environment lit runs in (the project's venv).
bin_dir = os.path.dirname(sys.executable)
path = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
config.environment["PATH"] = path  # noqa: F821
# A checkout imported through PYTHONPATH (e.g. a git worktree) is the one tested.
if "PYTHONPATH" in os.environ:
    config.environment["PYTHONPATH"] = os.environ["PYTHONPATH"]  # noqa: F821
for tool in ("ppc-opt", "filecheck"):
    if shutil.which(tool, path=path) is None:
        lit_config.fatal(f"'{tool}' not found next to {sys.executable}: run `pip install -e .` first")  # noqa: F821
# lit's internal shell points PYTHONPATH at lit itself once a RUN line has used an out-of-process builtin
# (`diff`, `cat`, ...), for the rest of the test; naming the checkout on each tool's command line keeps it.
pin = f"env PYTHONPATH={os.environ['PYTHONPATH']} " if "PYTHONPATH" in os.environ else ""
config.substitutions.append(("%python", pin + sys.executable))  # noqa: F821
if pin:
    config.substitutions.append((r"\bppc-opt\b", pin + "ppc-opt"))  # noqa: F821
