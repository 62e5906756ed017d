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
    """A test that built a model with DATAROVERS_KERNELS=0 leaves the compiled kernels on."""
    yield
    from simulation.kernels import table

    table._in_force["compiled"] = True
