"""Fixtures of the fault-injection suite: a tiny sweep's reference dataset, a finished copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from fault_helpers import SPEC, dataset, sweep


@pytest.fixture(scope="session")
def reference(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """The spec file and the dataset of an uninterrupted run."""
    base = tmp_path_factory.mktemp("reference")
    spec = base / "faults.toml"
    spec.write_text(SPEC)
    assert sweep(spec, base / "results") == 0
    return spec, dataset(base / "results")


@pytest.fixture
def finished(reference, tmp_path) -> Path:
    """A copy of the finished reference run under ``tmp_path/results`` (its results root)."""
    spec, _ = reference
    source = spec.parent / "results"
    shutil.copytree(source, tmp_path / "results")
    for lock in (tmp_path / "results").rglob(".lock*"):
        lock.unlink()
    return tmp_path / "results"
