"""Provenance of a result: what produced it, on which code, with which packages, where."""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
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
#: The top-level packages of the distribution, whose files identify the code that ran.
CODE_PACKAGES = ("simulation", "experiments")
#: Files of those packages that are code or data the code reads (not caches).
CODE_SUFFIXES = (".py", ".toml", ".vue")


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


@functools.cache
def code_files_hash(root: Path = REPO_ROOT) -> str:
    """A hash of the code that runs: ``sha256:`` and 16 hex digits.

    Computed over every file of :data:`CODE_PACKAGES` under ``root`` with a suffix in
    :data:`CODE_SUFFIXES` (relative path and bytes, sorted by path, line endings normalised), so
    an installed copy and the checkout it was built from give the same hash, and any edit to the
    installed files changes it. Computed once per process.
    """
    digest = hashlib.sha256()
    files = sorted(path for package in CODE_PACKAGES for path in (root / package).rglob("*")
                   if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts
                   and path.is_file())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def code_state(root: Path = REPO_ROOT) -> dict[str, Any]:
    """Which code produced a result, and how it was installed.

    * ``source = "git checkout"``: the packages are imported from the top of a git work tree
      (``make`` setup, an editable install): ``commit`` and ``dirty`` identify the code.
    * ``source = "installed"``: imported from an installed distribution (``pip install``), which
      has no commit of its own: its ``version``, where it is installed and ``files`` (see
      :func:`code_files_hash`) identify it, and ``commit_missing`` says why there is no commit.

    ``identity`` is one string that differs whenever the code does (see :func:`code_identity`).
    """
    git = git_state(root)
    try:
        version = importlib.metadata.version("datarovers")
    except importlib.metadata.PackageNotFoundError:
        version = None
    state: dict[str, Any] = {"version": version, "path": str(root)}
    if git["commit"] is not None:
        state.update(source="git checkout", **git)
    else:
        state.update(source="installed", commit=None, dirty=None,
                     files=code_files_hash(root),
                     commit_missing=f"{root} is not the top of a git work tree (an installed "
                                    "distribution); its version and file hash identify the code")
    state["identity"] = code_identity(state)
    return state


def code_identity(state: dict[str, Any]) -> str:
    """One string per version of the code.

    The commit (``+dirty`` when there were uncommitted changes), else the installed files'
    hash, else ``"unknown"``.
    """
    if state.get("commit"):
        return state["commit"] + ("+dirty" if state.get("dirty") else "")
    return state.get("files") or "unknown"


def describe_code(state: dict[str, Any]) -> str:
    """The code in a few words.

    ``"commit 1a2b3c4d5e with uncommitted changes"`` or ``"datarovers 0.1.0 installed, files
    sha256:..."``.
    """
    if state.get("commit"):
        return f"commit {state['commit'][:10]}" + (
            " with uncommitted changes" if state.get("dirty") else "")
    if state.get("files"):
        return f"datarovers {state.get('version')} installed, files {state['files']}"
    return "unknown code"


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
        "code": code_state(),
    }
