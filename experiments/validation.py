"""Validation cases: special cases of the disclosure model against published results.

Each case is a function ``case(quick) -> list[Check]`` registered in :data:`CASES`. Every case
except the leakage formula runs :class:`simulation.DisclosureModel` itself with parameters that
reduce it to the published setting (MODEL.md, "Validation"); the leakage case checks the formula
the model uses, :func:`simulation.rules.leakage`, against simulated Gaussian data. The analytic
side comes from :mod:`experiments.theory`.

A check passes when |simulated - theory| <= tolerance, with

    tolerance = 3 * SE + allowance,

SE the Monte Carlo standard error of the simulated value (0 for deterministic cases) and the
allowance a stated discretisation margin where the theory is asymptotic (N -> infinity) or
continuous while the model counts whole citizens. Seeds are fixed, so a run is reproducible.
``quick`` uses fewer replications and smaller populations (under a minute in all); the full run
is what results/validation/ records.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import norm

from experiments import theory
from simulation import DisclosureModel
from simulation.rules import leakage

#: Multiple of the standard error allowed between simulation and theory.
SE_MULTIPLE = 3.0


@dataclass(frozen=True)
class Check:
    """One row of the validation table.

    Attributes:
        case: Name of the validation case (a key of :data:`CASES`).
        point: The parameter point, e.g. ``"z=3"``.
        quantity: What is compared, e.g. ``"P(global cascade)"``.
        simulated: The model's value.
        error: Its standard error (0 when the model is deterministic here).
        theory: The analytic value.
        allowance: Discretisation margin added to 3 SE (see the module docstring).
        note: Where the theory comes from and why the allowance is what it is.
    """

    case: str
    point: str
    quantity: str
    simulated: float
    error: float
    theory: float
    allowance: float = 0.0
    note: str = ""

    @property
    def tolerance(self) -> float:
        """3 SE plus the allowance."""
        return SE_MULTIPLE * self.error + self.allowance

    @property
    def passed(self) -> bool:
        """Whether |simulated - theory| <= tolerance (NaN never passes)."""
        gap = abs(self.simulated - self.theory)
        return bool(gap <= self.tolerance + 1e-12 * max(1.0, abs(self.theory)))

    def record(self) -> dict[str, Any]:
        """The row as a flat dict (the CSV columns)."""
        row = asdict(self)
        row["tolerance"] = self.tolerance
        row["status"] = "PASS" if self.passed else "FAIL"
        return row


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

    Inside the window 1.02 < z < 5.76 the share of runs with a global cascade must follow
    P = 1 - exp(-z u) (:func:`experiments.theory.watts_cascade_probability`); outside it, no
    global cascades. Finite N blurs the window's edges, so the grid keeps away from them and
    the allowance (0.03) covers the finite-size shift of P in the interior.
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
            global_runs += model.outputs["cascade_size"] > WATTS_GLOBAL_SHARE
        expected = theory.watts_cascade_probability(z, WATTS_PHI)
        where = "inside" if low < z < high else "outside"
        checks.append(Check(
            "watts_2002", f"z={z:g} ({where}), N={n_citizens}, {replications} runs",
            f"P(cascade > {WATTS_GLOBAL_SHARE:.0%})", global_runs / replications,
            proportion_se(global_runs, replications), expected, 0.03,
            "P = 1 - exp(-z u); allowance 0.03 for finite N"))
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


def expected_value_thresholds(sd: float, mean: float = GRANOVETTER_MEAN,
                              n_citizens: int = GRANOVETTER_N) -> tuple[float, ...]:
    """The population that is its own expected distribution: the (i + 0.5)/N quantiles.

    Citizen i gets threshold max(mean + sd * Phi^-1((i + 0.5)/N), 0), so the number of
    thresholds at or below m is N F(m) rounded to the nearest integer: the model's integer
    counterpart of Granovetter's expected-value curve.
    """
    quantiles = norm.ppf((np.arange(n_citizens) + 0.5) / n_citizens)
    return tuple(np.maximum(mean + sd * quantiles, 0.0).tolist())


def granovetter_thresholds(quick: bool) -> list[Check]:
    """Granovetter's riot: the 0..99 example, the normal-threshold curve and its jump.

    - Thresholds 0, 1, ..., 99 (complete network, counts): 100 adopters; the threshold-1 citizen
      moved to 2: 1 adopter. Deterministic, tolerance 0.
    - Random normal thresholds (mean 25, sd sigma, N = 100): the mean equilibrium over
      replications against its exact finite-N expectation
      (:func:`experiments.theory.granovetter_expected_equilibrium`), 3 SE with the exact SD.
    - Expected-value population (:func:`expected_value_thresholds`): the equilibrium against
      Granovetter's continuous r = N F(r), and the sigma at which it jumps against 12.2. The
      allowance is the gap between the continuous curve and its whole-citizen version
      r = N F(floor r), plus one citizen (or the bisection width) for rounding.
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
        checks.append(Check("granovetter_1978", label + engine_label(engine), "adopters",
                            _equilibrium_adopters(model), 0.0,
                            theory.granovetter_equilibrium(values), 0.0,
                            "Granovetter 1978: 100, and 1 after the move"))

    replications = 100 if quick else 600
    spreads = (10.0, 12.2, 16.0) if quick else (8.0, 10.0, 12.0, 12.2, 13.0, 14.0, 16.0, 20.0)
    for index, sd in enumerate(spreads):
        total = 0
        for rep in range(replications):
            model = _granovetter_model(seed_of(2, index + 1, rep), threshold_mean=GRANOVETTER_MEAN,
                                       threshold_sd=sd)
            total += _equilibrium_adopters(model)
        mean, spread = theory.granovetter_expected_equilibrium(sd, GRANOVETTER_MEAN,
                                                               GRANOVETTER_N)
        checks.append(Check(
            "granovetter_1978", f"normal thresholds sd={sd:g}, {replications} runs",
            "mean adopters", total / replications, spread / math.sqrt(replications), mean, 0.0,
            "exact finite-N expectation; SE from the exact SD"))

    for sd in ((10.0, 13.0) if quick else (8.0, 10.0, 12.0, 13.0, 16.0, 20.0)):
        model = _granovetter_model(seed_of(2, 99, 0),
                                   threshold_values=expected_value_thresholds(sd))
        continuous = theory.granovetter_mean_field(sd, GRANOVETTER_MEAN, GRANOVETTER_N)
        whole = theory.granovetter_mean_field(sd, GRANOVETTER_MEAN, GRANOVETTER_N,
                                              integer_counts=True)
        checks.append(Check(
            "granovetter_1978", f"expected-value thresholds sd={sd:g}", "adopters",
            _equilibrium_adopters(model), 0.0, continuous, abs(continuous - whole) + 1.0,
            "smallest root of r = N F(r); allowance |continuous - floor| + 1"))

    width = 0.05 if quick else 0.005
    lo, hi = 10.0, 15.0
    while hi - lo > width:
        mid = 0.5 * (lo + hi)
        model = _granovetter_model(seed_of(2, 99, 0),
                                   threshold_values=expected_value_thresholds(mid))
        lo, hi = (lo, mid) if _equilibrium_adopters(model) > GRANOVETTER_N / 2 else (mid, hi)
    critical = theory.granovetter_critical_sd(GRANOVETTER_MEAN, GRANOVETTER_N)
    critical_whole = theory.granovetter_critical_sd(GRANOVETTER_MEAN, GRANOVETTER_N,
                                                    integer_counts=True)
    checks.append(Check(
        "granovetter_1978", "expected-value thresholds", "sd at the jump to everyone",
        0.5 * (lo + hi), 0.0, critical, abs(critical_whole - critical) + width,
        f"Granovetter: ~12.2; whole-citizen version {critical_whole:.2f}"))
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

    Levels are balanced (N/K citizens each, N a multiple of every K), so the model is
    deterministic here. The sharing rate at step t must be 1 - M_t/K with M_t the silent types
    of :func:`experiments.theory.unraveling_silent_types`. When K does not divide a power of
    two, an odd silent set has its middle type exactly at the silent mean, a tie that stays
    silent (zero sharing cost, ties to not sharing). The K used here divide 300, so every type's
    score is a whole number of points and these ties are exact in floating point, not left to
    rounding. The full run repeats K = 10 on the per-agent engine.
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
        model.run_for(rounds + 5)
        rate = model.dataframe()["sharing_rate"].to_numpy()
        expected = np.array([1.0 - theory.unraveling_silent_types(n_types, t) / n_types
                             for t in range(rate.size)])
        changed = np.flatnonzero(np.diff(rate) != 0)
        stable_after = int(changed[-1] + 1) if changed.size else 0
        pop = model.population
        lowest = pop.behaviour == pop.behaviour.min()
        point = f"K={n_types}, N={n_citizens}{engine_label(engine)}"
        checks += [
            Check("unraveling", point, "rounds until sharing is stable", stable_after, 0.0,
                  rounds, 0.0, "ceil(log2 K)"),
            Check("unraveling", point, "max |sharing rate(t) - (1 - M_t/K)|",
                  float(np.max(np.abs(rate - expected))), 0.0, 0.0, 1e-12,
                  "M_t -> ceil(M_t / 2) silent types per round"),
            Check("unraveling", point, "sharing rate of the lowest type",
                  float(pop.shares_score[lowest].mean()), 0.0, 0.0, 0.0, "lowest type silent"),
            Check("unraveling", point, "sharing rate of the other types",
                  float(pop.shares_score[~lowest].mean()), 0.0, 1.0, 0.0, "all others share"),
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
        checks.append(Check(
            "verrecchia_1983", f"c={cost:g}, N={n_citizens}, {replications} runs",
            "disclosure rate", float(np.mean(rates)), se,
            theory.verrecchia_disclosure_rate(cost), 0.0, "1 - 2c"))
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
    (:func:`experiments.theory.equicorrelated_residual_share`) over the whole grid.
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
            checks.append(Check(
                "leakage", f"rho={rho:g}, n={n}, {samples} draws", "1 - R^2 (simulated)",
                value, se, model_value, 0.0, "simulation.rules.leakage"))
    checks.append(Check("leakage", f"rho in (0.3, 0.5, 0.8), n in {counts}",
                        "max |L(n) - (1 - c' Sigma^-1 c)|", worst, 0.0, 0.0, 1e-12,
                        "closed form against linear algebra"))
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
    (:func:`experiments.theory.ring_adopters`).

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
            Check("complex_contagion", point, "steps until all adopt",
                  steps, 0.0, theory.ring_steps_to_full(n), 0.0, "floor((N - 2)/2)"),
            Check("complex_contagion", point, "final cascade size",
                  model.outputs["cascade_size"], 0.0, 1.0, 0.0, "everyone adopts"),
            Check("complex_contagion", point,
                  "max |adopters(t) - (2 + 2t)|",
                  float(np.max(np.abs(adopters - expected))), 0.0, 0.0, 0.0,
                  "the arc grows by 2 a step (N when <= 1 is left)"),
        ]
    model = ring_model(100, 1, seed_of(6, 9, 0))
    run_to_rest(model, 100)
    checks.append(Check("complex_contagion", "N=100, 1 seed", "final adopters",
                        round(model.outputs["cascade_size"] * 100), 0.0, 1.0, 0.0,
                        "negative control: one contact is not enough"))
    return checks


