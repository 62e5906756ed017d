"""Shared fixtures: small models that run in milliseconds."""

from __future__ import annotations

import pytest

from simulation import DisclosureModel

#: A small population for fast tests.
SMALL = {"n_citizens": 300}


@pytest.fixture
def small_model() -> DisclosureModel:
    """A default model of 300 citizens, seed 7."""
    return DisclosureModel(rng=7, **SMALL)


@pytest.fixture(autouse=True)
def _kernels_back_in_force():
    """After a test that built a model under another DATAROVERS_KERNELS, the variable again.

    Autouse fixtures are torn down after the test's own (``monkeypatch``), so the environment
    read here is the suite's.
    """
    yield
    from simulation.kernels import table

    table.read_switch()
