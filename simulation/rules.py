"""Decision rules and the utility they maximise: pure numpy, arrays in, arrays out.

Nothing here knows about Mesa. The vectorised engine calls these functions on all revising
citizens at once; a ``Citizen`` calls them on its own row, so both see one set of equations.

Utility of a choice (d, share) for citizen i, given the others' state at t-1 (docs/ODD.md):

    U = alpha*(s - 350)/600                               direct value of a higher score
      + sum_j B_j * sigma((s - T_j)/tau)                  services behind thresholds
      + gamma_status*(s_hat_i - mean_nbr s_hat)/600       standing among friends
      + gamma_dating * share * pct(s among sharers)       profile prominence
      - v_i * sum_k d_k * kappa_k * L(n_ik)               privacy cost
      - c_share * share + campaign * share
      + nu * agreement(d, neighbours' disclosure)      only under the norm rule

A blacklisted citizen (s below ``blacklist_below``) loses every service and pays a penalty.
s_hat_i = s if the citizen shares, else the inferred score of non-sharers
s_hat_ns = lambda*mean(s | not sharing) + (1 - lambda)*mean(s), both at t-1.

References:
    Acemoglu, D., Makhdoumi, A., Malekian, A. & Ozdaglar, A. (2022). Too much data: prices and
    inefficiencies in data markets. AEJ: Microeconomics 14(4), 218-256.
    Grossman, S. J. (1981). The informational role of warranties and private disclosure about
    product quality. J. Law Econ. 24, 461-483.
    Milgrom, P. (1981). Good news and bad news: representation theorems and applications.
    Bell J. Econ. 12, 380-391.
    McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior.
    Szabo, G. & Toke, C. (1998). Evolutionary prisoner's dilemma game on a square lattice.
    Phys. Rev. E 58, 69-73.
    Granovetter, M. (1978). Threshold models of collective behavior. AJS 83, 1420-1443.
    Watts, D. J. (2002). A simple model of global cascades on random networks. PNAS 99, 5766.
    Centola, D. & Macy, M. (2007). Complex contagions and the weakness of long ties. AJS 113.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from scipy.special import expit

from simulation.params import Params
from simulation.score import SCORE_MIN, SCORE_RANGE, to_points

#: Grid (score points) of the table from which smooth service values are interpolated
#: linearly; the error is below h^2/8 * max|f''| ~ 3e-7 utility for tau = 10.
SERVICE_GRID_STEP = 0.05
SERVICE_GRID_SIZE = int(SCORE_RANGE / SERVICE_GRID_STEP)
#: Width (score points) of the bins in which sharers' scores are counted for percentiles.
PERCENTILE_BIN = 0.01
PERCENTILE_BINS = int(SCORE_RANGE / PERCENTILE_BIN) + 1

#: Utilities closer than this are tied (rounding of sums over categories and citizens).
TIE_TOLERANCE = 1e-9


def leakage(n_disclosing: np.ndarray, rho: float) -> np.ndarray:
    """Marginal leakage L(n) = 1 - rho^2 * n / (1 - rho + n*rho) of one's own disclosure.

    With n friends who already disclosed a category whose data correlate with one's own at
    ``rho``, part of one's data is already inferable; disclosing adds only L(n) of its full
    privacy cost. L(0) = 1; L decreases in n towards 1 - rho; rho = 0 gives L = 1.
    For rho = 0.5: L(0, 1, 2, 4) = 1, 0.75, 0.667, 0.6.

    Args:
        n_disclosing: Number of disclosing neighbours (any shape, >= 0).
        rho: Correlation between friends' data, in [0, 1].

    References:
        Acemoglu, Makhdoumi, Malekian & Ozdaglar (2022), "Too much data", AEJ: Micro 14(4).
    """
    n = np.asarray(n_disclosing, dtype=np.float64)
    if rho == 0.0:
        return np.ones_like(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = 1.0 - rho**2 * n / (1.0 - rho + n * rho)
    return np.where(n > 0, value, 1.0)


def privacy_cost(privacy_concern: np.ndarray, sensitivities: np.ndarray,
                 n_disclosing: np.ndarray, rho: float,
                 state_factor: np.ndarray | None = None) -> np.ndarray:
    """v_i * kappa_k * L(n_ik) [* (1 + chi_i a pi_k)]: the cost of disclosing k, shape (R, K).

    ``privacy_concern`` holds v_i of the R citizens, ``n_disclosing`` their n_ik; L is
    :func:`leakage` (1 when rho = 0). ``state_factor`` is the state's share,
    ``simulation.state_access.state_factor`` (None when the state has no access).
    """
    share = leakage(n_disclosing, rho) if rho else 1.0
    cost = (np.asarray(privacy_concern)[:, None].astype(np.float64)
            * np.asarray(sensitivities) * share)
    return cost if state_factor is None else cost * state_factor


def paid_privacy(disclosed: np.ndarray, cost: np.ndarray,
                 conformity_utility: np.ndarray | None = None) -> np.ndarray:
    """sum_k d_ik cost_ik in category order, less a choice-independent term if given."""
    paid = np.where(disclosed, cost, 0.0).sum(axis=1)
    return paid if conformity_utility is None else paid - conformity_utility


def service_value(score: np.ndarray, thresholds: np.ndarray, benefits: np.ndarray,
                  smoothness: float) -> np.ndarray:
    """Sum_j B_j * sigma((s - T_j)/tau): the services a score opens.

    ``tau = 0`` is a hard step: a service opens at s >= T_j.
    """
    total = np.zeros(np.shape(score))
    for threshold, benefit in zip(thresholds, benefits, strict=True):
        if smoothness > 0:
            total += benefit * expit((score - threshold) / smoothness)
        else:
            total += benefit * (score >= threshold)
    return total


@dataclass(frozen=True)
class Incentives:
    """The utility's coefficients, taken from ``Params`` once per step."""

    score_value: float
    thresholds: np.ndarray
    benefits: np.ndarray
    smoothness: float
    status_weight: float
    dating_weight: float
    sharing_cost: float
    campaign_bonus: float
    blacklist_below: float
    blacklist_penalty: float

    @classmethod
    def from_params(cls, params: Params) -> Incentives:
        """Collect the utility coefficients of ``params``."""
        return cls(params.score_value, np.asarray(params.thresholds),
                   np.asarray(params.benefits), params.threshold_smoothness,
                   params.status_weight, params.dating_weight, params.sharing_cost,
                   params.campaign_bonus, params.blacklist_below, params.blacklist_penalty)

    @cached_property
    def service_table(self) -> np.ndarray:
        """Service value on a grid of ``SERVICE_GRID_STEP`` points from 350 (for smooth steps)."""
        grid = SCORE_MIN + SERVICE_GRID_STEP * np.arange(SERVICE_GRID_SIZE + 2)
        return service_value(grid, self.thresholds, self.benefits, self.smoothness)

    def services(self, score: np.ndarray) -> np.ndarray:
        """Service value of a score; smooth steps read from a table (see SERVICE_GRID_STEP)."""
        if self.smoothness == 0:
            return service_value(score, self.thresholds, self.benefits, 0.0)
        position = (np.asarray(score) - SCORE_MIN) / SERVICE_GRID_STEP
        index = position.astype(np.int64)
        table = self.service_table
        return table[index] + (position - index) * (table[index + 1] - table[index])

    def private_value(self, score: np.ndarray, privacy_paid: np.ndarray) -> np.ndarray:
        """alpha*(s - 350)/600 + services - privacy cost (services lost when blacklisted)."""
        services = self.services(score)
        if self.blacklist_below > 0:
            services = np.where(score < self.blacklist_below, -self.blacklist_penalty, services)
        return self.score_value * (score - SCORE_MIN) / SCORE_RANGE + services - privacy_paid

    def sharing_value(self, score: np.ndarray, peers: PeerView) -> np.ndarray:
        """Utility of showing one's score rather than hiding it.

        gamma_status*(s - s_hat_ns)/600 + gamma_dating*pct(s) - c_share + campaign.
        """
        value = (self.status_weight * (score - peers.inferred_score) / SCORE_RANGE
                 - self.sharing_cost + self.campaign_bonus)
        if self.dating_weight:
            value = value + self.dating_weight * peers.percentile(score)
        return value


