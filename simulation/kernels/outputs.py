"""Compiled kernel: every per-step output, welfare included, in one pass over the citizens.

For each citizen i the kernel reads its disclosure code, privacy quintile, score, sharing flag
and neighbour aggregates once and accumulates

* the histogram of (quintile, code) pairs, from which every disclosure share follows through the
  per-code tables (``simulation.codes.CodeTables``),
* the sum of scores and the number of sharers,
* the welfare sum: U of i's present choice (``simulation.kernels.utility``), with status measured
  against the mean perceived score of i's neighbours (i's own when isolated) and, under the norm
  rule, the conformity terms of ``DisclosureModel._current_utility``,
* the degree-weighted sums of assortativity: sum k x, sum k x^2, sum x (A x), x = level of i's code
  (Newman 2003, Mixing patterns in networks, PRE 67, 026126),
* when binned, the number of scores in each ``SCORE_BIN``-point bin and the number of citizens
  passing each number of thresholds.

The median, Gini and share of scores >= each threshold are exact from an array of the sorted
scores when the caller passes one, and come from the bins and counts otherwise (the threshold
shares are exact either way).

The outputs are returned as one vector in the order of ``simulation.metrics.OUTPUTS`` (see
:func:`step_outputs`).

Cost: welfare dominates. U takes four float divisions per citizen (seven for sharers), which
the compiler must keep as divisions to stay bitwise equal to ``simulation.rules.utility``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulation.kernels.utility import INFERRED_SCORE, hidden_value, sharing_value
from simulation.score import SCORE_MIN, SCORE_RANGE

#: Width (score points) of the bins of the binned median and Gini. The binned median is the
#: centre of the bin holding the lower median x_(ceil(n/2)), so within SCORE_BIN / 2 of it; the
#: binned Gini is the exact Gini of the scores moved to their bin centres, so within
#: (SCORE_BIN / 2)(1 + G) / mean score, about 1e-5.
SCORE_BIN = 0.01
SCORE_BINS = int(SCORE_RANGE / SCORE_BIN) + 1
#: Bin b holds the scores with floor((s - 350) * BINS_PER_POINT) = b (a product: a division per
#: citizen would cost as much as the rest of the binning).
BINS_PER_POINT = 1.0 / SCORE_BIN
#: Privacy-concern quintiles.
QUINTILES = 5
#: Below this variance of the degree-weighted disclosure level, assortativity is NaN.
LEVEL_VARIANCE_FLOOR = 1e-12


@njit(cache=True, nogil=True)
def step_outputs(codes, quintile, score, shares, ordered, binned, degree, disclosing,
                 disclosure_sum, perceived_sum, privacy_paid, perceived, weighted, count, adopted,
                 bits, share_thresholds, norm, conformity, threshold_rule, c, table,
                 thresholds, benefits, sharers_below):  # pragma: no cover - compiled
    """Every output of a step, in the order of ``simulation.metrics.OUTPUTS``.

    Args:
        codes: Disclosure bitmask of each citizen (all K categories).
        quintile: Privacy-concern quintile of each citizen (0-4).
        score: s_i, float64.
        shares: Whether each citizen shows its score (bool).
        ordered: The scores sorted ascending (exact median and Gini); ignored when ``binned``.
        binned: Take the median and Gini from ``SCORE_BIN``-point bins instead (and count
            the threshold shares citizen by citizen).
        degree: k_i.
        disclosing: n_ik, shape (N, K) (read only under the norm rule).
        disclosure_sum: sum of the neighbours' disclosure levels.
        perceived_sum: sum of the neighbours' perceived scores.
        privacy_paid: v_i * sum_k d_ik kappa_k L(n_ik).
        perceived: Each citizen's perceived score (read for isolated citizens only).
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
        c: Utility coefficients (``simulation.kernels.utility.UtilityTables``).
        table: Service values on the interpolation grid.
        thresholds: Service thresholds T_j (hard steps).
        benefits: Service benefits B_j.
        sharers_below: Sharers in lower percentile bins.

    Returns:
        float64 vector: mean_disclosure, mean_disclosure_weighted, disclosure_<k> for each of
        the K categories, share_disclose_none, share_disclose_all, sharing_rate,
        inferred_score, mean_score, median_score, share_above_<t> for each threshold,
        gini_score, privacy_gap, assortativity, welfare, cascade_size.
    """
    n = score.size
    n_codes = count.size
    level = count / count[n_codes - 1]
    n_categories = bits.shape[1]
    n_thresholds = share_thresholds.size
    histogram = np.zeros((QUINTILES, n_codes), dtype=np.int64)
    passing = np.zeros(n_thresholds + 1, dtype=np.int64)  # citizens passing j thresholds
    bins = np.zeros(SCORE_BINS if binned else 0, dtype=np.int64)
    score_sum = 0.0
    sharers = 0
    welfare = 0.0
    k_sum = kx_sum = kxx_sum = xy_sum = 0.0
    for i in range(n):
        code = np.int64(codes[i])
        histogram[quintile[i], code] += 1
        s = score[i]
        score_sum += s
        if binned:  # (else the sorted scores give the median, Gini and threshold shares)
            b = np.int64((s - SCORE_MIN) * BINS_PER_POINT)
            bins[min(max(b, 0), SCORE_BINS - 1)] += 1
            passed = 0  # branch-free: a branch per threshold mispredicts on random scores
            for j in range(n_thresholds):
                passed += s >= share_thresholds[j]
            passing[passed] += 1
        k = np.float64(degree[i])
        x = level[code]
        kx = k * x
        k_sum += k
        kx_sum += kx
        kxx_sum += kx * x
        xy_sum += x * np.float64(disclosure_sum[i])
        if k > 0:
            neighbour_perceived = np.float64(perceived_sum[i]) / k
        else:
            neighbour_perceived = np.float64(perceived[i])
        paid = privacy_paid[i]
        if norm:  # DisclosureModel._current_utility, with f_ik = n_ik / k_i (0 if isolated)
            gain = 0.0
            apart = 0.0
            for m in range(n_categories):
                f = np.float64(disclosing[i, m]) / k if k > 0 else 0.0
                if (code >> m) & 1:
                    gain += conformity * (2.0 * f - 1.0) / n_categories
                apart += 1.0 - f
            paid = paid - gain
            paid = paid - conformity * (apart / n_categories)
        value = hidden_value(s, paid, neighbour_perceived, c, table, thresholds, benefits)
        if shares[i]:
            sharers += 1
            value = value + sharing_value(s, c, sharers_below)
        welfare += value

    out = np.empty(13 + n_categories + n_thresholds)
    # Disclosure: population histogram, then per-code tables.
    level_total = weighted_total = 0.0
    none = adopters = 0
    per_category = np.zeros(n_categories, dtype=np.int64)
    level_by_quintile = np.zeros(QUINTILES)
    for code in range(n_codes):
        citizens = 0
        for q in range(QUINTILES):
            citizens += histogram[q, code]
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
    for q in range(QUINTILES):
        citizens = 0
        total = 0.0
        for code in range(n_codes):
            citizens += histogram[q, code]
            total += histogram[q, code] * level[code]
        level_by_quintile[q] = total / max(citizens, 1)
    out[0] = level_total / n
    out[1] = weighted_total / n
    for m in range(n_categories):
        out[2 + m] = per_category[m] / n
    at = 2 + n_categories
    out[at] = none / n
    out[at + 1] = adopters / n
    out[at + 2] = sharers / n
    out[at + 3] = c[INFERRED_SCORE]
    out[at + 4] = score_sum / n
    if binned:
        median, gini = _binned_median_and_gini(bins, n)
    else:
        median, gini = _sorted_median_and_gini(ordered)
    out[at + 5] = median
    above = n  # thresholds increase: s >= T_j for j < passed
    for j in range(n_thresholds):
        if binned:
            above -= passing[j]
        else:
            above = n - np.searchsorted(ordered, share_thresholds[j])
        out[at + 6 + j] = above / n
    at += 6 + n_thresholds
    out[at] = gini
    out[at + 1] = level_by_quintile[0] - level_by_quintile[QUINTILES - 1]
    out[at + 2] = np.nan
    if k_sum > 0:
        mean = kx_sum / k_sum
        variance = kxx_sum / k_sum - mean**2
        if variance > LEVEL_VARIANCE_FLOOR:
            out[at + 2] = (xy_sum / k_sum - mean**2) / variance
    out[at + 3] = welfare / n
    out[at + 4] = adopters / n if threshold_rule else np.nan
    return out


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
