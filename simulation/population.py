"""The citizens' state as numpy arrays: what is drawn once, and what the dynamics change.

Row i of every array is citizen i (network node i). Data quality and the other fixed traits are
stored in float32 to keep a million citizens compact; choices are booleans. Behaviour quality
and scores are float64: scores are averaged (skeptical imputation, inferred score) and compared
with those averages, where float32 rounding would break the ties of discrete score types.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from simulation.params import Params


@dataclass
class Population:
    """State of all citizens.

    Attributes:
        creditworthiness: theta_i ~ N(0, 1), latent, shape (N,).
        quality: q_ik in (0, 1), the quality of citizen i's data in category k, shape (N, K).
        purchase_rating: r_i ~ U(-1, 1): responsible (> 0) or frowned-upon (< 0) purchases.
        behaviour: b_i in [0, 1], what the platform sees without asking, shape (N,).
        privacy_concern: v_i > 0, shape (N,).
        disclosed: d_ik, shape (N, K), bool.
        shares_score: whether citizen i shows its score, shape (N,), bool.
        score: s_i in [350, 950], shape (N,), float64.
        threshold: phi_i of the threshold rule (a fraction or a count of neighbours), shape (N,).
        state_fear: chi_i, the fear of the state (``simulation.state_access``), float64; drawn
            by the model from its own random stream.
    """

    creditworthiness: np.ndarray
    quality: np.ndarray
    purchase_rating: np.ndarray
    behaviour: np.ndarray
    privacy_concern: np.ndarray
    disclosed: np.ndarray
    shares_score: np.ndarray
    score: np.ndarray
    threshold: np.ndarray
    state_fear: np.ndarray | None = None

    @property
    def size(self) -> int:
        """Number of citizens N."""
        return self.creditworthiness.shape[0]


def latent_quality(theta: np.ndarray, noise: np.ndarray, loading: float) -> np.ndarray:
    """Data quality q = Phi(sqrt(a)*theta + sqrt(1-a)*eps), a one-factor probit (docs/ODD.md).

    With ``a = 0`` the quality is Phi(eps): uniform on (0, 1), the Verrecchia (1983) case.
    """
    return ndtr(np.sqrt(loading) * theta + np.sqrt(1.0 - loading) * noise)


def draw_population(params: Params, n: int, rng: np.random.Generator, *,
                    place_seeds: bool = False) -> Population:
    """Draw N citizens' traits and their state at t = 0 (scores are filled in by the model).

    ``place_seeds``: the first adopters of a rule that has them (the threshold rule's
    ``n_seeds``, ``DecisionRule.places_seeds``) disclose every scored category.

    Draw order (fixed, part of reproducibility): theta, category noise, behaviour noise,
    purchase rating, privacy concern, initial disclosure, initial sharing, then the extras of
    special cases (behaviour levels, thresholds, seeds), so switching those on leaves the
    common draws unchanged.
    """
    a = params.quality_loading
    theta = rng.standard_normal(n)
    quality = latent_quality(theta[:, None], rng.standard_normal((n, params.n_categories)), a)
    behaviour_latent = latent_quality(theta, rng.standard_normal(n), a)
    purchase = rng.uniform(-1.0, 1.0, n)
    behaviour = np.clip(behaviour_latent + params.purchase_effect * purchase, 0.0, 1.0)
    privacy = rng.lognormal(params.privacy_mu, params.privacy_sigma, n)
    disclosed = rng.random((n, params.n_categories)) < params.initial_disclosure
    shares = rng.random(n) < params.initial_sharing
    if params.behaviour_levels:
        levels = params.behaviour_levels
        # Balanced: each level held by n/L citizens (up to rounding), in random order.
        behaviour = (rng.permutation(np.arange(n) % levels) + 0.5) / levels
    if params.threshold_values:
        threshold = np.asarray(params.threshold_values, dtype=np.float64)
        if threshold.size != n:
            raise ValueError(f"threshold_values: got {threshold.size} values for {n} citizens, "
                             "expected one per citizen")
    else:
        threshold = np.maximum(rng.normal(params.threshold_mean, params.threshold_sd, n), 0.0)
    if place_seeds:
        seeds = (np.arange(params.n_seeds) if params.seed_placement == "consecutive"
                 else rng.choice(n, size=min(params.n_seeds, n), replace=False))
        disclosed[np.ix_(seeds, params.scored_categories)] = True
    return Population(
        creditworthiness=theta.astype(np.float32),
        quality=quality.astype(np.float32),
        purchase_rating=purchase.astype(np.float32),
        behaviour=behaviour.astype(np.float64),
        privacy_concern=privacy.astype(np.float32),
        disclosed=disclosed,
        shares_score=shares,
        score=np.zeros(n, dtype=np.float64),
        threshold=threshold,
    )