#: Every validation case, in the order of MODEL.md.
CASES: dict[str, Callable[[bool], list[Check]]] = {
    "watts_2002": watts_cascades,
    "granovetter_1978": granovetter_thresholds,
    "unraveling": unraveling_rounds,
    "verrecchia_1983": verrecchia_disclosure,
    "leakage": leakage_formula_check,
    "complex_contagion": complex_contagion,
}


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


# --- the table ----------------------------------------------------------------------------------

#: Columns of validation.csv, in order.
TABLE_COLUMNS = ("case", "point", "quantity", "simulated", "error", "theory", "allowance",
                 "tolerance", "status", "note")


def format_number(value: float) -> str:
    """Four significant digits, whole numbers without decimals."""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if float(value).is_integer() and abs(value) < 1e6:
        return f"{int(value)}"
    return f"{value:.4g}"


def simulated_text(check: Check) -> str:
    """``value ± SE`` (or the value alone when the model is deterministic here)."""
    value = format_number(check.simulated)
    return f"{value} ± {check.error:.2g}" if check.error > 0 else value


def table_stem(quick: bool, subset: bool) -> str:
    """File name stem: ``validation`` for the full run of every case, else a marked variant.

    Quick or partial runs never overwrite the committed full table.
    """
    return "validation" + ("_quick" if quick else "") + ("_partial" if subset else "")


