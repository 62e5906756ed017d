"""Validation cases: special cases of the disclosure model against published results.

Each case is a function ``case(quick) -> list[Check]`` registered in :data:`CASES` under the
names of :data:`experiments.validation.CASE_NAMES`. Every case except the leakage formula runs
:class:`simulation.DisclosureModel` itself with parameters that reduce it to the published
setting (docs/validation.md); the leakage case checks the formula the model uses,
:func:`simulation.rules.leakage`, against simulated Gaussian data. The analytic side comes from
:mod:`experiments.validation.theory`, the pass rules from :mod:`experiments.validation.checks`:

- statistical rows pass within 3 SE of the theory (plus, for Watts inside the window, a
  derived finite-size allowance);
- counts of rare events (Watts outside the window) pass within a binomial bound;
- deterministic rows (Granovetter's example and quantile population, unraveling, the ring)
  must equal a theory computed for the same finite population.

Seeds are fixed, so a run is reproducible. ``quick`` uses fewer replications and smaller
populations; the full run is what results/validation/ records.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from experiments.validation import CASE_NAMES, theory
from experiments.validation.checks import (
    Check,
    binomial_check,
    bound_check,
    exact_check,
    se_check,
)
from simulation import DisclosureModel
from simulation.rules import leakage

# --- helpers ------------------------------------------------------------------------------------

def run_to_rest(model: DisclosureModel, max_steps: int, column: str = "cascade_size") -> int:
    """Step a deterministic model until ``column`` stops changing; return the steps taken.

    With every citizen revising and no noise, a step that changes nothing is a fixed point, so
    nothing changes afterwards either.
    """
    previous = model.outputs[column]
    for step in range(1, max_steps + 1):
        model.step()
        if model.outputs[column] == previous:
            return step - 1
        previous = model.outputs[column]
    return max_steps


def seed_of(case_index: int, point_index: int, replication: int) -> np.random.Generator:
    """A reproducible, independent generator for one replication of one point of one case."""
    return np.random.default_rng([20260101, case_index, point_index, replication])


def proportion_se(successes: int, trials: int) -> float:
    """Binomial standard error sqrt(p (1 - p) / n) of an observed proportion."""
    p = successes / trials
    return math.sqrt(p * (1.0 - p) / trials)


#: The threshold rule with only seeds disclosing at t = 0 and everyone revising every step.
THRESHOLD_BASE: dict[str, Any] = {
    "rule": "threshold", "initial_disclosure": 0.0, "initial_sharing": 0.0,
    "revision_rate": 1.0, "threshold_sd": 0.0,
}


def engine_label(engine: str) -> str:
    """Suffix of a point run on the per-agent engine (the vectorised engine is the default)."""
    return "" if engine == "vectorized" else f", engine={engine}"


# --- 1. Watts (2002) ----------------------------------------------------------------------------

WATTS_PHI = 0.18
#: A cascade is global when it reaches this share of citizens. Inside the window the cascade
#: sizes are bimodal (a few citizens, or most of the giant component), so any cut between 0.5 %
#: and 10 % gives the same counts at N = 10^4.
WATTS_GLOBAL_SHARE = 0.05


def watts_cascades(quick: bool) -> list[Check]:
    """Global cascade probability on Erdos-Renyi graphs, phi = 0.18, one random seed.

    Inside the window 1.02 < z < 5.76 the share of runs with a global cascade must be within
    3 SE + allowance of P = 1 - exp(-z u) (:func:`theory.watts_cascade_probability`, N -> inf).
    The allowance is derived, not chosen: it is the finite-size shift of P due to the degrees,
    |P_N - P_inf|, where P_N solves the same branching equations with the degree distribution
    of the model's G(N, p = z/(N - 1)) graph, Binomial(N - 1, p), instead of Poisson(z). It is
    of order z/N (below 1e-3 on this grid). The other finite-size effects, O(1/N) corrections to
    the size of the vulnerable cluster and cascades that join it but stop below the 5 % cut,
    are not in the allowance: they are much smaller than the SE (about 0.02) away from the
    window's edges, which the grid keeps away from.

    Outside the window P = 0 up to 1e-13, so the SE of the observed share is 0 and 3 SE would
    pass on nothing or on an allowance. These rows count the runs with a global cascade and
    pass when the count lies in the central 99.73 % of Binomial(runs, P_N)
    (:func:`checks.binomial_check`): no run may cascade.
    """
    n_citizens = 3000 if quick else 10000
    replications = 80 if quick else 400
    inside = (2.0, 4.0) if quick else (1.5, 2.0, 3.0, 4.0, 5.0)
    outside = (7.0,) if quick else (0.8, 7.0, 9.0)
    low, high = theory.watts_cascade_window(WATTS_PHI)
    checks: list[Check] = []
    for index, z in enumerate(inside + outside):
        global_runs = 0
        for rep in range(replications):
            model = DisclosureModel(
                THRESHOLD_BASE, rng=seed_of(1, index, rep), network="erdos_renyi",
                n_citizens=n_citizens, mean_degree=z, threshold_kind="fraction",
                threshold_mean=WATTS_PHI, n_seeds=1, seed_placement="random")
            run_to_rest(model, n_citizens)
            global_runs += int(model.outputs["cascade_size"] > WATTS_GLOBAL_SHARE)
        asymptotic = theory.watts_cascade_probability(z, WATTS_PHI)
        finite = theory.watts_cascade_probability(z, WATTS_PHI, n_citizens)
        point = f"z={z:g} ({'inside' if low < z < high else 'outside'}), N={n_citizens}, " \
                f"{replications} runs"
        if low < z < high:
            checks.append(se_check(
                "watts_2002", point, f"P(cascade > {WATTS_GLOBAL_SHARE:.0%})",
                global_runs / replications, proportion_se(global_runs, replications),
                asymptotic, f"P = 1 - exp(-z u); allowance |P_N - P_inf| = "
                            f"{abs(finite - asymptotic):.1e} (binomial degrees)",
                allowance=abs(finite - asymptotic)))
        else:
            checks.append(binomial_check(
                "watts_2002", point, f"runs with cascade > {WATTS_GLOBAL_SHARE:.0%}",
                global_runs, replications, max(finite, asymptotic),
                "outside the window: count within Binomial(runs, P_N)"))
    return checks


# --- 2. Granovetter (1978) ----------------------------------------------------------------------

GRANOVETTER_N = 100
GRANOVETTER_MEAN = 25.0


def _granovetter_model(rng: Any, **overrides: Any) -> DisclosureModel:
    """Everyone sees everyone, absolute thresholds, no seeds (threshold-0 citizens start)."""
    return DisclosureModel(THRESHOLD_BASE, rng=rng, network="complete",
                           n_citizens=GRANOVETTER_N, threshold_kind="count", n_seeds=0,
                           **overrides)


def _equilibrium_adopters(model: DisclosureModel) -> int:
    run_to_rest(model, GRANOVETTER_N + 1)
    return round(model.outputs["cascade_size"] * model.n_citizens)


def _quantile_adopters(sd: float) -> int:
    """The model's equilibrium on the expected-value (quantile) population of spread ``sd``."""
    thresholds = theory.expected_value_thresholds(sd, GRANOVETTER_MEAN, GRANOVETTER_N)
    return _equilibrium_adopters(_granovetter_model(seed_of(2, 99, 0),
                                                    threshold_values=tuple(thresholds.tolist())))


