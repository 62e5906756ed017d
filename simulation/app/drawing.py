"""Where the network's citizens are drawn: which of them, and at which positions.

The layout is chosen by the network's kind so that its structure shows, not a hairball:

* ring-based kinds (Watts-Strogatz, ring lattice) number their citizens around the ring, so
  they are drawn on a circle in that order: the lattice is the ring, the rewired shortcuts are
  the chords across it (the picture of Watts & Strogatz 1998, Fig. 1);
* the stochastic block model's communities are drawn as separate discs on a circle, each
  laid out by force-directed placement on its own, so the dense blocks and the few links
  between them stand out;
* every other kind gets a force-directed (Fruchterman-Reingold) layout.

Above :data:`DRAW_LIMIT` citizens a snowball sample is drawn. The drawing has its own random
generator, so it never consumes the model's random numbers.

References:
    Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by force-directed placement.
    Software: Practice and Experience 21(11), 1129-1164.
    Goodman, L. A. (1961). Snowball sampling. Ann. Math. Stat. 32(1), 148-170.
    Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks.
    Nature 393, 440-442.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

#: Citizens drawn at most; larger populations are drawn as a snowball sample of this size.
DRAW_LIMIT = 1000
#: Fruchterman-Reingold iterations of the layout (computed once per model).
LAYOUT_ITERATIONS = 50
#: Kinds whose citizens are numbered around a ring, drawn on a circle in that order.
RING_KINDS = ("watts_strogatz", "ring_lattice")


@dataclass(frozen=True, eq=False)
class NetworkDrawing:
    """A fixed picture of the network.

    Attributes:
        nodes: Indices of the drawn citizens (all of them up to :data:`DRAW_LIMIT`).
        x, y: Their positions, rounded to 4 decimals, in [-1, 1].
        edges: Pairs (row, column) of positions in ``nodes`` linked by an edge, shape (m, 2).
        n_total: Number of citizens in the model.
        layout: How the positions were computed: ``"ring"``, ``"communities"`` or ``"force"``.
    """

    nodes: np.ndarray
    x: list[float]
    y: list[float]
    edges: np.ndarray
    n_total: int
    layout: str = "force"

    @property
    def sampled(self) -> bool:
        """Whether only part of the population is drawn."""
        return self.nodes.size < self.n_total

    @cached_property
    def backdrop_path(self) -> str:
        """The edges as one SVG path ``M x_i,y_i L x_j,y_j ...`` (made once per drawing)."""
        x, y = self.x, self.y
        return "".join(f"M{x[i]},{y[i]}L{x[j]},{y[j]}" for i, j in self.edges.tolist())


def snowball_sample(adjacency: sp.csr_array, size: int, rng: np.random.Generator,
                    n_roots: int = 8) -> np.ndarray:
    """Nodes reached by breadth-first search from ``n_roots`` random roots, ``size`` at most.

    A snowball keeps each sampled citizen's neighbourhood (a uniform sample of 1,000 of 10,000
    on a degree-8 graph keeps under one edge per node), so local clusters of disclosure stay
    visible (Goodman 1961).
    """
    n = adjacency.shape[0]
    if size >= n:
        return np.arange(n)
    chosen = np.zeros(n, dtype=bool)
    frontier = rng.choice(n, size=min(n_roots, size), replace=False)
    chosen[frontier] = True
    count = frontier.size
    indptr, indices = adjacency.indptr, adjacency.indices
    while count < size:
        if frontier.size == 0:  # the components of the roots are exhausted: new root
            frontier = rng.choice(np.flatnonzero(~chosen), size=1)
            chosen[frontier] = True
            count += 1
            continue
        reached = np.unique(np.concatenate([indices[indptr[i]:indptr[i + 1]] for i in frontier]))
        reached = reached[~chosen[reached]]
        rng.shuffle(reached)
        reached = reached[:size - count]
        chosen[reached] = True
        count += reached.size
        frontier = reached
    return np.flatnonzero(chosen)


def _fit(pos: np.ndarray) -> np.ndarray:
    """Centre positions on 0 and scale them into [-1, 1]."""
    pos = pos - pos.mean(axis=0) if pos.size else pos
    extent = np.abs(pos).max() if pos.size else 0.0
    return pos / extent if extent > 0 else pos


def force_layout(adjacency: sp.csr_array, rng: np.random.Generator,
                 iterations: int = LAYOUT_ITERATIONS, gravity: float = 0.1) -> np.ndarray:
    """Fruchterman-Reingold positions, vectorised over all pairs; shape (n, 2) in [-1, 1].

    The start is a jittered circle in node order. Each iteration moves node i by at most the
    temperature t (cooling linearly from 0.1) along
    ``sum_j (x_i - x_j) / d_ij * (k^2 / d_ij - A_ij d_ij^2 / k)`` with k = sqrt(1/n): repulsion
    between all pairs, attraction along edges, plus a pull of strength ``gravity`` toward the
    centre so that isolated nodes stay in view. Dense O(n^2) per iteration: meant for the
    at most :data:`DRAW_LIMIT` drawn nodes (about 0.3 s at 1,000).
    """
    n = adjacency.shape[0]
    linked = adjacency.toarray().astype(np.float32)
    angle = 2 * np.pi * np.arange(n) / max(n, 1)
    pos = (0.5 + 0.5 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
           + 0.02 * rng.standard_normal((n, 2))).astype(np.float32)
    k = np.float32(np.sqrt(1.0 / max(n, 1)))
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = np.maximum(dx * dx + dy * dy, np.float32(1e-4))
        force = k * k / d2 - linked * np.sqrt(d2) / k
        move = np.stack([(force * dx).sum(axis=1), (force * dy).sum(axis=1)], axis=1)
        move -= gravity * (pos - pos.mean(axis=0))
        length = np.maximum(np.hypot(move[:, 0], move[:, 1]), 0.01)
        pos += move * (temperature / length)[:, None]
        temperature -= cooling
    return _fit(pos.astype(np.float64))


def ring_layout(nodes: np.ndarray, n_total: int) -> np.ndarray:
    """Citizens on the unit circle at angle 2 pi i / N by their number i; shape (n, 2).

    A sample keeps each drawn citizen's place on the ring, so arcs of neighbours stay arcs.
    """
    angle = 2 * np.pi * nodes / max(n_total, 1)
    return np.stack([np.cos(angle), np.sin(angle)], axis=1)


def community_layout(adjacency: sp.csr_array, community: np.ndarray,
                     rng: np.random.Generator) -> np.ndarray:
    """Each community a disc of radius ~ sqrt(size), its centre on a circle; shape (n, 2).

    Inside a disc the community is laid out by :func:`force_layout` on its own links; the
    discs are ordered by community number and spaced so that they do not overlap.
    """
    labels, sizes = np.unique(community, return_counts=True)
    if labels.size < 2:
        return force_layout(adjacency, rng)
    radius = np.sqrt(sizes / sizes.max())
    # Centres on a circle large enough that neighbouring discs keep a gap between them.
    ring = 1.25 * radius.max() / np.sin(np.pi / labels.size)
    pos = np.empty((community.size, 2))
    for b, (label, r) in enumerate(zip(labels, radius, strict=True)):
        members = np.flatnonzero(community == label)
        inner = force_layout(adjacency[members][:, members], rng) * r
        angle = 2 * np.pi * b / labels.size
        pos[members] = inner + ring * np.array([np.cos(angle), np.sin(angle)])
    return _fit(pos)


def network_drawing(adjacency: sp.csr_array, kind: str = "", community: np.ndarray | None = None,
                    limit: int = DRAW_LIMIT, seed: int = 0) -> NetworkDrawing:
    """Choose the drawn citizens and lay them out by the network's kind (see the module).

    Args:
        adjacency: The network's adjacency matrix (CSR, symmetric).
        kind: The network kind (``Params.network``); chooses the layout.
        community: Community of each citizen (the block model's), or None.
        limit: Citizens drawn at most (a snowball sample above it).
        seed: Seed of the drawing's own generator (sample and layout).
    """
    rng = np.random.default_rng(seed)
    n_total = adjacency.shape[0]
    nodes = snowball_sample(adjacency, limit, rng)
    sub = adjacency[nodes][:, nodes]
    if kind in RING_KINDS:
        layout, pos = "ring", ring_layout(nodes, n_total)
    elif community is not None:
        layout, pos = "communities", community_layout(sub, np.asarray(community)[nodes], rng)
    else:
        layout, pos = "force", force_layout(sub, rng)
    pos = np.round(pos, 4)
    coo = sp.triu(sub, k=1).tocoo()
    edges = np.column_stack([coo.row, coo.col]).astype(np.int64)
    return NetworkDrawing(nodes, pos[:, 0].tolist(), pos[:, 1].tolist(), edges, n_total, layout)
