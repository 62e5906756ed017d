"""DisclosureModel: the Mesa model that owns the population arrays and advances them.

A step t:
  0. events due at t are applied (Mesa events at time t - 0.5, between steps), and privacy
     concern spreads among friends when ``concern_influence`` > 0 (``simulation.concern``),
  1. the platform updates what it imputes for withheld data (skeptical rule: step t-1's
     withholders),
  2. each citizen revises with probability r and applies the decision rule, reading the state
     of t-1 (synchronous) or, with the random sequential schedule, its neighbours' latest choices,
  3. the platform rescores the citizens whose choice changed; the neighbour counts are updated
     around them (``simulation.neighbourhood.NeighbourCounts``); the outputs are collected.

Engines: ``vectorized`` decides for all revisers at once over arrays; ``agents`` runs the same
functions citizen by citizen through Mesa (``model.agents.do`` / ``shuffle_do`` calling
``Citizen.step``). Both consume the same random draws in the same order (all of a step's draws
are made up front), so in synchronous mode they give identical trajectories.

Randomness: ``rng`` seeds Mesa's generators; three independent streams are spawned from it with
``SeedSequence.spawn`` for the network, the population and the decisions, so changing the
network kind does not change the citizens drawn, and the same seed gives the same run.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from mesa.experimental.scenarios import Scenario

from simulation import decisions, events, passes
from simulation import neighbourhood as nbh
from simulation.agents import Citizen
from simulation.codes import CodeHistogram, CodeTables
from simulation.concern import choose_advocates, degroot_update
from simulation.decisions import Decision, DecisionRule, Draws
from simulation.kernels.table import implementation, read_switch
from simulation.metrics import (
    ScoreHistogram,
    collect_outputs,
    output_columns,
    privacy_quintiles,
    run_summary,
)
from simulation.network import SocialNetwork, build_network
from simulation.outputs import OutputState
from simulation.params import Params
from simulation.population import Population, draw_population
from simulation.rules import (
    PERCENTILE_BIN,
    PERCENTILE_BINS,
    Incentives,
    PeerView,
    paid_privacy,
    privacy_cost,
    utility,
)
from simulation.score import (
    SCORE_MIN,
    disclosure_gains,
    imputed_quality,
    raw_score,
    to_points,
    withheld_raw_score,
)
from simulation.state_access import draw_state_fear, state_factor

#: No citizen, no score: ``given`` of a refresh that rescores every citizen whose choice changed.
_NOBODY = (np.empty(0, dtype=np.int64), np.empty(0))

class DisclosureModel(mesa.Model):
    """Agent-based model of credit-score-driven data disclosure on a social network.

    Args:
        params: A ``Params`` object or a mapping of parameter names to values (default: all
            defaults of docs/ODD.md).
        rng: Seed or ``numpy.random.Generator`` for every random draw of the run.
        scenario: A Mesa ``Scenario`` (``mesa.experimental.scenarios``): its fields are
            parameter values and its ``rng`` the seed, so ``DisclosureModel(scenario=
            Scenario(rng=3, n_citizens=500))`` equals ``DisclosureModel(n_citizens=500, rng=3)``.
            SolaraViz's Reset passes one (empty, without a seed) to any model taking keywords.
            The model keeps it as ``model.scenario``.
        **overrides: Parameter values that replace those of ``params`` (flat keywords, as
            ``mesa.batch_run`` and SolaraViz pass them).

    Raises:
        TypeError: ``scenario`` is not a Mesa ``Scenario``.
        ValueError: A parameter is invalid, or the scenario and a keyword give different values
            for the same parameter or seed.

    Attributes:
        params: The validated parameters (replaced when an event changes one).
        population: The citizens' state arrays (``simulation.population.Population``).
        network: The social network (``simulation.network.SocialNetwork``).
        imputed: What the platform imputes for each withheld category, shape (K,).
        peers: The inferred score of non-sharers and the sharers' scores, as of this step.
        neighbourhood: Neighbour counts of this step's state (arrays updated in place).
        outputs: The outputs of the current step (see ``simulation.metrics.OUTPUTS``).
        datacollector: A Mesa ``DataCollector`` with one model reporter per output.
    """

    def __init__(self, params: Params | dict[str, Any] | None = None, *, rng: Any = None,
                 scenario: Scenario | None = None, **overrides: Any) -> None:
        """Build the network and the population and collect the state at t = 0."""
        if scenario is not None:  # its fields are parameters, its rng the seed
            if not isinstance(scenario, Scenario):
                raise TypeError(f"scenario: got {type(scenario).__name__}, expected a "
                                "mesa.experimental.scenarios.Scenario")
            fields = {k: v for k, v in scenario if k != "rng"}
            for key in fields.keys() & overrides.keys():
                if fields[key] != overrides[key]:
                    raise ValueError(f"{key}: the scenario gives {fields[key]!r} and the keyword "
                                     f"{overrides[key]!r}; give it once")
            seeds = (scenario.rng, rng)
            same = seeds[0] is seeds[1] or (
                all(isinstance(s, int | np.integer) for s in seeds) and seeds[0] == seeds[1])
            if None not in seeds and not same:
                raise ValueError(f"rng: the scenario gives {scenario.rng!r} and the keyword "
                                 f"{rng!r}; give it once")
            if scenario.rng is None and rng is not None:  # Mesa wants the seed in the scenario
                scenario = type(scenario)(rng=rng, _scenario_id=scenario._scenario_id, **fields)
            rng = scenario.rng
            overrides = {**fields, **overrides}
        self.params = Params.resolve(params, overrides)
        read_switch()  # DATAROVERS_KERNELS: compiled kernels or their numpy definitions
        super().__init__(rng=rng, scenario=scenario)
        p = self.params
        #: The decision rule in force (``simulation.decisions``; the rule cannot change).
        self.decision_rule: DecisionRule = decisions.get(p.rule)
        # A fourth stream for the extensions (the state), so that they change no other draw.
        network_rng, population_rng, self.decision_rng, extension_rng = self.rng.spawn(4)
        if p.network == "edge_list":  # the file sets the population size
            self.network: SocialNetwork = build_network(p, network_rng)
            self.population: Population = draw_population(
                p, self.network.n_nodes, population_rng,
                place_seeds=self.decision_rule.places_seeds)
        else:  # the block model's communities depend on privacy concern
            self.population = draw_population(p, p.n_citizens, population_rng,
                                              place_seeds=self.decision_rule.places_seeds)
            self.network = build_network(p, network_rng, self.population.privacy_concern)
        self.population.state_fear = draw_state_fear(p, self.population.privacy_concern,
                                                     extension_rng)
        self._degree = self.network.degree.astype(np.float64)
        #: The citizens an advocacy campaign reaches (``simulation.concern``), ascending.
        self.advocates = choose_advocates(p, self._degree, extension_rng)
        self._max_degree = int(self.network.degree.max(initial=0))
        self._codes = np.zeros(self.n_citizens, dtype=np.uint16)  # disclosure codes
        self._counts = nbh.NeighbourCounts(self.network.adjacency, self._degree,
                                           self._max_degree, p.n_categories)
        self._perceived_weight = nbh.perceived_weights(self.network.adjacency, self._degree)
        # Read when binned (metrics.EXACT_DISTRIBUTION_LIMIT); the thresholds are fixed.
        self._scores = ScoreHistogram(p.thresholds)
        #: Who discloses every scored category at t = 0 (the threshold rule's seeds).
        self.seeds = self.population.disclosed[:, p.scored_categories].all(axis=1)
        self._histogram = CodeHistogram(privacy_quintiles(self.population.privacy_concern),
                                        self._degree, p.n_categories)
        self.imputed = imputed_quality(p.imputation, self.population.quality,
                                       self.population.disclosed, None)
        self._citizens: list[Citizen] | None = None  # created on first access (see agents)
        self._score_basis: tuple = ()
        for step in sorted({event.step for event in p.events}):
            self.schedule_event(self._apply_due_events, at=step - 0.5)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda model, name=name: model.outputs[name])
                             for name in output_columns(p)})
        self._refresh()

    # --- public helpers -----------------------------------------------------------------------
    @property
    def n_citizens(self) -> int:
        """Number of citizens N (from the edge-list file when the network is read from one)."""
        return self.population.size

    @property
    def agents(self) -> mesa.agentset.AgentSet:
        """All citizens as a Mesa AgentSet, in node order.

        The Citizen objects are created on first access: a run that never touches them (a sweep,
        a 10^7-citizen run) does not pay about 3 s and 180 MB per million for them
        (benchmarks/build.py).
        """
        if self._citizens is None:
            self._citizens = [Citizen(self, node) for node in range(self.n_citizens)]
        return super().agents

    def citizen(self, node: int) -> Citizen:
        """The Citizen on network node ``node``."""
        if self._citizens is None:
            self.agents  # noqa: B018 - creates the citizens
        return self._citizens[node]

    @cached_property
    def graph(self) -> nx.Graph:
        """The network as a networkx graph (built on first use, for drawing and analysis)."""
        return self.network.to_networkx()

    def dataframe(self) -> pd.DataFrame:
        """The collected outputs, one row per step from t = 0."""
        frame = self.datacollector.get_model_vars_dataframe()
        frame.index.name = "step"
        return frame

    def output_state(self) -> OutputState:
        """The state the outputs are defined on (``simulation.outputs``), as of this step.

        ``simulation.outputs.define_all(model.output_state())`` gives every output from its
        numpy definition.
        """
        return OutputState(self.population, self.params, self.peers, self.incentives,
                           self.network.adjacency, self.neighbourhood, self.decision_rule)

    def run_summary(self) -> dict[str, float]:
        """Per-run outputs: steps to 50 % and 90 % disclosure, share of coerced disclosers."""
        return run_summary(self.dataframe(), self.coerced_share())

    # --- one step -----------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one step (module docstring)."""
        p, pop = self.params, self.population
        if p.concern_influence > 0:
            self._spread_concern(p.concern_influence)
        self.imputed = imputed_quality(p.imputation, pop.quality, pop.disclosed, self.imputed)
        draws = self._draw()
        given = None
        if p.engine == "vectorized":
            who = draws.revising
            # The best response reads every citizen's counts in place; the others, rows.
            rows = None if self.decision_rule.reads_counts_in_place else self._counts.rows(who)
            decision = self._decide(draws, rows)
            if decision.score is not None:
                record = implementation("record_choices")
                given = (who, record(who, *decision, pop.disclosed, pop.shares_score, pop.score))
            else:
                pop.disclosed[who] = decision.disclosed
                pop.shares_score[who] = decision.shares
        else:
            self._step_agents(draws)
        self._refresh(rescore_all=False, given=given)

    def _draw(self, revising: np.ndarray | None = None) -> Draws:
        """This step's draws (``revising``: given revisers, else each with probability r)."""
        p, rng = self.params, self.decision_rng
        if revising is None:
            revising = np.flatnonzero(rng.random(self.n_citizens) < p.revision_rate)
        return Draws(revising, self.decision_rule.noise(self, rng, revising.size))

    def _step_agents(self, draws: Draws) -> None:
        """The per-agent engine: each reviser's Citizen.step() decides on its own row."""
        order = {int(node): j for j, node in enumerate(draws.revising)}
        self._agent_step = (draws, order, {})
        if self.params.schedule == "synchronous":
            self.agents.do("step")
            _, _, decided = self._agent_step
            pop = self.population
            for node, (disclosed, shares) in decided.items():
                pop.disclosed[node] = disclosed
                pop.shares_score[node] = shares
        else:
            self.agents.shuffle_do("step")
        del self._agent_step

    def decide_for(self, citizen: Citizen) -> None:
        """Citizen.step(): decide if revising, with this step's draws.

        Called outside ``step()`` (``model.citizen(7).step()`` by hand), the citizen revises
        now: its choice noise comes from the decision stream (so later steps differ from a run
        left alone), it reads its neighbours' present choices, and the platform rescores it and
        the neighbour counts follow at once. The collected outputs change at the next step.
        """
        if not hasattr(self, "_agent_step"):
            self._revise_alone(citizen)
            return
        draws, order, decided = self._agent_step
        j = order.get(citizen.node)
        if j is None:
            return
        mine = draws.row(j)
        # Each citizen reads its own neighbours. In synchronous mode nothing is written until
        # everyone has decided, so what it reads is the state of t-1.
        live = nbh.live_rows(self.network.adjacency, mine.revising, self.population.disclosed,
                             self.params.scored_categories)
        disclosed, shares, _ = self._decide(mine, live, live_context=True)
        if self.params.schedule == "synchronous":
            decided[citizen.node] = (disclosed[0], bool(shares[0]))
        else:
            citizen.disclosed = disclosed[0]
            citizen.shares_score = bool(shares[0])

    def _revise_alone(self, citizen: Citizen) -> None:
        """One citizen revises between steps (``decide_for`` outside ``step()``)."""
        who = np.array([citizen.node], dtype=np.int64)
        pop = self.population
        live = nbh.live_rows(self.network.adjacency, who, pop.disclosed,
                             self.params.scored_categories)
        disclosed, shares, _ = self._decide(self._draw(who), live, live_context=True)
        pop.disclosed[citizen.node] = disclosed[0]
        pop.shares_score[citizen.node] = bool(shares[0])
        self._update_state(rescore_all=False)

    # --- decision rules -----------------------------------------------------------------------
    @property
    def incentives(self) -> Incentives:
        """The utility's coefficients for the parameters in force (rebuilt after an event)."""
        if getattr(self, "_incentives_of", None) is not self.params:
            self._incentives = Incentives.from_params(self.params)
            self._incentives_of = self.params
        return self._incentives

    @property
    def code_tables(self) -> CodeTables:
        """Per-code tables for the scored categories in force (rebuilt after an event)."""
        if getattr(self, "_code_tables_of", None) is not self.params:
            self._code_tables = CodeTables.from_weights(self.params.scored_weights)
            self._code_tables_of = self.params
        return self._code_tables

    @property
    def degree(self) -> np.ndarray:
        """k_i of every citizen, as float64 (computed once; the network does not change)."""
        return self._degree

    def neighbour_counts(self, who: np.ndarray) -> nbh.Neighbourhood:
        """The kept neighbour counts of the citizens ``who`` (rows, as of this step's state)."""
        return self._counts.rows(who)

    def privacy_cost(self, who: np.ndarray | slice, context: nbh.Neighbourhood) -> np.ndarray:
        """Net utility cost of disclosing each category, shape (len(who), K).

        v_i * kappa_k * L(n_ik), times 1 + chi_i a pi_k when the state has access
        (``simulation.state_access``), less the decision rule's conformity gain (the norm rule's).
        """
        p = self.params
        pop = self.population
        cost = privacy_cost(pop.privacy_concern[who], p.sensitivities, context.disclosing,
                            p.data_correlation, state_factor(pop.state_fear[who], p.state_access,
                                                             p.political_sensitivity))
        return self._less_conformity_gain(cost, context)

    def _less_conformity_gain(self, cost: np.ndarray, context: nbh.Neighbourhood | None
                              ) -> np.ndarray:
        """``cost`` less the decision rule's conformity gain per category (the norm rule's)."""
        gain = self.decision_rule.conformity_gain(self.params, context)
        return cost if gain is None else cost - gain

    def _decide(self, draws: Draws, context: nbh.Neighbourhood | None,
                live_context: bool = False) -> Decision:
        """What the revisers in ``draws`` choose: the decision rule's ``decide``.

        ``context``: their neighbour counts, rows aligned with the revisers; None on the
        vectorised engine for a rule that reads ``self.neighbourhood`` at their rows.
        """
        return self.decision_rule.decide(self, draws, context, live_context)

    def choice_inputs(self, who: np.ndarray, context: nbh.Neighbourhood | None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(withheld raw score, gains, privacy cost) of the revisers ``who``.

        The vectorised engine computes them in one compiled pass (equal bit for bit to the
        numpy functions the per-agent engine calls).
        """
        p, pop = self.params, self.population
        weights = p.scored_weights
        if p.engine == "vectorized":
            withheld, gains, cost = implementation("decision_inputs")(
                who, pop.behaviour, pop.quality, pop.privacy_concern,
                self.neighbourhood.disclosing, p.behaviour_weight,
                float(np.dot(weights, self.imputed)), self.imputed, weights,
                p.completeness_bonus, np.asarray(p.sensitivities),
                nbh.leakage_table(p.data_correlation, self._max_degree), pop.state_fear,
                p.state_access, p.political_sensitivity)
            return withheld, gains, self._less_conformity_gain(cost, context)
        return (withheld_raw_score(pop.behaviour[who], self.imputed, weights, p.behaviour_weight),
                disclosure_gains(pop.quality[who], self.imputed, weights, p.completeness_bonus),
                self.privacy_cost(who, context))

    def current_utility(self, who: np.ndarray | slice, context: nbh.Neighbourhood,
                        neighbour_perceived: np.ndarray | float = 0.0,
                        score: np.ndarray | None = None) -> np.ndarray:
        """U of the citizens' present choices (``score``: if already known).

        ``context``: their neighbour counts; ``neighbour_perceived``: the mean perceived score
        of their neighbours (0 in decisions, where it is the same for every option).
        """
        p, pop = self.params, self.population
        disclosed = pop.disclosed[who]
        if score is None:
            weights = p.scored_weights
            score = to_points(raw_score(
                withheld_raw_score(pop.behaviour[who], self.imputed, weights,
                                   p.behaviour_weight),
                disclosure_gains(pop.quality[who], self.imputed, weights, p.completeness_bonus),
                disclosed))
        # The cost includes the rule's conformity gain, and the rule may add a utility term.
        paid = paid_privacy(disclosed, self.privacy_cost(who, context),
                            self.decision_rule.conformity_utility(p, context))
        return utility(score, paid, pop.shares_score[who], self.incentives, self.peers,
                       neighbour_perceived)

    def coerced_share(self) -> float:
        """Share of disclosing citizens who would disclose nothing if nobody else disclosed.

        Defined by the decision rule (``DecisionRule.coerced_share``): for the utility rules
        each discloser's exact best response alone (``best_response_alone``); for the threshold
        rule the adopters who are not seeds (they needed others). Peppet (2011), "Unraveling
        privacy", 105 Nw. U. L. Rev. 1153.
        """
        return self.decision_rule.coerced_share(self)

    def best_response_alone(self) -> np.ndarray | None:
        """For each discloser, whether it would disclose no scored category alone.

        Its exact best response when its neighbours disclose nothing (leakage 1, no
        conformity gain) and a skeptical platform sees no disclosures (imputing the population
        mean quality). None when nobody discloses a scored category.
        """
        p, pop = self.params, self.population
        scored = p.scored_categories
        disclosing = pop.disclosed[:, scored].any(axis=1)
        if not disclosing.any():
            return None
        who = np.flatnonzero(disclosing)
        nobody = np.zeros((who.size, p.n_categories), dtype=np.float32)
        imputed = imputed_quality(p.imputation, pop.quality, np.zeros_like(pop.disclosed),
                                  self.imputed)
        empty = nbh.Neighbourhood(self._degree[who], nobody, np.zeros(who.size))
        weights = p.scored_weights
        respond = (implementation("scored_best_response") if p.engine == "vectorized"
                   else passes.scored_best_response)
        alone, _, _ = respond(
            withheld_raw_score(pop.behaviour[who], imputed, weights, p.behaviour_weight),
            disclosure_gains(pop.quality[who], imputed, weights, p.completeness_bonus),
            self.privacy_cost(who, empty), self.incentives, self.peers,
            choice_noise=None, temperature=0.0,
            active=self.decision_rule.active_categories(p))
        return ~alone[:, scored].any(axis=1)

    # --- platform, aggregates, outputs ----------------------------------------------------------
    def _apply_due_events(self) -> None:
        """Apply the events of the coming step (scheduled by Mesa between steps)."""
        for event in events.due(self.params.events, round(self.time + 0.5)):
            if event.target == "privacy_concern":
                self.population.privacy_concern *= np.float32(event.value)
            elif event.target == "advocacy":
                self.population.privacy_concern[self.advocates] *= np.float32(event.value)
                self._regroup_by_concern()
            else:
                self.params = event.apply(self.params)
        # A weight or the category cap may have changed the scored categories, and with them who
        # counts as an adopter: the step's decisions read the counts of the set now in force (as
        # the per-agent engine's live rows do). No citizen's choice changed, so this recounts
        # only when the scored set changed and is a no-op otherwise.
        nobody = _NOBODY[0]
        self.neighbourhood = self._counts.update(nobody, self._codes[nobody], self._codes,
                                                 self.code_tables)

    def _spread_concern(self, rate: float) -> None:
        """One DeGroot step of privacy concern (``simulation.concern.degroot_update``)."""
        pop = self.population
        sums = nbh.neighbour_sum(self.network.adjacency, pop.privacy_concern)
        pop.privacy_concern[:] = degroot_update(pop.privacy_concern, sums, self._degree, rate)
        self._regroup_by_concern()

    def _regroup_by_concern(self) -> None:
        """Recount the code histogram by privacy quintile after concern changed its order."""
        self._histogram = CodeHistogram.of(self._codes,
                                           privacy_quintiles(self.population.privacy_concern),
                                           self._degree, self.params.n_categories)

    def _refresh(self, rescore_all: bool = True,
                 given: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Bring the platform's state up to date (``_update_state``) and collect the outputs."""
        self._update_state(rescore_all, given)
        self._collect()

    def _update_state(self, rescore_all: bool = True,
                      given: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Update codes and scores, the peer view, the neighbour counts and the histograms.

        One compiled kernel (``simulation.kernels.state.refresh``) brings the disclosure codes
        up to date, rescores the citizens whose choice changed (but those ``given``) and sums
        what the peer view is made of; the neighbour counts and the histograms the outputs read
        are then updated around those citizens.

        Args:
            rescore_all: Rescore every citizen (as after the state was edited by hand). Also
                done when the platform's imputation or weights changed since the last refresh.
            given: (citizens, their previous scores) whose new scores the step already wrote
                (ascending citizens).
        """
        p, pop = self.params, self.population
        weights = p.scored_weights
        basis = (self.imputed.tobytes(), weights.tobytes(), p.behaviour_weight,
                 p.completeness_bonus)
        rescore_all = rescore_all or basis != self._score_basis
        given_who, given_previous = given if given is not None else _NOBODY
        changed, previous, previous_score, new_score, *sums = implementation("refresh")(
            pop.disclosed, self._codes, pop.score, rescore_all, given_who, given_previous,
            pop.behaviour, pop.quality, float(np.dot(weights, self.imputed)), self.imputed,
            weights, p.behaviour_weight, p.completeness_bonus, pop.shares_score, SCORE_MIN,
            PERCENTILE_BIN, PERCENTILE_BINS)
        self._score_basis = basis
        self.peers = PeerView.from_sums(*sums, self.n_citizens, p.inference_skepticism)
        self.neighbourhood = self._counts.update(changed, previous, self._codes,
                                                 self.code_tables)
        self._histogram.update(changed, previous, self._codes)
        self._scores.update(pop.score, None if rescore_all else (previous_score, new_score))

    def _collect(self) -> None:
        """Compute this step's outputs (welfare included) and hand them to the DataCollector."""
        p = self.params
        self.outputs = collect_outputs(
            self.population, p, peers=self.peers, incentives=self.incentives,
            adjacency=self.network.adjacency, codes=self._codes, histogram=self._histogram,
            tables=self.code_tables, neighbourhood=self.neighbourhood,
            disclosure_pairs=self._counts.disclosure_pairs,
            perceived_weight=self._perceived_weight, scores=self._scores,
            leakage_table=nbh.leakage_table(p.data_correlation, self._max_degree))
        self.datacollector.collect(self)
