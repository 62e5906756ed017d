"""Compiled kernel: every per-step output, welfare included.

The outputs come from tallies kept up to date as choices change and from one pass over the
citizens for what changes with every step:

* disclosure shares, from the histogram of (privacy quintile, code) pairs
  (``simulation.codes.CodeHistogram``) through the per-code tables
  (``simulation.codes.CodeTables``);
* assortativity (Newman 2003, Mixing patterns in networks, PRE 67, 026126) of the levels
  x_i = a_i / K_scored, a_i the scored categories i discloses: from the degree summed per code
  (sum k x, sum k x^2) and the integer sum over the edges, both directions, of a_i a_j
  (``NeighbourCounts.disclosure_pairs``), which is K_scored^2 sum_i x_i (A x)_i;
* the mean score, the sharing rate and the sharers' sums, from the peer view's tally;
* in the pass over the citizens, the sums welfare (the sum of U over the citizens' present
  choices) is made of (``simulation.kernels.utility.summed_utility``): i's services and privacy
  cost v_i sum_k d_ik kappa_k L(n_ik) with, under the norm rule, the conformity terms of
  ``DisclosureModel.current_utility``; and the mean perceived score m_i of i's neighbours (i's
  own when isolated) that status is measured against, as sum_i m_i = sum_j omega_j s_hat_j
  (``simulation.neighbourhood.perceived_weights``).

The median, Gini and share of scores >= each threshold are exact from an array of the sorted
scores when the caller passes one, and come otherwise from the number of scores in each
``SCORE_BIN``-point bin and of citizens passing each number of thresholds, counted by
:func:`count_scores` and kept up to date by :func:`move_scores` (the threshold shares are exact
either way).

Its slots are bound to the outputs' names (``simulation.outputs``, where each is defined):
:data:`SCALARS` lists the outputs of its scalar vector, and the per-category and per-threshold
outputs come as two vectors of their own. ``simulation.metrics.collect_outputs`` reads them by
name; an output not listed here is computed from its definition.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulation.kernels.utility import (
    INFERRED_SCORE,
    N_SHARERS,
    services,
    summed_utility,
)
from simulation.outputs import LEVEL_VARIANCE_FLOOR
from simulation.passes import BINS_PER_POINT, SCORE_BIN, SCORE_BINS
from simulation.score import SCORE_MIN

#: The outputs of the kernel's scalar vector, in its order, and the position of each.
SCALARS = ("mean_disclosure", "mean_disclosure_weighted", "share_disclose_none",
           "share_disclose_all", "sharing_rate", "inferred_score", "mean_score",
           "median_score", "gini_score", "privacy_gap", "assortativity", "welfare",
           "cascade_size", "state_exposure", "sensitive_disclosure", "mean_concern",
           "concern_sd")
_SLOT = {name: slot for slot, name in enumerate(SCALARS)}
MEAN_DISCLOSURE = _SLOT["mean_disclosure"]
MEAN_DISCLOSURE_WEIGHTED = _SLOT["mean_disclosure_weighted"]
SHARE_DISCLOSE_NONE = _SLOT["share_disclose_none"]
SHARE_DISCLOSE_ALL = _SLOT["share_disclose_all"]
SHARING_RATE = _SLOT["sharing_rate"]
INFERRED = _SLOT["inferred_score"]
MEAN_SCORE = _SLOT["mean_score"]
MEDIAN_SCORE = _SLOT["median_score"]
GINI_SCORE = _SLOT["gini_score"]
PRIVACY_GAP = _SLOT["privacy_gap"]
ASSORTATIVITY = _SLOT["assortativity"]
WELFARE = _SLOT["welfare"]
CASCADE_SIZE = _SLOT["cascade_size"]
STATE_EXPOSURE = _SLOT["state_exposure"]
SENSITIVE_DISCLOSURE = _SLOT["sensitive_disclosure"]
MEAN_CONCERN = _SLOT["mean_concern"]
CONCERN_SD = _SLOT["concern_sd"]
#: The outputs of the kernel's second vector, one value per category each (its rows), and of
#: its third, one value per threshold.
PER_CATEGORY = ("disclosure_<category>", "state_exposure_<category>")
DISCLOSURE_SHARE = PER_CATEGORY.index("disclosure_<category>")
STATE_EXPOSURE_SHARE = PER_CATEGORY.index("state_exposure_<category>")
PER_THRESHOLD = ("share_above_<threshold>",)


@njit(cache=True, nogil=True)
def step_outputs(by_quintile, degree_sum, disclosure_pairs, codes, score, shares, ordered, binned,
                 bins, passing, degree, disclosing, privacy_concern, sensitivities, leakage_table,
                 perceived_weight, weighted, count, adopted, bits, share_thresholds, norm,
                 conformity, threshold_rule, score_sum, shown_score_sum, state_fear,
                 state_access, political, c, table, thresholds, benefits,
                 sharers_below):  # pragma: no cover - compiled
    """Every output of a step with a slot here (module docstring), welfare included.

    Args:
        by_quintile: Citizens per (privacy quintile, code) (``CodeHistogram``).
        degree_sum: sum of k_i per code (``CodeHistogram``).
        disclosure_pairs: sum over the edges, both directions, of a_i a_j
            (``NeighbourCounts.disclosure_pairs``).
        codes: Disclosure bitmask of each citizen (all K categories).
        score: s_i, float64.
        shares: Whether each citizen shows its score (bool).
        ordered: The scores sorted ascending (exact median and Gini); ignored when ``binned``.
        binned: Take the median, Gini and threshold shares from ``bins`` and ``passing``.
        bins: Scores per ``SCORE_BIN``-point bin (:func:`count_scores`).
        passing: Citizens per number of thresholds passed (:func:`count_scores`).
        degree: k_i.
        disclosing: n_ik, shape (N, K).
        privacy_concern: v_i.
        sensitivities: kappa_k.
        leakage_table: L(m) for m = 0 .. max degree.
        perceived_weight: omega_i (``simulation.neighbourhood.perceived_weights``).
        weighted: Weighted disclosure of each code (``simulation.codes.CodeTables``).
        count: Number of scored categories each code discloses; the level x of a code is
            count / count of the all-disclosing code, in float64 (the table's float32 level
            would put rounding of 1e-8 in mean_disclosure).
        adopted: 1 where a code discloses every scored category.
        bits: bits[code, k] = 1 if the code discloses category k.
        share_thresholds: The thresholds of the ``share_above_<threshold>`` outputs, increasing.
        norm: Whether the norm rule is in force (conformity terms in welfare).
        conformity: nu.
        threshold_rule: Whether the threshold rule is in force (cascade_size, else NaN).
        score_sum: Sum of the scores (``PeerView.score_sum``).
        shown_score_sum: Sum of the scores shown (``PeerView.shown_score_sum``).
        state_fear: chi_i.
        state_access: a; when positive each category's privacy cost is multiplied by
            1 + chi_i a pi_k (``simulation.state_access``).
        political: pi_k.
        c: Utility coefficients (``simulation.kernels.utility.UtilityTables``), with the
            inferred score and the number of sharers.
        table: Service values on the interpolation grid.
        thresholds: Service thresholds T_j (hard steps).
        benefits: Service benefits B_j.
        sharers_below: Sharers in lower percentile bins.

    Returns:
        (scalars, per category, per threshold), float64: the outputs of :data:`SCALARS` at
        their slots, the outputs of :data:`PER_CATEGORY` as rows of K values, and
        share_above_<threshold> as a row of one value per threshold.
    """
    n = score.size
    n_quintiles, n_codes = by_quintile.shape
    n_scored = count[n_codes - 1]
    level = count / n_scored
    n_categories = bits.shape[1]
    n_thresholds = share_thresholds.size
    inferred = np.float32(c[INFERRED_SCORE])  # a hidden score as peers perceive it
    services_sum = paid_sum = 0.0
    neighbour_perceived_sum = 0.0  # sum_i m_i = sum_j omega_j s_hat_j
    for i in range(n):
        code = np.int64(codes[i])
        s = score[i]
        cost = 0.0
        for m in range(n_categories):
            term = (sensitivities[m] * leakage_table[np.int64(disclosing[i, m])]
                    * ((code >> m) & 1))
            if state_access > 0:
                term = term * (1.0 + state_fear[i] * state_access * political[m])
            cost += term
        paid = privacy_concern[i] * cost
        perceived = np.float32(s) if shares[i] else inferred
        neighbour_perceived_sum += perceived_weight[i] * np.float64(perceived)
        if norm:  # DisclosureModel.current_utility, with f_ik = n_ik / k_i (0 if isolated)
            k = np.float64(degree[i])
            gain = 0.0
            apart = 0.0
            for m in range(n_categories):
                f = np.float64(disclosing[i, m]) / k if k > 0 else 0.0
                if (code >> m) & 1:
                    gain += conformity * (2.0 * f - 1.0) / n_categories
                apart += 1.0 - f
            paid = paid - gain
            paid = paid - conformity * (apart / n_categories)
        paid_sum += paid
        services_sum += services(s, c, table, thresholds, benefits)

    out = np.empty(len(SCALARS))
    per_category_share = np.empty((len(PER_CATEGORY), n_categories))
    per_threshold_share = np.empty((len(PER_THRESHOLD), n_thresholds))
    # Disclosure: population histogram, then per-code tables.
    level_total = weighted_total = 0.0
    none = adopters = 0
    k_sum = kx_sum = kxx_sum = 0.0
    per_category = np.zeros(n_categories, dtype=np.int64)
    level_by_quintile = np.zeros(n_quintiles)
    for code in range(n_codes):
        k_sum += degree_sum[code]
        kx_sum += degree_sum[code] * level[code]
        kxx_sum += degree_sum[code] * level[code] ** 2
        citizens = 0
        for q in range(n_quintiles):
            citizens += by_quintile[q, code]
        if citizens == 0:
            continue
        level_total += citizens * level[code]
        weighted_total += citizens * weighted[code]
        for m in range(n_categories):
            per_category[m] += citizens * bits[code, m]
        if count[code] == 0:
            none += citizens
        if adopted[code] == 1:
            adopters += citizens
    for q in range(n_quintiles):
        citizens = 0
        total = 0.0
        for code in range(n_codes):
            citizens += by_quintile[q, code]
            total += by_quintile[q, code] * level[code]
        level_by_quintile[q] = total / max(citizens, 1)
    n_sharers = np.int64(c[N_SHARERS])
    out[MEAN_DISCLOSURE] = level_total / n
    out[MEAN_DISCLOSURE_WEIGHTED] = weighted_total / n
    disclosed_total = 0.0
    sensitive_total = 0.0
    political_total = 0.0
    for m in range(n_categories):
        per_category_share[DISCLOSURE_SHARE, m] = per_category[m] / n
        per_category_share[STATE_EXPOSURE_SHARE, m] = state_access * per_category[m] / n
        disclosed_total += per_category[m]
        sensitive_total += political[m] * per_category[m]
        political_total += political[m]
    out[STATE_EXPOSURE] = state_access * disclosed_total / (n * n_categories)
    concern_sum = 0.0  # two passes: the spread without cancellation (0 when all are equal)
    for i in range(n):
        concern_sum += np.float64(privacy_concern[i])
    concern_mean = concern_sum / n
    spread = 0.0
    for i in range(n):
        spread += (np.float64(privacy_concern[i]) - concern_mean) ** 2
    out[MEAN_CONCERN] = concern_mean
    out[CONCERN_SD] = np.sqrt(spread / n)
    out[SENSITIVE_DISCLOSURE] = (sensitive_total / (n * political_total) if political_total > 0
                                 else np.nan)
    out[SHARE_DISCLOSE_NONE] = none / n
    out[SHARE_DISCLOSE_ALL] = adopters / n
    out[SHARING_RATE] = n_sharers / n
    out[INFERRED] = c[INFERRED_SCORE]
    out[MEAN_SCORE] = score_sum / n
    if binned:
        median, gini = _binned_median_and_gini(bins, n)
    else:
        median, gini = _sorted_median_and_gini(ordered)
    out[MEDIAN_SCORE] = median
    above = n  # thresholds increase: s >= T_j for j < passed
    for j in range(n_thresholds):
        if binned:
            above -= passing[j]
        else:
            above = n - np.searchsorted(ordered, share_thresholds[j])
        per_threshold_share[0, j] = above / n
    out[GINI_SCORE] = gini
    out[PRIVACY_GAP] = level_by_quintile[0] - level_by_quintile[n_quintiles - 1]
    out[ASSORTATIVITY] = np.nan
    if k_sum > 0:
        mean = kx_sum / k_sum
        variance = kxx_sum / k_sum - mean**2
        xy_sum = disclosure_pairs / (n_scored * n_scored)  # sum_i x_i (A x)_i
        if variance > LEVEL_VARIANCE_FLOOR:
            out[ASSORTATIVITY] = (xy_sum / k_sum - mean**2) / variance
    out[WELFARE] = summed_utility(n, score_sum, services_sum, paid_sum, neighbour_perceived_sum,
                                 n_sharers, shown_score_sum, _ranks_below(sharers_below, n_sharers),
                                 c) / n
    out[CASCADE_SIZE] = adopters / n if threshold_rule else np.nan
    return out, per_category_share, per_threshold_share


@njit(cache=True, nogil=True, inline="always")
def _place(s, share_thresholds):  # pragma: no cover - compiled
    """(``SCORE_BIN``-point bin, number of thresholds passed) of score ``s``."""
    b = np.int64((s - SCORE_MIN) * BINS_PER_POINT)
    passed = 0  # branch-free: a branch per threshold mispredicts on random scores
    for j in range(share_thresholds.size):
        passed += s >= share_thresholds[j]
    return min(max(b, 0), SCORE_BINS - 1), passed


@njit(cache=True, nogil=True)
def count_scores(score, share_thresholds, bins, passing):  # pragma: no cover - compiled
    """Fill ``bins`` (SCORE_BINS,) and ``passing`` (thresholds + 1,) from every score.

    Compiled ``simulation.passes.count_scores``.
    """
    bins[:] = 0
    passing[:] = 0
    for i in range(score.size):
        b, passed = _place(score[i], share_thresholds)
        bins[b] += 1
        passing[passed] += 1


@njit(cache=True, nogil=True)
def move_scores(previous, current, share_thresholds, bins,
                passing):  # pragma: no cover - compiled
    """Move citizens from their ``previous`` scores to their ``current`` ones.

    Compiled ``simulation.passes.move_scores``.
    """
    for r in range(previous.size):
        b, passed = _place(previous[r], share_thresholds)
        bins[b] -= 1
        passing[passed] -= 1
        b, passed = _place(current[r], share_thresholds)
        bins[b] += 1
        passing[passed] += 1


@njit(cache=True, nogil=True)
def _ranks_below(sharers_below, n_sharers):  # pragma: no cover - compiled
    """Sum over the sharers of the sharers in lower bins: sum_b (sharers in b) * below_b."""
    total = 0
    last = sharers_below.size - 1
    for b in range(last):
        total += (sharers_below[b + 1] - sharers_below[b]) * sharers_below[b]
    return total + (n_sharers - sharers_below[last]) * sharers_below[last]


@njit(cache=True, nogil=True)
def _sorted_median_and_gini(x):  # pragma: no cover - compiled
    """Median and Gini G = sum_i (2i - n - 1) x_(i) / (n sum x) of sorted values (0 if sum 0).

    Ranks i and n + 1 - i carry opposite coefficients, so the numerator is summed as
    sum_(i <= n/2) (n + 1 - 2i)(x_(n+1-i) - x_(i)): non-negative terms, no cancellation.
    """
    n = x.size
    if n == 0:
        return np.nan, 0.0
    half = n // 2
    median = x[half] if n % 2 else (x[half - 1] + x[half]) / 2.0
    total = 0.0
    for i in range(n):
        total += x[i]
    if total == 0:
        return median, 0.0
    spread = 0.0
    for i in range(half):
        spread += (n - 1 - 2 * i) * (x[n - 1 - i] - x[i])
    return median, spread / (n * total)


@njit(cache=True, nogil=True)
def _binned_median_and_gini(bins, n):  # pragma: no cover - compiled
    """Median and Gini of scores grouped in ``SCORE_BIN``-point bins (bin centres).

    The median is the centre of the first bin whose cumulative count reaches n / 2. With c_b
    citizens in bin b at centre x_b and R_b citizens in lower bins, the ranks of bin b sum to
    c_b (2 R_b + c_b + 1) / 2, so G = sum_b x_b c_b (2 R_b + c_b - n) / (n sum_b c_b x_b).
    """
    median = np.nan
    below = 0
    numerator = 0.0
    total = 0.0
    for b in range(bins.size):
        counted = bins[b]
        if counted == 0:
            continue
        centre = SCORE_MIN + (b + 0.5) * SCORE_BIN
        if np.isnan(median) and below + counted >= n / 2:
            median = centre
        numerator += centre * counted * (2 * below + counted - n)
        total += counted * centre
        below += counted
    if total == 0:
        return median, 0.0
    return median, numerator / (n * total)
