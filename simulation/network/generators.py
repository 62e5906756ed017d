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
  sequential outcome, so the distribution is exact; in practice a few sweeps suffice
  because conflicts are rare, and later sweeps examine only the steps a change can affect.
  Extra draws are made lazily, which does not change the distribution since a draw is only
  made when it is needed and is independent of everything before it.

Holme-Kim's triad step reads the graph as it stands at each step, so it runs step by step as
compiled code (``simulation.network.holme_kim``). The ring lattice and the complete graph are
not random.

References:
    Batagelj, V. & Brandes, U. (2005). Efficient generation of large random networks.
    Phys. Rev. E 71, 036113.
    Erdos, P. & Renyi, A. (1959). On random graphs I. Publ. Math. Debrecen 6, 290-297.
    Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks.
    Nature 393, 440-442.
    Barabasi, A.-L. & Albert, R. (1999). Emergence of scaling in random networks. Science 286.
    Holland, P. W., Laskey, K. B. & Leinhardt, S. (1983). Stochastic blockmodels: first steps.
    Social Networks 5, 109-137.
    Holme, P. & Kim, B. J. (2002). Growing scale-free networks with tunable clustering.
    Phys. Rev. E 65, 026107.
"""

from __future__ import annotations

import numpy as np

Edges = tuple[np.ndarray, np.ndarray]

#: Draws after which an event is asked whether any draw could be acceptable at all.
_EXHAUSTION_CHECK = 8


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

    Event i draws uniformly from ``[0, highs(i))`` (``highs`` maps an array of events to their
    bounds, or to one bound for all); ``encode`` (default: identity) maps fresh
    draws to the values stored. ``level(l, events)`` is the l-th value of each listed event: the
    first call for a level draws it for the events asked for, later calls draw only the events
    still missing. Which events get a draw depends on earlier draws, but each draw is fresh, so
    every stream is i.i.d. The first draws are one array over all events; deeper draws, which
    few events need in large graphs, are stored per level as sorted (event, value) arrays.
    """

    def __init__(self, n_events: int, highs, rng: np.random.Generator, encode=None) -> None:
        self._highs = highs
        self._rng = rng
        self._encode = encode if encode is not None else (lambda draws: draws)
        self._first = np.empty(n_events, dtype=np.int64)
        self._first_drawn = np.zeros(n_events, dtype=bool)
        self._deep: list[tuple[np.ndarray, np.ndarray]] = []

    def _draw(self, events: np.ndarray) -> np.ndarray:
        return self._encode(self._rng.integers(0, self._highs(events), size=events.size))

    def level(self, lvl: int, events: np.ndarray) -> np.ndarray:
        if lvl == 0:
            missing = events[~self._first_drawn[events]]
            if missing.size:
                self._first[missing] = self._draw(missing)
                self._first_drawn[missing] = True
            return self._first[events]
        while len(self._deep) < lvl:
            self._deep.append((np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)))
        ids, values = self._deep[lvl - 1]
        missing = events[~_contains(ids, events)]
        if missing.size:
            ids = np.concatenate([ids, missing])
            values = np.concatenate([values, self._draw(missing)])
            order = np.argsort(ids, kind="stable")
            ids, values = ids[order], values[order]
            self._deep[lvl - 1] = (ids, values)
        return values[np.searchsorted(ids, events)]

    def drawn(self, lvl: int) -> tuple[np.ndarray, np.ndarray]:
        """The events that have drawn level ``lvl`` and their values."""
        if lvl == 0:
            events = np.flatnonzero(self._first_drawn)
            return events, self._first[events]
        return self._deep[lvl - 1]

    @property
    def n_levels(self) -> int:
        """Number of levels drawn so far (for any event)."""
        return 1 + len(self._deep)


