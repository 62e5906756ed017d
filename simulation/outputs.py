"""Every per-step output, declared once: its name, its documentation and its numpy definition.

An :class:`Output` is computed from the state of one step (:class:`OutputState`). The model
collects most outputs through one compiled pass over tallies kept up to date
(``simulation.kernels.outputs.step_outputs``), whose slots are bound to these names; an output
without a compiled slot, or every output when ``DATAROVERS_KERNELS=0``, comes from its
definition here (``simulation.metrics.collect_outputs``). Tests check the compiled slots
against these definitions on model states (tests/test_kernel_outputs.py).

Adding an output is one :func:`declare` (from any module); a compiled slot is added to the
kernel only when speed needs it. Names with ``<category>`` or ``<threshold>`` stand for one
column per category or per threshold of ``share_above_<threshold>``: their definitions return
one value per category or threshold. "Scored categories" are those with weight w_k > 0 when
the step is taken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from simulation.params import Params
from simulation.rules import Incentives, PeerView, paid_privacy, privacy_cost, utility
from simulation.state_access import state_factor

#: Placeholders of the names with one column per category or per threshold.
PER_CATEGORY = "<category>"
PER_THRESHOLD = "<threshold>"
#: Below this variance of the degree-weighted disclosure level, assortativity is NaN.
LEVEL_VARIANCE_FLOOR = 1e-12


@dataclass(frozen=True)
class OutputState:
    """What the outputs of one step are computed from.

    Attributes:
        population: The citizens' state (``simulation.population.Population``).
        params: The parameters in force.
        peers: The peer view of the step.
        incentives: The utility's coefficients in force.
        adjacency: The symmetric CSR adjacency of the network.
        neighbourhood: Every citizen's neighbour counts (``simulation.neighbourhood``).
        rule: The decision rule in force (``simulation.decisions.DecisionRule``).
    """

    population: Any
    params: Params
    peers: PeerView
    incentives: Incentives
    adjacency: sp.csr_array
    neighbourhood: Any
    rule: Any

    @cached_property
    def scored_disclosures(self) -> np.ndarray:
        """d_ik over the scored categories, shape (N, K_scored)."""
        return self.population.disclosed[:, self.params.scored_categories]

    @cached_property
    def level(self) -> np.ndarray:
        """x_i = a_i / K_scored, the share of scored categories each citizen discloses."""
        return self.scored_disclosures.mean(axis=1)


@dataclass(frozen=True)
class Output:
    """One output: a column (or a column per category or threshold) of every run's series.

    Attributes:
        name: The column name users type; ``<category>`` or ``<threshold>`` in it stand for
            each category or each threshold.
        doc: What it measures, for users (docs/ODD.md's table is made from these).
        define: Its value from the state of a step: a float, or one value per category or
            threshold.
    """

    name: str
    doc: str
    define: Callable[[OutputState], Any]


def privacy_quintiles(privacy_concern: np.ndarray) -> np.ndarray:
    """Quintile (0 = least concerned, 4 = most) of each citizen's privacy concern."""
    ranks = np.argsort(np.argsort(privacy_concern, kind="stable"), kind="stable")
    return (ranks * 5 // privacy_concern.size).astype(np.int64)


def weighted_disclosure(state: OutputState) -> np.ndarray:
    """sum_k w_k d_ik / sum_k w_k over the scored categories (the level if no weight)."""
    weights = state.params.scored_weights[state.params.scored_categories]
    if weights.sum() <= 0:
        return state.level
    return (state.scored_disclosures * weights).sum(axis=1) / weights.sum()


def gini(values: np.ndarray) -> float:
    """G = sum_i (2i - n - 1) x_(i) / (n sum x), x sorted ascending (0 when the sum is 0)."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = x.size
    total = x.sum()
    if n == 0 or total == 0:
        return 0.0
    return float(((2 * np.arange(1, n + 1) - n - 1) * x).sum() / (n * total))


def privacy_gap(state: OutputState) -> float:
    """Mean level of the least privacy-concerned quintile minus that of the most concerned."""
    quintile = privacy_quintiles(state.population.privacy_concern)
    return float(state.level[quintile == 0].mean() - state.level[quintile == 4].mean())


def assortativity(state: OutputState) -> float:
    """Pearson correlation of the levels x over both ends of every edge (Newman 2003).

    NaN without edges or when the levels at the edge ends vary by less than
    :data:`LEVEL_VARIANCE_FLOOR`.
    """
    edges = sp.triu(state.adjacency, k=1).tocoo()
    if edges.nnz == 0:
        return float("nan")
    x = state.level
    ends = np.concatenate([x[edges.row], x[edges.col]])
    others = np.concatenate([x[edges.col], x[edges.row]])
    if ends.var() <= LEVEL_VARIANCE_FLOOR:
        return float("nan")
    return float(np.corrcoef(ends, others)[0, 1])


def present_utility(state: OutputState) -> np.ndarray:
    """U_i of every citizen's present choice, status measured against its neighbours.

    The privacy cost v_i sum_k d_ik kappa_k L(n_ik) less the rule's conformity gain and
    utility (the norm's), and the status term against m_i = (1 / k_i) sum_(j in N(i)) s_hat_j,
    the mean perceived score of i's neighbours (its own s_hat_i when isolated), where s_hat_j
    is the score j shows or the inferred score, as peers hold it (float32).
    """
    pop, p, counts = state.population, state.params, state.neighbourhood
    cost = privacy_cost(pop.privacy_concern, p.sensitivities, counts.disclosing,
                        p.data_correlation,
                        state_factor(pop.state_fear, p.state_access, p.political_sensitivity))
    gain = state.rule.conformity_gain(p, counts)
    if gain is not None:
        cost = cost - gain
    paid = paid_privacy(pop.disclosed, cost, state.rule.conformity_utility(p, counts))
    perceived = np.where(pop.shares_score, pop.score, state.peers.inferred_score)
    perceived = perceived.astype(np.float32).astype(np.float64)
    degree = np.asarray(counts.degree, dtype=np.float64)
    neighbours = np.divide(state.adjacency @ perceived, degree, out=perceived.copy(),
                           where=degree > 0)
    return utility(pop.score, paid, pop.shares_score, state.incentives, state.peers, neighbours)


def sensitive_disclosure(state: OutputState) -> float:
    """Mean over citizens of sum_k pi_k d_ik / sum_k pi_k, every category (NaN if sum pi = 0)."""
    political = state.params.political_sensitivity
    if political.sum() <= 0:
        return float("nan")
    return float((state.population.disclosed @ political).mean() / political.sum())


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values))


_BUILT_IN = (
    Output("mean_disclosure",
           "Mean over citizens of the share of scored categories they disclose.",
           lambda s: _mean(s.level)),
    Output("mean_disclosure_weighted",
           "Mean over citizens of sum_k w_k d_ik / sum_k w_k (disclosure weighted by score "
           "weight).",
           lambda s: _mean(weighted_disclosure(s))),
    Output("disclosure_<category>",
           "Share of citizens disclosing that category (scored or not).",
           lambda s: s.population.disclosed.mean(axis=0)),
    Output("share_disclose_none", "Share of citizens disclosing no scored category.",
           lambda s: _mean(~s.scored_disclosures.any(axis=1))),
    Output("share_disclose_all", "Share of citizens disclosing every scored category.",
           lambda s: _mean(s.scored_disclosures.all(axis=1))),
    Output("sharing_rate", "Share of citizens who show their score.",
           lambda s: _mean(s.population.shares_score)),
    Output("inferred_score", "s_hat_ns: the score peers attribute to a citizen who hides it.",
           lambda s: float(s.peers.inferred_score)),
    Output("mean_score", "Mean score, in points (350-950).",
           lambda s: _mean(s.population.score)),
    Output("median_score", "Median score, in points.",
           lambda s: float(np.median(s.population.score))),
    Output("share_above_<threshold>", "Share of citizens with score >= that threshold.",
           lambda s: np.array([_mean(s.population.score >= t) for t in s.params.thresholds])),
    Output("gini_score", "Gini coefficient of scores.", lambda s: gini(s.population.score)),
    Output("privacy_gap",
           "mean_disclosure of the least privacy-concerned quintile minus that of the most "
           "concerned quintile.",
           privacy_gap),
    Output("assortativity",
           "Pearson correlation of disclosure levels across the two ends of each edge "
           "(Newman 2003); NaN when all levels are equal.",
           assortativity),
    Output("welfare",
           "Mean utility U of the citizens' present choices (status measured against each "
           "one's neighbours).",
           lambda s: _mean(present_utility(s))),
    Output("cascade_size",
           "Threshold rule: share of citizens who adopted (disclose every scored category), "
           "seeds included; NaN under the other rules.",
           lambda s: (_mean(s.scored_disclosures.all(axis=1)) if s.rule.reports_cascade
                      else float("nan"))),
    Output("state_exposure",
           "Share of the citizens' voluntary data the state holds: state_access a times the "
           "mean share of categories disclosed (all categories).",
           lambda s: s.params.state_access * _mean(s.population.disclosed)),
    Output("sensitive_disclosure",
           "Disclosure weighted by political sensitivity: mean over citizens of "
           "sum_k pi_k d_ik / sum_k pi_k (NaN when no category is sensitive).",
           sensitive_disclosure),
    Output("mean_concern", "Mean privacy concern v over citizens (it moves with scandals, "
           "advocacy campaigns and, when concern_influence > 0, friends' concern).",
           lambda s: _mean(s.population.privacy_concern.astype(np.float64))),
    Output("concern_sd", "Standard deviation of privacy concern over citizens (its spread).",
           lambda s: float(np.std(s.population.privacy_concern.astype(np.float64)))),
    Output("state_exposure_<category>",
           "Share of citizens whose data in that category the state holds: a times "
           "disclosure_<category>.",
           lambda s: s.params.state_access * s.population.disclosed.mean(axis=0)),
)

_DECLARED: dict[str, Output] = {output.name: output for output in _BUILT_IN}
_VERSION = [0]  # counts declarations and removals, so that plans made of them can be cached

#: Every output's documentation by name (kept in step with :func:`declare`).
OUTPUTS: dict[str, str] = {output.name: output.doc for output in _BUILT_IN}


def declare(output: Output) -> None:
    """Add an output: a column of every model built from now on.

    Raises:
        ValueError: The name is taken.
    """
    if output.name in _DECLARED:
        raise ValueError(f"output {output.name!r} is already declared")
    _DECLARED[output.name] = output
    OUTPUTS[output.name] = output.doc
    _VERSION[0] += 1


def undeclare(name: str) -> None:
    """Remove an output added by :func:`declare` (the built-in outputs stay).

    Raises:
        ValueError: ``name`` is a built-in output or not declared.
    """
    if name not in _DECLARED or any(output.name == name for output in _BUILT_IN):
        raise ValueError(f"output {name!r}: only outputs added with declare can be removed")
    del _DECLARED[name]
    del OUTPUTS[name]
    _VERSION[0] += 1


def declared() -> tuple[Output, ...]:
    """Every output, in column order."""
    return tuple(_DECLARED.values())


def declared_version() -> int:
    """A number that changes whenever an output is declared or removed."""
    return _VERSION[0]


def threshold_label(threshold: float) -> str:
    """Column suffix of a threshold: ``650`` for 650.0, ``612.5`` otherwise."""
    return f"{threshold:g}"


def expand(name: str, categories: tuple[str, ...], thresholds: tuple[float, ...]) -> list[str]:
    """The column names an output name stands for."""
    if PER_CATEGORY in name:
        return [name.replace(PER_CATEGORY, c) for c in categories]
    if PER_THRESHOLD in name:
        return [name.replace(PER_THRESHOLD, threshold_label(t)) for t in thresholds]
    return [name]


def define_all(state: OutputState) -> dict[str, float]:
    """Every declared output of ``state`` from its definition, in column order."""
    values: dict[str, float] = {}
    for output in declared():
        values |= define(output, state)
    return values


def define(output: Output, state: OutputState) -> dict[str, float]:
    """The columns of ``output`` from its definition."""
    names = expand(output.name, state.params.categories, state.params.thresholds)
    value = output.define(state)
    if len(names) == 1 and np.ndim(value) == 0:
        return {names[0]: float(value)}
    return dict(zip(names, np.asarray(value, dtype=np.float64).tolist(), strict=True))
