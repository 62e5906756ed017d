"""Helpers for the sweep tests: tiny specs written to temporary files."""

from __future__ import annotations

import textwrap
from pathlib import Path

#: A spec small enough to run in about a second: 4 points x 2 replications, 100 citizens.
TINY = """
name = "tiny"
description = "a tiny sweep for tests"
root_seed = 7
replications = 2
steps = 12
record_every = 5

[fixed]
n_citizens = 100

[grid]
completeness_bonus = [0.0, 0.2]
inference_skepticism = [0.0, 1.0]

[outcomes]
series = ["mean_disclosure", "sharing_rate"]
final = ["gini_score"]
"""


def write_spec(directory: Path, text: str, name: str = "spec.toml") -> Path:
    """Write a spec file and return its path."""
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path



def sweep(*argv: object) -> int:
    """Run ``datarovers sweep`` in this process; return its exit status."""
    from experiments.cli import main

    return main(["sweep", *map(str, argv)])


class DyingOnce:
    """A task runner whose worker process dies the first time it meets task 0.

    The marker file records that the death happened, so the retry (on a new worker) succeeds:
    this is what a lost cluster worker looks like to the sweep.
    """

    def __init__(self, runner: object, marker: Path) -> None:
        self.runner = runner
        self.marker = marker

    def __call__(self, task: object) -> object:
        import os

        if task.index == 0 and not self.marker.exists():
            self.marker.write_text("died\n")
            os._exit(1)
        return self.runner(task)
