"""What citizens read about their neighbours: every neighbour aggregate in one pass.

After each step one pass over the edges (``simulation.kernels.aggregate.neighbour_sums``) gives
every sum the next step's rules and this step's outputs need: n_ik for the leakage and the norm,
adopting neighbours for the threshold rule, the sums for welfare and assortativity, and each
citizen's privacy cost with leakage. Counts are integers (uint16, or uint32 when a citizen has
more than 65,535 neighbours).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from simulation.codes import CodeTables
from simulation.kernels.aggregate import neighbour_sums
from simulation.rules import leakage


@dataclass(frozen=True)
class Neighbourhood:
    """Sums over each citizen's neighbours of the state at one step.

    Attributes:
        degree: k_i, shape (N,).
        disclosing: n_ik, neighbours disclosing category k, shape (N, K).
        adopters: neighbours disclosing every scored category, shape (N,).
        disclosure_sum: sum of the neighbours' disclosure levels x_j, shape (N,).
        perceived_sum: sum of the neighbours' perceived scores s_hat_j, shape (N,).
        privacy_paid: v_i * sum_k d_ik kappa_k L(n_ik), each citizen's privacy cost of its own
            choice.

    The welfare sums (the last three) exist only in the full aggregate of a step; the row
    subsets the decision rules read have ``None`` there.
    """

    degree: np.ndarray
    disclosing: np.ndarray
    adopters: np.ndarray
    disclosure_sum: np.ndarray | None
    perceived_sum: np.ndarray | None
    privacy_paid: np.ndarray | None = None

    def share_disclosing(self) -> np.ndarray:
        """f_ik = n_ik / k_i (0 for isolated citizens)."""
        degree = self.degree[:, None]
        return np.divide(self.disclosing, degree, out=np.zeros(self.disclosing.shape),
                         where=degree > 0)

    def mean_perceived(self, own: np.ndarray) -> np.ndarray:
        """Mean perceived score of the neighbours (``own`` for isolated citizens)."""
        total = self.perceived_sum.astype(np.float64)
        return np.divide(total, self.degree, out=np.asarray(own, dtype=np.float64).copy(),
                         where=self.degree > 0)


@lru_cache(maxsize=8)
def leakage_table(rho: float, max_degree: int) -> np.ndarray:
    """L(m) for m = 0 .. max_degree (``simulation.rules.leakage``), read by the kernel."""
    table = leakage(np.arange(max_degree + 1), rho)
    table.flags.writeable = False
    return table


def aggregate(adjacency: sp.csr_array, codes: np.ndarray, tables: CodeTables,
              perceived: np.ndarray, degree: np.ndarray, privacy_concern: np.ndarray,
              sensitivities: np.ndarray, rho: float, max_degree: int) -> Neighbourhood:
    """Every neighbour aggregate of the state, in one compiled pass (module docstring).

    Args:
        adjacency: Symmetric CSR adjacency.
        codes: Each citizen's disclosure code (``simulation.codes.disclosure_codes``).
        tables: Per-code level and adoption for the scored categories.
        perceived: Perceived score of each citizen.
        degree: k_i.
        privacy_concern: v_i, for each citizen's privacy cost.
        sensitivities: kappa_k.
        rho: Correlation of friends' data in the leakage.
        max_degree: The largest k_i (the length of the leakage table).
    """
    counts, adopters, level_sum, perceived_sum, paid = neighbour_sums(
        adjacency.indptr, adjacency.indices, codes, np.asarray(perceived, dtype=np.float32),
        tables.lanes, tables.scored, privacy_concern,
        np.asarray(sensitivities, dtype=np.float64), leakage_table(float(rho), max_degree))
    return Neighbourhood(degree, counts, adopters, level_sum, perceived_sum, paid)


def rows(neighbourhood: Neighbourhood, citizens: np.ndarray) -> Neighbourhood:
    """The aggregates the decision rules read, for some citizens only, in the order given.

    The welfare sums are left out (``None``): no rule reads them.
    """
    return Neighbourhood(neighbourhood.degree[citizens], neighbourhood.disclosing[citizens],
                         neighbourhood.adopters[citizens], None, None)


def live_rows(adjacency: sp.csr_array, citizens: np.ndarray, disclosed: np.ndarray,
              scored: np.ndarray) -> Neighbourhood:
    """Aggregates of some citizens read from the current state, neighbour by neighbour.

    Used by the random sequential schedule, where each citizen reads the latest choices of
    its neighbours; costs O(sum of their degrees). The welfare sums are not needed there and
    are left out (``None``).
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
    return Neighbourhood(degree, counts, adopters, None, None)
