"""Numpy definitions of the passes the compiled kernels make over the citizens.

Each function here is the definition of one kernel in :mod:`simulation.kernels`: same
arguments, same results, written as plain numpy on top of :mod:`simulation.score` and
:mod:`simulation.rules`. ``simulation.kernels.table`` pairs every kernel with its definition; a
parametrised test runs both on random inputs (tests/test_kernel_table.py), and with
``DATAROVERS_KERNELS=0`` the model runs on these definitions alone.

The passes are bookkeeping around the equations: the disclosure code of each citizen, the
rescoring of the citizens whose choice changed, the tallies the outputs are read from (codes
and scores per bin, every citizen's neighbour counts), and the inputs of the best response. The
integers agree exactly with the kernels'; so do the scores and the sums, whose operations run
in the kernels' order (sums over categories in category order, sums over citizens or edges in
citizen order).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.rules import Incentives, PeerView, best_response, peer_sums
from simulation.score import (
    SCORE_MIN,
    SCORE_RANGE,
    credit_score,
    disclosure_gains,
    raw_score,
    to_points,
    withheld_raw_score,
)
from simulation.state_access import state_factor

#: Width (score points) of the bins of the binned median and Gini. The binned median is the
#: centre of the bin holding the lower median x_(ceil(n/2)), so within SCORE_BIN / 2 of it; the
#: binned Gini is the exact Gini of the scores moved to their bin centres, so within
#: (SCORE_BIN / 2)(1 + G) / mean score, about 1e-5.
SCORE_BIN = 0.01
SCORE_BINS = int(SCORE_RANGE / SCORE_BIN) + 1
#: Bin b holds the scores with floor((s - 350) * BINS_PER_POINT) = b (a product: a division per
#: citizen would cost as much as the rest of the binning).
BINS_PER_POINT = 1.0 / SCORE_BIN


# --- codes and scores -------------------------------------------------------------------------
def disclosure_codes(disclosed: np.ndarray) -> np.ndarray:
    """code_i = sum_k d_ik 2^k (uint16) of an (N, K) bool array (``simulation.codes``)."""
    powers = (1 << np.arange(disclosed.shape[1])).astype(np.uint16)
    return (disclosed.astype(np.uint16) * powers).sum(axis=1, dtype=np.uint16)


def refresh(disclosed: np.ndarray, codes: np.ndarray, score: np.ndarray, rescore_all: bool,
            given: np.ndarray, given_previous: np.ndarray, behaviour: np.ndarray,
            quality: np.ndarray, imputed_weighted: float, imputed: np.ndarray,
            weights: np.ndarray, behaviour_weight: float, bonus: float, shares: np.ndarray,
            score_min: float, bin_width: float, n_bins: int) -> tuple:
    """After the citizens' choices: their codes, their scores and the peer view's sums.

    The citizens whose code changed get their new code in ``codes`` and are rescored with
    ``score.credit_score`` (every citizen when ``rescore_all``), except those in ``given``,
    whose new scores the caller already wrote and whose previous scores are
    ``given_previous``. ``imputed_weighted`` (sum_k w_k m_k) is recomputed by
    ``credit_score``; the argument is the kernel's. The sums are ``rules.peer_sums``.

    Returns:
        (changed, previous codes, previous scores, new scores, total, shown, n_shown, below).
    """
    new_codes = disclosure_codes(disclosed)
    changed = np.flatnonzero(new_codes != codes)
    previous = codes[changed].copy()
    codes[changed] = new_codes[changed]
    previous_score = score[changed].astype(np.float64)
    place = np.minimum(np.searchsorted(given, changed), max(given.size - 1, 0))
    written = (given[place] == changed) if given.size else np.zeros(changed.size, dtype=bool)
    previous_score[written] = given_previous[place[written]]
    rescored = np.arange(score.size) if rescore_all else changed[~written]
    score[rescored] = credit_score(behaviour[rescored], quality[rescored], disclosed[rescored],
                                   imputed, weights, behaviour_weight, bonus)
    return (changed, previous, previous_score, score[changed].astype(np.float64),
            *peer_sums(score, shares, score_min, bin_width, n_bins))


def record_choices(who: np.ndarray, disclosed: np.ndarray, shares: np.ndarray,
                   new_score: np.ndarray, all_disclosed: np.ndarray, all_shares: np.ndarray,
                   score: np.ndarray) -> np.ndarray:
    """Write the revisers' choices and new scores in place; returns their scores before."""
    previous = score[who].astype(np.float64)
    all_disclosed[who] = disclosed
    all_shares[who] = shares
    score[who] = new_score
    return previous


