"""Collecting the per-step outputs: the stable column names users type in specs and notebooks.

Each output is declared once, with its documentation and its numpy definition, in
:mod:`simulation.outputs` (:data:`OUTPUTS` maps the names to their documentation); columns that
depend on the category table or the thresholds are named from them (``disclosure_<category>``,
``share_above_<threshold>``). Here they are collected, by name, from one compiled pass over
tallies kept up to date, or from their definitions.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp

from simulation import decisions
from simulation.codes import CodeHistogram, CodeTables
from simulation.kernels import outputs as compiled_outputs
from simulation.kernels.table import compiled, implementation
from simulation.kernels.utility import UtilityTables
from simulation.neighbourhood import Neighbourhood
from simulation.outputs import (
    OUTPUTS,
    Output,
    OutputState,
    declared,
    declared_version,
    define,
    expand,
    privacy_quintiles,
    threshold_label,
)
from simulation.params import Params
from simulation.passes import SCORE_BINS
from simulation.population import Population
from simulation.rules import Incentives, PeerView

__all__ = ["OUTPUTS", "RUN_OUTPUTS", "collect_outputs", "output_columns", "privacy_quintiles",
           "run_summary", "threshold_label"]

#: Per-run outputs (``DisclosureModel.run_summary``).
RUN_OUTPUTS: dict[str, str] = {
    "steps_to_50": "First step at which mean_disclosure >= 0.5 (NaN if never).",
    "steps_to_90": "First step at which mean_disclosure >= 0.9 (NaN if never).",
    "coerced_share": "Share of disclosing citizens who would disclose nothing if nobody else "
                     "disclosed (Peppet 2011); see DisclosureModel.coerced_share.",
}


def output_columns(params: Params) -> list[str]:
    """Concrete column names for a parameter set, in collection order."""
    return list(_columns(tuple(output.name for output in declared()), params.categories,
                         params.thresholds))


@lru_cache(maxsize=16)
def _columns(names: tuple[str, ...], categories: tuple[str, ...],
             thresholds: tuple[float, ...]) -> tuple[str, ...]:
    return tuple(column for name in names for column in expand(name, categories, thresholds))


#: Above this many citizens, the median and Gini of scores come from a histogram of
#: ``simulation.kernels.outputs.SCORE_BIN``-point bins (the median within SCORE_BIN / 2 points
#: of the lower median, the Gini within ~1e-5) instead of a sort, which would dominate the
#: collection at a million citizens.
EXACT_DISTRIBUTION_LIMIT = 200_000

_NOT_SORTED = np.empty(0)  # what the kernel gets instead of sorted scores when binning
_NOT_COUNTED = np.empty(0, dtype=np.int64)  # ... and instead of the bins when not


class ScoreHistogram:
    """Scores per bin and citizens per number of thresholds passed, kept up to date.

    The binned median, Gini and threshold shares above :data:`EXACT_DISTRIBUTION_LIMIT`
    citizens come from these (``simulation.kernels.outputs``; ``SCORE_BIN``-point bins).

    Attributes:
        bins: Scores per bin, int64.
        passing: Citizens per number of the thresholds (of ``share_above_<threshold>``) their
            score reaches, int64.
    """

    def __init__(self, thresholds: tuple[float, ...]) -> None:
        self._thresholds = np.asarray(thresholds, dtype=np.float64)
        self.bins = np.zeros(SCORE_BINS, dtype=np.int64)
        self.passing = np.zeros(self._thresholds.size + 1, dtype=np.int64)

    @classmethod
    def of(cls, score: np.ndarray, thresholds: tuple[float, ...]) -> ScoreHistogram:
        """The histogram of ``score``."""
        histogram = cls(thresholds)
        histogram.update(score)
        return histogram

    def update(self, score: np.ndarray,
               moved: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Bring the counts up to date with ``score``.

        Args:
            score: Every citizen's score.
            moved: (previous, current) scores of the only citizens whose score changed since
                the last update, or None to count every score (the first update must).
        """
        if moved is None:
            implementation("count_scores")(score, self._thresholds, self.bins, self.passing)
        else:
            implementation("move_scores")(*moved, self._thresholds, self.bins, self.passing)


