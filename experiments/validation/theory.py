"""Analytic results that special cases of the disclosure model must reproduce.

Every function here is pure (numbers in, numbers out) and independent of the simulation code,
so that :mod:`experiments.validation.cases` can compare the model against it. Each docstring
states the equation, the convention used for integer neighbour counts, and the published source.

References:
    Watts, D. J. (2002). A simple model of global cascades on random networks.
    PNAS 99(9), 5766-5771.
    Granovetter, M. (1978). Threshold models of collective behavior. AJS 83(6), 1420-1443.
    Grossman, S. J. (1981). The informational role of warranties and private disclosure about
    product quality. J. Law Econ. 24(3), 461-483.
    Milgrom, P. R. (1981). Good news and bad news: representation theorems and applications.
    Bell J. Econ. 12(2), 380-391.
    Verrecchia, R. E. (1983). Discretionary disclosure. J. Account. Econ. 5, 179-194.
    Acemoglu, D., Makhdoumi, A., Malekian, A. & Ozdaglar, A. (2022). Too much data: prices and
    inefficiencies in data markets. AEJ: Microeconomics 14(4), 218-256.
    Centola, D. & Macy, M. (2007). Complex contagions and the weakness of long ties.
    AJS 113(3), 702-734.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr
from scipy.stats import binom, norm, poisson

#: Relative slack when comparing phi * k with an integer, so 0.2 * 5 counts as exactly 1.
_FLOAT_SLACK = 1e-9


# --- Watts (2002): global cascades on Erdos-Renyi graphs ---------------------------------------

def required_neighbours(phi: float, degree: np.ndarray | int) -> np.ndarray:
    """ceil(phi * k): adopting neighbours a citizen of degree k needs under fraction threshold phi.

    The fraction rule "m / k >= phi" is evaluated on integers as m >= ceil(phi * k), with a
    relative slack of 1e-9 so that products such as 0.2 * 5 that are integers on paper are not
    pushed up by floating-point rounding.
    """
    k = np.asarray(degree, dtype=np.float64)
    product = phi * k
    return np.ceil(product - _FLOAT_SLACK * np.maximum(product, 1.0)).astype(np.int64)


def vulnerable(phi: float, degree: np.ndarray | int) -> np.ndarray:
    """rho_k: whether a citizen of degree k adopts after a single adopting neighbour.

    rho_k = 1 if k >= 1 and ceil(phi * k) <= 1 (equivalently k <= 1/phi), else 0 (Watts 2002).
    """
    k = np.asarray(degree)
    return (k >= 1) & (required_neighbours(phi, k) <= 1)


def _poisson_degrees(mean_degree: float, n_citizens: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Degrees 0..k_max and their probabilities p_k (tail mass below 1e-16).

    Poisson(z) for N -> infinity (``n_citizens`` None); for a finite G(N, p) graph with
    p = z / (N - 1) the exact Binomial(N - 1, z / (N - 1)).
    """
    k_max = int(poisson.isf(1e-16, mean_degree)) + 2 if mean_degree > 0 else 1
    k = np.arange(k_max + 1)
    if n_citizens is None:
        return k, poisson.pmf(k, mean_degree)
    return k, binom.pmf(k, n_citizens - 1, mean_degree / (n_citizens - 1))


def watts_cascade_condition(mean_degree: float, phi: float) -> float:
    """Left side minus right side of Watts's cascade condition on an Erdos-Renyi graph.

    Global cascades are possible where

        sum_k k (k - 1) rho_k p_k > z,      p_k = exp(-z) z^k / k!  (Poisson),

    i.e. where the vulnerable clusters percolate (Watts 2002's cascade condition, with G_0 the
    Poisson generating function). Returns ``sum_k k (k-1) rho_k p_k - z``: positive inside the
    window.
    """
    k, p_k = _poisson_degrees(mean_degree)
    return float(np.sum(k * (k - 1) * vulnerable(phi, k) * p_k) - mean_degree)


