"""Per-step outputs: the stable column names users type in specs and notebooks.

Each output is documented once, in :data:`OUTPUTS`; columns that depend on the category table or
the thresholds are named from them (``disclosure_<category>``, ``share_above_<threshold>``).
"Scored categories" are those with weight w_k > 0 when the step is taken.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.codes import CodeTables
from simulation.neighbourhood import Neighbourhood
from simulation.params import Params
from simulation.population import Population
from simulation.score import SCORE_MIN

#: Every output column, with its meaning. ``<category>`` and ``<threshold>`` are placeholders.
OUTPUTS: dict[str, str] = {
    "mean_disclosure": "Mean over citizens of the share of scored categories they disclose.",
    "mean_disclosure_weighted": "Mean over citizens of sum_k w_k d_ik / sum_k w_k "
                                "(disclosure weighted by score weight).",
    "disclosure_<category>": "Share of citizens disclosing that category (scored or not).",
    "share_disclose_none": "Share of citizens disclosing no scored category.",
    "share_disclose_all": "Share of citizens disclosing every scored category.",
    "sharing_rate": "Share of citizens who show their score.",
    "inferred_score": "s_hat_ns: the score peers attribute to a citizen who hides it.",
    "mean_score": "Mean score, in points (350-950).",
    "median_score": "Median score, in points.",
    "share_above_<threshold>": "Share of citizens with score >= that threshold.",
    "gini_score": "Gini coefficient of scores.",
    "privacy_gap": "mean_disclosure of the least privacy-concerned quintile minus that of the "
                   "most concerned quintile.",
    "assortativity": "Pearson correlation of disclosure levels across the two ends of each "
                     "edge (Newman 2003); NaN when all levels are equal.",
    "welfare": "Mean utility U of the citizens' present choices (status measured against "
               "each one's neighbours).",
    "cascade_size": "Threshold rule: share of citizens who adopted (disclose every scored "
                    "category), seeds included; NaN under the other rules.",
}

#: Per-run outputs (``DisclosureModel.run_summary``).
RUN_OUTPUTS: dict[str, str] = {
    "steps_to_50": "First step at which mean_disclosure >= 0.5 (NaN if never).",
    "steps_to_90": "First step at which mean_disclosure >= 0.9 (NaN if never).",
    "coerced_share": "Share of disclosing citizens who would disclose nothing if nobody else "
                     "disclosed (Peppet 2011); see DisclosureModel.coerced_share.",
}


def threshold_label(threshold: float) -> str:
    """Column suffix of a threshold: ``650`` for 650.0, ``612.5`` otherwise."""
    return f"{threshold:g}"


def output_columns(params: Params) -> list[str]:
    """Concrete column names for a parameter set, in collection order."""
    columns: list[str] = []
    for name in OUTPUTS:
        if name == "disclosure_<category>":
            columns += [f"disclosure_{c}" for c in params.categories]
        elif name == "share_above_<threshold>":
            columns += [f"share_above_{threshold_label(t)}" for t in params.thresholds]
        else:
            columns.append(name)
    return columns


#: Above this many citizens, the median and Gini of scores come from a histogram with
#: ``SCORE_BIN``-point bins (error below SCORE_BIN / 2 points and ~1e-5 in the Gini) instead of a
#: full sort, which would dominate a step at a million citizens.
EXACT_DISTRIBUTION_LIMIT = 200_000
SCORE_BIN = 0.01


def gini(values: np.ndarray) -> float:
    """Gini coefficient G = sum_i (2i - n - 1) x_(i) / (n * sum x) of non-negative values."""
    x = np.sort(values)
    n = x.size
    total = x.sum()
    if n == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return float(((2 * ranks - n - 1) * x).sum() / (n * total))


def binned_median_and_gini(score: np.ndarray) -> tuple[float, float]:
    """Median and Gini of scores grouped in ``SCORE_BIN``-point bins (bin centres).

    With c_b citizens in bin b at centre x_b and R_b citizens in lower bins, the ranks of bin b
    sum to c_b (2 R_b + c_b + 1), so G = sum_b x_b c_b (2 R_b + c_b - n) / (n sum_b c_b x_b).
    """
    n = score.size
    index = ((score - SCORE_MIN) / SCORE_BIN).astype(np.int64)
    counts = np.bincount(index).astype(np.float64)
    centres = SCORE_MIN + (np.arange(counts.size) + 0.5) * SCORE_BIN
    below = np.cumsum(counts) - counts
    median = float(centres[np.searchsorted(below + counts, n / 2)])
    total = (counts * centres).sum()
    return median, float((centres * counts * (2 * below + counts - n)).sum() / (n * total))


def score_distribution(score: np.ndarray) -> tuple[float, float]:
    """(median, Gini) of scores: exact up to EXACT_DISTRIBUTION_LIMIT citizens, binned above."""
    if score.size <= EXACT_DISTRIBUTION_LIMIT:
        return float(np.median(score)), gini(score)
    return binned_median_and_gini(score)


def privacy_quintiles(privacy_concern: np.ndarray) -> np.ndarray:
    """Quintile (0 = least concerned, 4 = most) of each citizen's privacy concern."""
    ranks = np.argsort(np.argsort(privacy_concern, kind="stable"), kind="stable")
    return (ranks * 5 // privacy_concern.size).astype(np.int64)


def assortativity(level: np.ndarray, neighbour_sum: np.ndarray, degree: np.ndarray) -> float:
    """Pearson correlation of x over edge ends: (E[x_i x_j] - E[x]^2) / Var(x), degree-weighted.

    With S = sum_i k_i, E[x] = sum_i k_i x_i / S, E[x_i x_j] = sum_i x_i (A x)_i / S and
    Var(x) = sum_i k_i x_i^2 / S - E[x]^2 (Newman 2003, Mixing patterns in networks, PRE 67).
    """
    # Products are summed elementwise: BLAS dot is slow for one vector on these machines.
    weight = np.asarray(degree, dtype=np.float64)
    total = weight.sum()
    if total == 0:
        return float("nan")
    x = level.astype(np.float64)
    weighted = weight * x
    mean = weighted.sum() / total
    variance = (weighted * x).sum() / total - mean**2
    if variance <= 1e-12:
        return float("nan")
    return float(((x * neighbour_sum).sum() / total - mean**2) / variance)


def collect_outputs(pop: Population, params: Params, *, inferred_score: float,
                    quintile: np.ndarray, codes: np.ndarray, tables: CodeTables,
                    welfare: float, neighbourhood: Neighbourhood) -> dict[str, float]:
    """Compute every output of :data:`OUTPUTS` for the current state.

    Disclosure outputs come from one histogram of the citizens' disclosure codes (and one of
    (quintile, code) pairs) weighted by the per-code tables.

    Args:
        pop: The population state.
        params: The parameters in force.
        inferred_score: s_hat_ns.
        quintile: Privacy-concern quintile of each citizen (0-4, int64).
        codes: Each citizen's disclosure code.
        tables: Per-code values for the scored categories in force.
        welfare: Mean utility.
        neighbourhood: Neighbour aggregates of the current state.
    """
    n, n_codes = pop.size, tables.count.size
    by_quintile = np.bincount(quintile * n_codes + codes, minlength=5 * n_codes
                              ).reshape(5, n_codes)
    histogram = by_quintile.sum(axis=0)
    score = pop.score
    out: dict[str, float] = {
        "mean_disclosure": float((histogram * tables.level).sum() / n),
        "mean_disclosure_weighted": float((histogram * tables.weighted).sum() / n),
    }
    per_category = (histogram[:, None] * tables.bits).sum(axis=0) / n
    out.update({f"disclosure_{c}": float(v)
                for c, v in zip(params.categories, per_category, strict=True)})
    out["share_disclose_none"] = float(histogram[tables.count == 0].sum() / n)
    adopted_share = float(histogram[tables.adopted == 1].sum() / n)
    out["share_disclose_all"] = adopted_share
    out["sharing_rate"] = float(pop.shares_score.mean())
    out["inferred_score"] = float(inferred_score)
    out["mean_score"] = float(score.mean())
    median, gini_score = score_distribution(score)
    out["median_score"] = median
    for t in params.thresholds:
        out[f"share_above_{threshold_label(t)}"] = float(np.mean(score >= t))
    out["gini_score"] = gini_score
    level_by_quintile = (by_quintile * tables.level).sum(axis=1) / np.maximum(
        by_quintile.sum(axis=1), 1)
    out["privacy_gap"] = float(level_by_quintile[0] - level_by_quintile[4])
    out["assortativity"] = assortativity(tables.level[codes], neighbourhood.disclosure_sum,
                                         neighbourhood.degree)
    out["welfare"] = welfare
    out["cascade_size"] = adopted_share if params.rule == "threshold" else float("nan")
    return out


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
