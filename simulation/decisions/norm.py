"""The norm rule: the best response with a utility of agreeing with one's neighbours.

U_norm = U + nu * (1/K) sum_k [d_k f_ik + (1 - d_k)(1 - f_ik)], f_ik = n_ik / k_i the share of
i's neighbours disclosing category k (0 for an isolated citizen) and nu the parameter
``conformity``. Per category this is a gain nu (2 f_ik - 1) / K of disclosing
(``simulation.rules.conformity_gain``), which offsets the privacy cost, plus the term
nu (1/K) sum_k (1 - f_ik), which does not depend on the choice (it enters welfare only).
Every category enters the option set, since agreeing can make even an unweighted one worth
disclosing (docs/ODD.md, section 7.3).
"""

from __future__ import annotations

import numpy as np

from simulation.decisions.base import register
from simulation.decisions.best_response import BestResponse
from simulation.neighbourhood import Neighbourhood
from simulation.params import Params
from simulation.rules import conformity_gain


class Norm(BestResponse):
    """Best response to U plus the conformity terms (module docstring)."""

    name = "norm"
    parameters = ("logit_temperature", "conformity")
    reads_counts_in_place = False
    conformity_in_welfare = True

    def conformity_gain(self, params: Params, context: Neighbourhood) -> np.ndarray:
        """Nu (2 f_ik - 1) / K for each reviser and category."""
        return conformity_gain(context.share_disclosing(), params.conformity,
                               params.n_categories)

    def conformity_utility(self, params: Params, context: Neighbourhood) -> np.ndarray:
        """Nu (1/K) sum_k (1 - f_ik), the same for every choice of a citizen."""
        return params.conformity * (1.0 - context.share_disclosing()).mean(axis=1)

    def active_categories(self, params: Params) -> np.ndarray:
        """Every category (agreeing can make an unweighted one worth disclosing)."""
        return np.ones(params.n_categories, dtype=bool)


register(Norm())
