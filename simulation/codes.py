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

from simulation.kernels.table import implementation
from simulation.params import scored_categories

__all__ = ["CodeHistogram", "CodeTables", "disclosure_codes"]

#: Privacy-concern quintiles.
QUINTILES = 5


def disclosure_codes(disclosed: np.ndarray) -> np.ndarray:
    """code_i = sum_k d_ik 2^k (uint16) of an (N, K) bool array (C-contiguous).

    Defined by ``simulation.passes.disclosure_codes``, run compiled
    (``simulation.kernels.state.disclosure_codes``) unless ``DATAROVERS_KERNELS=0``.
    """
    return implementation("disclosure_codes")(disclosed)


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
    """

    bits: np.ndarray
    count: np.ndarray
    level: np.ndarray
    weighted: np.ndarray
    adopted: np.ndarray
    scored_mask: int
    scored: np.ndarray

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
        return cls(bits, count, level.astype(np.float32), weighted, adopted, mask, scored)


class CodeHistogram:
    """Citizens per (privacy-concern quintile, code) and their degrees, kept up to date.

    Every disclosure output and the degree-weighted means of assortativity follow from these
    integer tallies (``simulation.kernels.outputs``). They start with every citizen at code 0
    (no disclosure), the state the model's codes start from, and move only the citizens whose
    code changed, so they stay equal to a fresh count (tests/test_kernel_outputs.py).

    Args:
        quintile: Each citizen's privacy-concern quintile (0-4).
        degree: k_i.
        n_categories: K.

    Attributes:
        by_quintile: Citizens per (quintile, code), shape (5, 2^K), int64.
        degree_sum: sum of k_i over the citizens holding each code, shape (2^K,), int64.
    """

    def __init__(self, quintile: np.ndarray, degree: np.ndarray, n_categories: int) -> None:
        # Compact copies: the update reads them at the changed citizens only, scattered.
        self._quintile, self._degree = quintile.astype(np.uint8), degree.astype(np.int32)
        self.by_quintile = np.zeros((QUINTILES, 2**n_categories), dtype=np.int64)
        self.by_quintile[:, 0] = np.bincount(quintile, minlength=QUINTILES)
        self.degree_sum = np.zeros(2**n_categories, dtype=np.int64)
        self.degree_sum[0] = int(degree.sum())

    @classmethod
    def of(cls, codes: np.ndarray, quintile: np.ndarray, degree: np.ndarray,
           n_categories: int) -> CodeHistogram:
        """The histogram of the citizens' current codes."""
        histogram = cls(quintile, degree, n_categories)
        changed = np.flatnonzero(codes)
        histogram.update(changed, np.zeros(changed.size, dtype=np.uint16), codes)
        return histogram

    def update(self, changed: np.ndarray, previous: np.ndarray, codes: np.ndarray) -> None:
        """Move the citizens ``changed`` from their ``previous`` codes to ``codes``."""
        implementation("move_codes")(changed, previous, codes, self._quintile, self._degree,
                                     self.by_quintile, self.degree_sum)
