"""The best response: each reviser picks the (d, share) with the highest utility.

U is the utility of ``simulation.rules`` (its module docstring gives the equation). With a logit
temperature T > 0 the choice is drawn with probability exp(U/T) / sum exp(U/T) (McFadden 1974)
as argmax(U/T + Gumbel noise); at T = 0 it is the exact argmax, ties to fewer disclosures and to
not sharing (``simulation.rules.best_response``). The vectorised engine runs the compiled
``simulation.kernels.choice.scored_best_response``, equal bit for bit, which also gives the new
scores.

References:
    McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior.
    Grossman, S. J. (1981). The informational role of warranties and private disclosure about
    product quality. J. Law Econ. 24, 461-483.
    Milgrom, P. (1981). Good news and bad news: representation theorems and applications.
    Bell J. Econ. 12, 380-391.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.decisions.base import Decision, DecisionRule, Draws, register
from simulation.kernels.table import implementation
from simulation.rules import best_response, option_count

if TYPE_CHECKING:
    from simulation.model import DisclosureModel
    from simulation.neighbourhood import Neighbourhood


class BestResponse(DecisionRule):
    """Utility maximisation, exact (T = 0) or logit (T > 0)."""

    name = "best_response"
    parameters = ("logit_temperature",)
    reads_counts_in_place = True

    def noise(self, model: DisclosureModel, rng: np.random.Generator, n_revisers: int
              ) -> np.ndarray | None:
        """Standard Gumbel draws, one per option (d, share) and reviser, when T > 0."""
        if model.params.logit_temperature <= 0:
            return None
        n_active = int(self.active_categories(model.params).sum())
        return rng.gumbel(size=(n_revisers, option_count(n_active)))

    def decide(self, model: DisclosureModel, draws: Draws, context: Neighbourhood | None,
               live_context: bool) -> Decision:
        """Argmax over the options of U (+ T * noise); compiled on the vectorised engine."""
        p = model.params
        respond = (implementation("scored_best_response") if p.engine == "vectorized"
                   else best_response)
        return Decision(*respond(
            *model.choice_inputs(draws.revising, context), model.incentives, model.peers,
            choice_noise=draws.noise, temperature=p.logit_temperature,
            active=self.active_categories(p)))


register(BestResponse())
