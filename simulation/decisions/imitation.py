"""Imitation: copy a random neighbour's choice with the Fermi probability.

A reviser i picks a neighbour j uniformly and copies j's (d, share) with probability
1 / (1 + exp((U_i - U_j) / K)), K the parameter ``imitation_noise`` (Szabo & Toke 1998), U the
utility of each one's present choice (``DisclosureModel.current_utility``). An isolated citizen
keeps its choice. Two uniforms per reviser: which neighbour, and whether to copy.

References:
    Szabo, G. & Toke, C. (1998). Evolutionary prisoner's dilemma game on a square lattice.
    Phys. Rev. E 58, 69-73.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation import neighbourhood as nbh
from simulation.decisions.base import Decision, DecisionRule, Draws, register
from simulation.rules import fermi_copy_probability

if TYPE_CHECKING:
    from simulation.model import DisclosureModel


class Imitation(DecisionRule):
    """Pairwise comparison with a random neighbour (Fermi rule)."""

    name = "imitation"
    parameters = ("imitation_noise",)

    def noise(self, model: DisclosureModel, rng: np.random.Generator, n_revisers: int
              ) -> np.ndarray:
        """Two uniforms per reviser: which neighbour, and whether to copy."""
        return rng.random((n_revisers, 2))

    def decide(self, model: DisclosureModel, draws: Draws, context: nbh.Neighbourhood,
               live_context: bool) -> Decision:
        """Copy the drawn neighbour's (d, share) with probability 1/(1 + e^((U_i - U_j)/K))."""
        p, pop, who = model.params, model.population, draws.revising
        adjacency = model.network.adjacency
        disclosed, shares = pop.disclosed[who].copy(), pop.shares_score[who].copy()
        degree = model.degree[who].astype(np.int64)
        has = degree > 0
        pick = (adjacency.indptr[who[has]]
                + np.minimum((draws.noise[has, 0] * degree[has]).astype(np.int64),
                             degree[has] - 1))
        model_of = adjacency.indices[pick].astype(np.int64)
        learners = who[has]
        if live_context:
            model_context = nbh.live_rows(adjacency, model_of, pop.disclosed, p.scored_categories)
        else:
            model_context = model.neighbour_counts(model_of)
        own = model.current_utility(learners, nbh.rows(context, np.flatnonzero(has)))
        theirs = model.current_utility(model_of, model_context)
        copy = draws.noise[has, 1] < fermi_copy_probability(own, theirs, p.imitation_noise)
        rows = np.flatnonzero(has)[copy]
        disclosed[rows] = pop.disclosed[model_of[copy]]
        shares[rows] = pop.shares_score[model_of[copy]]
        return Decision(disclosed, shares)


register(Imitation())
