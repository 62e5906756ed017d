"""The state behind the platform: its access to what citizens volunteer, and their fear of it.

The platform passes a share a (``state_access``) of the volunteered data to the state; each
category has a political sensitivity pi_k; citizen i fears the state with weight chi_i. The
privacy cost of disclosing category k becomes

    v_i * kappa_k * L(n_ik) * (1 + chi_i * a * pi_k)

(docs/ODD.md, the state behind the platform). With a = 0, today's default, the factor is not
applied at all, so trajectories are bit for bit those of the model without the state.

chi_i = chi * exp(sigma_chi * z_i - sigma_chi^2 / 2), a log-normal with mean chi, where
z_i = rho * zv_i + sqrt(1 - rho^2) * e_i mixes the standardised log privacy concern at t = 0,
zv_i = (ln v_i - mu_v) / sigma_v (0 when sigma_v = 0), with an independent standard normal e_i.
The draw comes from its own random stream, so it changes none of the other draws.

The seed article (2015) reports that platforms hand data to the state while waiting for
licences for financial services; the values of chi, sigma_chi and pi_k are this package's
assumption.
"""

from __future__ import annotations

import numpy as np

from simulation.params import Params


def draw_state_fear(params: Params, privacy_concern: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """chi_i for every citizen (module docstring), float64, from the concern at t = 0."""
    n = np.size(privacy_concern)
    noise = rng.standard_normal(n)
    if params.privacy_sigma > 0:
        concern_score = ((np.log(np.asarray(privacy_concern, dtype=np.float64))
                          - params.privacy_mu) / params.privacy_sigma)
    else:
        concern_score = np.zeros(n)
    rho = params.state_fear_correlation
    z = rho * concern_score + np.sqrt(1.0 - rho**2) * noise
    sigma = params.state_fear_sigma
    return params.state_fear * np.exp(sigma * z - sigma**2 / 2.0)


def state_factor(fear: np.ndarray, access: float, political: np.ndarray) -> np.ndarray | None:
    """1 + chi_i * a * pi_k, shape (R, K); None when a = 0 (no factor applies)."""
    if access <= 0:
        return None
    return 1.0 + np.asarray(fear, dtype=np.float64)[:, None] * access * political
