"""The social network: built once per model, stored as a symmetric CSR adjacency matrix.

Every kind is drawn from the network stream of the model's random generator, so the same
``rng`` gives the same graph (unlike Mesa's own ``VirusOnNetwork``, whose graph is unseeded).
Small random graphs come from networkx's generators, large ones (from :data:`FAST_MIN_NODES`
nodes) from the vectorised generators of :mod:`simulation.fastgraphs`, which have the same
distributions (docs/networks.md). The rules read neighbours through the CSR matrix only; a
networkx graph is made on demand for drawing (``DisclosureModel.graph``) and is never on the
path of a step.

References:
    Erdos, P. & Renyi, A. (1959). On random graphs I. Publ. Math. Debrecen 6, 290-297.
    Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks.
    Nature 393, 440-442.
    Barabasi, A.-L. & Albert, R. (1999). Emergence of scaling in random networks. Science 286.
    Holme, P. & Kim, B. J. (2002). Growing scale-free networks with tunable clustering.
    Phys. Rev. E 65, 026107.
    Holland, P. W., Laskey, K. B. & Leinhardt, S. (1983). Stochastic blockmodels: first steps.
    Social Networks 5, 109-137.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp

from simulation import fastgraphs
from simulation.params import Params


class NetworkFileError(ValueError):
    """An edge-list file that cannot be read or parsed."""


@dataclass(frozen=True)
class SocialNetwork:
    """The network of a model run.

    Attributes:
        adjacency: Symmetric 0/1 ``scipy.sparse.csr_array`` (float32 data, int32 indices),
            no self-loops; row i lists the neighbours of citizen i.
        community: Community of each citizen (stochastic block model), else ``None``.
        labels: Original node labels of an edge-list file (row i is ``labels[i]``), else ``None``.
    """

    adjacency: sp.csr_array
    community: np.ndarray | None = None
    labels: tuple[str, ...] | None = None

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return self.adjacency.shape[0]

    @property
    def degree(self) -> np.ndarray:
        """Degree of each node (int64)."""
        return np.diff(self.adjacency.indptr).astype(np.int64)

    def to_networkx(self) -> nx.Graph:
        """A networkx graph with nodes 0..N-1, for drawing and analysis (not for large N)."""
        graph = nx.Graph()
        graph.add_nodes_from(range(self.n_nodes))
        coo = sp.triu(self.adjacency, k=1).tocoo()
        graph.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))
        return graph


#: Edge lists at least this long are assembled by compiled code (``simulation._csr``), which
#: needs no temporaries beyond the result (at 10^7 nodes: 1 s instead of 4 s, 1.1 GB less);
#: shorter ones by scipy, which is as fast there without importing numba.
COMPILED_MIN_EDGES = 10_000_000


def adjacency_from_edges(n: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_array:
    """Symmetric CSR adjacency from an edge list; drops self-loops and duplicate edges.

    Args:
        n: Number of nodes; node labels are 0..n-1.
        src: One end of each edge (any integer dtype).
        dst: The other end.

    Returns:
        ``scipy.sparse.csr_array`` of shape (n, n), float32 ones, int32 indices (int64 only
        beyond 2**31 entries), sorted column indices in each row.
    """
    index = np.int32 if max(n, 2 * np.size(src)) < 2**31 else np.int64
    src = np.asarray(src)
    dst = np.asarray(dst)
    if src.size >= COMPILED_MIN_EDGES:
        from simulation._csr import csr_from_edges  # numba: imported only for large graphs

        indptr, indices = csr_from_edges(n, np.ascontiguousarray(src), np.ascontiguousarray(dst),
                                         np.empty(0, dtype=index))
        csr = sp.csr_array((np.ones(indices.size, dtype=np.float32), indices, indptr),
                           shape=(n, n))
        csr.has_canonical_format = True
        return csr
    keep = src != dst
    if not keep.all():
        src, dst = src[keep], dst[keep]
    # Each undirected edge is stored in both rows. Two counting sorts (COO -> CSR -> CSC) give
    # every row's indices in order without a comparison sort: COO -> CSR keeps the input
    # order within rows (scipy would sort them, and sum duplicates, unless told the input is
    # canonical), CSR -> CSC emits each column's rows in increasing order, and as the matrix
    # is symmetric its CSC arrays are its CSR arrays.
    rows = np.concatenate([src, dst]).astype(index, copy=False)
    cols = np.concatenate([dst, src]).astype(index, copy=False)
    del src, dst, keep
    matrix = sp.coo_array((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(n, n))
    del rows, cols
    matrix.has_canonical_format = True
    by_row = matrix.tocsr()
    del matrix
    by_col = by_row.tocsc()
    del by_row
    csr = sp.csr_array((by_col.data, by_col.indices, by_col.indptr), shape=(n, n))
    del by_col
    indices, indptr = csr.indices, csr.indptr
    repeated = indices[1:] == indices[:-1]
    row_starts = indptr[1:-1]
    # The last entry of a row against the first of the next is no repeat.
    repeated[row_starts[(row_starts > 0) & (row_starts < indices.size)] - 1] = False
    if repeated.any():  # a repeated edge: merge (indices are sorted, so this is one pass)
        csr.has_sorted_indices = True
        csr.sum_duplicates()
        csr.data[:] = 1.0
    if csr.indices.dtype != index:
        csr.indices = csr.indices.astype(index)
        csr.indptr = csr.indptr.astype(index)
    return csr


def _from_networkx(graph: nx.Graph, n: int) -> sp.csr_array:
    edges = np.array(list(graph.edges()), dtype=np.int64).reshape(-1, 2)
    return adjacency_from_edges(n, edges[:, 0], edges[:, 1])


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


def read_edge_list(path: str | Path) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Read a whitespace-separated edge list; nodes are numbered in order of first appearance.

    Lines are ``u v`` or ``u v weight`` (the weight is ignored); blank lines and text after
    ``#`` are skipped.

    Raises:
        NetworkFileError: The file is missing or unreadable, a line has the wrong number of
            fields, or the file has no edges.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise NetworkFileError(
            f"edge_list: cannot read {str(path)!r} ({reason}); expected a readable text file "
            "with two node labels per line") from None
    if "\0" in text:
        lineno = text.count("\n", 0, text.index("\0")) + 1
        raise NetworkFileError(f"edge_list: {str(path)!r} line {lineno}: a NUL byte, so not a "
                               "text file; expected two node labels per line")
    index: dict[str, int] = {}
    src: list[int] = []
    dst: list[int] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) not in (2, 3):
            shown = line.strip()
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise NetworkFileError(
                f"edge_list: {str(path)!r} line {lineno}: got {shown!r}, expected two "
                "node labels and an optional weight")
        if len(fields) == 3:
            try:
                float(fields[2])
            except ValueError:
                raise NetworkFileError(
                    f"edge_list: {str(path)!r} line {lineno}: weight {fields[2][:40]!r} is not "
                    "a number") from None
        u, v = (index.setdefault(label, len(index)) for label in fields[:2])
        src.append(u)
        dst.append(v)
    if not src:
        raise NetworkFileError(f"edge_list: {str(path)!r} has no edges, expected at least one")
    if len(index) < 2:
        raise NetworkFileError(f"edge_list: {str(path)!r} has fewer than two distinct nodes")
    if all(u == v for u, v in zip(src, dst, strict=True)):
        raise NetworkFileError(f"edge_list: {str(path)!r} has only self-loops ({len(index)} "
                               "citizens, no friendship between two of them); expected at least "
                               "one edge between two different nodes")
    return np.array(src), np.array(dst), tuple(index)


#: Random kinds with at least this many nodes are drawn by the vectorised generators of
#: :mod:`simulation.fastgraphs`; smaller ones by networkx's own generators (same
#: distributions; see docs/networks.md for why small graphs keep networkx).
FAST_MIN_NODES = 10_000


def build_network(params: Params, rng: np.random.Generator,
                  privacy_concern: np.ndarray | None = None) -> SocialNetwork:
    """Draw the network of ``params.network`` from ``rng``.

    Below :data:`FAST_MIN_NODES` nodes the random kinds come from networkx's generators, seeded
    with one integer drawn from ``rng``, so a small graph can be rebuilt in networkx alone. From
    :data:`FAST_MIN_NODES` on they come from :mod:`simulation.fastgraphs`, which draws from
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
        return SocialNetwork(adjacency_from_edges(n, *fastgraphs.ring_lattice_edges(n, int(z))))
    if kind == "complete":
        return SocialNetwork(adjacency_from_edges(n, *fastgraphs.complete_edges(n)))
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


