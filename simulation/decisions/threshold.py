"""The threshold rule: adopt (disclose every scored category) once enough neighbours have.

A reviser i adopts when the number of its neighbours disclosing every scored category reaches
its requirement: ceil(phi_i k_i) (``threshold_kind = "fraction"``, Watts 2002) or ceil(phi_i)
(``"count"``, Granovetter 1978, Centola & Macy 2007), ``simulation.rules.adoption_requirement``;
an isolated citizen never adopts. Adoption is permanent and leaves the choice to show one's
score unchanged. The population starts with ``n_seeds`` adopters. No random draws beyond who
revises.

References:
    Granovetter, M. (1978). Threshold models of collective behavior. AJS 83, 1420-1443.
    Watts, D. J. (2002). A simple model of global cascades on random networks. PNAS 99, 5766.
    Centola, D. & Macy, M. (2007). Complex contagions and the weakness of long ties. AJS 113.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.decisions.base import Decision, DecisionRule, Draws, register
from simulation.rules import adoption_requirement

if TYPE_CHECKING:
    from simulation.model import DisclosureModel
    from simulation.neighbourhood import Neighbourhood


class Threshold(DecisionRule):
    """Granovetter-Watts threshold adoption on the scored categories."""

    name = "threshold"
    parameters = ("threshold_kind", "threshold_mean", "threshold_sd", "threshold_values",
                  "n_seeds", "seed_placement")
    places_seeds = True
    reports_cascade = True

    def decide(self, model: DisclosureModel, draws: Draws, context: Neighbourhood,
               live_context: bool) -> Decision:
        """Adopt where the adopting neighbours reach the requirement."""
        p, pop, who = model.params, model.population, draws.revising
        need = adoption_requirement(context.degree, pop.threshold[who], p.threshold_kind)
        disclosed = pop.disclosed[who].copy()
        adopt = context.adopters >= need
        disclosed[np.ix_(adopt, p.scored_categories)] = True
        return Decision(disclosed, pop.shares_score[who].copy())

    def coerced_share(self, model: DisclosureModel) -> float:
        """Adopters who are not seeds (they needed others); NaN when nobody adopted."""
        adopted = model.population.disclosed[:, model.params.scored_categories].all(axis=1)
        return float(np.mean(~model.seeds[adopted])) if adopted.any() else float("nan")


register(Threshold())
