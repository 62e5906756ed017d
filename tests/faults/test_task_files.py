"""Damaged, foreign and stray task files are quarantined and their tasks run again."""

from __future__ import annotations

import json

import pytest
from fault_helpers import (
    assert_same_as_reference,
    manifest,
    quarantine_notes,
    run_dir,
    sweep,
)


def _task(results, index: int):
    return run_dir(results) / "tasks" / f"task-{index:06d}.parquet"


def _forget_checksums(results) -> None:
    """A manifest that never caught up with the files (as after a crash): no hashes in it."""
    path = run_dir(results) / "manifest.json"
    content = json.loads(path.read_text())
    for entry in content["tasks"]:
        entry.pop("sha256", None)
        entry.pop("rows", None)
    content.pop("consolidated", None)
    path.write_text(json.dumps(content))


@pytest.mark.parametrize("damage", ["truncated", "nul bytes", "empty"])
def test_a_damaged_task_file_is_quarantined_and_recomputed(finished, reference, damage, capsys):
    path = _task(finished, 1)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "nul bytes": b"\0" * 4096,
                      "empty": b""}[damage])
    assert sweep(reference[0], finished) == 0
    err = capsys.readouterr().err
    assert "repaired:" in err and "task-000001.parquet" in err and "Traceback" not in err
    (note,) = quarantine_notes(finished)
    assert note["file"] == "tasks/task-000001.parquet" and "SHA-256" in note["reason"]
    assert (run_dir(finished) / note["moved_to"]).exists()  # kept, never deleted
    assert_same_as_reference(finished, reference[1])


def test_a_damaged_file_without_a_recorded_checksum_is_caught_by_content(finished, reference):
    _forget_checksums(finished)
    _task(finished, 2).write_bytes(b"PAR1 not really")
    assert sweep(reference[0], finished) == 0
    (note,) = quarantine_notes(finished)
    assert "unreadable as Parquet" in note["reason"]
    assert_same_as_reference(finished, reference[1])
    assert all("sha256" in entry for entry in manifest(finished)["tasks"])


def test_another_tasks_rows_are_never_merged(finished, reference):
    _forget_checksums(finished)
    _task(finished, 0).write_bytes(_task(finished, 3).read_bytes())
    assert sweep(reference[0], finished) == 0
    (note,) = quarantine_notes(finished)
    assert "holds rows of task(s) [3], not 0" in note["reason"]
    assert_same_as_reference(finished, reference[1])  # no duplicate rows, no missing task


def test_a_file_of_another_spec_is_recognised_by_its_seed(finished, reference, tmp_path):
    other_spec = tmp_path / "other.toml"
    other_spec.write_text(reference[0].read_text().replace("root_seed = 11", "root_seed = 12"))
    assert sweep(other_spec, tmp_path / "other") == 0
    _forget_checksums(finished)
    _task(finished, 1).write_bytes(_task(tmp_path / "other", 1).read_bytes())
    assert sweep(reference[0], finished) == 0
    (note,) = quarantine_notes(finished)
    assert "a file of another spec" in note["reason"]
    assert_same_as_reference(finished, reference[1])


@pytest.mark.parametrize("name", ["task-000099.parquet", "task-oops.parquet"])
def test_a_stray_task_file_is_moved_aside(finished, reference, name):
    stray = run_dir(finished) / "tasks" / name
    stray.write_bytes(_task(finished, 0).read_bytes())
    assert sweep(reference[0], finished) == 0
    assert not stray.exists()
    (note,) = quarantine_notes(finished)
    assert note["file"] == f"tasks/{name}" and "no task of this spec" in note["reason"]
    assert_same_as_reference(finished, reference[1])


def test_a_deleted_task_file_is_recomputed(finished, reference):
    _task(finished, 3).unlink()
    assert sweep(reference[0], finished) == 0
    assert_same_as_reference(finished, reference[1])
