"""Welfare from its definition, for the tests that check the compiled collection against it."""

import numpy as np

from simulation import DisclosureModel


def welfare_by_definition(model: DisclosureModel) -> float:
    """Mean U of the present choices, each citizen's status against its neighbours' mean
    perceived score (its own when isolated), privacy costs from the numpy rules."""
    pop, adjacency = model.population, model.network.adjacency
    perceived = np.where(pop.shares_score, pop.score, model.peers.inferred_score)
    perceived = perceived.astype(np.float32).astype(np.float64)  # as the model keeps them
    degree = model.neighbourhood.degree
    neighbours = np.divide(adjacency @ perceived, degree, out=perceived.copy(), where=degree > 0)
    return float(model.current_utility(slice(None), model.neighbourhood, neighbours,
                                        pop.score).mean())