@dataclass(frozen=True)
class PeerView:
    """What citizens read about the others at t-1.

    Attributes:
        inferred_score: s_hat_ns, how peers read a hidden score.
        sharers_below: For each 0.01-point score bin, the number of sharers in lower bins.
        n_sharers: Number of citizens who show their score.
        score_sum: Sum of every citizen's score.
        shown_score_sum: Sum of the scores shown.
    """

    inferred_score: float
    sharers_below: np.ndarray
    n_sharers: int
    score_sum: float
    shown_score_sum: float

    @classmethod
    def from_sums(cls, total: float, shown: float, n_shown: int, sharers_below: np.ndarray,
                  n: int, skepticism: float) -> PeerView:
        """s_hat_ns = lambda*mean(s of non-sharers) + (1 - lambda)*mean(s), from sums.

        Args:
            total: Sum of the n citizens' scores.
            shown: Sum of the scores shown.
            n_shown: Number of citizens who show theirs.
            sharers_below: For each score bin, the sharers in lower bins.
            n: Number of citizens.
            skepticism: lambda.

        With nobody hiding, the non-sharers' mean is taken as the population mean.
        """
        n_hidden = n - n_shown
        mean_all = total / n
        mean_hidden = (total - shown) / n_hidden if n_hidden else mean_all
        inferred = skepticism * mean_hidden + (1.0 - skepticism) * mean_all
        return cls(inferred, sharers_below, int(n_shown), total, shown)

    def percentile(self, score: np.ndarray) -> np.ndarray:
        """Share of sharers in lower score bins; 1 when nobody shares (a lone profile stands out).

        Scores are binned at ``PERCENTILE_BIN`` points, so sharers within 0.01 points of ``score``
        do not count as lower.
        """
        if self.n_sharers == 0:
            return np.ones(np.shape(score))
        return self.sharers_below[score_bin(score)] / self.n_sharers


