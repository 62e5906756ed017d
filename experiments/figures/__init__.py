"""Figures: one style for every figure the package draws (see :mod:`experiments.figures.style`)."""
