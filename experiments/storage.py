"""Where a sweep's results live, and how they get there without ever being half-written.

Layout of a run directory::

    results/<spec name>/<spec hash>/
        manifest.json          spec, seeds, code version, environment, sessions, status per task
        tasks/task-000042.parquet   one file per finished task (rows: recorded steps)
        results.parquet        every task in one file, written once all tasks have finished
        summary.csv, figures/  written by ``datarovers summarize``

Every file is written to a temporary name starting with ``.`` in the same directory and then
renamed with :func:`os.replace`, which is atomic on POSIX: a file that exists is complete, even
after ``kill -9``. A task is finished exactly when its Parquet file exists, so re-running a spec
skips those tasks and runs the rest. Temporary files are ignored by readers (pyarrow skips names
starting with ``.``) and removed when the run directory is opened again.

The directory name is a hash of the spec (:func:`experiments.spec.spec_hash`): a changed spec
gets a new directory, so results of different specs are never mixed or overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.errors import UsageError
from experiments.paths import (  # noqa: F401  (re-exported: the results root lives here too)
    DEFAULT_RESULTS_HELP,
    RESULTS_ENV,
    default_results_root,
)
from experiments.provenance import code_identity, code_state, describe_code, environment, now
from experiments.spec import SweepSpec

MANIFEST = "manifest.json"
TASKS_DIR = "tasks"
CONSOLIDATED = "results.parquet"
#: Seconds between manifest rewrites while tasks finish (the task files are the truth anyway).
MANIFEST_INTERVAL = 2.0


def _read_umask() -> int:
    """The process's umask (read by setting and restoring it, once, at import)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Permissions a new result file gets are 0o666 without these bits, as for ``open()``.
UMASK = _read_umask()


class StorageError(OSError):
    """A result could not be written (disk full, directory removed, permissions changed)."""


def task_file_name(index: int) -> str:
    """``task-000042.parquet``: zero-padded so that file order is task order."""
    return f"task-{index:06d}.parquet"


def atomic_write(path: Path, write: Any) -> None:
    """Call ``write(tmp_path)`` on a hidden temporary file next to ``path``, then rename it.

    Raises:
        StorageError: The file could not be written.
    """
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp's 0600 would hide results from the group
        os.replace(tmp, path)
    except BaseException as err:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError) and not isinstance(err, StorageError):
            raise StorageError(f"cannot write {path} ({err.strerror or err})") from err
        raise


def atomic_write_json(path: Path, content: Any) -> None:
    """Write JSON atomically (indented, trailing newline)."""
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps(content, indent=1) + "\n"))




def run_directory(spec: SweepSpec, results_root: Path | None = None) -> Path:
    """``<results_root>/<spec name>/<spec hash>``."""
    root = default_results_root() if results_root is None else Path(results_root)
    return root / spec.name / spec.spec_hash