def score_bin(score: np.ndarray, score_min: float = SCORE_MIN,
              bin_width: float = PERCENTILE_BIN, n_bins: int = PERCENTILE_BINS) -> np.ndarray:
    """The percentile bin of each score, min(floor((s - score_min) / bin_width), n_bins - 1)."""
    return np.minimum(((np.asarray(score) - score_min) / bin_width).astype(np.int64),
                      n_bins - 1)


def peer_sums(score: np.ndarray, shares: np.ndarray, score_min: float = SCORE_MIN,
              bin_width: float = PERCENTILE_BIN, n_bins: int = PERCENTILE_BINS
              ) -> tuple[float, float, int, np.ndarray]:
    """The sums the peer view is made of.

    Returns:
        (sum of all scores, sum of the scores shown, number of sharers, for each score bin
        b = min(floor((s - score_min) / bin_width), n_bins - 1) the number of sharers in lower
        bins). The sums are accumulated in citizen order (``np.cumsum``), as the compiled pass
        ``simulation.kernels.state.score_tally`` does, so the two agree bit for bit.
    """
    score = np.asarray(score, dtype=np.float64)
    shares = np.asarray(shares, dtype=bool)
    if score.size == 0:
        return 0.0, 0.0, 0, np.zeros(n_bins, dtype=np.int64)
    total = float(np.cumsum(score)[-1])
    shown = float(np.cumsum(np.where(shares, score, 0.0))[-1])
    per_bin = np.bincount(score_bin(score[shares], score_min, bin_width, n_bins),
                          minlength=n_bins)
    return total, shown, int(shares.sum()), np.cumsum(per_bin) - per_bin


def peer_view(score: np.ndarray, shares: np.ndarray, skepticism: float) -> PeerView:
    """The peer view of citizens with scores ``score`` (``PeerView.from_sums`` of ``peer_sums``)."""
    return PeerView.from_sums(*peer_sums(score, shares), np.size(score), skepticism)


def utility(score: np.ndarray, privacy_paid: np.ndarray, shares: np.ndarray | bool,
            incentives: Incentives, peers: PeerView, neighbour_perceived: np.ndarray | float = 0.0
            ) -> np.ndarray:
    """U of a choice with score ``score`` (points) and privacy cost ``privacy_paid``.

    Arrays broadcast. ``neighbour_perceived`` (the mean perceived score of one's neighbours) is
    constant across a citizen's options, so decision rules leave it at 0; welfare includes it.
    """
    hidden = (incentives.private_value(score, privacy_paid)
              + incentives.status_weight * (peers.inferred_score - neighbour_perceived)
              / SCORE_RANGE)
    if np.ndim(shares) == 0 and not shares:
        return hidden
    return hidden + np.where(shares, incentives.sharing_value(score, peers), 0.0)


@lru_cache(maxsize=16)
def disclosure_options(n_categories: int) -> np.ndarray:
    """All 2^K disclosure vectors, ordered by number of disclosures, then binary value.

    The order makes ``argmax`` break ties towards fewer disclosures, as docs/ODD.md specifies.
    """
    codes = np.arange(2**n_categories)
    bits = ((codes[:, None] >> np.arange(n_categories)) & 1).astype(bool)
    order = np.lexsort((codes, bits.sum(axis=1)))
    options = bits[order]
    options.flags.writeable = False
    return options