def move_codes(changed: np.ndarray, previous: np.ndarray, codes: np.ndarray,
               quintile: np.ndarray, degree: np.ndarray, by_quintile: np.ndarray,
               degree_sum: np.ndarray) -> None:
    """Move the citizens ``changed`` from their ``previous`` codes to their current ones.

    ``by_quintile`` (citizens per quintile and code) and ``degree_sum`` (sum of k_i per code)
    are updated in place.
    """
    new, q = codes[changed], quintile[changed]
    k = degree[changed].astype(np.int64)
    np.subtract.at(by_quintile, (q, previous), 1)
    np.add.at(by_quintile, (q, new), 1)
    np.subtract.at(degree_sum, previous, k)
    np.add.at(degree_sum, new, k)


# --- the score histogram ----------------------------------------------------------------------
def score_places(score: np.ndarray, share_thresholds: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(``SCORE_BIN``-point bin, number of thresholds reached) of each score."""
    score = np.asarray(score, dtype=np.float64)
    bins = np.clip(((score - SCORE_MIN) * BINS_PER_POINT).astype(np.int64), 0, SCORE_BINS - 1)
    return bins, (score[:, None] >= share_thresholds).sum(axis=1)


def count_scores(score: np.ndarray, share_thresholds: np.ndarray, bins: np.ndarray,
                 passing: np.ndarray) -> None:
    """Fill ``bins`` (scores per bin) and ``passing`` (per thresholds reached) from ``score``."""
    where, passed = score_places(score, share_thresholds)
    bins[:] = np.bincount(where, minlength=bins.size)
    passing[:] = np.bincount(passed, minlength=passing.size)


def move_scores(previous: np.ndarray, current: np.ndarray, share_thresholds: np.ndarray,
                bins: np.ndarray, passing: np.ndarray) -> None:
    """Move citizens from their ``previous`` scores to their ``current`` ones, in place."""
    where, passed = score_places(previous, share_thresholds)
    np.subtract.at(bins, where, 1)
    np.subtract.at(passing, passed, 1)
    where, passed = score_places(current, share_thresholds)
    np.add.at(bins, where, 1)
    np.add.at(passing, passed, 1)


# --- neighbour counts -------------------------------------------------------------------------
def edge_rows(indptr: np.ndarray) -> np.ndarray:
    """The row (citizen) of every stored entry of a CSR structure."""
    return np.repeat(np.arange(indptr.size - 1), np.diff(indptr.astype(np.int64)))


def neighbour_sum(indptr: np.ndarray, indices: np.ndarray, x: np.ndarray) -> np.ndarray:
    """sum_(j in N(i)) x_j for every i, summed in the order of each row (float64)."""
    return np.bincount(edge_rows(indptr), weights=np.asarray(x, dtype=np.float64)[indices],
                       minlength=indptr.size - 1)


def _lane(words: np.ndarray, lane: int, lane_bits: int) -> np.ndarray:
    """The counts in lane ``lane`` of every citizen's words, int64."""
    per_word = 64 // lane_bits
    shift = np.uint64(lane_bits * (lane % per_word))
    mask = np.uint64(2**lane_bits - 1)
    return ((words[:, lane // per_word] >> shift) & mask).astype(np.int64)


def _disclosure_pairs(words: np.ndarray, codes: np.ndarray, scored: np.ndarray,
                      pair_lane: int, lane_bits: int) -> int:
    """sum_i a_i S_i, a_i = scored[code_i] and S_i the lane ``pair_lane`` of i's words."""
    return int((np.asarray(scored, dtype=np.int64)[codes]
                * _lane(words, pair_lane, lane_bits)).sum())


def count_neighbours(indptr: np.ndarray, indices: np.ndarray, codes: np.ndarray,
                     lanes: np.ndarray, words: np.ndarray, scored: np.ndarray, pair_lane: int,
                     lane_bits: int) -> int:
    """Every citizen's counts from scratch: words_i = sum_(j in N(i)) lanes[code_j].

    Lane k of the sum is n_ik = sum_j A_ij d_jk, lane K the adopting neighbours and lane K + 1
    S_i = sum_j A_ij a_j (``simulation.kernels.aggregate`` gives the layout); the sum is taken
    modulo 2^64 word by word, which leaves every lane exact. Returns sum_i a_i S_i.
    """
    words[:] = 0
    np.add.at(words, edge_rows(indptr), lanes[codes[indices]])
    return _disclosure_pairs(words, codes, scored, pair_lane, lane_bits)


def update_neighbours(indptr: np.ndarray, indices: np.ndarray, changed: np.ndarray,
                      previous: np.ndarray, codes: np.ndarray, lanes: np.ndarray,
                      words: np.ndarray, scored: np.ndarray, pair_lane: int,
                      lane_bits: int) -> int:
    """Apply the code changes of ``changed`` (from ``previous``) to their neighbours' counts.

    Each neighbour i of a changed j gets lanes[new code] - lanes[old code] added (modulo 2^64).
    Returns the change of sum_i a_i S_i (:func:`count_neighbours`).
    """
    before = codes.copy()
    before[changed] = previous
    pairs_before = _disclosure_pairs(words, before, scored, pair_lane, lane_bits)
    start = indptr[changed].astype(np.int64)
    length = indptr[changed + 1].astype(np.int64) - start
    first = np.repeat(start - np.cumsum(length) + length, length)
    neighbours = indices[first + np.arange(first.size)]
    moved = lanes[codes[changed]] - lanes[previous]  # modulo 2^64
    np.add.at(words, neighbours, np.repeat(moved, length, axis=0))
    return _disclosure_pairs(words, codes, scored, pair_lane, lane_bits) - pairs_before


def count_passes(n_words: int) -> tuple[Any, Any]:
    """(count, update) for ``n_words`` words per citizen.

    :func:`count_neighbours` and :func:`update_neighbours`, which need no width (the kernels
    are compiled once per width).
    """
    del n_words
    return count_neighbours, update_neighbours


# --- the best response ------------------------------------------------------------------------
def decision_inputs(who: np.ndarray, behaviour: np.ndarray, quality: np.ndarray,
                    privacy_concern: np.ndarray, disclosing: np.ndarray,
                    behaviour_weight: float, imputed_weighted: float, imputed: np.ndarray,
                    weights: np.ndarray, bonus: float, sensitivities: np.ndarray,
                    leakage_table: np.ndarray, state_fear: np.ndarray, state_access: float,
                    political: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(withheld raw score, gains, privacy cost) of the revisers ``who``.

    ``score.withheld_raw_score`` (which recomputes ``imputed_weighted``),
    ``score.disclosure_gains``, and the privacy cost v_i kappa_k L(n_ik) with L read from
    ``leakage_table``, times ``state_access.state_factor`` 1 + chi_i a pi_k when a > 0.
    """
    concern = privacy_concern[who, None].astype(np.float64)
    leak = leakage_table[disclosing[who].astype(np.int64)]
    cost = concern * sensitivities * leak
    factor = state_factor(state_fear[who], state_access, political)
    return (withheld_raw_score(behaviour[who], imputed, weights, behaviour_weight),
            disclosure_gains(quality[who], imputed, weights, bonus),
            cost if factor is None else cost * factor)


def scored_best_response(withheld_raw: np.ndarray, gains: np.ndarray, privacy_cost: np.ndarray,
                         incentives: Incentives, peers: PeerView, *,
                         choice_noise: np.ndarray | None, temperature: float,
                         active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``rules.best_response`` and the score of each reviser's choice (``score.to_points``)."""
    disclosed, shares = best_response(withheld_raw, gains, privacy_cost, incentives, peers,
                                      choice_noise=choice_noise, temperature=temperature,
                                      active=active)
    return disclosed, shares, to_points(raw_score(withheld_raw, gains, disclosed))
