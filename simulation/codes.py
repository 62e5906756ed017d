"""A citizen's disclosures as one bitmask, and what each bitmask means for the outputs.

With K <= 12 categories a citizen's choice d_i1..d_iK is one integer code_i = sum_k d_ik 2^k
(uint16). Quantities that depend only on the choice (how many scored categories it discloses,
its disclosure level, its weighted disclosure, whether it adopted) are then looked up in tables
of 2^K entries, and population shares follow from one histogram of the codes: collecting the
outputs reads each citizen's code once instead of its K columns several times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.kernels.aggregate import lane_table
from simulation.kernels.state import disclosure_codes
from simulation.params import scored_categories

__all__ = ["CodeTables", "disclosure_codes"]


@dataclass(frozen=True)
class CodeTables:
    """Per-code values for a category table with score weights ``weights``.

    "Scored" categories follow ``simulation.params.scored_categories``.

    Attributes:
        bits: bits[c, k] = 1 if code c discloses category k, shape (2^K, K).
        count: Number of scored categories code c discloses.
        level: count / number of scored categories (float32).
        weighted: sum_k w_k d_k / sum_k w_k over scored categories (level if no weight).
        adopted: Whether code c discloses every scored category (uint8).
        scored_mask: Bitmask of the scored categories.
        scored: Whether each category is scored, shape (K,), bool.
        lanes: Each code's K + 1 indicators in 16-bit lanes
            (``simulation.kernels.aggregate.lane_table``).
    """

    bits: np.ndarray
    count: np.ndarray
    level: np.ndarray
    weighted: np.ndarray
    adopted: np.ndarray
    scored_mask: int
    scored: np.ndarray
    lanes: np.ndarray

    @classmethod
    def from_weights(cls, weights: np.ndarray) -> CodeTables:
        """Tables for the given (capped) score weights."""
        weights = np.asarray(weights, dtype=np.float64)
        n_categories = weights.size
        scored = scored_categories(weights)
        codes = np.arange(2**n_categories)
        bits = ((codes[:, None] >> np.arange(n_categories)) & 1).astype(np.int64)
        count = bits[:, scored].sum(axis=1)
        n_scored = int(scored.sum())
        level = count / n_scored
        total = weights[scored].sum()
        weighted = (bits[:, scored] * weights[scored]).sum(axis=1) / total if total > 0 \
            else level
        mask = int(sum(1 << int(k) for k in np.flatnonzero(scored)))
        adopted = (count == n_scored).astype(np.uint8)
        return cls(bits, count, level.astype(np.float32), weighted, adopted, mask, scored,
                   lane_table(n_categories, adopted))