def best_response(withheld_raw: np.ndarray, gains: np.ndarray, privacy_cost: np.ndarray,
                  incentives: Incentives, peers: PeerView, *, choice_noise: np.ndarray | None,
                  temperature: float, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each revising citizen picks the (d, share) with the highest utility.

    Args:
        withheld_raw: Raw score when withholding everything, shape (R,).
        gains: Raw-score gain of disclosing each category, shape (R, K).
        privacy_cost: v_i * kappa_k * L(n_ik), the cost of disclosing k, shape (R, K).
        incentives: Utility coefficients.
        peers: Inferred score of non-sharers and sharers' scores, at t-1.
        choice_noise: Standard Gumbel draws, shape (R, 2 * 2^K_active), when ``temperature > 0``.
        temperature: Logit temperature; 0 = exact argmax with ties to fewer disclosures (and to
            not sharing). With T > 0 the choice probability is exp(U/T) / sum exp(U/T)
            (McFadden 1974), drawn as argmax(U/T + Gumbel).
        active: Categories that enter the option set, shape (K,), bool; the others are withheld.
            Categories with zero weight can only cost, so the caller may leave them out when the
            choice is exact.

    Returns:
        ``(disclosed, shares)``, shapes (R, K) and (R,), bool.
    """
    n_rev, n_cat = gains.shape
    columns = np.flatnonzero(active)
    options = disclosure_options(columns.size)
    n_opt = options.shape[0]
    raw = np.repeat(withheld_raw[:, None], n_opt, axis=1)
    paid = np.zeros((n_rev, n_opt))
    for j, k in enumerate(columns):
        on = options[:, j]
        raw += np.where(on, gains[:, k, None], 0.0)
        paid += np.where(on, privacy_cost[:, k, None], 0.0)
    score = to_points(raw)
    values = np.empty((n_rev, n_opt, 2))
    values[:, :, 0] = utility(score, paid, False, incentives, peers)
    values[:, :, 1] = values[:, :, 0] + incentives.sharing_value(score, peers)
    values = values.reshape(n_rev, 2 * n_opt)
    if temperature > 0:
        best = np.argmax(values / temperature + choice_noise, axis=1)
    else:
        # Utilities equal up to rounding are ties: the first (fewest disclosures) wins.
        best = np.argmax(values >= values.max(axis=1, keepdims=True) - TIE_TOLERANCE, axis=1)
    disclosed = np.zeros((n_rev, n_cat), dtype=bool)
    disclosed[:, columns] = options[best // 2]
    return disclosed, (best % 2).astype(bool)


def option_count(n_active: int) -> int:
    """Number of (d, share) options a citizen weighs: 2 * 2^K_active."""
    return 2 * 2**n_active


def fermi_copy_probability(own_utility: np.ndarray, model_utility: np.ndarray,
                           noise: float) -> np.ndarray:
    """Probability 1/(1 + exp((U_i - U_j)/K)) that citizen i copies neighbour j's choice.

    The Fermi rule of Szabo & Toke (1998): K -> 0 copies only better-off neighbours, large K
    copies at random (probability 1/2).
    """
    return expit((np.asarray(model_utility) - np.asarray(own_utility)) / noise)


def adoption_requirement(degree: np.ndarray, threshold: np.ndarray, kind: str) -> np.ndarray:
    """Number of adopting neighbours a citizen needs before it adopts.

    ``fraction``: a fraction phi of k neighbours, compared as integer counts m >= ceil(phi*k)
    (Watts 2002); the product is rounded to 9 decimals first so that, e.g., 0.18*50 needs 9.
    ``count``: an absolute number (Granovetter 1978; Centola & Macy 2007).
    Isolated citizens (k = 0) never adopt: the requirement is infinite.
    """
    if kind == "fraction":
        need = np.ceil(np.round(threshold * degree, 9))
        return np.where(degree > 0, need, np.inf)
    if kind == "count":
        return np.where(degree > 0, np.ceil(np.round(threshold, 9)), np.inf)
    raise ValueError(f"threshold_kind: got {kind!r}, expected fraction or count")


def conformity_gain(share_disclosing: np.ndarray, conformity: float, n_categories: int
                    ) -> np.ndarray:
    """Utility of disclosing category k under the norm rule, nu*(2 f_ik - 1)/K.

    Agreement with neighbours is the mean over categories of d_k*f_ik + (1 - d_k)*(1 - f_ik),
    with f_ik the share of i's neighbours disclosing k; disclosing k changes it by
    (2 f_ik - 1)/K. Citizens without neighbours have no norm to follow.
    """
    return conformity * (2.0 * share_disclosing - 1.0) / n_categories
