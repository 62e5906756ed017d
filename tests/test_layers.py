"""The import contracts of pyproject.toml ([tool.importlinter]) hold, and can fail.

Checked with import-linter (``lint-imports``): the rules layer imports no kernel, Mesa, model or
experiments; the model imports neither the app nor the experiments; nothing imports the CLI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """Run lint-imports on the packages under ``tree`` with its pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env,
                          capture_output=True, text=True, check=False)


def test_every_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_a_kernel_imported_by_the_rules_breaks_the_contract(tmp_path):
    for package in ("simulation", "experiments"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    rules = tmp_path / "simulation" / "rules.py"
    rules.write_text(rules.read_text().replace(
        "import numpy as np\n", "import numpy as np\n\nimport simulation.kernels.state\n", 1))
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 broken" in result.stdout
    assert "simulation.rules -> simulation.kernels.state" in result.stdout