def watts_cascade_window(phi: float) -> tuple[float, float]:
    """The interval (z_low, z_high) of mean degrees inside which global cascades occur.

    Both ends are roots of :func:`watts_cascade_condition`. For phi = 0.18 the window is
    about 1.02 < z < 5.76 (Watts 2002 reports about 1.02 < z < 5.77).

    Raises:
        ValueError: ``phi`` is outside (0, 1), or the condition never holds (no window).
    """
    if not 0.0 < phi < 1.0:
        raise ValueError(f"phi: got {phi!r}, expected a threshold in (0, 1)")
    grid = np.linspace(0.05, 4.0 / phi + 10.0, 2000)
    values = np.array([watts_cascade_condition(z, phi) for z in grid])
    inside = np.flatnonzero(values > 0)
    if inside.size == 0:
        raise ValueError(f"phi: got {phi!r}; the cascade condition holds for no mean degree")
    first, last = inside[0], inside[-1]
    low = brentq(watts_cascade_condition, grid[first - 1], grid[first], args=(phi,), xtol=1e-12)
    high = brentq(watts_cascade_condition, grid[last], grid[last + 1], args=(phi,), xtol=1e-12)
    return float(low), float(high)


def watts_vulnerable_branch(mean_degree: float, phi: float, *, tol: float = 1e-14,
                            n_citizens: int | None = None) -> float:
    """u: probability that following an edge leads into the infinite vulnerable cluster.

    u is the largest root in [0, 1] of

        u = sum_k (k p_k / z) rho_k [1 - (1 - u)^(k - 1)],

    found by iterating from u = 1 (the map is increasing, so the iteration descends to the
    largest fixed point). u = 0 outside the cascade window. ``n_citizens`` swaps the Poisson
    degrees for the Binomial(N - 1, z / (N - 1)) of a finite G(N, p) graph.
    """
    if mean_degree <= 0:
        return 0.0
    k, p_k = _poisson_degrees(mean_degree, n_citizens)
    weight = k * p_k / mean_degree * vulnerable(phi, k)
    u = 1.0
    for _ in range(1_000_000):
        new = float(np.sum(weight * (1.0 - (1.0 - u) ** np.maximum(k - 1, 0))))
        if abs(new - u) < tol:
            return new
        u = new
    return u  # pragma: no cover - the map converges geometrically away from the window edges


def watts_cascade_probability(mean_degree: float, phi: float,
                              n_citizens: int | None = None) -> float:
    """Probability that one random seed triggers a global cascade on an Erdos-Renyi graph.

        P = 1 - G_0(1 - u) = 1 - exp(-z u)

    with u from :func:`watts_vulnerable_branch`: the seed starts a global cascade when at least
    one of its k ~ Poisson(z) edges leads into the infinite vulnerable cluster. This is the size
    of Watts's "extended vulnerable cluster" (Watts 2002). Valid for N -> infinity.

    With ``n_citizens`` the same branching equations use the degree distribution of a finite
    G(N, p) graph, Binomial(N - 1, z / (N - 1)), and P = 1 - G_0(1 - u) with its generating
    function G_0(x) = (1 - p + p x)^(N - 1): the finite-size shift of P that comes from the
    degrees (the validation's allowance, see ``cases.watts_cascades``).
    """
    u = watts_vulnerable_branch(mean_degree, phi, n_citizens=n_citizens)
    if n_citizens is None:
        return float(-np.expm1(-mean_degree * u))
    p = mean_degree / (n_citizens - 1)
    return float(-np.expm1((n_citizens - 1) * np.log1p(-p * u)))


# --- Granovetter (1978): threshold equilibria in a population -----------------------------------