def _theory_quantile_adopters(sd: float) -> int:
    """The fixed point of the same quantile thresholds (:func:`theory.granovetter_equilibrium`)."""
    return theory.granovetter_equilibrium(
        theory.expected_value_thresholds(sd, GRANOVETTER_MEAN, GRANOVETTER_N))


def granovetter_thresholds(quick: bool) -> list[Check]:
    """Granovetter's riot: the 0..99 example, random normal thresholds and the jump.

    - Thresholds 0, 1, ..., 99 (complete network, counts): 100 adopters; the threshold-1 citizen
      moved to 2: 1 adopter. Exact.
    - Random normal thresholds (mean 25, sd sigma, N = 100): the mean equilibrium over
      replications against its exact finite-N expectation
      (:func:`theory.granovetter_expected_equilibrium`), 3 SE with the exact SD; and, exactly,
      the number of runs whose equilibrium differs from the fixed point of their own thresholds
      (:func:`theory.granovetter_equilibrium` on the model's drawn thresholds): 0.
    - Expected-value population (:func:`theory.expected_value_thresholds`): the equilibrium at
      each sigma equals the fixed point computed from the same thresholds, exactly; and the
      sigma at which it jumps, found by the same bisection (:func:`theory.bisect_jump`) on the
      model and on that fixed point, is equal. Granovetter's continuous curve r = N F(r) jumps
      at 12.22 and its whole-citizen version r = N F(floor r) at 12.87; the quantile population
      jumps between them (in the note, not a check: it is a different population).
    """
    checks: list[Check] = []
    uniform = np.arange(GRANOVETTER_N, dtype=float)
    moved = uniform.copy()
    moved[1] = 2.0
    examples = [("thresholds 0..99", uniform, "vectorized"),
                ("threshold 1 moved to 2", moved, "vectorized")]
    if not quick:
        examples += [("thresholds 0..99", uniform, "agents"),
                     ("threshold 1 moved to 2", moved, "agents")]
    for label, values, engine in examples:
        model = _granovetter_model(seed_of(2, 0, 0), threshold_values=tuple(values),
                                   engine=engine)
        checks.append(exact_check("granovetter_1978", label + engine_label(engine), "adopters",
                                  _equilibrium_adopters(model),
                                  theory.granovetter_equilibrium(values),
                                  "Granovetter 1978: 100, and 1 after the move"))

    replications = 100 if quick else 600
    spreads = (10.0, 12.2, 16.0) if quick else (8.0, 10.0, 12.0, 12.2, 13.0, 14.0, 16.0, 20.0)
    for index, sd in enumerate(spreads):
        total = mismatches = 0
        for rep in range(replications):
            model = _granovetter_model(seed_of(2, index + 1, rep), threshold_mean=GRANOVETTER_MEAN,
                                       threshold_sd=sd)
            fixed_point = theory.granovetter_equilibrium(model.population.threshold.copy())
            adopters = _equilibrium_adopters(model)
            total += adopters
            mismatches += int(adopters != fixed_point)
        mean, spread = theory.granovetter_expected_equilibrium(sd, GRANOVETTER_MEAN,
                                                               GRANOVETTER_N)
        point = f"normal thresholds sd={sd:g}, {replications} runs"
        checks += [
            se_check("granovetter_1978", point, "mean adopters", total / replications,
                     spread / math.sqrt(replications), mean,
                     "exact finite-N expectation; SE from the exact SD"),
            exact_check("granovetter_1978", point, "runs off their own fixed point",
                        mismatches, 0, "min{m : #{thresholds <= m} = m} per run"),
        ]

    for sd in ((10.0, 13.0) if quick else (8.0, 10.0, 12.0, 13.0, 16.0, 20.0)):
        continuous = theory.granovetter_mean_field(sd, GRANOVETTER_MEAN, GRANOVETTER_N)
        checks.append(exact_check(
            "granovetter_1978", f"expected-value thresholds sd={sd:g}", "adopters",
            _quantile_adopters(sd), _theory_quantile_adopters(sd),
            f"fixed point of the same thresholds; continuous r = N F(r): {continuous:.2f}"))

    width = 0.05 if quick else 0.005
    half = GRANOVETTER_N / 2
    model_bracket = theory.bisect_jump(lambda sd: _quantile_adopters(sd) > half, 10.0, 15.0,
                                       width)
    theory_bracket = theory.bisect_jump(lambda sd: _theory_quantile_adopters(sd) > half,
                                        10.0, 15.0, width)
    critical = theory.granovetter_critical_sd(GRANOVETTER_MEAN, GRANOVETTER_N)
    critical_whole = theory.granovetter_critical_sd(GRANOVETTER_MEAN, GRANOVETTER_N,
                                                    integer_counts=True)
    checks.append(exact_check(
        "granovetter_1978", f"expected-value thresholds, bisection to {width:g}",
        "sd at the jump to everyone", 0.5 * sum(model_bracket), 0.5 * sum(theory_bracket),
        f"same bisection on the fixed point; Granovetter's continuous {critical:.2f}, "
        f"whole-citizen {critical_whole:.2f}"))
    return checks


