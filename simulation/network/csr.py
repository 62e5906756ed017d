"""Compiled CSR assembly for large graphs (see ``simulation.network.adjacency_from_edges``).

scipy's COO -> CSR path holds the row, column and value arrays of every stored entry next to
the result and sorts; at 10^7 nodes most of its time goes to the operating system zeroing
those temporaries. Here one counting pass sizes the rows, one pass scatters each edge into
both of its rows, and each row is sorted and stripped of repeats in place: the only large
arrays are the result's.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def csr_from_edges(n: int, src: np.ndarray, dst: np.ndarray,
                   index_type: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted, repeat-free CSR structure (indptr, indices) of the undirected edges src-dst.

    Self-loops are dropped. ``index_type`` is an empty array whose dtype the result takes.
    """
    indptr = np.zeros(n + 1, dtype=index_type.dtype)
    for i in range(src.size):
        if src[i] != dst[i]:
            indptr[src[i] + 1] += 1
            indptr[dst[i] + 1] += 1
    for row in range(n):
        indptr[row + 1] += indptr[row]
    fill = indptr[:n].copy()
    indices = np.empty(indptr[n], dtype=index_type.dtype)
    for i in range(src.size):
        a, b = src[i], dst[i]
        if a != b:
            indices[fill[a]] = b
            fill[a] += 1
            indices[fill[b]] = a
            fill[b] += 1
    # Sort each row and drop repeated neighbours, compacting towards the front.
    write = 0
    start = 0
    for row in range(n):
        end = indptr[row + 1]
        # Insertion sort: rows are short (a few dozen at most, except hubs).
        if end - start > 64:
            indices[start:end].sort()
        else:
            for k in range(start + 1, end):
                value = indices[k]
                j = k - 1
                while j >= start and indices[j] > value:
                    indices[j + 1] = indices[j]
                    j -= 1
                indices[j + 1] = value
        indptr[row] = write
        previous = -1
        for k in range(start, end):
            if indices[k] != previous:
                indices[write] = indices[k]
                previous = indices[k]
                write += 1
        start = end
    indptr[n] = write
    if write < indices.size:
        return indptr, indices[:write].copy()
    return indptr, indices
