"""A decision rule defined outside the package: the whole of it is this module.

Coin flip: a reviser discloses each category with probability ``probability`` and shows its
score with the same probability, whatever anyone else does (a null model of disclosure
without incentives). Registering it makes ``rule="coin_flip"`` a valid parameter value, and
both engines run it without any change to ``simulation``.
"""

from __future__ import annotations

from simulation.decisions import Decision, DecisionRule, register


class CoinFlip(DecisionRule):
    """Disclose each category, and show the score, with probability ``probability``."""

    name = "coin_flip"

    def __init__(self, probability: float = 0.5) -> None:
        self.probability = probability

    def noise(self, model, rng, n_revisers):
        """One uniform per category and one for sharing, per reviser."""
        return rng.random((n_revisers, model.params.n_categories + 1))

    def decide(self, model, draws, context, live_context):
        """Heads (u < probability) discloses, category by category."""
        heads = draws.noise < self.probability
        return Decision(heads[:, :-1].copy(), heads[:, -1].copy())


def register_coin_flip(probability: float = 0.5) -> CoinFlip:
    """Register the toy rule (``simulation.decisions.unregister("coin_flip")`` removes it)."""
    return register(CoinFlip(probability))  # type: ignore[return-value]
