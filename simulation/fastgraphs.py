"""Vectorised network generators drawn from the same distributions as networkx's.

Each generator returns the graph as two integer arrays ``(src, dst)``, one entry per undirected
edge, ready for :func:`simulation.network.adjacency_from_edges`; no Python object is made per node
or edge. The target distribution of each is that of a networkx 3.x generator, named in its
docstring, including networkx's quirks (the star seed graph of ``barabasi_albert_graph``, the
rejection rule of ``watts_strogatz_graph``), so that a model run gives the same results in
distribution whichever path built its graph; ``tests/test_fastgraphs.py`` checks this.

Two ideas carry the random generators:

* Independent edges (Erdos-Renyi, stochastic block model) are a Bernoulli process over the
  enumerated node pairs, drawn as geometric gaps between successes (Batagelj & Brandes 2005,
  algorithm 1, the method of ``networkx.fast_gnp_random_graph``), all gaps at once.
* Sequential processes (Watts-Strogatz rewiring, preferential attachment) are written as
  "each step takes the first acceptable draw from its own stream of uniform draws", where
  whether a draw is acceptable depends only on earlier steps. All first draws are made at once;
  the rare conflicts between steps are then resolved by a fixed-point iteration in which every
  step re-reads the earlier steps' current choices. The fixed point is unique (the steps form a
  chain in time, so the choice of step 1 is settled first, then step 2, ...) and equals the
  sequential outcome, so the distribution is exact; in practice two to four sweeps suffice
  because conflicts are rare. Extra draws are made lazily, which does not change the
  distribution since a draw is only made when it is needed and is independent of everything
  before it.

References:
    Batagelj, V. & Brandes, U. (2005). Efficient generation of large random networks.
    Phys. Rev. E 71, 036113.
    Erdos, P. & Renyi, A. (1959). On random graphs I. Publ. Math. Debrecen 6, 290-297.
    Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks.
    Nature 393, 440-442.
    Barabasi, A.-L. & Albert, R. (1999). Emergence of scaling in random networks. Science 286.
    Holland, P. W., Laskey, K. B. & Leinhardt, S. (1983). Stochastic blockmodels: first steps.
    Social Networks 5, 109-137.
"""

from __future__ import annotations

import numpy as np

Edges = tuple[np.ndarray, np.ndarray]

#: An event needing more fresh draws than this is treated as a bug, not waited for: with the
#: size limits of the generators below the chance of reaching it is below 2**-64.
_MAX_DRAWS = 64


def _index_dtype(n: int) -> type[np.signedinteger]:
    return np.int32 if n < 2**31 else np.int64


