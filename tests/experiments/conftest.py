"""Fixtures for the sweep tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sweep_helpers import TINY, write_spec


@pytest.fixture
def tiny_spec(tmp_path: Path) -> Path:
    """The TINY spec as a file."""
    return write_spec(tmp_path, TINY)