def _fast_edges(params: Params, rng: np.random.Generator) -> fastgraphs.Edges:
    """Edge arrays of a random kind from the vectorised generators."""
    kind, n, z = params.network, params.n_citizens, params.mean_degree
    if kind == "erdos_renyi":
        return fastgraphs.erdos_renyi_edges(n, z / (n - 1), rng)
    if kind == "watts_strogatz":
        return fastgraphs.watts_strogatz_edges(n, int(z), params.rewiring_prob, rng)
    if kind == "barabasi_albert":
        return fastgraphs.barabasi_albert_edges(n, int(z) // 2, rng)
    if kind == "holme_kim":
        return fastgraphs.holme_kim_edges(n, int(z) // 2, params.triad_prob, rng)
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
        src, dst = fastgraphs.stochastic_block_edges(sizes, probs, source)
    else:
        graph = nx.stochastic_block_model(sizes.tolist(), probs.tolist(), seed=source)
        edges = np.array(list(graph.edges()), dtype=np.int64).reshape(-1, 2)
        src, dst = edges[:, 0], edges[:, 1]
    # Both number nodes block by block; map them back to the citizens of each block.
    citizens = np.argsort(community, kind="stable")
    return adjacency_from_edges(params.n_citizens, citizens[src], citizens[dst])
