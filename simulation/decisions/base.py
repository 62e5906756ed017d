"""The protocol every decision rule implements, the draws and decisions it exchanges, a registry.

A decision rule says how a citizen who revises in a step chooses what to disclose and whether to
show its score. The model calls it through this protocol only, so ``simulation.model`` has no
rule-specific branch and a new rule is one module (``docs/extending.md``):

* ``noise``: the random numbers the rule needs for the step's revisers, drawn from the model's
  decision stream in one call, up front (both engines then consume the same draws);
* ``decide``: the choices of the revisers in ``draws``, given their neighbour counts;
* ``conformity_gain`` and ``conformity_utility``: the rule's terms in the privacy cost of each
  category and in the utility of a choice (the norm rule's, None for the others), used by the
  decisions and by welfare;
* ``active_categories``: the categories that enter the option set;
* ``coerced_share``: the share of disclosers who would not disclose alone (an output);
* the flags ``reads_counts_in_place``, ``places_seeds``, ``conformity_in_welfare`` and
  ``reports_cascade`` for the vectorised engine, the population and the compiled outputs.

A compiled fast path is optional: a rule may branch on ``model.params.engine`` inside ``decide``
(the best response does), and must then be equal bit for bit to its numpy path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple

import numpy as np

from simulation import params as params_module

if TYPE_CHECKING:
    from simulation.model import DisclosureModel
    from simulation.neighbourhood import Neighbourhood
    from simulation.params import Params


class Decision(NamedTuple):
    """What the revisers of a step chose (rows align with the draws' revisers).

    Attributes:
        disclosed: Their new disclosures, (R, K).
        shares: Whether each now shows its score.
        score: Their new scores when the rule computed them on the way (the vectorised best
            response and norm rules), else None (the platform rescores them).
    """

    disclosed: np.ndarray
    shares: np.ndarray
    score: np.ndarray | None = None


@dataclass(frozen=True)
class Draws:
    """The random numbers of one step, drawn up front in a fixed order.

    Attributes:
        revising: Indices of the citizens who revise this step (ascending).
        noise: The rule's draws, one row per reviser (``DecisionRule.noise``), or None.
    """

    revising: np.ndarray
    noise: np.ndarray | None

    def row(self, j: int) -> Draws:
        """The draws of the j-th reviser alone."""
        pick = slice(j, j + 1)
        return Draws(self.revising[pick], None if self.noise is None else self.noise[pick])


class DecisionRule:
    """Base class of the decision rules (module docstring); subclasses override ``decide``.

    Attributes:
        name: The value of the parameter ``rule`` that selects this rule.
        parameters: The parameters the rule reads, beyond the utility's (for documentation).
        reads_counts_in_place: The vectorised engine passes no neighbour rows to ``decide``
            (the rule reads ``model.neighbourhood`` at the revisers' rows itself).
        places_seeds: The population starts with ``n_seeds`` citizens disclosing every scored
            category (the threshold rule's seeds).
        conformity_in_welfare: Welfare includes the conformity terms (the compiled outputs).
        reports_cascade: ``cascade_size`` is reported (NaN otherwise).
    """

    name: ClassVar[str]
    parameters: ClassVar[tuple[str, ...]] = ()
    reads_counts_in_place: ClassVar[bool] = False
    places_seeds: ClassVar[bool] = False
    conformity_in_welfare: ClassVar[bool] = False
    reports_cascade: ClassVar[bool] = False

    def noise(self, model: DisclosureModel, rng: np.random.Generator, n_revisers: int
              ) -> np.ndarray | None:
        """The rule's random numbers for ``n_revisers`` revisers (None: it needs none)."""
        return None

    def decide(self, model: DisclosureModel, draws: Draws, context: Neighbourhood | None,
               live_context: bool) -> Decision:
        """The choices of the revisers ``draws.revising``.

        Args:
            model: The model (its population, parameters, network and platform).
            draws: The revisers and their rows of ``noise``.
            context: Their neighbour counts, rows aligned with the revisers; None when
                ``reads_counts_in_place`` and the engine is vectorised.
            live_context: The counts were read neighbour by neighbour from the present state
                (the per-agent engine), not taken from the model's kept counts.
        """
        raise NotImplementedError(f"decision rule {self.name!r} does not implement decide")

    def conformity_gain(self, params: Params, context: Neighbourhood) -> np.ndarray | None:
        """Gain per category that offsets its privacy cost, shape (R, K), or None."""
        return None

    def conformity_utility(self, params: Params, context: Neighbourhood) -> np.ndarray | None:
        """Utility of a choice that does not depend on it but on the neighbours, or None."""
        return None

    def active_categories(self, params: Params) -> np.ndarray:
        """Categories in the option set: all, or only weighted ones when others can only cost."""
        if params.logit_temperature == 0:
            return params.scored_weights > 0
        return np.ones(params.n_categories, dtype=bool)

    def coerced_share(self, model: DisclosureModel) -> float:
        """Share of disclosers who would disclose nothing if nobody else disclosed.

        By default each discloser's exact best response alone
        (``DisclosureModel.best_response_alone``).
        """
        withholds_alone = model.best_response_alone()
        return float("nan") if withholds_alone is None else float(np.mean(withholds_alone))


_REGISTRY: dict[str, DecisionRule] = {}


def register(rule: DecisionRule) -> DecisionRule:
    """Make ``rule`` selectable as ``rule=<rule.name>`` (Params accepts the name from now on).

    Raises:
        ValueError: Another rule already has that name.
    """
    name = rule.name
    if name in _REGISTRY and _REGISTRY[name] is not rule:
        raise ValueError(f"decision rule {name!r} is already registered, expected a new name")
    _REGISTRY[name] = rule
    params_module.register_rule_name(name)
    return rule


def unregister(name: str) -> None:
    """Remove a rule registered from outside the package (tests; built-in rules stay).

    Raises:
        ValueError: ``name`` is a built-in rule or not registered.
    """
    if name in params_module.DECISION_RULES or name not in _REGISTRY:
        raise ValueError(f"decision rule {name!r}: expected a rule registered from outside "
                         "the package")
    del _REGISTRY[name]
    params_module.unregister_rule_name(name)


def get(name: str) -> DecisionRule:
    """The rule registered as ``name``.

    Raises:
        ValueError: No rule has that name.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"rule: got {name!r}, expected one of "
                         f"{', '.join(sorted(_REGISTRY))}") from None


def names() -> tuple[str, ...]:
    """Names of the registered rules, built-in first."""
    return tuple(_REGISTRY)
