"""Compiled kernels: every citizen's neighbour counts, counted once and then kept up to date.

They are built in one pass over the edges and then updated around the citizens whose choice
changed.

The counts are integers: n_ik, the number of i's neighbours disclosing category k; the number of
i's neighbours who disclose every scored category (threshold rule); and S_i, the number of
scored categories i's neighbours disclose in all (assortativity). Updating them as choices change
therefore gives exactly the counts a fresh pass over all edges would give
(tests/test_neighbourhood.py checks this on random changes), while costing only the degrees of
the citizens who changed: about one citizen in ten revises per step, and fewer change.

Layout: each citizen's K + 2 counts are lanes of a few 64-bit words, lane k holding n_ik, lane K
the adopters and lane K + 1 S_i; lanes are as narrow as the largest S_i allows, 8, 16 or 32
bits (:func:`lane_layout`): at the defaults (K = 6, degrees up to about 20) one word per
citizen, half the memory traffic of 16-bit lanes (the update 1.3 times faster). Each code c (the
bitmask of the categories a citizen discloses) maps to words holding its K + 2 indicators in the
same lanes (:func:`lane_table`), so

* a neighbour of code c adds all its indicators to a row with one integer addition per word
  (``CountKernels.count``, the full pass: each citizen's row of the CSR adjacency read once),
  and
* a citizen whose code changed from c to c' updates each neighbour's row by adding
  lanes[c'] - lanes[c] word by word (``CountKernels.update``; the adjacency is symmetric, so its row
  lists exactly the citizens who have it as a neighbour). Modulo 2^64 this gives exactly the
  words of the new counts, because every lane of the result holds a count in range.

On a little-endian machine the words viewed as uint8, uint16 or uint32 are the counts
themselves: ``words.view(np.uint8)[:, k]`` is n_ik, with no unpacking.

``neighbour_sum`` is the gather sum_(j in N(i)) x_j of one float64 vector.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import numpy as np
from numba import njit

#: Lane widths (bits) and the unsigned type a lane is read as.
LANE_TYPES = {8: np.uint8, 16: np.uint16, 32: np.uint32}


def lane_layout(n_categories: int, max_degree: int) -> tuple[int, int]:
    """(lane bits, words per citizen) for K + 2 lanes; S_i can reach K times ``max_degree``."""
    if sys.byteorder != "little":  # pragma: no cover - every supported platform is
        raise RuntimeError("datarovers' neighbour counts assume a little-endian machine")
    most = max_degree * max(n_categories, 1)  # the largest count a lane must hold
    bits = 8 if most < 2**8 else (16 if most < 2**16 else 32)
    return bits, -(-(n_categories + 2) // (64 // bits))


def lane_table(n_categories: int, adopted: np.ndarray, count: np.ndarray,
               lane_bits: int) -> np.ndarray:
    """For each code, its K + 2 indicators in ``lane_bits``-bit lanes, shape (2^K, words).

    Lane k holds bit k of the code, lane K ``adopted[code]`` and lane K + 1 ``count[code]``
    (the scored categories it discloses); lane l sits in word l // (64 / lane_bits) at bit
    lane_bits * (l % (64 / lane_bits)).
    """
    per_word = 64 // lane_bits
    codes = np.arange(2**n_categories, dtype=np.uint64)
    table = np.zeros((codes.size, -(-(n_categories + 2) // per_word)), dtype=np.uint64)
    indicators = [(codes >> np.uint64(k)) & np.uint64(1) for k in range(n_categories)]
    indicators += [np.asarray(adopted, dtype=np.uint64), np.asarray(count, dtype=np.uint64)]
    for lane, bit in enumerate(indicators):
        table[:, lane // per_word] |= bit << np.uint64(lane_bits * (lane % per_word))
    return table


def unsigned(array: np.ndarray) -> np.ndarray:
    """An index array viewed as unsigned (spares compiled loops numpy's negative-index check)."""
    return array.view({4: np.uint32, 8: np.uint64}[array.itemsize])


@njit(cache=True, nogil=True, inline="always")
def _lane_position(lane, lane_bits):  # pragma: no cover - compiled
    """(word, shift, mask) of lane ``lane`` of ``lane_bits``-bit lanes."""
    per_word = 64 // lane_bits
    return (lane // per_word, np.uint64(lane_bits * (lane % per_word)),
            np.uint64(2**lane_bits - 1))


class CountKernels(NamedTuple):
    """The compiled passes over counts held in a fixed number of words per citizen.

    Attributes:
        count: ``count(indptr, indices, codes, lanes, words, scored, pair_lane, lane_bits)``
            fills ``words`` with every citizen's counts in one pass over the edges and returns
            the disclosure pairs, sum_i a_i S_i.
        update: ``update(indptr, indices, changed, previous, codes, lanes, words, scored,
            pair_lane, lane_bits)`` applies the code changes of the citizens ``changed`` to
            their neighbours' counts, in order, and returns the change of the disclosure pairs.

    Their arguments: ``indptr`` and ``indices``, the CSR structure of the symmetric adjacency
    (``unsigned`` views); ``codes``, every citizen's current code (uint16); ``lanes``,
    ``lane_table(K, adopted, scored, lane_bits)``; ``words``, the (N, W) uint64 counts;
    ``scored``, the scored categories each code discloses (a_i = scored[code_i]); ``pair_lane``,
    the lane of S_i (K + 1); ``changed``, the citizens whose code changed, and ``previous``,
    their codes before (``words`` reflects these).

    sum_i a_i S_i is the sum over the edges, both directions, of a_i a_j: when j's a changes,
    it changes by 2 (a'_j - a_j) S_j, with S_j as of the changes applied before j's.
    """

    count: Callable[..., int]
    update: Callable[..., int]


@cache
def count_kernels(n_words: int) -> CountKernels:
    """The kernels for ``n_words`` words per citizen (compiled once per width, cached on disk).

    Compiled ``simulation.passes.count_neighbours`` and ``update_neighbours``
    (``simulation.passes.count_passes``).

    The width is a constant in each kernel: the first four words are scalars held in registers
    (an array would be re-read after every store to ``words``, which it might alias, serialising
    the updates), and the tests on the width fold away. Looping over the words instead made the
    update 1.5 times slower at 10^6 citizens (8.7 against 5.8 ms for two words, measured side by
    side when this was written). Beyond four words (32-bit lanes and K >= 7 only) the rest go
    through an array.
    """
    zero = np.uint64(0)

    @njit(cache=True, nogil=True)
    def count(indptr, indices, codes, lanes, words, scored, pair_lane,
              lane_bits):  # pragma: no cover - compiled
        rest = np.empty(max(n_words - 4, 0), dtype=np.uint64)
        pair_word, pair_shift, mask = _lane_position(pair_lane, lane_bits)
        pairs = 0
        for i in range(words.shape[0]):
            w0 = w1 = w2 = w3 = zero
            rest[:] = 0
            for e in range(indptr[i], indptr[i + 1]):
                code = codes[indices[e]]
                w0 += lanes[code, 0]
                if n_words > 1:
                    w1 += lanes[code, 1]
                if n_words > 2:
                    w2 += lanes[code, 2]
                if n_words > 3:
                    w3 += lanes[code, 3]
                if n_words > 4:
                    for w in range(rest.size):
                        rest[w] += lanes[code, 4 + w]
            words[i, 0] = w0
            if n_words > 1:
                words[i, 1] = w1
            if n_words > 2:
                words[i, 2] = w2
            if n_words > 3:
                words[i, 3] = w3
            for w in range(rest.size):
                words[i, 4 + w] = rest[w]
            pairs += np.int64(scored[codes[i]]) * np.int64((words[i, pair_word] >> pair_shift)
                                                           & mask)
        return pairs

    @njit(cache=True, nogil=True)
    def update(indptr, indices, changed, previous, codes, lanes, words, scored, pair_lane,
               lane_bits):  # pragma: no cover - compiled
        rest = np.empty(max(n_words - 4, 0), dtype=np.uint64)
        pair_word, pair_shift, mask = _lane_position(pair_lane, lane_bits)
        pairs = 0
        for r in range(changed.size):
            j = changed[r]
            old, new = previous[r], codes[j]
            s_j = np.int64((words[j, pair_word] >> pair_shift) & mask)
            pairs += 2 * (np.int64(scored[new]) - np.int64(scored[old])) * s_j
            d0 = lanes[new, 0] - lanes[old, 0]  # modulo 2^64
            d1 = lanes[new, 1] - lanes[old, 1] if n_words > 1 else zero
            d2 = lanes[new, 2] - lanes[old, 2] if n_words > 2 else zero
            d3 = lanes[new, 3] - lanes[old, 3] if n_words > 3 else zero
            for w in range(rest.size):
                rest[w] = lanes[new, 4 + w] - lanes[old, 4 + w]
            for e in range(indptr[j], indptr[j + 1]):
                i = indices[e]
                words[i, 0] += d0
                if n_words > 1:
                    words[i, 1] += d1
                if n_words > 2:
                    words[i, 2] += d2
                if n_words > 3:
                    words[i, 3] += d3
                if n_words > 4:
                    for w in range(rest.size):
                        words[i, 4 + w] += rest[w]
        return pairs

    return CountKernels(count, update)


@njit(cache=True, nogil=True)
def neighbour_sum(indptr, indices, x):  # pragma: no cover - compiled
    """sum_(j in N(i)) x_j for every i (float64): compiled ``simulation.passes.neighbour_sum``."""
    n = indptr.size - 1
    out = np.zeros(n)
    for i in range(n):
        total = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            total += x[indices[e]]
        out[i] = total
    return out
