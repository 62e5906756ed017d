"""Where a sweep's results live, and how they get there without ever being half-written.

Layout of a run directory::

    results/<spec name>/<spec hash>/
        manifest.json          spec, seeds, code version, environment, sessions, status per task
        tasks/task-000042.parquet   one file per finished task (rows: recorded steps)
        results.parquet        every task in one file, written once all tasks have finished
        summary.csv, figures/  written by ``datarovers summarize``
        quarantine/            files found damaged or foreign, moved aside (never deleted)
        .lock, .lock-owner     held by the one process writing here, and who that is

Every file is written to a temporary name starting with ``.`` in the same directory and then
renamed with :func:`os.replace`, which is atomic on POSIX: a file that exists is complete, even
after ``kill -9``. A task is finished exactly when its Parquet file exists, so re-running a spec
skips those tasks and runs the rest. Temporary files are ignored by readers (pyarrow skips names
starting with ``.``) and removed when the run directory is opened again.

Opening a run directory to write (:class:`RunStore`) takes its lock first: one process per run
directory; a second gets a one-line error naming the holder, and a lock left by a killed
process never blocks (the operating system releases it with the process). Then every task file
is verified (:mod:`experiments.integrity`: the SHA-256 recorded in the manifest when it was
written, or its content), bad files are quarantined and their tasks run again, a damaged or
missing ``results.parquet`` of a complete run is rebuilt, and the manifest is repaired from the
files: recreated when missing or unreadable, its status ``completed`` when the files show the
run is.

The directory name is a hash of the spec (:func:`experiments.spec.spec_hash`): a changed spec
gets a new directory, so results of different specs are never mixed or overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.errors import UsageError
from experiments.integrity import file_sha256, quarantine, shorten, task_file_problem
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
LOCK = ".lock"
#: What to do about a damaged file, for error messages.
RERUN_ADVICE = ("run the same datarovers command (sweep, or the analysis) again: it verifies "
                "every file, moves damaged ones to quarantine/ and recomputes them")
LOCK_OWNER = ".lock-owner"
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

    Only the process that drives the sweep writes here (it holds the directory's lock until
    :meth:`close`, the end of a ``with`` block, or its exit); workers return their results to it.
    Opening verifies and repairs the directory (see the module).

    Args:
        directory: The run directory (created if needed).
        spec: The spec whose results it holds.
        task_table: One dict per task (``task``, ``point``, ``replication``, ``seed``, ...) for the
            manifest.

    Attributes:
        repairs: What opening found and repaired, one sentence each (quarantined files, a
            recreated manifest, a rebuilt dataset, a repaired status).

    Raises:
        UsageError: The directory cannot be created or written, another process holds it, or
            it holds another spec.
    """

    def __init__(self, directory: Path, spec: SweepSpec, task_table: list[dict[str, Any]]) -> None:
        self.directory = Path(directory)
        self.spec = spec
        self.tasks_dir = self.directory / TASKS_DIR
        self.manifest_path = self.directory / MANIFEST
        self.repairs: list[str] = []
        self._lock: Any = None
        self._check_writable()
        self._acquire_lock()
        try:
            for folder in (self.directory, self.tasks_dir):  # left by a killed writer
                for stale in folder.glob(".*.tmp"):
                    stale.unlink(missing_ok=True)
            self.manifest = self._load_or_create(task_table)
            self._last_write = 0.0
            self.verify()
            self.save_manifest()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the run directory's lock (also when the process ends)."""
        if self._lock is not None:
            (self.directory / LOCK_OWNER).unlink(missing_ok=True)
            self._lock.release(force=True)
            self._lock = None

    def _acquire_lock(self) -> None:
        from filelock import FileLock, Timeout

        lock = FileLock(self.directory / LOCK, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            try:
                holder = json.loads((self.directory / LOCK_OWNER).read_text())
                who = (f"pid {holder['pid']} on {holder['host']}, since {holder['since']}: "
                       f"{holder['command']}")
            except (OSError, ValueError, KeyError, TypeError):
                who = "a process that has not said who it is yet"
            raise UsageError(f"{self.directory}: another datarovers process is writing here "
                             f"({shorten(who)}); expected one process per run directory: wait "
                             "for it to finish or stop it, then run again") from None
        self._lock = lock
        import platform
        import sys

        atomic_write_json(self.directory / LOCK_OWNER, {
            "pid": os.getpid(), "host": platform.node(), "since": now(),
            "command": " ".join(["datarovers", *sys.argv[1:]])})

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
                problem = _manifest_problem(manifest, len(task_table))
            except (OSError, ValueError) as err:
                manifest, problem = None, f"unreadable ({shorten(str(err))})"
            if problem is None:
                stored = manifest.get("spec_hash")
                if stored != spec.spec_hash or manifest.get("points") != _jsonable(spec.points):
                    raise UsageError(f"{self.directory}: holds the results of another spec "
                                     f"(hash {stored}, this spec {spec.spec_hash}); expected "
                                     "the directory of this spec; results are never mixed")
                return manifest
            moved = quarantine(self.manifest_path, self.directory, f"manifest {problem}")
            self.repairs.append(f"the manifest was {problem}: moved to {moved.relative_to(
                self.directory)} and recreated from the spec and the task files")
        elif any(self.tasks_dir.glob("task-*.parquet")):
            self.repairs.append("the manifest was missing: recreated from the spec and the task "
                                "files")
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

    # --- verification -------------------------------------------------------------------------
    def verify(self) -> None:
        """Check every file against the manifest and its content; quarantine and repair.

        Bad task files are moved under ``quarantine/`` and their tasks marked pending; a
        ``results.parquet`` that does not match the tasks is moved there too; a complete run
        gets its dataset rebuilt and its status repaired. Each repair is added to
        :attr:`repairs`.
        """
        entries = {entry["task"]: entry for entry in self.manifest["tasks"]}
        steps = list(self.manifest["recorded_steps"])
        for path in sorted(self.tasks_dir.glob("task-*.parquet")):
            try:
                index = int(path.stem.removeprefix("task-"))
            except ValueError:
                index = None
            entry = entries.get(index)
            problem = task_file_problem(path, entry, steps)
            if problem is not None:
                moved = quarantine(path, self.directory, problem)
                self.repairs.append(f"{path.name}: {problem}; moved to "
                                    f"{moved.relative_to(self.directory)}, its task runs again")
                if entry is not None:
                    for key in ("sha256", "rows"):
                        entry.pop(key, None)
                    entry["status"] = "pending"
            elif "sha256" not in entry:  # checked by content: trust it from now on
                entry["sha256"], entry["rows"] = file_sha256(path), len(steps)
        self._mark_finished()
        consolidated = self.directory / CONSOLIDATED
        if consolidated.exists() and not self.consolidated_ok():
            moved = quarantine(consolidated, self.directory,
                               f"{CONSOLIDATED} does not match the task files")
            self.manifest.pop("consolidated", None)
            self.repairs.append(f"{CONSOLIDATED} did not match the task files: moved to "
                                f"{moved.relative_to(self.directory)}")
        if len(self.finished()) == len(self.manifest["tasks"]):
            if not consolidated.exists():
                self.consolidate()
                self.repairs.append(f"{CONSOLIDATED} rebuilt from the task files")
            if self.manifest.get("status") != "completed":
                for session in self.manifest["sessions"]:
                    if session.get("status") == "running":
                        session["status"] = "interrupted"
                self.manifest["status"] = "completed"
                self.repairs.append("the manifest's status repaired: every task is finished")

    def consolidated_ok(self) -> bool:
        """Whether ``results.parquet`` is the one written from the current task files."""
        record = self.manifest.get("consolidated")
        path = self.directory / CONSOLIDATED
        if not record or not path.exists():
            return False
        try:
            return (file_sha256(path) == record["sha256"]
                    and record.get("task_files") == self._task_files_digest())
        except (OSError, KeyError):
            return False

    def _task_files_digest(self) -> str:
        """One hash of the finished tasks' file hashes: changes when any task file does."""
        entries = sorted((e for e in self.manifest["tasks"] if e.get("sha256")),
                         key=lambda e: e["task"])
        return hashlib.sha256(" ".join(f"{e['task']}:{e['sha256']}" for e in entries)
                              .encode()).hexdigest()

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
            def write(tmp: Path) -> None:
                frame.to_parquet(tmp, index=False)
                entry["sha256"], entry["rows"] = file_sha256(tmp), len(frame)

            atomic_write(self.tasks_dir / task_file_name(index), write)
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
        """Write every task's rows, sorted by task and step, to ``results.parquet``.

        Its SHA-256 and the tasks it holds go into the manifest (saved), so that a damaged or
        stale file is recognised (:meth:`consolidated_ok`).
        """
        frame = read_tasks(self.tasks_dir)
        target = self.directory / CONSOLIDATED
        record: dict[str, Any] = {"tasks": int(frame["task"].nunique()), "rows": len(frame),
                                  "task_files": self._task_files_digest()}

        def write(tmp: Path) -> None:
            frame.to_parquet(tmp, index=False)
            record["sha256"] = file_sha256(tmp)

        atomic_write(target, write)
        self.manifest["consolidated"] = record
        self.save_manifest()
        return target