def granovetter_equilibrium(thresholds: np.ndarray) -> int:
    """Equilibrium number of adopters for given absolute thresholds, everyone seeing everyone.

    A citizen adopts once the number of others who adopted is at least its threshold. From
    nobody, the number of adopters follows m_(t+1) = G(m_t) with G(m) = #{i : threshold_i <= m},
    and stops at the smallest m with G(m) = m (Granovetter 1978). Thresholds 0, 1, ..., 99 give
    100; moving the threshold-1 citizen to 2 gives 1.
    """
    values = np.sort(np.asarray(thresholds, dtype=np.float64))
    adopters = 0
    while True:
        following = int(np.searchsorted(values, adopters, side="right"))
        if following == adopters:
            return adopters
        adopters = following


def normal_threshold_cdf(count: np.ndarray | float, mean: float, sd: float) -> np.ndarray:
    """F(m) = P(threshold <= m) for thresholds ~ Normal(mean, sd) clipped at 0 below.

    Clipping moves the negative mass to 0, which leaves F unchanged for m >= 0.
    """
    m = np.asarray(count, dtype=np.float64)
    if sd == 0:
        return (m >= max(mean, 0.0)).astype(np.float64)
    return np.where(m < 0, 0.0, norm.cdf((m - mean) / sd))


def granovetter_mean_field(sd: float, mean: float = 25.0, n_citizens: int = 100, *,
                           integer_counts: bool = False) -> float:
    """Granovetter's expected-value equilibrium: the smallest fixed point of r = N F(r).

    Starting from r = 0, r_(t+1) = N F(r_t) rises to the smallest fixed point (F is the normal
    threshold distribution function, :func:`normal_threshold_cdf`). This is Granovetter's
    (1978) continuous treatment: for mean 25 and N = 100 the equilibrium creeps up to about 5.5
    and jumps to 100 at sd ~ 12.2 (:func:`granovetter_critical_sd`).

    Args:
        sd: Standard deviation sigma of the thresholds.
        mean: Mean threshold.
        n_citizens: Population size N.
        integer_counts: Evaluate F at the integer part of r, r_(t+1) = N F(floor(r_t)): a
            threshold of 25.3 then needs 26 adopters, as with whole people. Granovetter's own
            curve is the continuous one (the default).
    """
    if integer_counts:
        # m -> floor(N F(m)) on whole adopters rises to the first m with floor(N F(m)) = m.
        adopters = 0
        while True:
            following = math.floor(n_citizens * float(normal_threshold_cdf(adopters, mean, sd))
                                   + _FLOAT_SLACK)
            if following <= adopters:
                return float(n_citizens * normal_threshold_cdf(adopters, mean, sd))
            adopters = following
    # N F(r) - r is positive at r = 0; the iteration stops at its first zero.
    grid = np.linspace(0.0, n_citizens, 20 * n_citizens + 1)
    excess = n_citizens * normal_threshold_cdf(grid, mean, sd) - grid
    first = int(np.argmax(excess <= 0))
    if excess[first] == 0:
        return float(grid[first])
    return float(brentq(lambda r: n_citizens * float(normal_threshold_cdf(r, mean, sd)) - r,
                        grid[first - 1], grid[first], xtol=1e-12))


def granovetter_critical_sd(mean: float = 25.0, n_citizens: int = 100, *,
                            integer_counts: bool = False, lo: float = 1.0,
                            hi: float = 50.0) -> float:
    """The spread sigma at which the mean-field equilibrium jumps to (nearly) everyone.

    Bisection on sigma of whether :func:`granovetter_mean_field` exceeds N/2. For mean 25 and
    N = 100 (continuous version) it is about 12.2 (Granovetter 1978).
    """
    def jumps(sd: float) -> bool:
        return granovetter_mean_field(sd, mean, n_citizens,
                                      integer_counts=integer_counts) > n_citizens / 2

    if jumps(lo) or not jumps(hi):
        raise ValueError(f"sd: no jump between {lo} and {hi}; widen the bracket")
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if jumps(mid) else (mid, hi)
    return 0.5 * (lo + hi)


