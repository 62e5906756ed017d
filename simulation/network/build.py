"""Drawing the network of a model's parameters from the model's network stream."""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp

from simulation.network import generators
from simulation.network.edge_list import read_edge_list
from simulation.network.graph import SocialNetwork, _from_networkx, adjacency_from_edges
from simulation.params import Params


def community_membership(privacy_concern: np.ndarray, n_communities: int, homophily: float,
                         rng: np.random.Generator) -> np.ndarray:
    """Assign citizens to equal-sized communities with homophily in privacy concern.

    Citizens are ranked by ``h * z_i + sqrt(1 - h^2) * e_i`` with ``z_i`` the standardised log
    privacy concern and ``e_i ~ N(0, 1)``, and cut into ``n_communities`` consecutive blocks:
    ``h = 0`` gives random membership, ``h = 1`` sorts communities by concern.
    """
    log_v = np.log(privacy_concern.astype(np.float64))
    spread = log_v.std()
    z = (log_v - log_v.mean()) / spread if spread > 0 else np.zeros_like(log_v)
    key = homophily * z + np.sqrt(1.0 - homophily**2) * rng.standard_normal(z.size)
    order = np.argsort(key, kind="stable")
    community = np.empty(z.size, dtype=np.int32)
    community[order] = np.arange(z.size) * n_communities // z.size
    return community


#: Random kinds with at least this many nodes are drawn by the vectorised generators of
#: :mod:`simulation.network.generators`; smaller ones by networkx's own generators (same
#: distributions; see docs/networks.md for why small graphs keep networkx).
FAST_MIN_NODES = 10_000


def build_network(params: Params, rng: np.random.Generator,
                  privacy_concern: np.ndarray | None = None) -> SocialNetwork:
    """Draw the network of ``params.network`` from ``rng``.

    Below :data:`FAST_MIN_NODES` nodes the random kinds come from networkx's generators, seeded
    with one integer drawn from ``rng``, so a small graph can be rebuilt in networkx alone. From
    :data:`FAST_MIN_NODES` on they come from :mod:`simulation.network.generators`, which draws from
    ``rng`` directly and has the same distributions. The ring lattice and the complete graph
    are not random and are always built directly as arrays.

    Args:
        params: Model parameters (kind, size, degree and kind-specific fields).
        rng: Generator for this network alone.
        privacy_concern: Needed for the stochastic block model's homophily.

    Raises:
        NetworkFileError: The edge-list file cannot be read or parsed.
        ValueError: ``privacy_concern`` is missing for the stochastic block model.
    """
    kind, n, z = params.network, params.n_citizens, params.mean_degree
    if kind == "edge_list":
        src, dst, labels = read_edge_list(params.edge_list)
        return SocialNetwork(adjacency_from_edges(len(labels), src, dst), labels=labels)
    if kind == "ring_lattice":
        return SocialNetwork(adjacency_from_edges(n, *generators.ring_lattice_edges(n, int(z))))
    if kind == "complete":
        return SocialNetwork(adjacency_from_edges(n, *generators.complete_edges(n)))
    fast = n >= FAST_MIN_NODES
    seed = None if fast else int(rng.integers(2**32))
    if kind == "stochastic_block":
        if privacy_concern is None:
            raise ValueError("stochastic_block: privacy concern is needed for homophily")
        community = community_membership(privacy_concern, params.n_communities,
                                         params.privacy_homophily, rng)
        return SocialNetwork(_stochastic_block(community, params, rng if fast else seed),
                             community=community)
    if fast:
        return SocialNetwork(adjacency_from_edges(n, *_fast_edges(params, rng)))
    if kind == "erdos_renyi":
        graph = nx.fast_gnp_random_graph(n, z / (n - 1), seed=seed)
    elif kind == "watts_strogatz":
        graph = nx.watts_strogatz_graph(n, int(z), params.rewiring_prob, seed=seed)
    elif kind == "barabasi_albert":
        graph = nx.barabasi_albert_graph(n, int(z) // 2, seed=seed)
    elif kind == "holme_kim":
        graph = nx.powerlaw_cluster_graph(n, int(z) // 2, params.triad_prob, seed=seed)
    else:  # pragma: no cover - Params rejects unknown kinds
        raise ValueError(f"network: unknown kind {kind!r}")
    return SocialNetwork(_from_networkx(graph, n))


def _fast_edges(params: Params, rng: np.random.Generator) -> generators.Edges:
    """Edge arrays of a random kind from the vectorised generators."""
    kind, n, z = params.network, params.n_citizens, params.mean_degree
    if kind == "erdos_renyi":
        return generators.erdos_renyi_edges(n, z / (n - 1), rng)
    if kind == "watts_strogatz":
        return generators.watts_strogatz_edges(n, int(z), params.rewiring_prob, rng)
    if kind == "barabasi_albert":
        return generators.barabasi_albert_edges(n, int(z) // 2, rng)
    if kind == "holme_kim":
        return generators.holme_kim_edges(n, int(z) // 2, params.triad_prob, rng)
    raise ValueError(f"network: unknown kind {kind!r}")  # pragma: no cover


def block_probabilities(community: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Block sizes and link probabilities of the planted-partition block model.

    Within block b the link probability is ``(1 - s) z / (n_b - 1)``, between blocks
    ``s z / mean(N - n_b)`` with s = ``between_share``, so a citizen has z ties in expectation,
    a share s of them outside its community (both capped at probability 1).

    Returns:
        Sizes (int64, one per block) and the symmetric matrix of probabilities.
    """
    n, blocks, z = params.n_citizens, params.n_communities, params.mean_degree
    sizes = np.bincount(community, minlength=blocks)
    inside = np.maximum(sizes - 1, 1).astype(float)
    outside = np.maximum(n - sizes, 1).astype(float)
    p_in = np.minimum((1 - params.between_share) * z / inside, 1.0)
    p_out = min(params.between_share * z / outside.mean(), 1.0) if blocks > 1 else 0.0
    probs = np.full((blocks, blocks), p_out)
    np.fill_diagonal(probs, p_in)
    return sizes.astype(np.int64), probs


def _stochastic_block(community: np.ndarray, params: Params,
                      source: int | np.random.Generator) -> sp.csr_array:
    """Block model edges from networkx (integer seed) or the fast generator (a Generator)."""
    sizes, probs = block_probabilities(community, params)
    if isinstance(source, np.random.Generator):
        src, dst = generators.stochastic_block_edges(sizes, probs, source)
    else:
        graph = nx.stochastic_block_model(sizes.tolist(), probs.tolist(), seed=source)
        edges = np.array(list(graph.edges()), dtype=np.int64).reshape(-1, 2)
        src, dst = edges[:, 0], edges[:, 1]
    # Both number nodes block by block; map them back to the citizens of each block.
    citizens = np.argsort(community, kind="stable")
    return adjacency_from_edges(params.n_citizens, citizens[src], citizens[dst])