def bernoulli_positions(total: int, prob: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions in ``[0, total)``, each included independently with probability ``prob``.

    The gaps between successive successes of a Bernoulli process are geometric, so the positions
    are the cumulative sums of geometric draws (Batagelj & Brandes 2005, algorithm 1); the cost
    is proportional to the number of successes, not to ``total``.

    Args:
        total: Number of trials (may exceed memory, e.g. the n(n-1)/2 node pairs of a graph).
        prob: Success probability of each trial, in [0, 1].
        rng: Source of randomness.

    Returns:
        int64 array of the successful trial indices, increasing.
    """
    if total <= 0 or prob <= 0.0:
        return np.empty(0, dtype=np.int64)
    if prob >= 1.0:
        return np.arange(total, dtype=np.int64)
    chunks = []
    last = -1
    expected = total * prob
    while last < total - 1:
        size = int(expected + 6.0 * np.sqrt(expected) + 64)
        positions = last + np.cumsum(rng.geometric(prob, size=size))
        chunks.append(positions)
        last = int(positions[-1])
        expected = max((total - 1 - last) * prob, 0.0)
    positions = np.concatenate(chunks)
    return positions[: np.searchsorted(positions, total)]


def _unrank_pairs(rank: np.ndarray) -> Edges:
    """Node pairs ``u < v`` of the colexicographic ranks ``rank = v(v-1)/2 + u``."""
    v = ((1.0 + np.sqrt(1.0 + 8.0 * rank.astype(np.float64))) // 2).astype(np.int64)
    # Floating point may be one off near perfect triangular numbers: correct exactly.
    v -= v * (v - 1) // 2 > rank
    v += (v + 1) * v // 2 <= rank
    return rank - v * (v - 1) // 2, v


def erdos_renyi_edges(n: int, prob: float, rng: np.random.Generator) -> Edges:
    """G(n, p): each of the n(n-1)/2 node pairs is an edge independently with probability p.

    Same distribution as ``networkx.fast_gnp_random_graph(n, p)``.
    """
    u, v = _unrank_pairs(bernoulli_positions(n * (n - 1) // 2, prob, rng))
    dtype = _index_dtype(n)
    return u.astype(dtype), v.astype(dtype)


def complete_edges(n: int) -> Edges:
    """All n(n-1)/2 pairs (``networkx.complete_graph``)."""
    u, v = np.triu_indices(n, k=1)
    dtype = _index_dtype(n)
    return u.astype(dtype), v.astype(dtype)


def ring_lattice_edges(n: int, k: int) -> Edges:
    """Each node linked to its k/2 nearest neighbours on each side of a ring.

    Identical to ``networkx.circulant_graph(n, range(1, k // 2 + 1))`` (duplicates, which occur
    when k >= n, are left for ``adjacency_from_edges`` to drop).
    """
    dtype = _index_dtype(n)
    nodes = np.arange(n, dtype=np.int64)
    src = np.tile(nodes, k // 2)
    dst = (src + np.repeat(np.arange(1, k // 2 + 1, dtype=np.int64), n)) % n
    return src.astype(dtype), dst.astype(dtype)


def stochastic_block_edges(sizes: np.ndarray, probs: np.ndarray,
                           rng: np.random.Generator) -> Edges:
    """Stochastic block model: nodes in consecutive blocks, pairs linked independently.

    A pair of nodes in blocks a and b is an edge with probability ``probs[a, b]``; nodes are
    numbered block by block as in ``networkx.stochastic_block_model(sizes, probs)`` (undirected,
    no self-loops), which has the same distribution.

    Args:
        sizes: Number of nodes in each block.
        probs: Symmetric matrix of link probabilities between blocks.
        rng: Source of randomness.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    probs = np.asarray(probs, dtype=np.float64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    src_parts, dst_parts = [], []
    # A loop over block pairs, not nodes: a handful of iterations.
    for a in range(sizes.size):
        for b in range(a, sizes.size):
            if a == b:
                u, v = _unrank_pairs(
                    bernoulli_positions(sizes[a] * (sizes[a] - 1) // 2, probs[a, a], rng))
            else:
                rank = bernoulli_positions(sizes[a] * sizes[b], probs[a, b], rng)
                u, v = rank // sizes[b], rank % sizes[b]
            src_parts.append(u + offsets[a])
            dst_parts.append(v + offsets[b])
    dtype = _index_dtype(int(offsets[-1]))
    return (np.concatenate(src_parts).astype(dtype), np.concatenate(dst_parts).astype(dtype))


class _DrawStreams:
    """Per-event streams of uniform integer draws, made lazily level by level.

    ``level(l, events)`` is the l-th draw of each listed event: the first call for a level draws
    it for the events asked for, later calls draw only the events still missing. Which events
    get a draw depends on earlier draws, but each draw is fresh, so every stream is i.i.d.
    """

    def __init__(self, highs: np.ndarray, rng: np.random.Generator) -> None:
        self._highs = highs
        self._rng = rng
        self._levels: list[np.ndarray] = []

    def level(self, lvl: int, events: np.ndarray) -> np.ndarray:
        if lvl >= _MAX_DRAWS:
            raise RuntimeError(f"fastgraphs: an event needed more than {_MAX_DRAWS} draws; "
                               "the graph is too small or dense for the fast generator")
        while len(self._levels) <= lvl:
            self._levels.append(np.full(self._highs.size, -1, dtype=np.int64))
        values = self._levels[lvl]
        missing = events[values[events] < 0]
        if missing.size:
            values[missing] = self._rng.integers(0, self._highs[missing])
        return values[events]


def _first_acceptable(streams: _DrawStreams, n_events: int, acceptable) -> tuple[np.ndarray,
                                                                                  np.ndarray]:
    """For every event, its first draw that ``acceptable(events, draws)`` accepts.

    Returns:
        The accepted draw of each event and the level (0-based) at which it was found.
    """
    chosen = np.empty(n_events, dtype=np.int64)
    level_of = np.empty(n_events, dtype=np.int64)
    pending = np.arange(n_events)
    lvl = 0
    while pending.size:
        draws = streams.level(lvl, pending)
        ok = acceptable(pending, draws)
        chosen[pending[ok]] = draws[ok]
        level_of[pending[ok]] = lvl
        pending = pending[~ok]
        lvl += 1
    return chosen, level_of


def _earliest_by_key(keys: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys (sorted) and, for each, the smallest time with that key."""
    order = np.lexsort((times, keys))
    sorted_keys = keys[order]
    first = np.ones(sorted_keys.size, dtype=bool)
    first[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return sorted_keys[first], times[order][first]


def watts_strogatz_edges(n: int, k: int, prob: float, rng: np.random.Generator) -> Edges:
    """Watts-Strogatz small world with the rewiring rule of ``networkx.watts_strogatz_graph``.

    Start from the ring lattice with k/2 neighbours on each side. Then, for j = 1..k/2 and each
    node u in order, with probability p the lattice edge (u, u+j mod n) is replaced by (u, w),
    w uniform over the nodes that are neither u nor a neighbour of u at that moment. The
    number of edges stays nk/2. networkx draws w by rejection from all nodes; here each
    rewiring event (j, u) has its own stream of uniform draws and takes the first acceptable
    one, with the fixed-point iteration of the module docstring for the (rare) events whose
    acceptability depends on an earlier rewiring.

    Args:
        n: Number of nodes; must exceed 2k so that degrees stay far below n - 1 (networkx's
            skip rule for a node linked to everyone never applies).
        k: Even number of lattice neighbours.
        prob: Rewiring probability p.
        rng: Source of randomness.

    Raises:
        ValueError: k is odd or not below n / 2.
    """
    if k % 2 or k < 0:
        raise ValueError(f"watts_strogatz: k = {k}, expected a non-negative even integer")
    if 2 * k >= n:
        raise ValueError(f"watts_strogatz: k = {k} with n = {n}, expected k < n / 2 for the "
                         "fast generator (use networkx for dense graphs)")
    half = k // 2
    # Event e = (j - 1) * n + u rewires lattice edge (u, u + j); events are in networkx's order.
    events = bernoulli_positions(n * half, prob, rng)
    source = events % n
    rewired = np.zeros(n * half, dtype=bool)
    rewired[events] = True

    def lattice_edge_present(u: np.ndarray, w: np.ndarray, time: np.ndarray) -> np.ndarray:
        """Is the lattice edge {u, w} (if any) still in the graph when event ``time`` runs?"""
        offset = (w - u) % n
        forward = (offset >= 1) & (offset <= half)
        backward = (offset >= n - half) & (offset <= n - 1)
        lattice = forward | backward
        # The lattice edge {u, w} is removed by its own event, if that event rewires it.
        own_event = np.where(forward, (offset - 1) * n + u, (n - offset - 1) * n + w)
        own_event = np.where(lattice, own_event, 0)
        return lattice & ((own_event >= time) | ~rewired[own_event])

    streams = _DrawStreams(np.full(events.size, n, dtype=np.int64), rng)
    chosen: np.ndarray | None = None
    while True:
        if chosen is None:
            known_keys = np.empty(0, dtype=np.int64)
            known_times = np.empty(0, dtype=np.int64)
        else:
            # Edges added by rewiring are never removed (an edge to be rewired later is still
            # in the graph, so no event can choose it), so "added before t" decides presence.
            lo, hi = np.minimum(source, chosen), np.maximum(source, chosen)
            known_keys, known_times = _earliest_by_key(lo * n + hi, events)

        def acceptable(idx: np.ndarray, w: np.ndarray, known_keys=known_keys,
                       known_times=known_times) -> np.ndarray:
            u, time = source[idx], events[idx]
            ok = (w != u) & ~lattice_edge_present(u, w, time)
            if known_keys.size:
                key = np.minimum(u, w) * n + np.maximum(u, w)
                pos = np.minimum(np.searchsorted(known_keys, key), known_keys.size - 1)
                ok &= ~((known_keys[pos] == key) & (known_times[pos] < time))
            return ok

        new_chosen, _ = _first_acceptable(streams, events.size, acceptable)
        if chosen is not None and np.array_equal(new_chosen, chosen):
            break
        chosen = new_chosen

    dtype = _index_dtype(n)
    kept = np.flatnonzero(~rewired)
    lattice_src = kept % n
    lattice_dst = (lattice_src + kept // n + 1) % n
    src = np.concatenate([lattice_src, source]).astype(dtype)
    dst = np.concatenate([lattice_dst, chosen]).astype(dtype)
    return src, dst


def barabasi_albert_edges(n: int, m: int, rng: np.random.Generator) -> Edges:
    """Barabasi-Albert preferential attachment as in ``networkx.barabasi_albert_graph(n, m)``.

    The seed graph is a star on nodes 0..m. Each new node s = m+1, ..., n-1 links to m distinct
    existing nodes, each drawn with probability proportional to its degree; networkx draws
    uniformly from a list holding every node once per incident edge and rejects repeats.

    The list (Batagelj & Brandes 2005, algorithm 5) grows by exactly 2m entries per new node
    (its m targets, then m copies of itself), so the length L_s = 2m(s - m) it has when node s
    draws is known in advance. Every draw is therefore a uniform position in [0, L_s) made up
    front, and its node is found by following positions that hold an earlier node's target to
    the draw that filled them (pointer jumping, O(log) sweeps). A draw repeating an earlier
    target of the same node is replaced by the next draw of its stream (fixed-point iteration,
    module docstring).

    Args:
        n: Number of nodes, n > m.
        m: Edges attached from each new node, m >= 1.
        rng: Source of randomness.
    """
    if m < 1 or m >= n:
        raise ValueError(f"barabasi_albert: m = {m} with n = {n}, expected 1 <= m < n")
    dtype = _index_dtype(n)
    star_src = np.zeros(m, dtype=np.int64)
    star_dst = np.arange(1, m + 1, dtype=np.int64)
    n_new = n - m - 1
    if n_new <= 0:
        return star_src.astype(dtype), star_dst.astype(dtype)
    new_nodes = np.arange(m + 1, n, dtype=np.int64)
    # Target slot (b, j): the j-th target of new node m + 1 + b, flat index b * m + j.
    list_length = np.repeat(2 * m * (new_nodes - m), m)
    streams = _DrawStreams(list_length, rng)

    def decode(position: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Node at list positions: (known node or -1, target slot it copies or -1)."""
        star = position < 2 * m
        rest = position - 2 * m
        block, within = rest // (2 * m), rest % (2 * m)
        star_node = np.where(position < m, 0, position - m + 1)
        node = np.where(star, star_node, np.where(within >= m, m + 1 + block, -1))
        slot = np.where(node < 0, block * m + within, -1)
        return node, slot

    def resolve(position: np.ndarray) -> np.ndarray:
        """Node of each target slot when slot i holds list position ``position[i]``."""
        node, pointer = decode(position)
        unresolved = np.flatnonzero(node < 0)
        while unresolved.size:
            target = pointer[unresolved]
            found = node[target]
            done = found >= 0
            node[unresolved[done]] = found[done]
            unresolved = unresolved[~done]
            pointer[unresolved] = pointer[pointer[unresolved]]
        return node

    chosen = streams.level(0, np.arange(n_new * m))
    while True:
        targets = resolve(chosen).reshape(n_new, m)

        def acceptable(idx: np.ndarray, position: np.ndarray, targets=targets) -> np.ndarray:
            node, slot = decode(position)
            node = np.where(node < 0, targets.reshape(-1)[np.maximum(slot, 0)], node)
            block, j = idx // m, idx % m
            ok = np.ones(idx.size, dtype=bool)
            for earlier in range(m - 1):
                ok &= ~((earlier < j) & (targets[block, earlier] == node))
            return ok

        new_chosen, _ = _first_acceptable(streams, n_new * m, acceptable)
        if np.array_equal(new_chosen, chosen):
            break
        chosen = new_chosen
    src = np.concatenate([star_src, np.repeat(new_nodes, m)])
    dst = np.concatenate([star_dst, targets.reshape(-1)])
    return src.astype(dtype), dst.astype(dtype)
