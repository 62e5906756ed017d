"""Compiled kernel: every neighbour aggregate of a step in one pass over the edges.

For each citizen i the kernel walks i's row of the CSR adjacency once and, per neighbour j,
reads two values: j's disclosure code (a bitmask of the categories j discloses, 2 bytes) and j's
perceived score (4 bytes). From these it accumulates

* n_ik, the number of neighbours disclosing category k,
* the number of neighbours who disclose every scored category (threshold rule),
* the sum of the neighbours' disclosure levels x_j (assortativity),
* the sum of the neighbours' perceived scores (status term of welfare),

and, once i's row is done, i's own privacy cost v_i * sum_k d_ik kappa_k L(n_ik) with
L(n) = 1 - rho^2 n / (1 - rho + n rho) (see ``simulation.rules.leakage``).

A scipy sparse product over the same stacked columns reads 4 * (K + 3) bytes per edge; this reads
6, which is what a step at a million citizens is bound by (benchmarks/step.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit


def disclosure_codes(disclosed: np.ndarray) -> np.ndarray:
    """Bitmask of each citizen's disclosed categories (bit k = category k), uint16."""
    codes = np.zeros(disclosed.shape[0], dtype=np.uint16)
    for k in range(disclosed.shape[1]):
        codes |= disclosed[:, k].astype(np.uint16) << k
    return codes


@njit(cache=True, nogil=True)
def neighbour_sums(indptr, indices, codes, perceived, scored_mask, n_scored, n_categories,
                   privacy_concern, sensitivities, rho):  # pragma: no cover - compiled
    """One pass over the edges; returns (counts, adopters, level_sum, perceived_sum, paid).

    Args:
        indptr: CSR row pointers of the symmetric adjacency.
        indices: CSR column indices.
        codes: Disclosure bitmask of each citizen (uint16).
        perceived: Perceived score of each citizen (float32).
        scored_mask: Bitmask of the scored categories.
        n_scored: Number of scored categories (>= 1).
        n_categories: K.
        privacy_concern: v_i.
        sensitivities: kappa_k.
        rho: Correlation of friends' data in the leakage L(n).
    """
    n = indptr.size - 1
    counts = np.zeros((n, n_categories), dtype=np.float32)
    adopters = np.zeros(n, dtype=np.float32)
    level_sum = np.zeros(n, dtype=np.float32)
    perceived_sum = np.zeros(n, dtype=np.float32)
    paid = np.zeros(n, dtype=np.float64)
    for i in range(n):
        adopt = 0.0
        level = 0
        total = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            code = codes[j]
            for k in range(n_categories):
                counts[i, k] += (code >> k) & 1
            on = code & scored_mask
            if on == scored_mask:
                adopt += 1.0
            while on:
                level += 1
                on &= on - 1
            total += perceived[j]
        adopters[i] = adopt
        level_sum[i] = level / n_scored
        perceived_sum[i] = total
        own = codes[i]
        cost = 0.0
        for k in range(n_categories):
            if (own >> k) & 1:
                m = counts[i, k]
                share = 1.0
                if rho > 0.0 and m > 0:
                    share = 1.0 - rho * rho * m / (1.0 - rho + m * rho)
                cost += sensitivities[k] * share
        paid[i] = privacy_concern[i] * cost
    return counts, adopters, level_sum, perceived_sum, paid