def _contains(sorted_ids: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Which ``queries`` occur in ``sorted_ids``."""
    if not sorted_ids.size:
        return np.zeros(queries.size, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_ids, queries), sorted_ids.size - 1)
    return sorted_ids[pos] == queries


def _first_acceptable(streams: _DrawStreams, events: np.ndarray, acceptable,
                      exhausted=None) -> tuple[np.ndarray, np.ndarray]:
    """For each listed event, its first draw that ``acceptable(events, draws)`` accepts.

    ``exhausted(events)``, if given, is asked about events still pending after a few draws and
    flags those for which no draw can be acceptable; they get the draw -1.

    Returns:
        The accepted draw of each event and the level (0-based) at which it was found.
    """
    chosen = np.empty(events.size, dtype=np.int64)
    level_of = np.empty(events.size, dtype=np.int32)
    pending = np.arange(events.size)
    lvl = 0
    while pending.size:
        if exhausted is not None and lvl == _EXHAUSTION_CHECK:
            stuck = exhausted(events[pending])
            chosen[pending[stuck]] = -1
            level_of[pending[stuck]] = lvl
            pending = pending[~stuck]
            if not pending.size:
                break
        draws = streams.level(lvl, events[pending])
        ok = acceptable(events[pending], draws)
        chosen[pending[ok]] = draws[ok]
        level_of[pending[ok]] = lvl
        pending = pending[~ok]
        lvl += 1
    return chosen, level_of


class _EdgeTimes:
    """Edges added so far with the time each was added, sorted by key then time.

    ``earliest_before(key, time)`` tells whether an edge with that key was added before
    ``time``. Built with one sort; later rounds of the fixed-point iteration change few
    entries and patch the arrays instead of sorting again.
    """

    def __init__(self, keys: np.ndarray, times: np.ndarray) -> None:
        # times are increasing, so a stable sort by key keeps the earliest of equal keys first.
        order = np.argsort(keys, kind="stable")
        self.keys, self.times = keys[order], times[order]

    def present_before(self, keys: np.ndarray, times: np.ndarray) -> np.ndarray:
        if not self.keys.size:
            return np.zeros(keys.size, dtype=bool)
        pos = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
        return (self.keys[pos] == keys) & (self.times[pos] < times)

    def patch(self, old_keys: np.ndarray, old_times: np.ndarray, new_keys: np.ndarray,
              new_times: np.ndarray) -> None:
        """Remove the (key, time) entries ``old_*`` and add ``new_*`` (a few of each)."""
        drop = []
        for key, time in zip(old_keys.tolist(), old_times.tolist(), strict=True):
            pos = int(np.searchsorted(self.keys, key))
            while self.times[pos] != time:
                pos += 1
            drop.append(pos)
        self.keys, self.times = np.delete(self.keys, drop), np.delete(self.times, drop)
        order = np.lexsort((new_times, new_keys))
        new_keys, new_times = new_keys[order], new_times[order]
        lo = np.searchsorted(self.keys, new_keys, side="left")
        hi = np.searchsorted(self.keys, new_keys, side="right")
        at = [a + int(np.searchsorted(self.times[a:b], t))
              for a, b, t in zip(lo.tolist(), hi.tolist(), new_times.tolist(), strict=True)]
        self.keys = np.insert(self.keys, at, new_keys)
        self.times = np.insert(self.times, at, new_times)


def watts_strogatz_edges(n: int, k: int, prob: float, rng: np.random.Generator) -> Edges:
    """Watts-Strogatz small world with the rewiring rule of ``networkx.watts_strogatz_graph``.

    Start from the ring lattice with k/2 neighbours on each side. Then, for j = 1..k/2 and each
    node u in order, with probability p the lattice edge (u, u+j mod n) is replaced by (u, w),
    w uniform over the nodes that are neither u nor a neighbour of u at that moment (if u is
    linked to everyone the edge stays, as in networkx). The number of edges stays nk/2.
    networkx draws w by rejection from all nodes; here each rewiring event (j, u) has its own
    stream of uniform draws and takes the first acceptable one, with the fixed-point iteration
    of the module docstring for the (rare) events whose acceptability depends on an earlier
    rewiring.

    Args:
        n: Number of nodes, n > k.
        k: Even number of lattice neighbours.
        prob: Rewiring probability p.
        rng: Source of randomness.

    Raises:
        ValueError: k is odd, negative or not below n.
    """
    if k % 2 or k < 0 or k >= n:
        raise ValueError(f"watts_strogatz: k = {k} with n = {n}, expected an even integer "
                         "0 <= k < n")
    half = k // 2
    # Event e = (j - 1) * n + u rewires lattice edge (u, u + j); events are in networkx's order.
    # As k < n, distinct events are distinct node pairs.
    events = bernoulli_positions(n * half, prob, rng)
    source = events % n
    streams = _DrawStreams(events.size, lambda _: n, rng)
    # chosen: the new end of each event's edge, -1 if skipped, -2 before the first sweep
    # (assumed rewired, so the first sweep sees the lattice edges of earlier events removed).
    chosen = np.full(events.size, -2, dtype=np.int64)
    level_of = np.zeros(events.size, dtype=np.int32)
    rewired = np.zeros(n * half, dtype=bool)
    rewired[events] = True
    # Edges added by rewiring are never removed (an edge to be rewired later is still in the
    # graph, so no event can choose it), so "added before t" decides presence.
    added = _EdgeTimes(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))

    def pair_key(u: np.ndarray, w: np.ndarray) -> np.ndarray:
        return np.minimum(u, w) * n + np.maximum(u, w)

    def lattice_edge_present(u: np.ndarray, w: np.ndarray, time: np.ndarray) -> np.ndarray:
        """Is the lattice edge {u, w} (if any) in the graph when event ``time`` runs?"""
        offset = (w - u) % n
        forward = (offset >= 1) & (offset <= half)
        lattice = forward | (offset >= n - half) & (offset <= n - 1)
        # The lattice edge {u, w} is removed by its own event, if that event rewires it.
        own_event = np.where(forward, (offset - 1) * n + u, (n - offset - 1) * n + w)
        own_event = np.where(lattice, own_event, 0)
        return lattice & ((own_event >= time) | ~rewired[own_event])

    def linked(u: np.ndarray, w: np.ndarray, time: np.ndarray) -> np.ndarray:
        return lattice_edge_present(u, w, time) | added.present_before(pair_key(u, w), time)

    def acceptable(idx: np.ndarray, w: np.ndarray) -> np.ndarray:
        return (w != source[idx]) & ~linked(source[idx], w, events[idx])

    def exhausted(idx: np.ndarray) -> np.ndarray:
        """Is the source linked to every other node? (only in tiny graphs; one by one)."""
        others = np.arange(n)
        return np.array([linked(np.full(n, source[e]), others, np.full(n, events[e])).sum()
                         >= n - 1 for e in idx], dtype=bool)

    pending = np.arange(events.size)
    while True:
        new_chosen, new_level = _first_acceptable(streams, pending, acceptable, exhausted)
        moved = pending[new_chosen != chosen[pending]]
        old_chosen = chosen[moved]
        chosen[pending], level_of[pending] = new_chosen, new_level
        if not moved.size:
            break
        skips_changed = np.any((old_chosen == -1) != (chosen[moved] == -1))
        rewired[events[moved]] = chosen[moved] != -1
        was, now = old_chosen >= 0, chosen[moved] >= 0
        if moved.size > 1000 or not added.keys.size:
            done = chosen >= 0
            added = _EdgeTimes(pair_key(source[done], chosen[done]), events[done])
        else:
            added.patch(pair_key(source[moved][was], old_chosen[was]), events[moved][was],
                        pair_key(source[moved][now], chosen[moved][now]), events[moved][now])
        if skips_changed:  # pragma: no cover - graphs of a few nodes: examine everything again
            pending = np.arange(events.size)
            continue
        # Only added edges changed. An event must be examined again if its accepted draw is
        # now blocked by an added edge; an event that rejected draws may have rejected one for
        # an added edge that is gone, so examine those too (a draw is rejected with
        # probability about k/n, so they are few).
        done = chosen >= 0
        blocked = np.zeros(events.size, dtype=bool)
        blocked[done] = added.present_before(pair_key(source[done], chosen[done]), events[done])
        pending = np.flatnonzero(blocked | (level_of > 0))

    # Lattice edges that stayed, one offset j at a time, straight into the output arrays.
    dtype = _index_dtype(n)
    done = chosen >= 0
    rewired = np.zeros((half, n), dtype=bool)
    rewired.reshape(-1)[events[done]] = True
    n_kept = n * half - int(done.sum())
    src = np.empty(n_kept + int(done.sum()), dtype=dtype)
    dst = np.empty_like(src)
    nodes = np.arange(n, dtype=dtype)
    filled = 0
    for j in range(1, half + 1):
        kept = nodes[~rewired[j - 1]]
        end = filled + kept.size
        src[filled:end] = kept
        np.add(kept, j, out=dst[filled:end])
        dst[filled:end][dst[filled:end] >= n] -= n
        filled = end
    src[filled:] = source[done]
    dst[filled:] = chosen[done]
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

    def encode(position: np.ndarray) -> np.ndarray:
        """List position -> ``-1 - node`` for a known node, else the target slot it copies."""
        # Past the star, block b holds the targets of node m+1+b, then m copies of that node.
        block, within = np.divmod(position - 2 * m, 2 * m)
        code = np.where(within < m, block * m + within, -2 - m - block)
        star = np.flatnonzero(position < 2 * m)  # the star's centre m times, then its leaves
        code[star] = -1 - np.maximum(position[star] - m + 1, 0)
        return code

    def resolve(codes: np.ndarray) -> np.ndarray:
        """Node of each target slot when slot i holds draw ``codes[i]`` (pointer jumping)."""
        node = np.where(codes < 0, -1 - codes, -1)
        pointer = codes.copy()
        unresolved = np.flatnonzero(codes >= 0)
        while unresolved.size:
            found = node[pointer[unresolved]]
            done = found >= 0
            node[unresolved[done]] = found[done]
            unresolved = unresolved[~done]
            pointer[unresolved] = pointer[pointer[unresolved]]
        return node

    # Node m+1+b draws from a list of length 2m(b+1); slot i belongs to node m+1+i//m.
    streams = _DrawStreams(n_new * m, lambda slot: 2 * m * (slot // m + 1), rng, encode)
    slots = np.arange(n_new * m)
    chosen = streams.level(0, slots)
    level_of = np.zeros(slots.size, dtype=np.int32)
    targets = resolve(chosen)
    pending = slots
    while pending.size:

        def acceptable(idx: np.ndarray, codes: np.ndarray, targets=targets) -> np.ndarray:
            """A draw is acceptable unless it repeats an earlier target of the same node."""
            node = np.where(codes < 0, -1 - codes, targets[np.maximum(codes, 0)])
            j = idx % m
            ok = np.ones(idx.size, dtype=bool)
            for earlier in range(m - 1):
                ok &= (j <= earlier) | (targets[idx - j + earlier] != node)
            return ok

        new, new_level = _first_acceptable(streams, pending, acceptable)
        moved = new != chosen[pending]
        chosen[pending], level_of[pending] = new, new_level
        if not moved.any():
            break
        # Re-examine only the slots whose acceptance could have changed: those with a sibling
        # whose node changed, and those with a scanned draw that copies a changed slot.
        new_targets = resolve(chosen)
        changed = new_targets != targets
        targets = new_targets
        suspect = np.repeat(changed.reshape(n_new, m).any(axis=1), m)
        for lvl in range(streams.n_levels):
            slot, codes = streams.drawn(lvl)
            scanned = (level_of[slot] >= lvl) & (codes >= 0)
            suspect[slot[scanned]] |= changed[codes[scanned]]
        pending = np.flatnonzero(suspect)
    targets = targets.reshape(n_new, m)
    src = np.concatenate([star_src, np.repeat(new_nodes, m)])
    dst = np.concatenate([star_dst, targets.reshape(-1)])
    return src.astype(dtype), dst.astype(dtype)


def holme_kim_edges(n: int, m: int, triad_prob: float, rng: np.random.Generator) -> Edges:
    """Holme-Kim clustered scale-free graph as ``networkx.powerlaw_cluster_graph(n, m, p)``.

    Start from m isolated nodes. Each new node draws m distinct candidates with probability
    proportional to degree (m isolated nodes count once each at first), links to the first,
    then for each further link, with probability p closes a triangle to a uniform neighbour of
    the last candidate it linked to that it is not yet linked to, else links to the next
    candidate. This step reads the graph as it is at that moment, so the process is run step
    by step, compiled with numba (``simulation.network.holme_kim``), which also reproduces the order
    in which networkx's ``set`` hands out the candidates.

    Args:
        n: Number of nodes, n >= m.
        m: Links made by each new node, m >= 1.
        triad_prob: Probability p of a triad-formation step.
        rng: Source of randomness.
    """
    if m < 1 or n < m:
        raise ValueError(f"holme_kim: m = {m} with n = {n}, expected 1 <= m <= n")
    from simulation.network.holme_kim import holme_kim_kernel  # numba compiles on first import

    return holme_kim_kernel(n, m, float(triad_prob), rng, np.empty(0, dtype=_index_dtype(n)))
