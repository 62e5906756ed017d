"""Compiled kernel of the Holme-Kim generator (``simulation.network.generators.holme_kim_edges``).

The triad-formation step picks a neighbour of the last preferential-attachment target in the
graph as it is at that moment, so every step depends on the whole past: the process is
sequential by nature. This module runs networkx's ``powerlaw_cluster_graph`` step for step,
compiled with numba, on flat arrays (a linked list of incident edges per node) instead of a
dict of dicts.

networkx draws the m preferential-attachment candidates into a Python ``set`` and then
``pop()``s them, so which candidate is the "target" of the triad steps follows CPython's set
layout (hash of an int is the int). :func:`_set_insert` reproduces that layout (open
addressing with CPython's linear probes and perturbation, resizing at 3/5 fill to the
smallest power of two above four times the size), so that the labelled graphs have
networkx's distribution exactly; ``tests/test_fastgraphs.py`` checks the layout against real
sets.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_LINEAR_PROBES = 9
_PERTURB_SHIFT = 5
_SET_MINSIZE = 8


@njit(cache=True)
def _set_insert(table: np.ndarray, mask: int, key: int) -> bool:
    """Insert a non-negative int into an open-addressing table laid out like CPython's set.

    Returns:
        True if the key was new.
    """
    perturb = key
    i = key & mask
    while True:
        probes = _LINEAR_PROBES if i + _LINEAR_PROBES <= mask else 0
        j = i
        for _ in range(probes + 1):
            if table[j] < 0:
                table[j] = key
                return True
            if table[j] == key:
                return False
            j += 1
        perturb >>= _PERTURB_SHIFT
        i = (i * 5 + 1 + perturb) & mask


@njit(cache=True)
def set_order(keys: np.ndarray, table: np.ndarray, spare: np.ndarray, out: np.ndarray) -> int:
    """Iteration (and ``pop``) order of ``set()`` after ``add``-ing ``keys`` in turn.

    ``table`` and ``spare`` are scratch arrays at least as large as the final table.

    Returns:
        The number of distinct keys, written to the front of ``out`` in set order.
    """
    mask = _SET_MINSIZE - 1
    table[: mask + 1] = -1
    fill = 0
    for key in keys:
        mask, fill = _set_add(table, spare, mask, fill, key)
    return _set_drain(table, mask, out)


@njit(cache=True)
def _set_add(table: np.ndarray, spare: np.ndarray, mask: int, fill: int,
             key: int) -> tuple[int, int]:
    """``set.add``: insert ``key`` and grow when 3/5 full; returns the new (mask, fill)."""
    if _set_insert(table, mask, key):
        fill += 1
        if fill * 5 >= mask * 3:
            mask = _resize(table, spare, mask, fill)
    return mask, fill


@njit(cache=True)
def _set_drain(table: np.ndarray, mask: int, out: np.ndarray) -> int:
    """Write the keys in iteration order to the front of ``out``; returns how many."""
    count = 0
    for i in range(mask + 1):
        if table[i] >= 0:
            out[count] = table[i]
            count += 1
    return count


@njit(cache=True)
def _resize(table: np.ndarray, spare: np.ndarray, mask: int, used: int) -> int:
    """Grow the table as CPython's ``set_table_resize`` does; returns the new mask."""
    size = _SET_MINSIZE
    while size <= used * 4:
        size <<= 1
    spare[:size] = -1
    for i in range(mask + 1):
        if table[i] >= 0:
            _set_insert(spare, size - 1, table[i])
    table[:size] = spare[:size]
    return size - 1


@njit(cache=True)
def _append(pool: np.ndarray, top: int, offset: np.ndarray, capacity: np.ndarray,
            degree: np.ndarray, node: int, neighbour: int) -> tuple[np.ndarray, int]:
    """Append ``neighbour`` to the neighbour block of ``node``, moving the block when full.

    Returns:
        The (possibly reallocated) pool and its new top.
    """
    if degree[node] == capacity[node]:
        size = max(4, 2 * capacity[node])
        if top + size > pool.size:
            grown = np.empty(max(2 * pool.size, top + size), dtype=pool.dtype)
            grown[:top] = pool[:top]
            pool = grown
        start = offset[node]
        pool[top: top + degree[node]] = pool[start: start + degree[node]]
        offset[node] = top
        capacity[node] = size
        top += size
    pool[offset[node] + degree[node]] = neighbour
    degree[node] += 1
    return pool, top


