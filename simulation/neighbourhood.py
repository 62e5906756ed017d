"""What citizens read about their neighbours: counts kept up to date as choices change.

The rules read, for each citizen i, n_ik (neighbours disclosing category k: the leakage and the
norm) and the number of neighbours who disclose every scored category (the threshold rule).
:class:`NeighbourCounts` computes them once in a pass over the edges and, after each step,
updates them around the citizens whose choice changed (``simulation.kernels.aggregate``),
together with the sum over the edges that assortativity needs. They are integers (uint8, uint16
or uint32, as narrow as the degrees allow), so the update gives exactly what a fresh pass would.

The other neighbour sums of the outputs (each citizen's privacy cost with leakage, the status
term of welfare) follow from these counts and the state in the collection pass
(``simulation.kernels.outputs``); :func:`perceived_weights` gives the one static per-citizen
weight that pass needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from simulation.codes import CodeTables
from simulation.kernels.aggregate import LANE_TYPES, lane_layout, lane_table, unsigned
from simulation.kernels.table import implementation
from simulation.rules import leakage

#: When the citizens whose choice changed hold more than this share of all edge ends in their
#: rows, the counts are recounted in one pass instead of updated: per edge, the update's
#: scattered writes cost more than the pass's reads (benchmarks/aggregate.py).
RECOUNT_SHARE = 0.17


@dataclass(frozen=True)
class Neighbourhood:
    """Counts over each citizen's neighbours of the state at one step.

    Attributes:
        degree: k_i, shape (N,).
        disclosing: n_ik, neighbours disclosing category k, shape (N, K).
        adopters: neighbours disclosing every scored category, shape (N,).

    The model's own neighbourhood holds views of counts that are updated in place each step;
    take a copy (or rows, :func:`rows`) to keep one.
    """

    degree: np.ndarray
    disclosing: np.ndarray
    adopters: np.ndarray

    def share_disclosing(self) -> np.ndarray:
        """f_ik = n_ik / k_i (0 for isolated citizens)."""
        degree = self.degree[:, None]
        return np.divide(self.disclosing, degree, out=np.zeros(self.disclosing.shape),
                         where=degree > 0)


@lru_cache(maxsize=8)
def leakage_table(rho: float, max_degree: int) -> np.ndarray:
    """L(m) for m = 0 .. max_degree (``simulation.rules.leakage``), read by the kernels."""
    table = leakage(np.arange(max_degree + 1), rho)
    table.flags.writeable = False
    return table


class NeighbourCounts:
    """Every citizen's neighbour counts, kept up to date with the citizens' choices.

    Args:
        adjacency: Symmetric CSR adjacency without repeated entries.
        degree: k_i.
        max_degree: The largest k_i (sets the width of the counts).
        n_categories: K.

    Attributes:
        neighbourhood: The counts as of the last :meth:`update` (views of the lane words).
        disclosure_pairs: sum over the edges, both directions, of a_i a_j, with a_i the number
            of scored categories i discloses (assortativity), as of the last :meth:`update`.
    """

    def __init__(self, adjacency: sp.csr_array, degree: np.ndarray, max_degree: int,
                 n_categories: int) -> None:
        self._indptr, self._indices = unsigned(adjacency.indptr), unsigned(adjacency.indices)
        self._edge_ends = int(adjacency.indptr[-1])
        self._n_categories = n_categories
        self._lane_bits, n_words = lane_layout(n_categories, max_degree)
        self._words = np.zeros((degree.size, n_words), dtype=np.uint64)
        self._count, self._update = implementation("count_passes")(n_words)
        self._lanes: np.ndarray | None = None  # no counts yet: the first update recounts
        self._scored_mask = -1
        self.disclosure_pairs = 0
        self.neighbourhood = self._view(self._words, degree)

    def _view(self, words: np.ndarray, degree: np.ndarray) -> Neighbourhood:
        """The counts held in ``words`` as a Neighbourhood (views, no copy)."""
        lanes = words.view(LANE_TYPES[self._lane_bits])
        k = self._n_categories
        return Neighbourhood(degree, lanes[:, :k], lanes[:, k])

    def update(self, changed: np.ndarray, previous: np.ndarray, codes: np.ndarray,
               tables: CodeTables) -> Neighbourhood:
        """Bring the counts up to date with the citizens' codes and return them.

        Args:
            changed: Citizens whose code changed since the last update (ignored by the first).
            previous: Their codes at the last update.
            codes: Every citizen's current disclosure code (``simulation.codes``).
            tables: Per-code tables for the scored categories in force.

        Recounts from scratch on the first call, when the scored categories changed (which
        changes who counts as an adopter) and when the changed citizens' rows hold more than
        :data:`RECOUNT_SHARE` of the edge ends; otherwise updates around the changed citizens.
        """
        recount = self._lanes is None or tables.scored_mask != self._scored_mask
        if recount:
            self._lanes = lane_table(self._n_categories, tables.adopted, tables.count,
                                     self._lane_bits)
            self._scored_mask = tables.scored_mask
        else:
            moved = self.neighbourhood.degree[changed].sum()
            recount = moved > RECOUNT_SHARE * self._edge_ends
        layout = (tables.count, self._n_categories + 1, self._lane_bits)
        if recount:
            self.disclosure_pairs = self._count(self._indptr, self._indices, codes,
                                                        self._lanes, self._words, *layout)
        elif changed.size:
            self.disclosure_pairs += self._update(
                self._indptr, self._indices, changed, previous, codes, self._lanes, self._words,
                *layout)
        return self.neighbourhood

    def rows(self, citizens: np.ndarray) -> Neighbourhood:
        """The counts of some citizens only, in the order given (a copy).

        Faster than :func:`rows`, which gathers from strided views.
        """
        return self._view(np.take(self._words, citizens, axis=0),
                          np.take(self.neighbourhood.degree, citizens))


def perceived_weights(adjacency: sp.csr_array, degree: np.ndarray) -> np.ndarray:
    """omega_j = sum_(i in N(j)) 1 / k_i, plus 1 if j is isolated.

    The status term of welfare compares each citizen's inferred score with the mean perceived
    score of its neighbours, m_i = (1 / k_i) sum_(j in N(i)) s_hat_j (its own s_hat_i when
    isolated). Welfare is linear in m_i, and sum_i m_i = sum_j omega_j s_hat_j, so the
    collection needs this static weight instead of a pass over the edges every step.
    """
    inverse = np.divide(1.0, degree, out=np.zeros(degree.size), where=degree > 0)
    return neighbour_sum(adjacency, inverse) + (degree == 0)


def neighbour_sum(adjacency: sp.csr_array, x: np.ndarray) -> np.ndarray:
    """sum_(j in N(i)) x_j for every i, float64 (compiled ``neighbour_sum`` unless switched off)."""
    return implementation("neighbour_sum")(unsigned(adjacency.indptr),
                                           unsigned(adjacency.indices),
                                           np.asarray(x, dtype=np.float64))


def rows(neighbourhood: Neighbourhood, citizens: np.ndarray) -> Neighbourhood:
    """The counts of some citizens only, in the order given (a copy)."""
    return Neighbourhood(neighbourhood.degree[citizens], neighbourhood.disclosing[citizens],
                         neighbourhood.adopters[citizens])


def live_rows(adjacency: sp.csr_array, citizens: np.ndarray, disclosed: np.ndarray,
              scored: np.ndarray) -> Neighbourhood:
    """Aggregates of some citizens read from the current state, neighbour by neighbour.

    Used by the random sequential schedule, where each citizen reads the latest choices of
    its neighbours; costs O(sum of their degrees).
    """
    k = disclosed.shape[1]
    counts = np.zeros((citizens.size, k), dtype=np.float32)
    adopters = np.zeros(citizens.size, dtype=np.float32)
    degree = np.empty(citizens.size, dtype=np.int64)
    for row, i in enumerate(citizens):
        neighbours = adjacency.indices[adjacency.indptr[i]:adjacency.indptr[i + 1]]
        theirs = disclosed[neighbours]
        counts[row] = theirs.sum(axis=0)
        adopters[row] = theirs[:, scored].all(axis=1).sum()
        degree[row] = neighbours.size
    return Neighbourhood(degree, counts, adopters)
