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


@njit(cache=True, nogil=True)
def neighbour_sums(indptr, indices, codes, perceived, level_of_code, adopted_of_code,
                   n_categories, privacy_concern, sensitivities, rho):  # pragma: no cover
    """One pass over the edges; returns (counts, adopters, level_sum, perceived_sum, paid).

    Args:
        indptr: CSR row pointers of the symmetric adjacency.
        indices: CSR column indices.
        codes: Disclosure bitmask of each citizen (uint16).
        perceived: Perceived score of each citizen (float32).
        level_of_code: Disclosure level of each code (``simulation.codes.CodeTables``).
        adopted_of_code: 1 where a code discloses every scored category.
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
    tally = np.zeros(n_categories, dtype=np.int64)
    for i in range(n):
        tally[:] = 0
        adopt = 0
        level = 0.0
        total = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            code = np.int64(codes[j])
            for k in range(n_categories):
                tally[k] += (code >> k) & 1
            adopt += adopted_of_code[code]
            level += level_of_code[code]
            total += perceived[j]
        own = np.int64(codes[i])
        cost = 0.0
        for k in range(n_categories):
            m = tally[k]
            counts[i, k] = m
            if (own >> k) & 1:
                share = 1.0
                if rho > 0.0 and m > 0:
                    share = 1.0 - rho * rho * m / (1.0 - rho + m * rho)
                cost += sensitivities[k] * share
        adopters[i] = adopt
        level_sum[i] = level
        perceived_sum[i] = total
        paid[i] = privacy_concern[i] * cost
    return counts, adopters, level_sum, perceived_sum, paid
