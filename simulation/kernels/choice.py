"""The best response of each reviser over its 2 * 2^K_active options, compiled.

For reviser r, option o (a disclosure vector d over the active categories, in the order of
``rules.disclosure_options``) and share in {0, 1}:

    raw   = withheld_raw_r + sum_k d_k * gain_rk            (active k, in column order)
    paid  = sum_k d_k * privacy_cost_rk
    U     = rules.utility(to_points(raw), paid, share)      (neighbour term left at 0)

and the reviser takes, over the flat index 2*o + share (hiding before sharing),

    T = 0:  the first index with U >= max U - TIE_TOLERANCE  (fewer disclosures, then hiding)
    T > 0:  argmax(U / T + Gumbel noise)                     (McFadden 1974)

exactly as ``simulation.rules.best_response``, whose docstring gives the details.

Why it exists: the numpy version builds several (R, 2^K_active) float64 temporaries and passes
over them a dozen times; at R = 10^5 revisers and K = 6 (4 active) it dominated a model step.
This kernel walks each reviser's options once, with the utility computed by the inline functions
of :mod:`simulation.kernels.utility`. Measured side by side at that size (default Params, T = 0,
median of 5, 2 shared cores): numpy ~82 ms, this kernel ~15.5 ms, about 5x.

Pruning (T = 0): U rises with the score (alpha, the benefits, the blacklist penalty, gamma_status
and gamma_dating are all non-negative; the wrapper checks this and that the service table does
not fall), so a category that does not raise the score (gain <= 0) but costs more than
TIE_TOLERANCE makes every option that discloses it worse, by more than the tolerance, than the
same option without it: such options can be neither the maximum nor within the tolerance of it,
and are skipped. A margin of ``PRUNE_SLACK`` times the size of the utility's terms covers
rounding. This leaves the choices exactly as they were; about a third of the options are skipped
at the defaults.

Bit-for-bit equality: the sums over categories add ``gain if disclosed else 0.0`` in column
order from the same start values, and the utility repeats numpy's operations in the same order,
so values, ties and choices agree exactly; ``tests/test_kernel_choice.py`` checks this against
``rules.best_response`` on random inputs (ties, logit noise, all ``Params`` branches).
Inputs are float64, as the model passes them (other types are converted to float64 first).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numba import njit

from simulation.kernels.utility import UtilityTables, hidden_value, points, sharing_value
from simulation.rules import TIE_TOLERANCE, Incentives, PeerView, disclosure_options

#: Relative margin for rounding when skipping options that cannot be chosen (module docstring).
PRUNE_SLACK = 1e-12


@lru_cache(maxsize=16)
def option_table(n_active: int) -> np.ndarray:
    """``rules.disclosure_options(n_active)`` as a C-contiguous uint8 array (n_opt, n_active)."""
    table = np.ascontiguousarray(disclosure_options(n_active), dtype=np.uint8)
    table.flags.writeable = False
    return table


def utility_scale(incentives: Incentives) -> float | None:
    """A bound on the size of U's terms if U never falls as the score rises, else None."""
    coefficients = [incentives.score_value, incentives.status_weight, incentives.dating_weight,
                    incentives.blacklist_penalty, *incentives.benefits]
    if min(coefficients) < 0:
        return None
    if incentives.smoothness > 0 and np.any(np.diff(incentives.service_table) < 0):
        return None
    return (1.0 + sum(coefficients) + incentives.sharing_cost + incentives.campaign_bonus
            + 2.0 * incentives.status_weight)