def collect_outputs(pop: Population, params: Params, *, peers: PeerView,
                    incentives: Incentives, adjacency: sp.csr_array, codes: np.ndarray,
                    histogram: CodeHistogram, tables: CodeTables, neighbourhood: Neighbourhood,
                    disclosure_pairs: int, perceived_weight: np.ndarray,
                    leakage_table: np.ndarray, scores: ScoreHistogram | None = None
                    ) -> dict[str, float]:
    """Compute every declared output (``simulation.outputs``) for the current state.

    The outputs with a slot in the compiled kernel (``simulation.kernels.outputs``) come from
    it, by name: one pass over the citizens and tallies kept up to date as choices change (up to
    :data:`EXACT_DISTRIBUTION_LIMIT` citizens the scores are also sorted once, for the exact
    median and Gini). The others, and all of them when ``DATAROVERS_KERNELS=0``, come from
    their numpy definitions.

    Args:
        pop: The population state (scores as rescored this step).
        params: The parameters in force.
        peers: The peer view of this step (s_hat_ns, sharers' score bins, the sums of scores).
        incentives: The utility's coefficients in force.
        adjacency: The network's symmetric CSR adjacency.
        codes: Each citizen's disclosure code.
        histogram: Citizens and degrees per code (``simulation.codes.CodeHistogram``) of
            ``codes``.
        tables: Per-code values for the scored categories in force.
        neighbourhood: Neighbour counts of the current state, for every citizen.
        disclosure_pairs: ``NeighbourCounts.disclosure_pairs`` of the current state.
        perceived_weight: omega_i (``simulation.neighbourhood.perceived_weights``).
        leakage_table: L(m) for m = 0 .. max degree
            (``simulation.neighbourhood.leakage_table``).
        scores: The histogram of the current scores, above :data:`EXACT_DISTRIBUTION_LIMIT`
            citizens (made here if not given).
    """
    rule = decisions.get(params.rule)
    state = OutputState(pop, params, peers, incentives, adjacency, neighbourhood, rule)
    found: dict[str, float] = {}
    if compiled():
        score = pop.score
        binned = score.size > EXACT_DISTRIBUTION_LIMIT
        if binned and scores is None:
            scores = ScoreHistogram.of(score, params.thresholds)
        scalars, per_category, per_threshold = compiled_outputs.step_outputs(
            histogram.by_quintile, histogram.degree_sum, disclosure_pairs, codes, score,
            pop.shares_score, _NOT_SORTED if binned else np.sort(score), binned,
            scores.bins if binned else _NOT_COUNTED,
            scores.passing if binned else _NOT_COUNTED, neighbourhood.degree,
            neighbourhood.disclosing, pop.privacy_concern,
            np.asarray(params.sensitivities, dtype=np.float64), leakage_table, perceived_weight,
            tables.weighted, tables.count, tables.adopted, tables.bits,
            np.asarray(params.thresholds, dtype=np.float64), rule.conformity_in_welfare,
            float(params.conformity), rule.reports_cascade, peers.score_sum,
            peers.shown_score_sum, pop.state_fear, params.state_access,
            params.political_sensitivity, *UtilityTables.of(incentives, peers).arrays())
        found = dict(zip(compiled_outputs.SCALARS, scalars.tolist(), strict=True))
        found |= zip(_slot_columns(params.categories, params.thresholds),
                     [*per_category.ravel().tolist(), *per_threshold.ravel().tolist()],
                     strict=True)
    columns, by_definition = _plan(declared_version(), params.categories, params.thresholds,
                                   frozenset(found))
    for output in by_definition:
        found |= define(output, state)
    return {column: found[column] for column in columns}


@lru_cache(maxsize=16)
def _slot_columns(categories: tuple[str, ...], thresholds: tuple[float, ...]
                  ) -> tuple[str, ...]:
    """The columns of the kernel's per-category and per-threshold vectors, in their order."""
    return tuple(column for name in (*compiled_outputs.PER_CATEGORY,
                                     *compiled_outputs.PER_THRESHOLD)
                 for column in expand(name, categories, thresholds))


@lru_cache(maxsize=16)
def _plan(version: int, categories: tuple[str, ...], thresholds: tuple[float, ...],
          compiled_columns: frozenset[str]) -> tuple[tuple[str, ...], tuple[Output, ...]]:
    """(every column in order, the outputs to compute from their definitions).

    ``version``: ``declared_version()``, the key of the declared outputs.
    """
    del version
    columns = [(output, expand(output.name, categories, thresholds)) for output in declared()]
    missing = tuple(output for output, names in columns
                    if not compiled_columns.issuperset(names))
    return tuple(name for _, names in columns for name in names), missing


def first_step_reaching(series: pd.Series, level: float) -> float:
    """First index at which ``series >= level`` (NaN if never)."""
    reached = np.flatnonzero(series.to_numpy() >= level)
    return float(series.index[reached[0]]) if reached.size else float("nan")


def run_summary(frame: pd.DataFrame, coerced_share: float) -> dict[str, float]:
    """The per-run outputs of :data:`RUN_OUTPUTS` from a run's time series."""
    return {
        "steps_to_50": first_step_reaching(frame["mean_disclosure"], 0.5),
        "steps_to_90": first_step_reaching(frame["mean_disclosure"], 0.9),
        "coerced_share": coerced_share,
    }
