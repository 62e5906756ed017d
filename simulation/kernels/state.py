"""Compiled passes over the citizens' state.

Disclosure codes, scores, the sums of the peer view: each replaces several numpy passes (and
their temporaries) over the citizens by one; after a step, :func:`refresh` does all three.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulation.score import SCORE_MIN, SCORE_RANGE


@njit(cache=True, nogil=True)
def disclosure_codes(disclosed):  # pragma: no cover - compiled
    """code_i = sum_k d_ik 2^k (uint16) of a C-contiguous (N, K) bool array.

    Compiled ``simulation.passes.disclosure_codes``. The booleans are read as their 0/1 bytes,
    which the compiler vectorises.
    """
    n, n_categories = disclosed.shape
    bits = disclosed.view(np.uint8)
    codes = np.empty(n, dtype=np.uint16)
    for i in range(n):
        code = 0
        for k in range(n_categories):
            code |= np.int64(bits[i, k]) << k
        codes[i] = code
    return codes


@njit(cache=True, nogil=True, inline="always")
def _bin(s, score_min, bin_width, n_bins):  # pragma: no cover - compiled
    """B = min(floor((s - score_min) / bin_width), n_bins - 1)."""
    return min(np.int64((s - score_min) / bin_width), n_bins - 1)


@njit(cache=True, nogil=True, inline="always")
def _below(per_bin):  # pragma: no cover - compiled
    """For each bin, the count in lower bins."""
    below = np.empty(per_bin.size, dtype=np.int64)
    running = 0
    for b in range(per_bin.size):
        below[b] = running
        running += per_bin[b]
    return below


@njit(cache=True, nogil=True)
def score_tally(score, shares, score_min, bin_width, n_bins):  # pragma: no cover - compiled
    """Sums the peer view is made of, in one pass: compiled ``simulation.rules.peer_sums``.

    Returns:
        (sum of all scores, sum of shown scores, number of sharers, sharers in lower bins),
        the last for each bin b = min(floor((s - score_min) / bin_width), n_bins - 1).
    """
    total = 0.0
    shown = 0.0
    n_shown = 0
    per_bin = np.zeros(n_bins, dtype=np.int64)
    for i in range(score.size):  # branch-free: a branch on sharing mispredicts (2.6 to 1.4 ms)
        s = score[i]
        sharer = np.int64(shares[i])
        total += s
        shown += s if sharer else 0.0
        n_shown += sharer
        per_bin[_bin(s, score_min, bin_width, n_bins)] += sharer
    return total, shown, n_shown, _below(per_bin)


@njit(cache=True, nogil=True, inline="always")
def _credit_score(i, behaviour, quality, disclosed, imputed_weighted, imputed, weights,
                  behaviour_weight, bonus):  # pragma: no cover - compiled
    """s_i in ``simulation.score.credit_score``'s order of operations (``refresh``)."""
    raw = behaviour_weight * np.float64(behaviour[i]) + imputed_weighted
    for k in range(weights.size):
        gain = weights[k] * (np.float64(quality[i, k]) - imputed[k] + bonus)
        raw += gain if disclosed[i, k] else 0.0
    return SCORE_MIN + SCORE_RANGE * min(max(raw, 0.0), 1.0)


