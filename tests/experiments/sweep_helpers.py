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

