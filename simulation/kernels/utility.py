"""The utility of one citizen's choice, compiled; the same operations as ``simulation.rules``.

    U = private_value(s, paid) + gamma_status*(s_hat_ns - nbr)/600          (hidden score)
      + share * [gamma_status*(s - s_hat_ns)/600 - c_share + campaign + gamma_dating*pct(s)]

with private_value = alpha*(s - 350)/600 + services(s) - paid (``Incentives.private_value``),
services read from the interpolation table of ``Incentives.services`` (or hard steps when
tau = 0), and pct(s) the share of sharers in lower 0.01-point bins (``PeerView.percentile``).
Every expression keeps numpy's evaluation order, so values agree bit for bit with
``simulation.rules.utility`` (tests/test_kernels.py).

Kernels take the coefficients as one tuple of floats (:class:`UtilityTables`), indexed by the
constants below, so that a call passes a handful of arguments instead of a dozen scalars. A tuple
rather than an array: the compiler knows it cannot change, so it need not re-read the
coefficients after each store to an array (the best response got 5 % faster).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from simulation.rules import (
    PERCENTILE_BIN,
    PERCENTILE_BINS,
    SERVICE_GRID_STEP,
    Incentives,
    PeerView,
)
from simulation.score import SCORE_MIN, SCORE_RANGE

# Positions in UtilityTables.coefficients.
SCORE_VALUE, SMOOTHNESS, STATUS_WEIGHT, DATING_WEIGHT, SHARING_COST, CAMPAIGN_BONUS, \
    BLACKLIST_BELOW, BLACKLIST_PENALTY, INFERRED_SCORE, N_SHARERS = range(10)


@dataclass(frozen=True)
class UtilityTables:
    """What a compiled kernel needs to evaluate U: coefficients and lookup tables.

    Attributes:
        coefficients: Tuple of floats, positions given by this module's constants.
        service_table: ``Incentives`` service values on the interpolation grid.
        thresholds: T_j (for hard steps, tau = 0).
        benefits: B_j.
        sharers_below: ``PeerView.sharers_below``, int64.
    """

    coefficients: tuple[float, ...]
    service_table: np.ndarray
    thresholds: np.ndarray
    benefits: np.ndarray
    sharers_below: np.ndarray

    @classmethod
    def of(cls, incentives: Incentives, peers: PeerView) -> UtilityTables:
        """Pack the utility coefficients in force and the peer view of t-1."""
        c = np.zeros(10)
        c[SCORE_VALUE] = incentives.score_value
        c[SMOOTHNESS] = incentives.smoothness
        c[STATUS_WEIGHT] = incentives.status_weight
        c[DATING_WEIGHT] = incentives.dating_weight
        c[SHARING_COST] = incentives.sharing_cost
        c[CAMPAIGN_BONUS] = incentives.campaign_bonus
        c[BLACKLIST_BELOW] = incentives.blacklist_below
        c[BLACKLIST_PENALTY] = incentives.blacklist_penalty
        c[INFERRED_SCORE] = peers.inferred_score
        c[N_SHARERS] = peers.n_sharers
        table = (incentives.service_table if incentives.smoothness > 0
                 else np.zeros(2))
        return cls(tuple(c.tolist()), np.ascontiguousarray(table, dtype=np.float64),
                   np.ascontiguousarray(incentives.thresholds, dtype=np.float64),
                   np.ascontiguousarray(incentives.benefits, dtype=np.float64),
                   np.ascontiguousarray(peers.sharers_below, dtype=np.int64))

    def arrays(self) -> tuple:
        """The coefficients and the four arrays, in the order the kernels take them."""
        return (self.coefficients, self.service_table, self.thresholds, self.benefits,
                self.sharers_below)


@njit(cache=True, nogil=True, inline="always")
def points(raw):  # pragma: no cover - compiled
    """350 + 600 * clip(raw, 0, 1) (``simulation.score.to_points``)."""
    clipped = min(max(raw, 0.0), 1.0)
    return SCORE_MIN + SCORE_RANGE * clipped


@njit(cache=True, nogil=True, inline="always")
def services(score, c, table, thresholds, benefits):  # pragma: no cover - compiled
    """Service value of a score, blacklist included (``Incentives.private_value``)."""
    if c[BLACKLIST_BELOW] > 0 and score < c[BLACKLIST_BELOW]:
        return -c[BLACKLIST_PENALTY]
    if c[SMOOTHNESS] > 0:
        position = (score - SCORE_MIN) / SERVICE_GRID_STEP
        index = np.int64(position)
        return table[index] + (position - index) * (table[index + 1] - table[index])
    total = 0.0
    for j in range(thresholds.size):
        total += benefits[j] * (1.0 if score >= thresholds[j] else 0.0)
    return total


@njit(cache=True, nogil=True, inline="always")
def hidden_value(score, paid, neighbour_perceived, c, table, thresholds,
                 benefits):  # pragma: no cover - compiled
    """U of a choice whose score is hidden (``rules.utility`` with share = False)."""
    private = (c[SCORE_VALUE] * (score - SCORE_MIN) / SCORE_RANGE
               + services(score, c, table, thresholds, benefits) - paid)
    return private + c[STATUS_WEIGHT] * (c[INFERRED_SCORE] - neighbour_perceived) / SCORE_RANGE


@njit(cache=True, nogil=True, inline="always")
def sharing_value(score, c, sharers_below):  # pragma: no cover - compiled
    """Utility of showing the score rather than hiding it (``Incentives.sharing_value``).

    The arrays are read before any branch: when their last use sits inside a branch, numba
    keeps an atomic reference-count update per call (~20 ns instead of ~3 ns).
    """
    n_sharers = np.int64(c[N_SHARERS])
    dating = c[DATING_WEIGHT]
    below = sharers_below[min(np.int64((score - SCORE_MIN) / PERCENTILE_BIN),
                              PERCENTILE_BINS - 1)]
    value = (c[STATUS_WEIGHT] * (score - c[INFERRED_SCORE]) / SCORE_RANGE
             - c[SHARING_COST] + c[CAMPAIGN_BONUS])
    if dating:
        percentile = below / n_sharers if n_sharers else 1.0
        value = value + dating * percentile
    return value


@njit(cache=True, nogil=True, inline="always")
def summed_utility(n, score_sum, services_sum, paid_sum, neighbour_perceived_sum, n_shown,
                   shown_score_sum, shown_below_sum, c):  # pragma: no cover - compiled
    """sum_i U_i over n citizens, from sums over them.

    U is linear in everything but services(s) and the numerator of pct(s), so

        sum U = alpha (S - 350 n) / 600 + sum services(s_i) - sum paid_i
              + gamma_status (n s_hat_ns - sum nbr_i) / 600
              + gamma_status (S_shown - n_shown s_hat_ns) / 600 + n_shown (campaign - c_share)
              + gamma_dating * sum_(i shows) below(s_i) / n_sharers

    with S the sum of scores, S_shown that of the citizens who show theirs, below(s) the
    sharers in lower percentile bins (pct = 1 when nobody shares). The order of operations
    differs from summing ``hidden_value`` and ``sharing_value``: equal to rounding (~1e-15).

    Args:
        n: Number of citizens.
        score_sum: S.
        services_sum: sum_i services(s_i).
        paid_sum: sum_i paid_i (privacy cost, with the norm's terms where in force).
        neighbour_perceived_sum: sum_i nbr_i.
        n_shown: Citizens who show their score.
        shown_score_sum: S_shown.
        shown_below_sum: sum over those citizens of the sharers in lower percentile bins.
        c: Coefficients (:class:`UtilityTables`).
    """
    inferred = c[INFERRED_SCORE]
    total = (c[SCORE_VALUE] * (score_sum - SCORE_MIN * n) / SCORE_RANGE + services_sum - paid_sum
             + c[STATUS_WEIGHT] * (n * inferred - neighbour_perceived_sum) / SCORE_RANGE
             + c[STATUS_WEIGHT] * (shown_score_sum - n_shown * inferred) / SCORE_RANGE
             + n_shown * (c[CAMPAIGN_BONUS] - c[SHARING_COST]))
    if c[DATING_WEIGHT]:
        n_sharers = np.int64(c[N_SHARERS])
        total += c[DATING_WEIGHT] * (shown_below_sum / n_sharers if n_sharers else n_shown)
    return total


@njit(cache=True, nogil=True)
def utility(score, paid, shares, neighbour_perceived, c, table, thresholds, benefits,
            sharers_below):  # pragma: no cover - compiled
    """U for arrays of citizens (the test entry point; kernels call the parts inline)."""
    out = np.empty(score.size)
    for i in range(score.size):
        value = hidden_value(score[i], paid[i], neighbour_perceived[i], c, table, thresholds,
                             benefits)
        if shares[i]:
            value = value + sharing_value(score[i], c, sharers_below)
        out[i] = value
    return out