def _manifest_problem(manifest: Any, n_tasks: int) -> str | None:
    """What is wrong with a parsed manifest, or None (the keys a sweep relies on)."""
    if not isinstance(manifest, dict):
        return f"not a JSON object (a {type(manifest).__name__})"
    if manifest.get("kind") != "datarovers sweep":
        return f"not a sweep's manifest (kind {manifest.get('kind')!r})"
    missing = [key for key in ("spec_hash", "points", "recorded_steps", "sessions", "tasks")
               if key not in manifest]
    if missing:
        return f"missing {', '.join(missing)}"
    tasks = manifest["tasks"]
    if not isinstance(tasks, list) or len(tasks) != n_tasks or not all(
            isinstance(t, dict) and t.get("task") == i for i, t in enumerate(tasks)):
        return f"its task list is not the {n_tasks} tasks of the spec"
    if not isinstance(manifest["sessions"], list):
        return "its sessions are not a list"
    return None


def _session_code(session: dict[str, Any]) -> dict[str, Any]:
    """The code a manifest session ran: its ``code`` entry (manifests before it: ``git``)."""
    return session.get("code") or session.get("git") or {}


def read_tasks(tasks_dir: Path) -> pd.DataFrame:
    """The rows of every finished task, sorted by task and step (one ``read_parquet`` call).

    Raises:
        UsageError: There are no task files, or one cannot be read (a sweep of the spec
            verifies them, quarantines the bad ones and runs their tasks again).
    """
    if not any(Path(tasks_dir).glob("task-*.parquet")):
        raise UsageError(f"{tasks_dir}: no finished tasks yet; expected the task files a sweep "
                         "writes (run datarovers sweep first)")
    try:
        frame = pd.read_parquet(tasks_dir)
    except Exception as err:  # any reader error: a damaged or foreign file
        raise UsageError(f"{tasks_dir}: a task file cannot be read ({shorten(str(err))}); "
                         f"{RERUN_ADVICE}") from None
    return frame.sort_values(["task", "step"], kind="stable").reset_index(drop=True)


def read_results(run_dir: str | Path) -> pd.DataFrame:
    """The dataset of a run directory: ``results.parquet`` if complete, else the task files.

    ``results.parquet`` is used only when its SHA-256 is the one the manifest recorded when it
    was written.

    Raises:
        UsageError: The dataset is damaged (the message says how to rebuild it).
    """
    run_dir = Path(run_dir)
    consolidated = run_dir / CONSOLIDATED
    if consolidated.exists():
        try:
            record = json.loads((run_dir / MANIFEST).read_text()).get("consolidated")
        except (OSError, ValueError, AttributeError):
            record = None
        try:
            if record is not None and file_sha256(consolidated) != record.get("sha256"):
                raise ValueError("its SHA-256 differs from the one recorded when it was written")
            return pd.read_parquet(consolidated)
        except Exception as err:  # any reader error: a damaged file
            raise UsageError(f"{consolidated}: damaged ({shorten(str(err))}); "
                             f"{RERUN_ADVICE}") from None
    return read_tasks(run_dir / TASKS_DIR)


def _jsonable(value: Any) -> Any:
    """Tuples and mappings as plain JSON types (so a loaded manifest compares equal)."""
    return json.loads(json.dumps(value, default=str))
