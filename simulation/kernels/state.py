"""Compiled passes over the citizens' state.

Scores, disclosure codes, the sums of the peer view, perceived scores: each replaces several
numpy passes (and their temporaries) over the citizens by one.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulation.score import SCORE_MIN, SCORE_RANGE


@njit(cache=True, nogil=True)
def disclosure_codes(disclosed):  # pragma: no cover - compiled
    """code_i = sum_k d_ik 2^k (uint16) of a (N, K) bool array (``simulation.codes``)."""
    n, n_categories = disclosed.shape
    codes = np.empty(n, dtype=np.uint16)
    for i in range(n):
        code = 0
        for k in range(n_categories):
            code |= np.int64(disclosed[i, k]) << k
        codes[i] = code
    return codes


@njit(cache=True, nogil=True)
def score_tally(score, shares, score_min, bin_width, n_bins):  # pragma: no cover - compiled
    """Sums the peer view is made of, in one pass (``simulation.rules.peer_view``).

    Returns:
        (sum of all scores, sum of shown scores, number of sharers, sharers in lower bins),
        the last for each bin b = min(floor((s - score_min) / bin_width), n_bins - 1).
    """
    total = 0.0
    shown = 0.0
    n_shown = 0
    per_bin = np.zeros(n_bins, dtype=np.int64)
    for i in range(score.size):
        s = score[i]
        total += s
        if shares[i]:
            shown += s
            n_shown += 1
            per_bin[min(np.int64((s - score_min) / bin_width), n_bins - 1)] += 1
    below = np.empty(n_bins, dtype=np.int64)
    running = 0
    for b in range(n_bins):
        below[b] = running
        running += per_bin[b]
    return total, shown, n_shown, below


@njit(cache=True, nogil=True)
def perceived_scores(score, shares, inferred):  # pragma: no cover - compiled
    """s_hat_i: the score if shown, else the inferred score of non-sharers (float32)."""
    out = np.empty(score.size, dtype=np.float32)
    for i in range(score.size):
        out[i] = score[i] if shares[i] else inferred
    return out


@njit(cache=True, nogil=True)
def rescore(score, who, behaviour, quality, disclosed, imputed_weighted, imputed, weights,
            behaviour_weight, bonus):  # pragma: no cover - compiled
    """Write s_i for the citizens ``who`` into ``score`` (``simulation.score.credit_score``).

    raw = w_b * b_i + sum_k w_k m_k, plus w_k * (q_ik - m_k + beta) for each disclosed k in
    category order, then s = 350 + 600 * clip(raw, 0, 1): numpy's order of operations, so the
    scores are equal bit for bit (tests/test_kernels.py).

    Args:
        score: Every citizen's score, updated in place.
        who: Indices of the citizens to rescore.
        behaviour: b_i.
        quality: q_ik, (N, K).
        disclosed: d_ik, (N, K).
        imputed_weighted: sum_k w_k m_k, as ``float(np.dot(weights, imputed))``.
        imputed: m_k.
        weights: w_k.
        behaviour_weight: w_b.
        bonus: beta.
    """
    for r in range(who.size):
        i = who[r]
        raw = behaviour_weight * np.float64(behaviour[i]) + imputed_weighted
        for k in range(weights.size):
            gain = weights[k] * (np.float64(quality[i, k]) - imputed[k] + bonus)
            raw += gain if disclosed[i, k] else 0.0
        score[i] = SCORE_MIN + SCORE_RANGE * min(max(raw, 0.0), 1.0)
