"""The social network as a symmetric CSR adjacency matrix, and its assembly from edge lists."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp


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


#: Edge lists at least this long are assembled by compiled code (``simulation.network.csr``), which
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
    from simulation.kernels.table import compiled  # imported here: the kernels import params

    if src.size >= COMPILED_MIN_EDGES and compiled():
        from simulation.network.csr import csr_from_edges  # numba: imported only for large graphs

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
