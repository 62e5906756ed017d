"""Helpers of the fault-injection suite: the tiny spec, running it, reading what it left."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

#: 2 points x 2 replications of 60 citizens and 6 steps: a sweep of well under a second.
SPEC = """
name = "faults"
root_seed = 11
replications = 2
steps = 6
record_every = 2

[fixed]
n_citizens = 60

[grid]
inference_skepticism = [0.0, 1.0]

[outcomes]
series = ["mean_disclosure", "sharing_rate"]
final = ["gini_score"]
"""


def sweep(spec: Path, results: Path, *more: str) -> int:
    """``datarovers sweep SPEC --results RESULTS --workers 1`` in this process."""
    from experiments.cli import main

    return main(["sweep", str(spec), "--results", str(results), "--workers", "1", *more])


def run_dir(results: Path) -> Path:
    """The spec's run directory under ``results``."""
    (directory,) = (results / "faults").iterdir()
    return directory


def dataset(results: Path) -> pd.DataFrame:
    """The consolidated dataset of the run under ``results``."""
    from experiments.storage import read_results

    return read_results(run_dir(results))


def manifest(results: Path) -> dict:
    """The run's manifest."""
    return json.loads((run_dir(results) / "manifest.json").read_text())


def quarantine_notes(results: Path, folder: str = "tasks/") -> list[dict]:
    """The quarantine's notes of files that were under ``folder`` (default the task files)."""
    notes = run_dir(results) / "quarantine" / "NOTES.jsonl"
    every = [json.loads(line) for line in notes.read_text().splitlines()] if notes.exists() \
        else []
    return [note for note in every if note["file"].startswith(folder)]


def assert_same_as_reference(results: Path, reference_frame: pd.DataFrame) -> None:
    """The run's dataset equals the uninterrupted one row for row; the manifest says complete."""
    pd.testing.assert_frame_equal(dataset(results), reference_frame)
    assert manifest(results)["status"] == "completed"