class RunStore:
    """A run directory of one spec: the task files, the manifest and the consolidated dataset.

    Only the process that drives the sweep writes here; workers return their results to it.

    Args:
        directory: The run directory (created if needed).
        spec: The spec whose results it holds.
        task_table: One dict per task (``task``, ``point``, ``replication``, ``seed``, ...) for the
            manifest.

    Raises:
        UsageError: The directory cannot be created or written, or it holds another spec.
    """

    def __init__(self, directory: Path, spec: SweepSpec, task_table: list[dict[str, Any]]) -> None:
        self.directory = Path(directory)
        self.spec = spec
        self.tasks_dir = self.directory / TASKS_DIR
        self.manifest_path = self.directory / MANIFEST
        self._check_writable()
        self.manifest = self._load_or_create(task_table)
        self._last_write = 0.0
        for stale in self.tasks_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)

    # --- opening ------------------------------------------------------------------------------
    def _check_writable(self) -> None:
        try:
            self.tasks_dir.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=self.tasks_dir)
            os.close(fd)
            os.unlink(probe)
        except OSError as err:
            reason = err.strerror or str(err)
            raise UsageError(f"results directory {str(self.directory)!r}: cannot write there "
                             f"({reason}); expected a writable directory (choose another with "
                             "--results DIR)") from None

    def _load_or_create(self, task_table: list[dict[str, Any]]) -> dict[str, Any]:
        spec = self.spec
        if self.manifest_path.exists():
            try:
                manifest = json.loads(self.manifest_path.read_text())
            except (OSError, ValueError) as err:
                raise UsageError(f"{self.manifest_path}: unreadable manifest ({err}); expected "
                                 "the JSON a sweep writes; move the directory away to start "
                                 "afresh") from None
            stored = manifest.get("spec_hash")
            if stored != spec.spec_hash or manifest.get("points") != _jsonable(spec.points):
                raise UsageError(f"{self.directory}: holds the results of another spec "
                                 f"(hash {stored}, this spec {spec.spec_hash}); expected the "
                                 "directory of this spec; results are never mixed")
            return manifest
        return {
            "kind": "datarovers sweep",
            "name": spec.name,
            "description": spec.description,
            "spec_hash": spec.spec_hash,
            "spec_file": str(spec.source),
            "spec": _jsonable(spec.raw),
            "design": spec.design,
            "factors": list(spec.factors),
            "points": _jsonable(spec.points),
            "root_seed": spec.root_seed,
            "seed_derivation": "numpy.random.SeedSequence(root_seed).spawn(n_tasks)[task], "
                               "seed = generate_state(1, uint64)[0] >> 1, passed as rng=seed",
            "replications": spec.replications,
            "steps": spec.steps,
            "recorded_steps": spec.recorded_steps(),
            "outcomes": {"series": list(spec.series), "final": list(spec.final)},
            "created": now(),
            "status": "created",
            "sessions": [],
            "tasks": task_table,
        }

    # --- state --------------------------------------------------------------------------------
    def finished(self) -> set[int]:
        """Indices of tasks whose Parquet file exists."""
        done = set()
        for path in self.tasks_dir.glob("task-*.parquet"):
            try:
                done.add(int(path.stem.removeprefix("task-")))
            except ValueError:
                continue
        return done

    def _mark_finished(self) -> set[int]:
        """Mark every task whose Parquet file exists as done; return their indices."""
        finished = self.finished()
        for entry in self.manifest["tasks"]:
            if entry["task"] in finished:
                entry["status"] = "done"
                entry.pop("error", None)
        return finished

    def begin_session(self, executor: str, workers: int | None) -> None:
        """Record who runs the sweep now (a resumed run adds a session), then save."""
        finished = self._mark_finished()
        for entry in self.manifest["tasks"]:
            if entry["task"] not in finished and entry.get("status") != "failed":
                entry["status"] = "pending"
        self.manifest["sessions"].append({"started": now(), "finished": None,
                                          "status": "running", "executor": executor,
                                          "workers": workers, **environment()})
        self.manifest["status"] = "running"
        self.save_manifest()

    def code_changed(self) -> bool:
        """Whether the previous session ran other code (commit, installed files, dirty tree)."""
        sessions = self.manifest["sessions"]
        if len(sessions) < 2:
            return False
        before, current = (_session_code(session) for session in sessions[-2:])
        return (code_identity(before) != code_identity(current) or bool(current.get("dirty"))
                or bool(before.get("dirty")))

    def code_now_differs(self) -> str | None:
        """If the code now differs from that of the last session, a sentence saying how."""
        sessions = self.manifest["sessions"]
        if not sessions:
            return None
        before, current = _session_code(sessions[-1]), code_state()
        if code_identity(before) == code_identity(current) and not before.get("dirty") \
                and not current.get("dirty"):
            return None
        return (f"these results were computed with {describe_code(before)}; the code is now "
                f"{describe_code(current)}")

    def record(self, index: int, frame: pd.DataFrame | None, error: str | None,
               seconds: float) -> None:
        """Store one task's outcome: its Parquet file, or its traceback in the manifest."""
        entry = self.manifest["tasks"][index]
        entry["seconds"] = round(seconds, 4)
        if frame is not None:
            atomic_write(self.tasks_dir / task_file_name(index),
                         lambda tmp: frame.to_parquet(tmp, index=False))
            entry["status"] = "done"
            entry.pop("error", None)
        else:
            entry["status"] = "failed"
            entry["error"] = error
        if time.monotonic() - self._last_write > MANIFEST_INTERVAL:
            self.save_manifest()

    def end_session(self, status: str) -> None:
        """Close the current session with ``status`` and save the manifest.

        Tasks are marked from the files on disk first: a signal can stop the sweep after a
        task's file was written and before the manifest entry said so.
        """
        self._mark_finished()
        session = self.manifest["sessions"][-1]
        session["finished"] = now()
        session["status"] = status
        self.manifest["status"] = status
        self.save_manifest()

    def save_manifest(self) -> None:
        """Rewrite ``manifest.json`` atomically."""
        atomic_write_json(self.manifest_path, self.manifest)
        self._last_write = time.monotonic()

    def failures(self) -> list[dict[str, Any]]:
        """Manifest entries of failed tasks (with their tracebacks)."""
        return [e for e in self.manifest["tasks"] if e.get("status") == "failed"]

    # --- the dataset --------------------------------------------------------------------------
    def consolidate(self) -> Path:
        """Write every task's rows, sorted by task and step, to ``results.parquet``."""
        frame = read_tasks(self.tasks_dir)
        target = self.directory / CONSOLIDATED
        atomic_write(target, lambda tmp: frame.to_parquet(tmp, index=False))
        return target


def _session_code(session: dict[str, Any]) -> dict[str, Any]:
    """The code a manifest session ran: its ``code`` entry (manifests before it: ``git``)."""
    return session.get("code") or session.get("git") or {}


def read_tasks(tasks_dir: Path) -> pd.DataFrame:
    """The rows of every finished task, sorted by task and step (one ``read_parquet`` call)."""
    if not any(Path(tasks_dir).glob("task-*.parquet")):
        raise UsageError(f"{tasks_dir}: no finished tasks yet; expected the task files a sweep "
                         "writes (run datarovers sweep first)")
    frame = pd.read_parquet(tasks_dir)
    return frame.sort_values(["task", "step"], kind="stable").reset_index(drop=True)


def read_results(run_dir: str | Path) -> pd.DataFrame:
    """The dataset of a run directory: ``results.parquet`` if complete, else the task files."""
    run_dir = Path(run_dir)
    consolidated = run_dir / CONSOLIDATED
    if consolidated.exists():
        return pd.read_parquet(consolidated)
    return read_tasks(run_dir / TASKS_DIR)


def _jsonable(value: Any) -> Any:
    """Tuples and mappings as plain JSON types (so a loaded manifest compares equal)."""
    return json.loads(json.dumps(value, default=str))
