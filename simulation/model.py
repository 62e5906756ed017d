"""DisclosureModel: the Mesa model that owns the population arrays and advances them.

A step (synchronous: every citizen reads the state of t-1):
  1. the platform updates what it imputes for withheld data (skeptical rule: last step's
     withholders),
  2. each citizen revises with probability r; revisers pick their best response given their
     neighbours' disclosures and the scores shown at t-1,
  3. the platform rescores everyone, and the outputs are collected.

Randomness: ``rng`` seeds Mesa's generator; three independent streams are spawned from it with
``SeedSequence.spawn`` for the network, the population and the decisions, so changing the
network kind does not change the citizens drawn, and the same seed gives the same run.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import mesa
import networkx as nx
import numpy as np

from simulation.agents import Citizen
from simulation.metrics import collect_outputs, output_columns, privacy_quintiles
from simulation.network import SocialNetwork, build_network, read_edge_list
from simulation.params import Params
from simulation.population import Population, draw_population
from simulation.rules import (
    Incentives,
    PeerView,
    best_response,
    leakage,
    option_count,
    peer_view,
)
from simulation.score import credit_score, disclosure_gains, imputed_quality, withheld_raw_score


class DisclosureModel(mesa.Model):
    """Agent-based model of credit-score-driven data disclosure on a social network.

    Args:
        params: A ``Params`` object or a mapping of parameter names to values (default: all
            defaults of MODEL.md).
        rng: Seed or ``numpy.random.Generator`` for every random draw of the run.
        **overrides: Parameter values that replace those of ``params`` (flat keywords, as
            ``mesa.batch_run`` and SolaraViz pass them).

    Attributes:
        params: The validated parameters.
        population: The citizens' state arrays (``simulation.population.Population``).
        network: The social network (``simulation.network.SocialNetwork``).
        imputed: What the platform imputes for each withheld category at this step, shape (K,).
        peers: The inferred score of non-sharers and the sharers' scores, as of this step.
        outputs: The outputs of the current step (see ``simulation.metrics.OUTPUTS``).
        datacollector: A Mesa ``DataCollector`` with one model reporter per output.
    """

    def __init__(self, params: Params | dict[str, Any] | None = None, *, rng: Any = None,
                 **overrides: Any) -> None:
        """Build the network and the population and collect the state at t = 0."""
        self.params = Params.resolve(params, overrides)
        super().__init__(rng=rng)
        p = self.params
        network_rng, population_rng, self.decision_rng = self.rng.spawn(3)
        n = len(read_edge_list(p.edge_list)[2]) if p.network == "edge_list" else p.n_citizens
        self.population: Population = draw_population(p, n, population_rng)
        self.network: SocialNetwork = build_network(p, network_rng,
                                                    self.population.privacy_concern)
        self._quintile = privacy_quintiles(self.population.privacy_concern)
        self.imputed = imputed_quality(p.imputation, self.population.quality,
                                       self.population.disclosed, None)
        self._rescore()
        self._citizens = [Citizen(self, node) for node in range(n)]
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda model, name=name: model.outputs[name])
                             for name in output_columns(p)})
        self._collect()

    # --- public helpers -----------------------------------------------------------------------
    @property
    def n_citizens(self) -> int:
        """Number of citizens N (from the edge-list file when the network is read from one)."""
        return self.population.size

    def citizen(self, node: int) -> Citizen:
        """The Citizen on network node ``node``."""
        return self._citizens[node]

    @cached_property
    def graph(self) -> nx.Graph:
        """The network as a networkx graph (built on first use, for drawing and analysis)."""
        return self.network.to_networkx()

    def dataframe(self):
        """The collected outputs, one row per step from t = 0 (a pandas DataFrame)."""
        frame = self.datacollector.get_model_vars_dataframe()
        frame.index.name = "step"
        return frame

    # --- dynamics -----------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one synchronous step: impute, revise, rescore, collect."""
        p, pop = self.params, self.population
        self.imputed = imputed_quality(p.imputation, pop.quality, pop.disclosed, self.imputed)
        revising = np.flatnonzero(self.decision_rng.random(pop.size) < p.revision_rate)
        weights = np.asarray(p.weights)
        exact = p.logit_temperature == 0
        active = weights > 0 if exact else np.ones(weights.size, dtype=bool)
        noise = None if exact else self.decision_rng.gumbel(
            size=(revising.size, option_count(int(active.sum()))))
        disclosed, shares = best_response(
            withheld_raw_score(pop.behaviour[revising], self.imputed, weights, p.behaviour_weight),
            disclosure_gains(pop.quality[revising], self.imputed, weights, p.completeness_bonus),
            self._privacy_cost(revising),
            Incentives.from_params(p), self.peers,
            choice_noise=noise, temperature=p.logit_temperature, active=active)
        pop.disclosed[revising] = disclosed
        pop.shares_score[revising] = shares
        self._rescore()
        self._collect()

    def _privacy_cost(self, citizens: np.ndarray) -> np.ndarray:
        """v_i * kappa_k * L(n_ik) for the given citizens, shape (len(citizens), K).

        n_ik, the number of i's neighbours disclosing k at t-1, is one sparse product over the
        rows of those citizens.
        """
        p, pop = self.params, self.population
        kappa = np.asarray(p.sensitivities)
        if p.data_correlation > 0:
            counts = self.network.adjacency[citizens] @ pop.disclosed.astype(np.float32)
            share = leakage(counts, p.data_correlation)
        else:
            share = 1.0
        return pop.privacy_concern[citizens, None].astype(np.float64) * kappa * share

    def _rescore(self) -> None:
        """Recompute every score from the current disclosures and imputation."""
        p, pop = self.params, self.population
        pop.score[:] = credit_score(pop.behaviour, pop.quality, pop.disclosed, self.imputed,
                                    np.asarray(p.weights), p.behaviour_weight,
                                    p.completeness_bonus)
        self.peers: PeerView = peer_view(pop.score, pop.shares_score, p.inference_skepticism)

    def _collect(self) -> None:
        self.outputs = collect_outputs(self.population, self.params, self.peers.inferred_score,
                                       self._quintile)
        self.datacollector.collect(self)
