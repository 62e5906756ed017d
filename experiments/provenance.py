"""Provenance of a result: what produced it, on which code, with which packages, where."""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

#: Packages whose versions go into every manifest.
TRACKED_PACKAGES = ("datarovers", "mesa", "numpy", "scipy", "networkx", "pandas", "pyarrow",
                    "dask", "distributed", "SALib", "plotly", "solara")

REPO_ROOT = Path(__file__).resolve().parent.parent


def git_state(root: Path = REPO_ROOT) -> dict[str, Any]:
    """The git commit of ``root`` and whether the work tree has uncommitted changes.

    Both are ``None`` unless ``root`` is the top of a git work tree: an installed package
    (site-packages) has no commit of its own, even when it sits inside someone else's
    repository (a virtual environment in a project's checkout); the manifest's package
    versions identify its code then.
    """
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                                  text=True, timeout=10, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    top = git("rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != Path(root).resolve():
        return {"commit": None, "dirty": None}
    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def package_versions() -> dict[str, str | None]:
    """Installed versions of the tracked packages (``None`` where one is missing)."""
    versions: dict[str, str | None] = {}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def now() -> str:
    """The current time in ISO 8601 with the UTC offset."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def environment() -> dict[str, Any]:
    """Interpreter, packages, machine and code version, for a manifest."""
    return {
        "python": sys.version.split()[0],
        "packages": package_versions(),
        "host": platform.node(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "git": git_state(),
    }