# --- 3. Unraveling (Grossman 1981; Milgrom 1981) ------------------------------------------------

def unraveling_model(n_types: int, n_citizens: int, rng: Any, engine: str = "vectorized"
                     ) -> DisclosureModel:
    """Scores from K equally frequent behaviour levels only; sharing driven by standing alone.

    No category is scored (w_k = 0, w_b = 1), so s = 350 + 600 (j + 0.5)/K; the only motive is
    status among friends with skeptical inference (lambda = 1), no sharing cost, no dating
    term, no services, everyone revising, nobody sharing at t = 0.
    """
    return DisclosureModel(
        rng=rng, n_citizens=n_citizens, behaviour_levels=n_types, behaviour_weight=1.0,
        weights=(0.0,) * 6, score_value=0.0, benefits=(0.0, 0.0, 0.0, 0.0), status_weight=1.0,
        dating_weight=0.0, sharing_cost=0.0, inference_skepticism=1.0, initial_sharing=0.0,
        initial_disclosure=0.0, data_correlation=0.0, revision_rate=1.0, engine=engine)


def unraveling_rounds(quick: bool) -> list[Check]:
    """Only the lowest of K types stays silent, after ceil(log2 K) rounds.

    Deterministic, so every row is exact. The theory is computed for the same finite
    population: :func:`theory.unraveling_sharers` iterates skeptical inference on the model's
    own types (read from its behaviour levels) in integer arithmetic, so ties at the silent mean
    are exact. The number of sharers at every step must equal it, and (levels being balanced,
    N/K citizens each) it must also equal the per-type count N (1 - M_t/K) of
    :func:`theory.unraveling_silent_types`. When K does not divide a power of two, an odd silent
    set has its middle type exactly at the silent mean, a tie that stays silent (zero sharing
    cost, ties to not sharing). The K used here divide 300, so every type's score is a whole
    number of points and these ties are exact in the model's floating point too. The full run
    repeats K = 10 on the per-agent engine.
    """
    checks: list[Check] = []
    if quick:
        points = [(n_types, 1200, "vectorized") for n_types in (4, 10, 16)]
    else:
        points = [(n_types, 4800, "vectorized")
                  for n_types in (2, 3, 4, 5, 8, 10, 12, 16, 32, 64, 100)]
        points.append((10, 1200, "agents"))
    for index, (n_types, n_citizens, engine) in enumerate(points):
        rounds = theory.unraveling_rounds(n_types)
        model = unraveling_model(n_types, n_citizens, seed_of(3, index, 0), engine)
        pop = model.population
        levels = np.rint(pop.behaviour * n_types - 0.5).astype(np.int64)
        model.run_for(rounds + 5)
        sharers = np.rint(model.dataframe()["sharing_rate"].to_numpy() * n_citizens)
        own = theory.unraveling_sharers(levels, n_types, sharers.size - 1)
        per_type = np.array([n_citizens - theory.unraveling_silent_types(n_types, t)
                             * (n_citizens // n_types) for t in range(sharers.size)])
        changed = np.flatnonzero(np.diff(sharers) != 0)
        stable_after = int(changed[-1] + 1) if changed.size else 0
        lowest = levels == 0
        point = f"K={n_types}, N={n_citizens}{engine_label(engine)}"
        checks += [
            exact_check("unraveling", point, "rounds until sharing is stable", stable_after,
                        rounds, "ceil(log2 K)"),
            exact_check("unraveling", point, "max_t |sharers(t) - theory for these citizens|",
                        float(np.max(np.abs(sharers - own))), 0.0,
                        "skeptical inference on the model's own types"),
            exact_check("unraveling", point, "max_t |sharers(t) - (N - M_t N/K)|",
                        float(np.max(np.abs(sharers - per_type))), 0.0,
                        "M_t -> ceil(M_t / 2) silent types per round"),
            exact_check("unraveling", point, "sharers of the lowest type",
                        int(pop.shares_score[lowest].sum()), 0, "lowest type silent"),
            exact_check("unraveling", point, "silent citizens of the other types",
                        int((~pop.shares_score[~lowest]).sum()), 0, "all others share"),
        ]
    return checks


# --- 4. Costly disclosure (Verrecchia 1983) -----------------------------------------------------

def verrecchia_model(cost: float, n_citizens: int, rng: Any) -> DisclosureModel:
    """One category of uniform quality, weight 1, skeptical platform, privacy cost c for all.

    a = 0 makes q = Phi(eps) uniform; w_b = 0 and alpha = 1 make the utility the raw score; no
    services, status, dating or leakage; v = exp(log c) with no spread and kappa = 1.
    """
    return DisclosureModel(
        rng=rng, n_citizens=n_citizens, categories=("financial_history",), weights=(1.0,),
        sensitivities=(1.0,), behaviour_weight=0.0, quality_loading=0.0,
        imputation="skeptical", score_value=1.0, benefits=(0.0, 0.0, 0.0, 0.0),
        status_weight=0.0, dating_weight=0.0, sharing_cost=0.0, data_correlation=0.0,
        privacy_mu=math.log(cost), privacy_sigma=0.0, revision_rate=1.0)


def verrecchia_disclosure(quick: bool) -> list[Check]:
    """Disclosure rate 1 - 2c at the skeptical platform's fixed point.

    The silent types' mean converges as m -> (m + c)/2 (the error halves each step), so 40
    steps reach the fixed point. The SE of the realised rate in a sample of N uniform types is
    sqrt(q* (4/3 - q*) / N), q* = 2c: the binomial share above q* plus twice the sampling error
    of the silent types' mean, which moves q* (q* = c + mean of the silent).
    """
    checks: list[Check] = []
    n_citizens = 5000 if quick else 20000
    replications = 1 if quick else 4
    for index, cost in enumerate((0.1, 0.3) if quick else (0.05, 0.1, 0.2, 0.3, 0.4)):
        rates = []
        for rep in range(replications):
            model = verrecchia_model(cost, n_citizens, seed_of(4, index, rep))
            model.run_for(40)
            rates.append(model.outputs["mean_disclosure"])
        cutoff = 2.0 * cost
        se = math.sqrt(cutoff * (4.0 / 3.0 - cutoff) / (n_citizens * replications))
        checks.append(se_check(
            "verrecchia_1983", f"c={cost:g}, N={n_citizens}, {replications} runs",
            "disclosure rate", float(np.mean(rates)), se,
            theory.verrecchia_disclosure_rate(cost), "1 - 2c"))
    return checks


# --- 5. Data externality (Acemoglu et al. 2022) -------------------------------------------------

def simulated_residual_share(n_others: int, rho: float, samples: int,
                             rng: np.random.Generator) -> tuple[float, float]:
    """Monte Carlo 1 - R^2: unit Gaussian data, n equicorrelated others, OLS on the others.

    Draws X_j = sqrt(rho) Z + sqrt(1 - rho) E_j (j = 0..n; all pairwise correlations rho, unit
    variances), regresses X_0 on X_1..X_n (no intercept: the means are known to be 0) and
    returns the residual variance RSS / (M - n) with its standard error
    sigma^2 sqrt(2 / (M - n)) (chi-square with M - n degrees of freedom).
    """
    common = rng.standard_normal((samples, 1))
    data = math.sqrt(rho) * common + math.sqrt(1.0 - rho) * rng.standard_normal(
        (samples, n_others + 1))
    own, others = data[:, 0], data[:, 1:]
    if n_others:
        coef, *_ = np.linalg.lstsq(others, own, rcond=None)
        residual = own - others @ coef
    else:
        residual = own
    dof = samples - n_others
    variance = float(residual @ residual / dof)
    return variance, variance * math.sqrt(2.0 / dof)


def leakage_formula_check(quick: bool) -> list[Check]:
    """The model's leakage L(n) against 1 - R^2 recovered from simulated Gaussian data.

    Also checks the closed form against the exact linear algebra 1 - c' Sigma^-1 c
    (:func:`theory.equicorrelated_residual_share`) over the whole grid.
    """
    samples = 5000 if quick else 50000
    counts = (0, 1, 4) if quick else (0, 1, 2, 4, 8, 16)
    checks: list[Check] = []
    worst = 0.0
    for i, rho in enumerate((0.3, 0.5, 0.8)):
        for j, n in enumerate(counts):
            model_value = float(leakage(np.array([n]), rho)[0])
            worst = max(worst, abs(model_value - theory.equicorrelated_residual_share(n, rho)))
            value, se = simulated_residual_share(n, rho, samples, seed_of(5, i, j))
            checks.append(se_check(
                "leakage", f"rho={rho:g}, n={n}, {samples} draws", "1 - R^2 (simulated)",
                value, se, model_value, "simulation.rules.leakage"))
    checks.append(exact_check("leakage", f"rho in (0.3, 0.5, 0.8), n in {counts}",
                              "max |L(n) - (1 - c' Sigma^-1 c)|", worst, 0.0,
                              "closed form against linear algebra (slack 1e-12: rounding)",
                              slack=1e-12))
    return checks


# --- 6. Complex contagion (Centola & Macy 2007) -------------------------------------------------

def ring_model(n_citizens: int, n_seeds: int, rng: Any, engine: str = "vectorized"
               ) -> DisclosureModel:
    """The ring of Centola & Macy: k = 4 lattice, absolute threshold 2, consecutive seeds."""
    return DisclosureModel(THRESHOLD_BASE, rng=rng, network="ring_lattice", mean_degree=4,
                           n_citizens=n_citizens, threshold_kind="count", threshold_mean=2.0,
                           n_seeds=n_seeds, seed_placement="consecutive", engine=engine)


def complex_contagion(quick: bool) -> list[Check]:
    """Two adjacent seeds on a k = 4 ring with threshold 2: everyone after (N - 2)/2 steps.

    Odd N ends one step earlier, (N - 3)/2, because the last gap of three closes at once
    (:func:`theory.ring_adopters`).

    Also checks the arc grows by exactly two citizens a step, and the negative control: a single
    seed never spreads (a complex contagion needs two contacts). Some sizes are repeated on the
    per-agent engine.
    """
    checks: list[Check] = []
    points = [(20, "vectorized"), (101, "vectorized"), (20, "agents")] if quick else \
        [(20, "vectorized"), (100, "vectorized"), (101, "vectorized"), (1000, "vectorized"),
         (100, "agents"), (101, "agents")]
    for index, (n, engine) in enumerate(points):
        model = ring_model(n, 2, seed_of(6, index, 0), engine)
        point = f"N={n}, 2 adjacent seeds{engine_label(engine)}"
        steps = run_to_rest(model, n)
        adopters = np.rint(model.dataframe()["cascade_size"].to_numpy() * n)
        expected = np.array([theory.ring_adopters(n, t) for t in range(adopters.size)])
        checks += [
            exact_check("complex_contagion", point, "steps until all adopt",
                        steps, theory.ring_steps_to_full(n), "floor((N - 2)/2)"),
            exact_check("complex_contagion", point, "final adopters",
                        round(model.outputs["cascade_size"] * n), n, "everyone adopts"),
            exact_check("complex_contagion", point, "max_t |adopters(t) - (2 + 2t)|",
                        float(np.max(np.abs(adopters - expected))), 0.0,
                        "the arc grows by 2 a step (N when <= 1 is left)"),
        ]
    model = ring_model(100, 1, seed_of(6, 9, 0))
    run_to_rest(model, 100)
    checks.append(exact_check("complex_contagion", "N=100, 1 seed", "final adopters",
                              round(model.outputs["cascade_size"] * 100), 1,
                              "negative control: one contact is not enough"))
    return checks


# --- 7. State access to volunteered data (this package's extension) --------------------------

STATE_CONCERN_MU = math.log(0.2)
STATE_CONCERN_SIGMA = 0.75


def state_access_model(access: float, n_citizens: int, rng: Any) -> DisclosureModel:
    """One category (employer, pi = 0.8), the score's direct value its only benefit.

    Uniform quality (a = 0), weight 1 and no behaviour weight, so the raw score is q_i when
    disclosing and the penalizing platform's m = 0.25 when withholding; alpha = 1 makes the
    utility gain of disclosing q_i - 0.25. kappa = 1, no services, status, dating or leakage,
    everyone revising. The fear of the state chi_i is log-normal (mean 2, spread 0.5),
    independent of the concern.
    """
    return DisclosureModel(
        rng=rng, n_citizens=n_citizens, categories=("employer",), weights=(1.0,),
        sensitivities=(1.0,), behaviour_weight=0.0, quality_loading=0.0,
        imputation="penalize", score_value=1.0, benefits=(0.0, 0.0, 0.0, 0.0),
        status_weight=0.0, dating_weight=0.0, sharing_cost=0.0, data_correlation=0.0,
        privacy_mu=STATE_CONCERN_MU, privacy_sigma=STATE_CONCERN_SIGMA, revision_rate=1.0,
        state_access=access, state_fear=2.0, state_fear_sigma=0.5)


def state_access_disclosure(quick: bool) -> list[Check]:
    """Disclosure rate = the mean over citizens of P(v_i < g_i / (kappa (1 + chi_i a pi))).

    After one step everyone has chosen: citizen i discloses iff its gain g_i = q_i - 0.25
    exceeds v_i kappa (1 + chi_i a pi). Given the model's own q_i and chi_i, each v_i is an
    independent log-normal draw, so the number of disclosers is a sum of independent
    Bernoulli(p_i) with p_i from :func:`theory.state_access_disclosure_probability`: the rate's
    SE is sqrt(sum p_i (1 - p_i)) / N.
    """
    checks: list[Check] = []
    n_citizens = 5000 if quick else 40000
    for index, access in enumerate((0.0, 1.0) if quick else (0.0, 0.25, 0.5, 1.0)):
        model = state_access_model(access, n_citizens, seed_of(7, index, 0))
        pop, p = model.population, model.params
        model.step()
        probability = theory.state_access_disclosure_probability(
            pop.quality[:, 0].astype(np.float64) - 0.25, 1.0, pop.state_fear, access,
            float(p.political_sensitivity[0]), STATE_CONCERN_MU, STATE_CONCERN_SIGMA)
        checks.append(se_check(
            "state_access", f"a={access:g}, chi=2, pi=0.8, N={n_citizens}", "disclosure rate",
            model.outputs["mean_disclosure"],
            math.sqrt(float((probability * (1.0 - probability)).sum())) / n_citizens,
            float(probability.mean()), "lognormal P(v < g / (kappa (1 + chi a pi)))"))
    return checks


# --- 8. DeGroot averaging of privacy concern (this package's extension) -------------------------

#: Largest relative rounding of one step of concern: float32 storage (2^-24) plus float64 slack.
CONCERN_ROUNDING = 2.0**-24 + 2.0**-50


def degroot_concern(quick: bool) -> list[Check]:
    """Concern converges to the degree-weighted mean of the initial concern.

    A Barabasi-Albert network (connected by construction, degrees far from equal, so the
    degree-weighted mean M_0 differs from the plain mean), mu = 0.5, T steps. Deterministic
    given the seed, so three bounds, derived from the float32 rounding of the stored concern
    (each step rounds v_i by at most 2^-24 v_i):

    - the weighted mean M_t is invariant but for rounding: |M_T - M_0| <= eps sum_t M_t;
    - the weighted distance d_t = ||v_t - M_t||_D contracts by rho, the contraction of
      :func:`theory.degroot_contraction`: d_T <= rho^T d_0 + eps sum_t rho^(T-t) ||v_t||_D;
    - hence max_i |v_i(T) - M_0| <= sqrt(sum k / min k) d_T-bound + |M_T - M_0|-bound.
    """
    checks: list[Check] = []
    points = [(2000, "vectorized")] if quick else [(2000, "vectorized"), (10000, "vectorized"),
                                                   (400, "agents")]
    rate, steps = 0.5, 120
    for index, (n_citizens, engine) in enumerate(points):
        model = DisclosureModel(rng=seed_of(8, index, 0), n_citizens=n_citizens,
                                network="barabasi_albert", mean_degree=8,
                                concern_influence=rate, engine=engine)
        degree = model.network.degree.astype(np.float64)
        share = degree / degree.sum()
        initial = model.population.privacy_concern.astype(np.float64)
        limit = theory.degroot_limit(initial, degree)
        rho = theory.degroot_contraction(model.network.adjacency, rate)
        means, norms = [], []
        for _ in range(steps):
            model.step()
            v = model.population.privacy_concern.astype(np.float64)
            means.append(float(np.dot(share, v)))
            norms.append(math.sqrt(float(np.dot(share, v**2))))
        final = model.population.privacy_concern.astype(np.float64)
        distance_0 = math.sqrt(float(np.dot(share, (initial - limit) ** 2)))
        distance_t = math.sqrt(float(np.dot(share, (final - means[-1]) ** 2)))
        mean_slack = CONCERN_ROUNDING * sum(means)
        distance_bound = rho**steps * distance_0 + CONCERN_ROUNDING * sum(
            rho ** (steps - t) * norm for t, norm in enumerate(norms, start=1))
        spread = math.sqrt(degree.sum() / degree.min())
        point = (f"Barabasi-Albert z=8, N={n_citizens}, mu={rate:g}, T={steps}, "
                 f"rho={rho:.4f}{engine_label(engine)}")
        note = f"M_0 = {limit:.6g}, plain mean {initial.mean():.6g}"
        checks += [
            exact_check("degroot_concern", point, "degree-weighted mean at T", means[-1], limit,
                        note + "; invariant up to float32 rounding", mean_slack),
            bound_check("degroot_concern", point, "||v_T - M_T||_D", distance_t,
                        distance_bound, f"rho^T d_0 + rounding, d_0 = {distance_0:.3g}"),
            bound_check("degroot_concern", point, "max_i |v_i(T) - M_0|",
                        float(np.max(np.abs(final - limit))),
                        spread * distance_bound + mean_slack,
                        "every citizen at the degree-weighted mean of the initial concern"),
        ]
    return checks


#: Every validation case, named by :data:`experiments.validation.CASE_NAMES`, in that order.
CASES: dict[str, Callable[[bool], list[Check]]] = dict(zip(
    CASE_NAMES, (watts_cascades, granovetter_thresholds, unraveling_rounds,
                 verrecchia_disclosure, leakage_formula_check, complex_contagion,
                 state_access_disclosure, degroot_concern), strict=True))


def run_cases(quick: bool, names: Iterable[str] | None = None,
              progress: Callable[[str], None] | None = None) -> list[Check]:
    """Run the named cases (all by default) and return their checks in order.

    Raises:
        ValueError: A name is not a case of :data:`CASES`.
    """
    selected = list(CASES) if names is None else list(names)
    unknown = [name for name in selected if name not in CASES]
    if unknown:
        raise ValueError(f"case: got {', '.join(map(repr, unknown))}, expected one of "
                         f"{', '.join(CASES)}")
    checks: list[Check] = []
    for name in selected:
        if progress is not None:
            progress(name)
        checks += CASES[name](quick)
    return checks


