"""Privacy concern that spreads among friends (DeGroot averaging), and advocacy campaigns.

Each step, before the decisions, every citizen's concern moves toward the mean concern of its
neighbours at the rate mu (``concern_influence``; DeGroot 1974):

    v_i(t) = (1 - mu) v_i(t-1) + mu * (1 / k_i) sum_(j in N(i)) v_j(t-1)

(an isolated citizen keeps its own). mu = 0, the default, keeps today's fixed concern and the
update is skipped. The degree-weighted sum sum_i k_i v_i is invariant under the update, so on a
connected graph the concern converges to the degree-weighted mean of the initial concern,
sum_i k_i v_i(0) / sum_i k_i, at the rate of the second-largest eigenvalue modulus of
(1 - mu) I + mu D^-1 A. Concern is stored in float32, which rounds each step.

An advocacy campaign (an event with target ``advocacy``, ``multiply`` f) multiplies the concern
of the ``n_advocates`` advocates by f; with mu > 0 it then spreads. Advocates are drawn at random
or are the most central citizens (highest degree, node order breaking ties); the random draw
comes from the model's extension stream, so it changes no other draw.

Plausibility patterns, not calibration targets: informing students of an aggregated score's pros
and cons cut its approval from 53 % to 29 % (Rieger, Wang & Ohlberg 2020, MERICS), while about
80 % of surveyed citizens approved of social credit systems (Kostka 2019, New Media & Society
21:1565). DeGroot, M. H. (1974). Reaching a consensus. JASA 69, 118-121.
"""

from __future__ import annotations

import numpy as np

from simulation.params import Params


def degroot_update(concern: np.ndarray, neighbour_sum: np.ndarray, degree: np.ndarray,
                   rate: float) -> np.ndarray:
    """V' = (1 - mu) v + mu m, m_i = neighbour_sum_i / k_i (v_i if isolated), as float32.

    Args:
        concern: v_i(t-1).
        neighbour_sum: sum_(j in N(i)) v_j(t-1), float64.
        degree: k_i.
        rate: mu in [0, 1].
    """
    own = np.asarray(concern, dtype=np.float64)
    degree = np.asarray(degree, dtype=np.float64)
    mean = np.divide(neighbour_sum, degree, out=own.copy(), where=degree > 0)
    return ((1.0 - rate) * own + rate * mean).astype(np.float32)


def degree_weighted_mean(concern: np.ndarray, degree: np.ndarray) -> float:
    """sum_i k_i v_i / sum_i k_i: the limit of DeGroot averaging on a connected graph."""
    degree = np.asarray(degree, dtype=np.float64)
    return float(np.dot(degree, np.asarray(concern, dtype=np.float64)) / degree.sum())


def choose_advocates(params: Params, degree: np.ndarray, rng: np.random.Generator
                     ) -> np.ndarray:
    """The advocates' nodes (ascending): random, or the highest degrees (node order on ties)."""
    n = min(params.n_advocates, np.size(degree))
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if params.advocate_placement == "central":
        chosen = np.argsort(-np.asarray(degree), kind="stable")[:n]
    else:
        chosen = rng.choice(np.size(degree), size=n, replace=False)
    return np.sort(chosen).astype(np.int64)
