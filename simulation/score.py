"""The platform's score: Sesame-style, 350 to 950, rising with every category disclosed.

    s_i = 350 + 600 * clip( w_b*b_i + sum_k w_k*[d_ik*q_ik + (1 - d_ik)*m_k]
                            + beta * sum_k w_k*d_ik , 0, 1 )

where m_k is what the platform imputes for a withheld category (:func:`imputed_quality`).
Because the raw score is linear in the disclosures, a citizen's score under any choice d is
``withheld_raw + sum_k d_k * gain_k`` with gain_k = w_k * (q_k - m_k + beta); the decision rules
use this to score all 2^K options at once.

Sums over categories run in a fixed order (an explicit loop, not a BLAS product) so that the
vectorised and per-agent engines round identically.

References:
    Xinhua (2015): most Sesame Credit scores lie between 500 and 600; thresholds around 600
    (deposit-free rentals), 650 (loans), 700 and 750 (visa applications).
"""

from __future__ import annotations

import numpy as np

SCORE_MIN = 350.0
SCORE_RANGE = 600.0
SCORE_MAX = SCORE_MIN + SCORE_RANGE

#: Imputed quality m_k of a withheld category under the fixed rules.
FIXED_IMPUTATION = {"penalize": 0.25, "neutral": 0.5}


def imputed_quality(rule: str, quality: np.ndarray, disclosed: np.ndarray,
                    previous: np.ndarray | None) -> np.ndarray:
    """m_k, what the platform assumes about withheld category k, shape (K,).

    Args:
        rule: ``penalize`` (0.25), ``neutral`` (0.5) or ``skeptical``: the mean quality of the
            citizens who withheld k in ``disclosed`` (the previous step's choices). This is the
            platform-side unraveling channel (Grossman 1981; Milgrom 1981).
        quality: q, shape (N, K).
        disclosed: d at the previous step, shape (N, K).
        previous: m of the previous step; kept for a category nobody withholds
            (``None`` at the start: then 0.5).
    """
    n_cat = quality.shape[1]
    if rule in FIXED_IMPUTATION:
        return np.full(n_cat, FIXED_IMPUTATION[rule])
    if rule != "skeptical":
        raise ValueError(f"imputation: got {rule!r}, expected penalize, neutral or skeptical")
    withheld = ~disclosed
    counts = withheld.sum(axis=0)
    sums = np.where(withheld, quality, 0.0).sum(axis=0, dtype=np.float64)
    fallback = np.full(n_cat, 0.5) if previous is None else previous
    return np.where(counts > 0, sums / np.maximum(counts, 1), fallback)


def withheld_raw_score(behaviour: np.ndarray, imputed: np.ndarray, weights: np.ndarray,
                       behaviour_weight: float) -> np.ndarray:
    """Raw (unclipped, 0-1 scale) score of a citizen who withholds every category."""
    raw = behaviour_weight * behaviour.astype(np.float64)
    raw = raw + float(np.dot(weights, imputed))
    return raw


def disclosure_gains(quality: np.ndarray, imputed: np.ndarray, weights: np.ndarray,
                     bonus: float) -> np.ndarray:
    """gain_ik = w_k * (q_ik - m_k + beta): raw-score change from disclosing k, shape (N, K)."""
    return weights * (quality.astype(np.float64) - imputed + bonus)


def raw_score(withheld_raw: np.ndarray, gains: np.ndarray, disclosed: np.ndarray) -> np.ndarray:
    """Raw score for given disclosures (rows of ``gains`` and ``disclosed`` align)."""
    raw = withheld_raw.copy()
    for k in range(gains.shape[1]):
        raw += np.where(disclosed[:, k], gains[:, k], 0.0)
    return raw


def to_points(raw: np.ndarray) -> np.ndarray:
    """Map a raw score to points: 350 + 600 * clip(raw, 0, 1)."""
    return SCORE_MIN + SCORE_RANGE * np.clip(raw, 0.0, 1.0)


def credit_score(behaviour: np.ndarray, quality: np.ndarray, disclosed: np.ndarray,
                 imputed: np.ndarray, weights: np.ndarray, behaviour_weight: float,
                 bonus: float) -> np.ndarray:
    """s_i for every citizen (the equation in this module's docstring), in points."""
    base = withheld_raw_score(behaviour, imputed, weights, behaviour_weight)
    gains = disclosure_gains(quality, imputed, weights, bonus)
    return to_points(raw_score(base, gains, disclosed))
