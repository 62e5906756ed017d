"""A damaged, missing or stale ``results.parquet`` is never trusted: rebuilt, or named."""

from __future__ import annotations

from pathlib import Path

import pytest
from fault_helpers import assert_same_as_reference, quarantine_notes, run_dir, sweep

from experiments.cli import main


@pytest.mark.parametrize("damage", ["truncated", "deleted", "replaced"])
def test_the_dataset_is_rebuilt_by_the_next_sweep(finished, reference, damage):
    path = run_dir(finished) / "results.parquet"
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "deleted":
        path.unlink()
    else:  # a valid Parquet file, but not this run's dataset
        task = run_dir(finished) / "tasks" / "task-000000.parquet"
        path.write_bytes(task.read_bytes())
    assert sweep(reference[0], finished) == 0
    assert_same_as_reference(finished, reference[1])
    if damage != "deleted":
        (note,) = quarantine_notes(finished, "results.parquet")
        assert "does not match" in note["reason"]


def test_summarize_of_a_damaged_dataset_is_one_line_saying_what_to_do(finished, capsys):
    path = run_dir(finished) / "results.parquet"
    path.write_bytes(path.read_bytes()[:1000])
    assert main(["summarize", str(run_dir(finished))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "results.parquet: damaged" in err
    assert "run the same datarovers command" in err and len(err) < 600


def test_summarize_of_a_damaged_task_file_is_one_line(finished, capsys):
    (run_dir(finished) / "results.parquet").unlink()
    (run_dir(finished) / "tasks" / "task-000001.parquet").write_bytes(b"\0" * (1 << 20))
    assert main(["summarize", str(run_dir(finished))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a task file cannot be read" in err and len(err) < 800


def test_summarize_on_a_full_disk_leaves_no_truncated_file(finished, monkeypatch, capsys):
    import pandas as pd

    def full_disk(self, path, *args, **kwargs):
        Path(path).write_text("point,outc")  # a part was written, then the disk was full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    assert main(["summarize", str(run_dir(finished))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err
    assert not (run_dir(finished) / "summary.csv").exists()
    assert not list(run_dir(finished).glob(".summary*"))  # no temporary file left either
