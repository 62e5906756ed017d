"""A fresh install works wherever a researcher stands: wheel, pinned lock, new environment.

Builds the wheel from a copy of this tree, installs it with ``requirements-lock.txt`` into a new
virtual environment, and runs ``datarovers run --steps 5`` and ``datarovers sweep incentives
--dry-run`` from an empty folder: the files land under that folder's ``results/``, never in
site-packages, and the manifest is complete and names the installed code. Slow (it installs the
whole lock, about two minutes with a warm pip cache); it runs in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from experiments.provenance import REPO_ROOT, code_files_hash

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("install")]

#: Not part of a source tree: environments, caches, outputs.
NOT_SOURCE = (".venv", ".git", "results", "test-artifacts", "__pycache__", "*.egg-info", "build",
              "dist", ".pytest_cache", ".ruff_cache")


def _run(command: list[str | Path], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 900) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=timeout)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """A new virtual environment with the lock and the wheel installed: its ``bin`` folder,
    and the copy of the source tree the wheel was built from.
    """
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", base / "wheels", source], cwd=base)
    (wheel,) = (base / "wheels").glob("datarovers-*.whl")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=base)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    _run([*pip, "-r", REPO_ROOT / "requirements-lock.txt"], cwd=base)
    _run([*pip, "--no-deps", wheel], cwd=base)
    return venv / "bin", source


def _environment(home: Path) -> dict[str, str]:
    """The user's environment without this session's settings (no results root, no venv)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATAROVERS_RESULTS", "VIRTUAL_ENV", "PYTHONPATH")}
    env["HOME"] = str(home)
    return env


def test_an_installed_wheel_writes_under_the_working_directory(installed, tmp_path):
    installed, source = installed
    work = tmp_path / "my-project"
    work.mkdir()
    env = _environment(tmp_path)
    site = Path(_run([installed / "python", "-c", "import experiments, pathlib; "
                      "print(pathlib.Path(experiments.__file__).parent.parent)"],
                     cwd=work, env=env).stdout.strip())
    assert site.name == "site-packages" and not site.is_relative_to(REPO_ROOT)

    started = time.time()
    _run([installed / "datarovers", "run", "--steps", "5", "--rng", "7"], cwd=work, env=env)
    (run_dir,) = (work / "results" / "runs").iterdir()
    assert sorted(path.name for path in run_dir.iterdir()) == ["manifest.json",
                                                                "timeseries.parquet"]
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "completed"
    assert manifest["seed"] == 7 and manifest["steps_completed"] == 5
    assert manifest["packages"]["datarovers"] and manifest["packages"]["mesa"] == "3.5.1"
    code = manifest["code"]
    assert code["source"] == "installed" and code["path"] == str(site)
    assert code["commit"] is None and code["commit_missing"]
    # the wheel holds every code file of the tree it was built from
    assert code["files"] == code_files_hash(source)

    dry = _run([installed / "datarovers", "sweep", "incentives", "--dry-run"], cwd=work, env=env)
    assert "300 tasks" in dry.stdout
    assert str(work / "results" / "incentives") in dry.stdout.replace("\n", "")
    # nothing was written inside the installed packages (but Python's bytecode caches)
    assert not (site / "results").exists()
    written = [path for path in site.rglob("*") if "__pycache__" not in path.parts
               and path.stat().st_mtime >= started]
    assert not written, written