def expected_value_thresholds(sd: float, mean: float = 25.0,
                              n_citizens: int = 100) -> np.ndarray:
    """The population that is its own expected distribution: the (i + 0.5)/N quantiles.

    Citizen i gets threshold max(mean + sd * Phi^-1((i + 0.5)/N), 0), so the number of
    thresholds at or below m is N F(m) rounded to the nearest integer: the finite, whole-citizen
    counterpart of Granovetter's expected-value curve. Its equilibrium is
    :func:`granovetter_equilibrium` of these thresholds.
    """
    quantiles = norm.ppf((np.arange(n_citizens) + 0.5) / n_citizens)
    return np.maximum(mean + sd * quantiles, 0.0)


def bisect_jump(jumps, lo: float, hi: float, width: float) -> tuple[float, float]:
    """Bisection for where a monotone predicate turns true: the final bracket (lo, hi).

    ``jumps(lo)`` is assumed false and ``jumps(hi)`` true; halves the bracket until it is at
    most ``width`` wide. Used with the same arguments on the model and on the theory, so both
    probe the same points and their brackets agree exactly when every probe agrees.
    """
    while hi - lo > width:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if jumps(mid) else (mid, hi)
    return lo, hi


def granovetter_equilibrium_distribution(sd: float, mean: float = 25.0,
                                         n_citizens: int = 100) -> np.ndarray:
    """Exact distribution of the equilibrium for N i.i.d. clipped-normal thresholds.

    With G(j) = #{i : threshold_i <= j} the equilibrium is m* = min{j : G(j) = j} (see
    :func:`granovetter_equilibrium`; before m*, G(j) > j, so G(j) >= j throughout). The
    increments of G are sequentially binomial,

        G(j) - G(j-1) | G(j-1) = g  ~  Binomial(N - g, (F(j) - F(j-1)) / (1 - F(j-1))),

    so a forward recursion over j on the probability of each g among still-running paths gives
    P(m* = j) exactly. This is the finite-N counterpart of :func:`granovetter_mean_field`: the
    model with random thresholds must match its mean within Monte Carlo error.

    Returns:
        P(m* = j) for j = 0..N, shape (N + 1,).
    """
    n = n_citizens
    cdf = normal_threshold_cdf(np.arange(n + 1), mean, sd)
    result = np.zeros(n + 1)
    counts = np.arange(n + 1)
    alive = np.zeros(n + 1)          # P(G(j-1) = g and m* > j-1), indexed by g
    alive[0] = 1.0                   # before j = 0 nobody is counted
    below = 0.0                      # F(j-1)
    for j in range(n + 1):
        rest = 1.0 - below
        p_step = 0.0 if rest <= 0 else min(max((cdf[j] - below) / rest, 0.0), 1.0)
        # next[g'] = sum_g alive[g] * Binom(g' - g; N - g, p_step)
        increments = counts[None, :] - counts[:, None]
        moves = binom.pmf(increments, n - counts[:, None], p_step)
        following = alive @ moves
        result[j] = following[j]
        following[: j + 1] = 0.0
        alive = following
        below = cdf[j]
    return result


def granovetter_expected_equilibrium(sd: float, mean: float = 25.0,
                                     n_citizens: int = 100) -> tuple[float, float]:
    """Mean and standard deviation of the exact equilibrium distribution (finite N)."""
    dist = granovetter_equilibrium_distribution(sd, mean, n_citizens)
    j = np.arange(dist.size)
    first = float(np.dot(dist, j))
    return first, float(np.sqrt(max(np.dot(dist, j**2) - first**2, 0.0)))


# --- Unraveling (Grossman 1981; Milgrom 1981) ---------------------------------------------------