def best_response(withheld_raw: np.ndarray, gains: np.ndarray, privacy_cost: np.ndarray,
                  incentives: Incentives, peers: PeerView, *, choice_noise: np.ndarray | None,
                  temperature: float, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each revising citizen picks the (d, share) with the highest utility (compiled).

    Same arguments, semantics and results (bit for bit) as ``simulation.rules.best_response``,
    whose docstring documents them; inputs are converted to float64, and ``choice_noise`` must
    have exactly the shape (R, 2 * 2^K_active) when ``temperature > 0``.
    """
    disclosed, shares, _ = scored_best_response(
        withheld_raw, gains, privacy_cost, incentives, peers, choice_noise=choice_noise,
        temperature=temperature, active=active)
    return disclosed, shares


def scored_best_response(withheld_raw: np.ndarray, gains: np.ndarray, privacy_cost: np.ndarray,
                         incentives: Incentives, peers: PeerView, *,
                         choice_noise: np.ndarray | None, temperature: float,
                         active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`best_response`, and the score of each reviser's choice.

    Compiled ``simulation.passes.scored_best_response``.

    The score is that of the chosen option as the kernel computed it, which is
    ``score.credit_score`` of the new disclosures bit for bit: the inactive categories it
    leaves out are undisclosed (adding 0.0) or weightless (their gain is 0).
    """
    withheld_raw = np.ascontiguousarray(withheld_raw, dtype=np.float64)
    gains = np.ascontiguousarray(gains, dtype=np.float64)
    privacy_cost = np.ascontiguousarray(privacy_cost, dtype=np.float64)
    n_rev, n_cat = gains.shape
    columns = np.flatnonzero(active).astype(np.int64)
    options = option_table(columns.size)
    temperature = float(temperature)
    if temperature > 0:
        if choice_noise is None:
            raise ValueError("best_response: temperature > 0 needs choice_noise")
        noise = np.ascontiguousarray(choice_noise, dtype=np.float64)
        if noise.shape != (n_rev, 2 * options.shape[0]):
            raise ValueError(f"best_response: choice_noise has shape {noise.shape}, expected "
                             f"{(n_rev, 2 * options.shape[0])}")
    else:
        noise = np.zeros((0, 0))
    scale = utility_scale(incentives) if temperature == 0 else None
    return choose(withheld_raw, gains, privacy_cost, columns, options, noise, temperature,
                  n_cat, -1.0 if scale is None else scale,
                  *UtilityTables.of(incentives, peers).arrays())


@njit(cache=True, nogil=True)
def choose(withheld_raw, gains, privacy_cost, columns, options, noise, temperature, n_cat,
           scale, c, table, thresholds, benefits, sharers_below):  # pragma: no cover - compiled
    """Kernel of :func:`best_response`; returns (disclosed, shares, score of the choice).

    Args:
        withheld_raw: Raw score when withholding everything, (R,), float64.
        gains: Raw-score gain of disclosing each category, (R, K), float64.
        privacy_cost: Cost of disclosing each category, (R, K), float64.
        columns: Indices of the active categories, increasing (int64).
        options: Disclosure vectors over the active categories, (n_opt, n_active), uint8.
        noise: Gumbel draws (R, 2*n_opt) when ``temperature > 0``; unused otherwise.
        temperature: Logit temperature.
        n_cat: K.
        scale: ``utility_scale`` of the incentives when options may be pruned (T = 0), else
            negative.
        c: ``UtilityTables.coefficients``.
        table: ``UtilityTables.service_table``.
        thresholds: ``UtilityTables.thresholds``.
        benefits: ``UtilityTables.benefits``.
        sharers_below: ``UtilityTables.sharers_below``.
    """
    n_rev = withheld_raw.size
    n_opt, n_active = options.shape
    n_val = 2 * n_opt
    disclosed = np.zeros((n_rev, n_cat), dtype=np.bool_)
    shares = np.zeros(n_rev, dtype=np.bool_)
    chosen_score = np.empty(n_rev)
    option_score = np.empty(n_opt)
    values = np.empty(n_val)
    gain = np.empty(n_active)
    cost = np.empty(n_active)
    masks = np.zeros(n_opt, dtype=np.int64)  # the active categories each option discloses
    for o in range(n_opt):
        for j in range(n_active):
            masks[o] |= np.int64(options[o, j] != 0) << j
    for r in range(n_rev):
        size = scale
        for j in range(n_active):
            gain[j] = gains[r, columns[j]]
            cost[j] = privacy_cost[r, columns[j]]
            size += abs(cost[j])
        useless = 0  # categories that lower U by more than the tolerance whatever else is chosen
        if scale >= 0:
            bound = TIE_TOLERANCE + PRUNE_SLACK * size
            for j in range(n_active):
                if gain[j] <= 0.0 and cost[j] > bound:
                    useless |= 1 << j
        for o in range(n_opt):
            if masks[o] & useless:
                values[2 * o] = values[2 * o + 1] = -np.inf
                continue
            raw = withheld_raw[r]
            paid = 0.0
            for j in range(n_active):
                if options[o, j]:
                    raw += gain[j]
                    paid += cost[j]
                else:
                    raw += 0.0
                    paid += 0.0
            score = points(raw)
            option_score[o] = score
            hide = hidden_value(score, paid, 0.0, c, table, thresholds, benefits)
            values[2 * o] = hide
            values[2 * o + 1] = hide + sharing_value(score, c, sharers_below)
        best = 0
        if temperature > 0:
            top = values[0] / temperature + noise[r, 0]
            for i in range(1, n_val):
                x = values[i] / temperature + noise[r, i]
                if x > top:
                    top = x
                    best = i
        else:
            top = values[0]
            for i in range(1, n_val):
                if values[i] > top:
                    top = values[i]
            floor = top - TIE_TOLERANCE
            for i in range(n_val):
                if values[i] >= floor:
                    best = i
                    break
        o = best // 2
        for j in range(n_active):
            disclosed[r, columns[j]] = options[o, j] != 0
        shares[r] = best % 2 == 1
        chosen_score[r] = option_score[o]
    return disclosed, shares, chosen_score


@njit(cache=True, nogil=True)
def decision_inputs(who, behaviour, quality, privacy_concern, disclosing, behaviour_weight,
                    imputed_weighted, imputed, weights, bonus, sensitivities, leakage_table,
                    state_fear, state_access, political):  # pragma: no cover - compiled
    """The arguments of :func:`best_response` for revisers ``who``, in one pass.

    Compiled ``simulation.passes.decision_inputs``.

    Repeats, in numpy's order of operations, ``score.withheld_raw_score``
    (w_b * b_i + sum_k w_k m_k), ``score.disclosure_gains`` (w_k * (q_ik - m_k + beta)) and the
    privacy cost of ``DisclosureModel.privacy_cost`` (v_i * kappa_k * L(n_ik), with L read
    from ``leakage_table``, which ``rules.leakage`` fills), so the results are equal bit for bit.

    Args:
        who: Indices of the revisers.
        behaviour: b_i of every citizen.
        quality: q_ik of every citizen, (N, K).
        privacy_concern: v_i of every citizen.
        disclosing: n_ik of every citizen (integers; read at the revisers' rows, which spares
            gathering them first).
        behaviour_weight: w_b.
        imputed_weighted: sum_k w_k m_k, as ``float(np.dot(weights, imputed))``.
        imputed: m_k.
        weights: w_k (capped).
        bonus: beta.
        sensitivities: kappa_k.
        leakage_table: L(m) for m = 0 .. max degree.
        state_fear: chi_i of every citizen.
        state_access: a; when positive the cost is multiplied by 1 + chi_i a pi_k.
        political: pi_k.

    Returns:
        (withheld_raw (R,), gains (R, K), privacy_cost (R, K)), float64.
    """
    n_rev, n_cat = who.size, weights.size
    withheld = np.empty(n_rev)
    gains = np.empty((n_rev, n_cat))
    cost = np.empty((n_rev, n_cat))
    for r in range(n_rev):
        i = who[r]
        withheld[r] = behaviour_weight * np.float64(behaviour[i]) + imputed_weighted
        concern = np.float64(privacy_concern[i])
        for k in range(n_cat):
            gains[r, k] = weights[k] * (np.float64(quality[i, k]) - imputed[k] + bonus)
            paid = concern * sensitivities[k] * leakage_table[np.int64(disclosing[i, k])]
            if state_access > 0:
                paid = paid * (1.0 + state_fear[i] * state_access * political[k])
            cost[r, k] = paid
    return withheld, gains, cost