def write_table(checks: list[Check], directory: str | Path, stem: str,
                header: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``<stem>.csv`` and ``<stem>.md`` into ``directory``; return their paths.

    The Markdown file starts with ``header`` (mode, time, git commit, wall time) so that a
    committed table says what produced it; the CSV holds full-precision numbers.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = directory / f"{stem}.csv", directory / f"{stem}.md"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=TABLE_COLUMNS)
        writer.writeheader()
        for check in checks:
            record = check.record()
            writer.writerow({name: record[name] for name in TABLE_COLUMNS})
    failed = sum(not check.passed for check in checks)
    lines = ["# Validation: special cases of the model against published results", ""]
    lines += [f"- {key}: {value}" for key, value in header.items()]
    lines += [f"- result: {len(checks) - failed} of {len(checks)} checks pass", "",
              "Written by `datarovers validate`; see docs/validation.md for the cases. "
              "A check passes when |simulated - theory| <= tolerance = 3 SE + allowance.", "",
              "| case | point | quantity | simulated ± SE | theory | tolerance | status | note |",
              "|---|---|---|---|---|---|---|---|"]
    for check in checks:
        cells = (check.case, check.point, check.quantity, simulated_text(check),
                 format_number(check.theory), f"{check.tolerance:.3g}",
                 "PASS" if check.passed else "**FAIL**", check.note)
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return csv_path, md_path
