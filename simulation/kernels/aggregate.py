"""Compiled kernel: every neighbour aggregate of a step in one pass over the edges.

For each citizen i the kernel walks i's row of the CSR adjacency once and, per neighbour j,
reads two values: j's disclosure code (a bitmask of the categories j discloses, 2 bytes) and j's
perceived score (4 bytes). The counts are bit-sliced: a table maps each code to four 64-bit
words holding one 16-bit lane per category (bit k of the code in lane k) and one more lane for
"discloses every scored category", so a neighbour adds all K + 1 of its indicators with four
integer additions. From the lanes the kernel unpacks

* n_ik, the number of neighbours disclosing category k,
* the number of neighbours who disclose every scored category (threshold rule),
* the sum of the neighbours' disclosure levels x_j = sum_(k scored) n_jk / K_scored
  (assortativity), which is sum_(k scored) n_ik / K_scored,

adds up the neighbours' perceived scores (status term of welfare) and, once i's row is done,
gives i's own privacy cost v_i * sum_k d_ik kappa_k L(n_ik), with L read from a table of
``simulation.rules.leakage`` over 0..max degree. A row with more than 65,535 neighbours would
overflow a lane and is counted bit by bit instead.

A scipy sparse product over the same stacked columns reads 4 * (K + 3) bytes per edge; this reads
6, which is what a step at a million citizens is bound by (benchmarks/aggregate.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit

LANE_BITS = 16
LANES_PER_WORD = 4
LANE_MAX = 2**LANE_BITS - 1
WORDS = 4  # 16 lanes: K <= 12 categories plus the adoption lane


def lane_table(n_categories: int, adopted: np.ndarray) -> np.ndarray:
    """For each code, its K + 1 indicators in 16-bit lanes of four words, shape (2^K, 4).

    Lane k (word k // 4, bits 16 * (k % 4) and up) holds bit k of the code; lane K holds
    ``adopted[code]``.
    """
    codes = np.arange(2**n_categories, dtype=np.uint64)
    table = np.zeros((codes.size, WORDS), dtype=np.uint64)
    indicators = [(codes >> np.uint64(k)) & np.uint64(1) for k in range(n_categories)]
    indicators.append(np.asarray(adopted, dtype=np.uint64))
    for lane, bit in enumerate(indicators):
        table[:, lane // LANES_PER_WORD] |= bit << np.uint64(LANE_BITS * (lane % LANES_PER_WORD))
    return table


@njit(cache=True, nogil=True, inline="always")
def _lane(w0, w1, w2, w3, lane):  # pragma: no cover - compiled
    """The count in 16-bit lane ``lane`` of the words w0..w3."""
    word = w0 if lane < 4 else (w1 if lane < 8 else (w2 if lane < 12 else w3))
    return np.int64((word >> np.uint64(LANE_BITS * (lane & 3))) & np.uint64(LANE_MAX))


def neighbour_sums(indptr: np.ndarray, indices: np.ndarray, codes: np.ndarray,
                   perceived: np.ndarray, lanes: np.ndarray, scored: np.ndarray,
                   privacy_concern: np.ndarray, sensitivities: np.ndarray,
                   leakage_table: np.ndarray) -> tuple[np.ndarray, ...]:
    """One pass over the edges; returns (counts, adopters, level_sum, perceived_sum, paid).

    Args:
        indptr: CSR row pointers of the symmetric adjacency.
        indices: CSR column indices (non-negative; read as unsigned, which spares the
            compiled loop numpy's negative-index check).
        codes: Disclosure bitmask of each citizen (uint16).
        perceived: Perceived score of each citizen (float32).
        lanes: ``lane_table(K, adopted)``.
        scored: Whether each category is scored, shape (K,).
        privacy_concern: v_i.
        sensitivities: kappa_k.
        leakage_table: L(m) for m = 0 .. max degree; its length also sets the counts' dtype
            (uint16 when no citizen has more than 65,535 neighbours).
    """
    n, n_categories = indptr.size - 1, scored.size
    unsigned = {4: np.uint32, 8: np.uint64}
    counts = np.empty((n, n_categories),
                      dtype=np.uint16 if leakage_table.size <= LANE_MAX + 1 else np.uint32)
    adopters = np.empty(n, dtype=np.float32)
    level_sum = np.empty(n, dtype=np.float32)
    perceived_sum = np.empty(n, dtype=np.float32)
    paid = np.empty(n, dtype=np.float64)
    _neighbour_sums(indptr.view(unsigned[indptr.itemsize]),
                    indices.view(unsigned[indices.itemsize]), codes, perceived, lanes,
                    scored.astype(np.int64), privacy_concern, sensitivities, leakage_table,
                    counts, adopters, level_sum, perceived_sum, paid)
    return counts, adopters, level_sum, perceived_sum, paid


@njit(cache=True, nogil=True)
def _neighbour_sums(indptr, indices, codes, perceived, lanes, scored, privacy_concern,
                    sensitivities, leakage_table, counts, adopters, level_sum, perceived_sum,
                    paid):  # pragma: no cover - compiled
    """Fill the output arrays of ``neighbour_sums``.

    Branch-free per category: a citizen's own bits are as good as random, and a mispredicted
    branch per category cost more than the whole walk over its row.
    """
    n, n_categories = indptr.size - 1, scored.size
    n_scored = 0
    for k in range(n_categories):
        n_scored += scored[k]
    tally = np.zeros(n_categories, dtype=np.int64)
    for i in range(n):
        start, stop = indptr[i], indptr[i + 1]
        w0 = w1 = w2 = w3 = np.uint64(0)
        total = 0.0
        if stop - start <= LANE_MAX:
            for e in range(start, stop):
                j = indices[e]
                code = codes[j]
                w0 += lanes[code, 0]
                w1 += lanes[code, 1]
                w2 += lanes[code, 2]
                w3 += lanes[code, 3]
                total += perceived[j]
            adopt = _lane(w0, w1, w2, w3, n_categories)
            for k in range(n_categories):
                tally[k] = _lane(w0, w1, w2, w3, k)
        else:  # a hub whose counts could overflow a 16-bit lane
            adopt = 0
            tally[:] = 0
            for e in range(start, stop):
                j = indices[e]
                code = np.int64(codes[j])
                for k in range(n_categories):
                    tally[k] += (code >> k) & 1
                adopt += _lane(lanes[code, 0], lanes[code, 1], lanes[code, 2], lanes[code, 3],
                               n_categories)
                total += perceived[j]
        own = np.int64(codes[i])
        cost = 0.0
        scored_sum = 0
        for k in range(n_categories):
            m = tally[k]
            counts[i, k] = m
            scored_sum += m * scored[k]
            cost += sensitivities[k] * leakage_table[m] * ((own >> k) & 1)
        adopters[i] = adopt
        level_sum[i] = scored_sum / n_scored
        perceived_sum[i] = total
        paid[i] = privacy_concern[i] * cost
