"""Checks of a model's kept state against a fresh recount from the citizens' disclosures."""

from __future__ import annotations

import numpy as np

from simulation import DisclosureModel
from simulation.score import credit_score


def assert_state_is_fresh(model: DisclosureModel) -> None:
    """Scores, neighbour counts and adopters equal a recount from the disclosures."""
    p, pop = model.params, model.population
    expected = credit_score(pop.behaviour, pop.quality, pop.disclosed, model.imputed,
                            p.scored_weights, p.behaviour_weight, p.completeness_bonus)
    np.testing.assert_array_equal(pop.score, expected)
    adjacency = model.network.adjacency
    np.testing.assert_array_equal(model.neighbourhood.disclosing,
                                  adjacency @ pop.disclosed.astype(np.float64))
    adopted = pop.disclosed[:, p.scored_categories].all(axis=1).astype(np.float64)
    np.testing.assert_array_equal(model.neighbourhood.adopters, adjacency @ adopted)
