"""The README's setup (make) finds a Python >= 3.12 or says clearly that there is none."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_setup_without_a_suitable_python_fails_with_a_clear_message(tmp_path):
    for name in ("Makefile", "pyproject.toml", "requirements-lock.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "sh", "ls", "rm"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    old = "/usr/bin/python3.11"
    if Path(old).exists():  # an interpreter that is too old must be passed over
        os.symlink(old, bin_dir / "python3")
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "none")}
    done = subprocess.run(["make", "setup"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "needs Python 3.12 or newer" in done.stderr
    assert not (tmp_path / ".venv").exists()