@njit(cache=True, nogil=True)
def refresh(disclosed, codes, score, rescore_all, given, given_previous, behaviour, quality,
            imputed_weighted, imputed, weights, behaviour_weight, bonus, shares, score_min,
            bin_width, n_bins):  # pragma: no cover - compiled
    """After the citizens' choices: their codes, their scores and the peer view's sums.

    Compiled ``simulation.passes.refresh``:

    * Each code_i (``disclosure_codes``) is brought up to date in ``codes``, and the citizens
      whose code changed are recorded with their previous codes and scores;
    * those citizens are rescored, except those in ``given``, whose new scores the caller
      already wrote; every citizen is rescored when ``rescore_all`` (the platform's imputation
      or weights changed). s = 350 + 600 clip(raw, 0, 1), raw = w_b b_i + sum_k w_k m_k plus
      w_k (q_ik - m_k + beta) for each disclosed k in category order: the order of operations
      of ``simulation.score.credit_score``, so the scores are equal bit for bit
      (tests/test_kernels.py);
    * the sums of ``score_tally`` are taken over the new scores.

    Separate loops: fused into one, the branches on "changed" and "shares" mispredicted often
    enough to make the pass 1.5 times slower.

    Args:
        disclosed: d_ik, (N, K).
        codes: Every citizen's code before the step, updated in place.
        score: Every citizen's score, updated in place.
        rescore_all: Rescore every citizen, not only those whose code changed.
        given: Citizens (ascending) whose new scores are already in ``score``.
        given_previous: Their scores before.
        behaviour: b_i.
        quality: q_ik, (N, K).
        imputed_weighted: sum_k w_k m_k, as ``float(np.dot(weights, imputed))``.
        imputed: m_k.
        weights: w_k.
        behaviour_weight: w_b.
        bonus: beta.
        shares: Whether each citizen shows its score.
        score_min: Lower edge of the peer view's score bins (``score_tally``).
        bin_width: Their width.
        n_bins: Their number.

    Returns:
        (changed, previous, previous_score, new_score, total, shown, n_shown, below): the
        citizens whose code changed (ascending), their previous codes, their scores before and
        after, then ``score_tally``'s sums.
    """
    n = disclosed.shape[0]
    # The codes first, in a loop the compiler vectorises, then the comparison: 2.8 ms to 2.2 ms
    # at 10^6 against one loop doing both.
    new_codes = disclosure_codes(disclosed)
    changed = np.empty(n, dtype=np.int64)
    previous = np.empty(n, dtype=np.uint16)
    m = 0
    for i in range(n):
        if new_codes[i] != codes[i]:
            changed[m] = i
            previous[m] = codes[i]
            codes[i] = new_codes[i]
            m += 1
    changed, previous = changed[:m].copy(), previous[:m].copy()
    previous_score = np.empty(m)
    new_score = np.empty(m)
    p = 0
    for r in range(m):  # a merge of two ascending lists
        i = changed[r]
        while p < given.size and given[p] < i:
            p += 1
        if p < given.size and given[p] == i:
            previous_score[r] = given_previous[p]
        else:
            previous_score[r] = score[i]
            if not rescore_all:  # (else below, with everyone)
                score[i] = _credit_score(i, behaviour, quality, disclosed, imputed_weighted,
                                         imputed, weights, behaviour_weight, bonus)
        new_score[r] = score[i]
    if rescore_all:
        for i in range(n):
            score[i] = _credit_score(i, behaviour, quality, disclosed, imputed_weighted, imputed,
                                     weights, behaviour_weight, bonus)
        new_score = score[changed]
    return (changed, previous, previous_score, new_score,
            *score_tally(score, shares, score_min, bin_width, n_bins))


@njit(cache=True, nogil=True)
def move_codes(changed, previous, codes, quintile, degree, by_quintile,
               degree_sum):  # pragma: no cover - compiled
    """Move the citizens ``changed`` from their ``previous`` codes to their current ones.

    Compiled ``simulation.passes.move_codes``.

    Args:
        changed: Citizens whose code changed.
        previous: Their codes before.
        codes: Every citizen's current code.
        quintile: Each citizen's privacy-concern quintile.
        degree: k_i (integer-valued).
        by_quintile: Citizens per (quintile, code), updated in place.
        degree_sum: Sum of k_i per code, updated in place.
    """
    for r in range(changed.size):
        i = changed[r]
        old, new, q = previous[r], codes[i], quintile[i]
        k = np.int64(degree[i])
        by_quintile[q, old] -= 1
        by_quintile[q, new] += 1
        degree_sum[old] -= k
        degree_sum[new] += k


@njit(cache=True, nogil=True)
def record_choices(who, disclosed, shares, new_score, all_disclosed, all_shares,
                   score):  # pragma: no cover - compiled
    """Write the revisers' choices and new scores into the population's arrays.

    Compiled ``simulation.passes.record_choices``, in one pass instead of three numpy scatters
    and a gather (1.1 ms to 0.4 ms at 10^5 revisers).

    Args:
        who: The revisers.
        disclosed: Their new disclosures, (R, K).
        shares: Whether each now shows its score.
        new_score: Their new scores.
        all_disclosed: d_ik of every citizen, updated in place.
        all_shares: Every citizen's sharing flag, updated in place.
        score: Every citizen's score, updated in place.

    Returns:
        The revisers' scores before.
    """
    previous = np.empty(who.size)
    for r in range(who.size):
        i = who[r]
        for k in range(disclosed.shape[1]):
            all_disclosed[i, k] = disclosed[r, k]
        all_shares[i] = shares[r]
        previous[r] = score[i]
        score[i] = new_score[r]
    return previous