@njit(cache=True)
def _is_linked(linked: np.ndarray, n_linked: int, node: int) -> bool:
    for i in range(n_linked):
        if linked[i] == node:
            return True
    return False


@njit(cache=True)
def holme_kim_kernel(n: int, m: int, triad_prob: float, rng: np.random.Generator,
                     node_type: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``networkx.powerlaw_cluster_graph(n, m, p)`` step for step; returns the edge arrays.

    Neighbours are kept in one block per node (moved to a block twice as large when full), so
    the triad step can draw a uniform neighbour and reject the ineligible ones (the source and
    the nodes it is already linked to) instead of scanning a hub's whole neighbourhood;
    rejection gives the same uniform choice among the eligible neighbours that networkx makes.
    A scan decides the rare case of a target with at most as many neighbours as can be
    ineligible, where none may be eligible. Node ids are stored with the dtype of
    ``node_type`` (int32 below 2**31 nodes halves the memory traffic of this cache-bound loop).
    """
    max_edges = m * (n - m)
    repeated = np.empty(m + 2 * max_edges, dtype=node_type.dtype)
    for i in range(m):
        repeated[i] = i
    length = m
    offset = np.zeros(n, dtype=np.int64)
    capacity = np.zeros(n, dtype=np.int64)
    degree = np.zeros(n, dtype=np.int64)
    pool = np.empty(4 * m * n // 3 + 16, dtype=node_type.dtype)
    top = 0
    edge_src = np.empty(max_edges, dtype=node_type.dtype)
    edge_dst = np.empty(max_edges, dtype=node_type.dtype)
    n_edges = 0
    table_size = _SET_MINSIZE
    while table_size <= 8 * m:
        table_size <<= 1
    table = np.empty(table_size, dtype=np.int64)
    spare = np.empty(table_size, dtype=np.int64)
    candidates = np.empty(m, dtype=np.int64)
    linked = np.empty(m + 1, dtype=np.int64)
    for source in range(m, n):
        # _random_subset: degree-proportional draws until m distinct, in a set.
        mask = _SET_MINSIZE - 1
        table[: mask + 1] = -1
        fill = 0
        while fill < m:
            mask, fill = _set_add(table, spare, mask, fill, repeated[rng.integers(0, length)])
        _set_drain(table, mask, candidates)
        # linked[0] is the source itself: never eligible for a triad.
        linked[0] = source
        n_linked = 1
        target = -1
        popped = 0
        for count in range(m):
            new_node = -1
            if count > 0 and rng.random() < triad_prob:
                # Triad formation: a uniform neighbour of target not yet linked to source.
                start, deg = offset[target], degree[target]
                if deg > n_linked:
                    while new_node < 0:
                        neighbour = pool[start + rng.integers(0, deg)]
                        if not _is_linked(linked, n_linked, neighbour):
                            new_node = neighbour
                else:
                    eligible = 0
                    for i in range(deg):
                        if not _is_linked(linked, n_linked, pool[start + i]):
                            eligible += 1
                    if eligible > 0:
                        pick = rng.integers(0, eligible)
                        for i in range(deg):
                            if not _is_linked(linked, n_linked, pool[start + i]):
                                if pick == 0:
                                    new_node = pool[start + i]
                                    break
                                pick -= 1
            if new_node < 0:
                # Preferential attachment to the next candidate (networkx pops the set).
                target = candidates[popped]
                popped += 1
                new_node = target
            repeated[length] = new_node
            length += 1
            if _is_linked(linked, n_linked, new_node):
                continue  # networkx's add_edge of an existing edge changes nothing
            linked[n_linked] = new_node
            n_linked += 1
            edge_src[n_edges] = source
            edge_dst[n_edges] = new_node
            n_edges += 1
            pool, top = _append(pool, top, offset, capacity, degree, source, new_node)
            pool, top = _append(pool, top, offset, capacity, degree, new_node, source)
        for i in range(m):
            repeated[length + i] = source
        length += m
    return edge_src[:n_edges], edge_dst[:n_edges]
