"""Imported by the sweep's forkserver before it forks workers: load the model, run a tiny one.

Importing this module imports :mod:`experiments.sweep` (the model, Mesa, pandas, numba) and
builds and steps a 50-citizen model with the default parameters, which loads the compiled
kernels from numba's cache into memory. Workers forked afterwards inherit all of it. The tiny
model has its own seed and is discarded: no worker's random numbers or results depend on it.
"""

from __future__ import annotations

import experiments.sweep  # noqa: F401 - the point is to have it imported
from simulation import DisclosureModel


def warm_up() -> None:
    """Build and step a tiny default model (loads the kernels a default sweep calls)."""
    DisclosureModel(n_citizens=50, rng=0).run_for(2)


warm_up()
