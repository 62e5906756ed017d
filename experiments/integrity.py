"""No file is trusted because it exists: checksums, content checks and quarantine of run files.

A run directory's task files and its consolidated dataset are checked whenever the directory
is opened for writing (:class:`experiments.storage.RunStore`):

* a file whose SHA-256 the manifest recorded when it was written is trusted when the hash
  still matches, and bad when it does not (truncated, edited, replaced);
* a file without a recorded hash (written just before a crash, before the manifest caught up,
  or under a manifest that was lost) is checked by content: readable Parquet, one row per
  recorded step, every row of this task with the seed the spec gives it;
* a bad file is never deleted: it is moved under ``quarantine/`` with a note saying why, and
  its task is computed again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from experiments.errors import one_line
from experiments.provenance import now

QUARANTINE_DIR = "quarantine"
#: The quarantine's log: one JSON object per line (file, moved to, reason, time).
QUARANTINE_NOTES = "NOTES.jsonl"
#: Longest reason kept in a note or an error line (a broken file can produce huge messages).
MAX_REASON = 200


def file_sha256(path: Path) -> str:
    """``sha256:`` and the hex digest of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def shorten(text: str) -> str:
    """``text`` on one line, cut to :data:`MAX_REASON` characters (for notes and messages)."""
    return one_line(text, MAX_REASON)


def task_file_problem(path: Path, entry: dict[str, Any] | None,
                      recorded_steps: list[int]) -> str | None:
    """Why a task file cannot be trusted, or None when it can.

    Args:
        path: The task file.
        entry: The task's manifest entry (``task``, ``seed``, and ``sha256`` once recorded), or
            None when the spec has no such task.
        recorded_steps: The steps each task records, in order.
    """
    if entry is None:
        return "no task of this spec has this number"
    recorded = entry.get("sha256")
    if recorded is not None:
        try:
            actual = file_sha256(path)
        except OSError as err:
            return shorten(f"unreadable ({err.strerror or err})")
        return None if actual == recorded else (
            "its SHA-256 differs from the one recorded when it was written (truncated, edited "
            "or replaced)")
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=["task", "seed", "step"])
    except Exception as err:  # any reader error means the file is unusable
        return shorten(f"unreadable as Parquet ({type(err).__name__}: {err})")
    if table.num_rows != len(recorded_steps):
        return f"{table.num_rows} rows, expected {len(recorded_steps)} (one per recorded step)"
    columns = table.to_pydict()
    if set(columns["task"]) != {entry["task"]}:
        return f"holds rows of task(s) {sorted(set(columns['task']))[:5]}, not {entry['task']}"
    if set(columns["seed"]) != {entry["seed"]}:
        return "its seed is not the one this spec gives the task (a file of another spec)"
    if list(columns["step"]) != list(recorded_steps):
        return "its steps are not the recorded steps of this spec"
    return None


def quarantine(path: Path, run_dir: Path, reason: str) -> Path:
    """Move ``path`` under ``run_dir/quarantine/`` and log why; return where it went."""
    folder = run_dir / QUARANTINE_DIR
    folder.mkdir(exist_ok=True)
    stamp = now().replace(":", "").replace("+", "_")
    target = folder / f"{path.name}.{stamp}"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{path.name}.{stamp}.{counter}"
    os.replace(path, target)
    note = {"file": str(path.relative_to(run_dir)), "moved_to": str(target.relative_to(run_dir)),
            "reason": shorten(reason), "time": now()}
    with open(folder / QUARANTINE_NOTES, "a", encoding="utf-8") as notes:
        notes.write(json.dumps(note) + "\n")
    return target