def unraveling_silent_types(n_types: int, rounds: int) -> int:
    """Number of types still silent after ``rounds`` rounds of skeptical inference.

    Types j = 0..K-1 with quality (j + 0.5)/K, equally frequent. Silence is read as the mean
    quality of the silent; a type reveals when its quality exceeds that mean, ties staying
    silent (zero sharing cost). With the lowest M types silent the mean is M/(2K), so the types
    j <= (M - 1)/2 stay silent: M -> ceil(M/2) per round.
    """
    silent = n_types
    for _ in range(rounds):
        silent = -(-silent // 2)
    return silent


def unraveling_sharers(levels: np.ndarray, n_types: int, rounds: int) -> np.ndarray:
    """Number of sharers at rounds 0..``rounds`` for a given finite population of types.

    The finite-population version of :func:`unraveling_silent_types`: citizen i has type
    j_i in 0..K-1 and quality (j_i + 0.5)/K; nobody shares at round 0; at each round a silent
    citizen shares when its quality exceeds the mean quality of the citizens silent in the
    previous round (skeptical inference), and sharers stay sharers (their quality exceeds every
    later, lower silent mean). Ties stay silent. The comparison is done on the integers
    2 j + 1, so ties are exact: share iff (2 j_i + 1) |S| > sum_{s in S} (2 j_s + 1).

    Returns:
        Sharers at each round, shape (rounds + 1,), integers.
    """
    odd = 2 * np.asarray(levels, dtype=np.int64) + 1
    if odd.size and (odd.min() < 1 or odd.max() > 2 * n_types - 1):
        raise ValueError(f"levels: expected types in 0..{n_types - 1}")
    silent = np.ones(odd.size, dtype=bool)
    counts = [0]
    for _ in range(rounds):
        if silent.any():
            silent &= odd * int(silent.sum()) <= int(odd[silent].sum())
        counts.append(int((~silent).sum()))
    return np.array(counts, dtype=np.int64)


def unraveling_rounds(n_types: int) -> int:
    """Rounds until only the lowest type is silent: ceil(log2 K) (0 for K = 1)."""
    if n_types < 1:
        raise ValueError(f"n_types: got {n_types}, expected at least 1")
    return (n_types - 1).bit_length()


# --- Costly disclosure (Verrecchia 1983) --------------------------------------------------------

def verrecchia_disclosure_rate(cost: float) -> float:
    """Equilibrium disclosure rate 1 - 2c for types uniform on [0, 1] and disclosure cost c.

    A type q discloses when q - c exceeds what a skeptical receiver imputes to silence, the mean
    of the silent types q* / 2; the marginal type solves q* - c = q* / 2, so q* = 2c and a share
    1 - 2c discloses (0 when c >= 1/2). Ties (q = q*) stay silent; they have measure zero.
    """
    if cost < 0:
        raise ValueError(f"cost: got {cost!r}, expected c >= 0")
    return max(1.0 - 2.0 * cost, 0.0)


# --- State access to volunteered data ------------------------------------------------------------

def state_access_disclosure_probability(gain: np.ndarray, kappa: float, fear: np.ndarray,
                                        access: float, political: float, mu: float,
                                        sigma: float) -> np.ndarray:
    """P(v < g / (kappa (1 + chi a pi))) for privacy concern v ~ LogNormal(mu, sigma).

    A citizen whose only motive to disclose is the score's direct value, with gain g from
    disclosing one category of sensitivity kappa and political sensitivity pi, discloses when
    g > v kappa (1 + chi a pi): with probability Phi((ln(g / (kappa (1 + chi a pi))) - mu) /
    sigma), and never when g <= 0. ``gain`` and ``fear`` (chi) are arrays over citizens.
    """
    gain = np.asarray(gain, dtype=np.float64)
    cutoff = gain / (kappa * (1.0 + np.asarray(fear, dtype=np.float64) * access * political))
    positive = cutoff > 0
    out = np.zeros(np.broadcast(cutoff, gain).shape)
    out[positive] = ndtr((np.log(cutoff[positive]) - mu) / sigma)
    return out


# --- DeGroot averaging of privacy concern --------------------------------------------------------

def degroot_limit(initial: np.ndarray, degree: np.ndarray) -> float:
    """sum_i k_i v_i(0) / sum_i k_i: where v' = (1 - mu) v + mu D^-1 A v converges.

    The update keeps sum_i k_i v_i: sum_i k_i (A v)_i / k_i = sum_j k_j v_j for a symmetric A.
    On a connected graph with 0 < mu <= 1/2 every other eigenvalue of (1 - mu) I + mu D^-1 A
    lies in (-1, 1), so the concern converges to this constant (DeGroot 1974).
    """
    k = np.asarray(degree, dtype=np.float64)
    return float(np.dot(k, np.asarray(initial, dtype=np.float64)) / k.sum())


def degroot_contraction(adjacency, rate: float) -> float:
    """The contraction max over the eigenvalues lambda_j != 1 of D^-1 A of |1 - mu (1 - lambda_j)|.

    The factor by which each DeGroot step shrinks the distance to the limit in the
    degree-weighted norm ||x||_D = sqrt(sum_i k_i x_i^2 / sum_i k_i): D^-1 A is self-adjoint in
    that inner product, with the eigenvalues of D^-1/2 A D^-1/2. Needs a graph without isolated
    nodes.
    """
    from scipy.sparse import diags
    from scipy.sparse.linalg import eigsh

    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    scale = diags(1.0 / np.sqrt(degree))
    normalised = (scale @ adjacency.astype(np.float64) @ scale).tocsr()
    top = np.sort(eigsh(normalised, k=2, which="LA", return_eigenvectors=False))
    bottom = float(eigsh(normalised, k=1, which="SA", return_eigenvectors=False)[0])
    return max(abs(1.0 - rate * (1.0 - top[0])), abs(1.0 - rate * (1.0 - bottom)))


# --- Data externality (Acemoglu et al. 2022) ----------------------------------------------------

def equicorrelated_residual_share(n_others: int, rho: float) -> float:
    """1 - R^2 of a unit Gaussian regressed on n others, all pairwise correlations rho.

    With covariance Sigma = (1 - rho) I + rho 1 1' among the others and covariance vector
    c = rho 1 with the citizen's own datum, R^2 = c' Sigma^-1 c, computed here by solving the
    linear system (not from the closed form, so it checks it). The closed form is
    R^2 = rho^2 n / (1 - rho + n rho), so the residual share is the leakage
    L(n) = 1 - rho^2 n / (1 - rho + n rho) that the model uses (Acemoglu et al. 2022).
    """
    if n_others == 0:
        return 1.0
    sigma = (1.0 - rho) * np.eye(n_others) + rho * np.ones((n_others, n_others))
    c = np.full(n_others, rho)
    return float(1.0 - c @ np.linalg.solve(sigma, c))


def leakage_formula(n_others: np.ndarray | int, rho: float) -> np.ndarray:
    """L(n) = 1 - rho^2 n / (1 - rho + n rho), the closed form (1 at n = 0)."""
    n = np.asarray(n_others, dtype=np.float64)
    return 1.0 - rho**2 * n / (1.0 - rho + n * rho) if rho < 1 else np.where(n > 0, 0.0, 1.0)


# --- Complex contagion (Centola & Macy 2007) ----------------------------------------------------

def ring_adopters(n_citizens: int, step: int) -> int:
    """Adopters on a k = 4 ring lattice, absolute threshold 2, two adjacent seeds, at ``step``.

    Each step the two citizens just beyond either end of the adopting arc see two adopting
    neighbours and adopt, so the arc grows by 2: 2 + 2t adopters at step t. When the gap left
    is three citizens (odd N), its middle one also sees two adopters, at distance 2 on either
    side, and all three adopt together; so the count is N as soon as 2 + 2t >= N - 1.
    """
    arc = 2 + 2 * step
    return n_citizens if arc >= n_citizens - 1 else arc


def ring_steps_to_full(n_citizens: int) -> int:
    """Steps until everyone adopts on the ring of :func:`ring_adopters`: floor((N - 2)/2).

    For even N this is Centola & Macy's (N - 2)/2; for odd N the last step closes a gap of
    three, so (N - 3)/2.
    """
    return (n_citizens - 2) // 2
