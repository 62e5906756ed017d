"""Tipping points: where a final outcome jumps along one parameter, and early warnings before it.

A tipping spec is a sweep spec with a ``[tipping]`` table instead of a design::

    [tipping]
    parameter = "mean_degree"       # a numeric parameter
    range = [4.0, 8.0]              # scanned from low to high
    outcome = "cascade_size"        # recorded by [outcomes] (series, for the indicators)
    points = 9                      # initial grid (default 9)
    rounds = 2                      # refinement rounds (default 2)
    min_jump = 0.05                 # smallest change that counts, in the outcome's units
    concentration = 2.0             # see below (default 2)
    confidence = 0.95
    bootstrap = 1000
    window = 0.5                    # rolling window of the indicators, share of the series
    bandwidth = 0.2                 # Gaussian detrending bandwidth, share of the series
    burn_in = 0                     # steps dropped before the indicators

**Scan.** Every point runs the same ``replications``, and replication r gets the same seed at
every point, ``SeedSequence(root_seed).spawn(replications)[r]`` (common random numbers), so
the difference between neighbouring points is paired and its noise small. Let m_i be the mean
final outcome at x_i and d_i = m_{i+1} - m_i on a uniform grid.

**Jump.** The steepest bracket is b = argmax |d_i|. A jump is reported when (1) |d_b| exceeds
z_{1 - a/(2K)} times its paired standard error (Bonferroni over the K brackets), (2) |d_b| >=
``min_jump``, and (3) the bracket holds at least ``concentration`` times its share of the total
variation, |d_b| >= concentration * (1/K) sum_i |d_i|: a straight line through noise puts about
1/K of the variation in each bracket, a jump most of it in one. Otherwise the scan reports that
there is no jump in the range.

**Refinement.** Each round lays a uniform grid of ``points`` over the steepest bracket and its
two neighbours (three brackets), whose spacing is (3/(points - 1)) times the previous one, and
takes the steepest bracket of that grid. Refinement stops early when the steepest change of a
round is no longer significant (noise, not the curve, would choose the bracket).

**Tipping value.** The midpoint x* of the last steepest bracket. Its interval is the
percentile bootstrap over replications (resampled jointly at every point, which keeps the
pairing) of the same midpoint on the last grid, widened by half the bracket on each side (the
grid's resolution).

**Extent of the transition.** A jump smoothed by a finite population starts and ends
somewhere: on the merged scan, the transition ends at the first value beyond x* from which the
mean stays within max(z_{1-a/2} SE, ``plateau`` * H) of the mean at the range's end, H being
the difference between the means at the two ends (and it starts likewise on the other side).
Each end is reported as the bracket between the last value inside the transition and the first
on the plateau. For Watts's cascades (outcome: cascade size, scanned over the mean degree z)
the end is the upper edge of the cascade window, where global cascades stop: z = 5.77 for
N -> infinity, a little higher for finite N.

**Early-warning indicators** (critical slowing down, Scheffer et al. 2009; Dakos et al. 2012):
at each point, the mean over replications of the outcome's series after ``burn_in`` is
detrended with a Gaussian kernel and, over a rolling window, its variance and lag-1
autocorrelation are computed with ewstools (Bury 2023); Kendall's tau of each indicator against
time measures its trend. The mean over replications keeps the lag-1 autocorrelation of the
runs' fluctuations and scales their variance by 1/R at every point alike. Along the approach
(the points below x*), Kendall's tau of each indicator's last value against the parameter says
whether the indicators rise towards the tip.

References:
    Scheffer, M., et al. (2009). Early-warning signals for critical transitions. Nature 461,
    53-59. Dakos, V., et al. (2012). Methods for detecting early warnings of critical
    transitions in time series illustrated using simulated ecological data. PLoS ONE 7,
    e41010. Bury, T. M. (2023). ewstools: A Python package for early warning signals of
    bifurcations in time series data. JOSS 8(82), 5038. Watts, D. J. (2002). A simple model of
    global cascades on random networks. PNAS 99(9), 5766-5771.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from experiments.analysis.evaluation import (
    check_keys,
    evaluate,
    numeric_kind,
    split_spec,
    with_design,
)
from experiments.analysis.labels import label
from experiments.errors import UsageError
from experiments.paths import resolve_spec
from experiments.spec import SweepSpec, read_spec_document
from experiments.sweep import Task, TaskResult, task_seeds
from simulation import Params

#: Keys of ``[tipping]``, with what each expects.
SECTION_KEYS: dict[str, str] = {
    "parameter": "the name of a numeric parameter",
    "range": "[low, high], two numbers with low < high",
    "outcome": "an outcome name recorded by [outcomes]",
    "points": "an integer >= 4 (grid points per round)",
    "rounds": "an integer >= 0 (refinement rounds)",
    "min_jump": "a number >= 0 (smallest change that counts, in the outcome's units)",
    "concentration": "a number >= 1 (share of the variation the steepest bracket must hold, "
                     "in multiples of a straight line's)",
    "plateau": "a number strictly between 0 and 1 (how near the level at the range's end, as "
               "a share of the jump's height, ends the transition)",
    "confidence": "a number strictly between 0 and 1",
    "bootstrap": "an integer >= 10 (bootstrap resamples)",
    "window": "a number strictly between 0 and 1 (rolling window, share of the series)",
    "bandwidth": "a number strictly between 0 and 1 (detrending bandwidth, share of the series)",
    "burn_in": "an integer >= 0 (steps dropped before the indicators)",
}
EXPECTED = "parameter, range and outcome"
#: Columns of ``tipping.csv`` (one row per scanned value).
COLUMNS = ("parameter", "value", "round", "runs", "mean", "se", "ci_low", "ci_high", "variance",
           "ac1", "tau_variance", "tau_ac1")


@dataclass(frozen=True)
class TippingSpec:
    """A validated tipping spec.

    Attributes:
        sweep: The sweep part (no design; each round makes its own).
        parameter: The scanned parameter.
        low: Start of the range.
        high: End of the range.
        outcome: The outcome whose final value is scanned.
        points: Grid points per round.
        rounds: Refinement rounds after the first grid.
        min_jump: Smallest change that counts as a jump.
        concentration: Multiple of a straight line's share the steepest bracket must hold.
        plateau: Share of the jump's height within which the outcome has reached the level
            at the range's end (the transition's extent).
        confidence: Confidence level of the intervals and of the jump test.
        bootstrap: Bootstrap resamples of the tipping value.
        window: Rolling window of the indicators (share of the series).
        bandwidth: Gaussian detrending bandwidth (share of the series).
        burn_in: Steps dropped before the indicators.
    """

    sweep: SweepSpec
    parameter: str
    low: float
    high: float
    outcome: str
    points: int = 9
    rounds: int = 2
    min_jump: float = 0.0
    concentration: float = 2.0
    plateau: float = 0.05
    confidence: float = 0.95
    bootstrap: int = 1000
    window: float = 0.5
    bandwidth: float = 0.2
    burn_in: int = 0

    @property
    def integer(self) -> bool:
        """Whether the parameter takes integer values."""
        return numeric_kind(self.parameter) is int

    def grid(self, low: float, high: float) -> np.ndarray:
        """``points`` evenly spaced values from ``low`` to ``high`` (integers: rounded, unique)."""
        values = np.linspace(low, high, self.points)
        return np.unique(np.round(values)) if self.integer else np.round(values, 12)

    def round_spec(self, number: int, values: Sequence[float]) -> SweepSpec:
        """The sweep spec of one round: its new values as design points."""
        points = [{self.parameter: self.cast(v)} for v in values]
        spec = with_design(self.sweep, (self.parameter,), points, "tipping")
        raw = {**self.sweep.raw, "tipping_round": {"number": number,
                                                   "values": [self.cast(v) for v in values]}}
        return dataclasses.replace(spec, raw=raw)

    def cast(self, value: float) -> int | float:
        """A scan value as the parameter's type."""
        return round(float(value)) if self.integer else float(value)

    def tasks(self, spec: SweepSpec) -> list[Task]:
        """Point-major tasks; replication r has the same seed at every point of every round."""
        seeds = task_seeds(self.sweep.root_seed, self.sweep.replications)
        replications = self.sweep.replications
        return [Task(number * replications + r, number, r, seeds[r], dict(point), dict(point))
                for number, point in enumerate(spec.points) for r in range(replications)]


def load_tipping(path: str | Path) -> TippingSpec:
    """Read and validate a tipping spec file (see the module docstring)."""
    return parse_tipping(read_spec_document(path), resolve_spec(path))


def parse_tipping(raw: Mapping[str, Any], source: str | Path = "<spec>") -> TippingSpec:
    """Validate a parsed tipping spec.

    Raises:
        UsageError: The first problem, as ``<file>: [tipping] <key>: <reason>``; among them an
            unknown parameter, a reversed range and a range with no interior.
    """
    source = Path(source)
    base, table = split_spec(raw, "tipping", EXPECTED, source)

    def fail(key: str, reason: str) -> UsageError:
        return UsageError(f"{source}: [tipping] {key}: {reason}")

    check_keys(table, SECTION_KEYS, fail)
    for key in ("parameter", "range", "outcome"):
        if key not in table:
            raise fail(key, f"missing; expected {SECTION_KEYS[key]}")

    parameter = table["parameter"]
    if not isinstance(parameter, str):
        raise fail("parameter", f"got {parameter!r}, expected {SECTION_KEYS['parameter']}")
    if numeric_kind(parameter) is None:
        names = {f.name for f in dataclasses.fields(Params)}
        reason = "unknown parameter" if parameter not in names else "not a numeric parameter"
        raise fail("parameter", f"{parameter!r}: {reason}; expected an int or float parameter "
                   "of simulation.Params")
    if parameter in base.fixed:
        raise fail("parameter", f"{parameter!r} is also set in [fixed]; expected each "
                   "parameter in one place")

    bounds = table["range"]
    if not (isinstance(bounds, list) and len(bounds) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                    and math.isfinite(v) for v in bounds)):
        raise fail("range", f"got {bounds!r}, expected {SECTION_KEYS['range']}")
    low, high = float(bounds[0]), float(bounds[1])
    if not low < high:
        raise fail("range", f"got {bounds!r}, expected low < high (reversed or empty range)")

    number = _number(table, "points", 9, 4, fail, integer=True)
    values = dict(points=number,
                  rounds=_number(table, "rounds", 2, 0, fail, integer=True),
                  min_jump=_number(table, "min_jump", 0.0, 0.0, fail),
                  concentration=_number(table, "concentration", 2.0, 1.0, fail),
                  bootstrap=_number(table, "bootstrap", 1000, 10, fail, integer=True),
                  burn_in=_number(table, "burn_in", 0, 0, fail, integer=True))
    for key, default in (("confidence", 0.95), ("window", 0.5), ("bandwidth", 0.2),
                         ("plateau", 0.05)):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise fail(key, f"got {value!r}, expected {SECTION_KEYS[key]}")
        values[key] = float(value)

    outcome = table["outcome"]
    if not isinstance(outcome, str) or outcome not in base.outcomes:
        raise fail("outcome", f"{outcome!r} is not recorded; expected one of "
                   f"{', '.join(base.outcomes)} (add it to [outcomes])")
    if values["burn_in"] >= base.steps:
        raise fail("burn_in", f"got {values['burn_in']}, expected fewer than steps = "
                   f"{base.steps}")

    spec = TippingSpec(sweep=base, parameter=parameter, low=low, high=high, outcome=outcome,
                       **values)
    grid = spec.grid(low, high)
    if len(grid) < 4:
        raise fail("range", f"{bounds!r} holds {len(grid)} distinct values of the integer "
                   f"parameter {parameter!r}; expected a range with an interior of at least "
                   "two values between its ends")
    for value in (grid[0], grid[-1]):
        try:
            Params().with_overrides(**base.fixed, **{parameter: spec.cast(value)})
        except (ValueError, TypeError) as err:
            raise fail("range", f"{err}; expected a range inside the parameter's domain"
                       ) from None
    return spec


def _number(table: Mapping[str, Any], key: str, default: float, minimum: float,
            fail: Callable[[str, str], UsageError], *, integer: bool = False) -> Any:
    value = table.get(key, default)
    kinds = (int,) if integer else (int, float)
    if (isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value)
            or value < minimum):
        raise fail(key, f"got {value!r}, expected {SECTION_KEYS[key]}")
    return value


# --- the jump: pure functions of the scan ----------------------------------------------------
@dataclass(frozen=True)
class Jump:
    """The steepest change of one grid.

    Attributes:
        bracket: Index i of the bracket [x_i, x_{i+1}] with the largest |d_i|.
        change: d_b, the change of the mean across it.
        se: Its paired standard error.
        significant: Whether |d_b| passes the Bonferroni z test.
        concentration: |d_b| / mean_i |d_i|.
        found: All three conditions of the module docstring hold.
    """

    bracket: int
    change: float
    se: float
    significant: bool
    concentration: float
    found: bool


def steepest_change(finals: np.ndarray, *, confidence: float = 0.95, min_jump: float = 0.0,
                    concentration: float = 2.0) -> Jump:
    """The steepest bracket of a uniform grid and whether it is a jump.

    Args:
        finals: Final outcomes, shape (points, replications), replication r paired across
            points (common random numbers).
        confidence: Level of the Bonferroni-corrected z test of the steepest change.
        min_jump: Smallest |change| that counts.
        concentration: Required multiple of a straight line's share of the total variation.
    """
    means = finals.mean(axis=1)
    changes = np.diff(means)
    brackets = len(changes)
    best = int(np.argmax(np.abs(changes)))
    paired = finals[best + 1] - finals[best]
    se = float(paired.std(ddof=1) / math.sqrt(paired.size)) if paired.size > 1 else math.inf
    critical = stats.norm.ppf(1 - (1 - confidence) / (2 * brackets))
    change = float(changes[best])
    significant = abs(change) > critical * se
    total = float(np.abs(changes).mean())
    held = abs(change) / total if total > 0 else 0.0
    found = significant and abs(change) >= min_jump and held >= concentration
    return Jump(best, change, se, bool(significant), held, bool(found))


def refine_range(values: np.ndarray, bracket: int) -> tuple[float, float]:
    """The steepest bracket and its two neighbours, clipped to the grid."""
    return float(values[max(bracket - 1, 0)]), float(values[min(bracket + 2, len(values) - 1)])


def tipping_interval(values: np.ndarray, finals: np.ndarray, *, confidence: float = 0.95,
                     bootstrap: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """The midpoint of the steepest bracket and its bootstrap interval over replications.

    Replications are resampled jointly at every point (keeping the pairing); the percentile
    interval of the resampled midpoints is widened by half a bracket on each side.

    Returns:
        ``(value, low, high)``.
    """
    midpoints = (values[:-1] + values[1:]) / 2
    best = int(np.argmax(np.abs(np.diff(finals.mean(axis=1)))))
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, finals.shape[1], size=(bootstrap, finals.shape[1]))
    resampled = finals[:, draws].mean(axis=2)            # (points, bootstrap)
    picks = np.argmax(np.abs(np.diff(resampled, axis=0)), axis=0)
    alpha = 1 - confidence
    low, high = np.quantile(midpoints[picks], [alpha / 2, 1 - alpha / 2])
    half = float(np.diff(values).max()) / 2
    return float(midpoints[best]), float(low - half), float(high + half)


def transition_extent(values: np.ndarray, means: np.ndarray, ses: np.ndarray, tip: float, *,
                      confidence: float = 0.95, plateau: float = 0.05
                      ) -> tuple[float, float, float, float]:
    """Where the transition around ``tip`` starts and ends (see the module docstring).

    Args:
        values: The scanned values, increasing.
        means: Mean final outcome at each.
        ses: Standard errors of the means.
        tip: The tipping value.
        confidence: Level of the noise band.
        plateau: Share of the jump's height that counts as having arrived.

    Returns:
        ``(start_low, start_high, end_low, end_high)``: the start lies in
        [start_low, start_high], the end in [end_low, end_high]; NaN where the transition
        reaches the end of the range.
    """
    z = stats.norm.ppf(0.5 + confidence / 2)
    height = abs(means[-1] - means[0])

    def arrived(k: int, end: int) -> bool:
        band = max(z * math.hypot(ses[k], ses[end]), plateau * height)
        return abs(means[k] - means[end]) <= band

    above = [k for k in range(len(values)) if values[k] > tip]
    below = [k for k in range(len(values)) if values[k] < tip][::-1]
    ends = []
    for side, end in ((below, 0), (above, len(values) - 1)):
        first = None  # the value nearest the tip from which every further one has arrived
        for k in reversed(side):
            if not arrived(k, end):
                break
            first = k
        if first is None or first == end:  # still moving at the end of the range
            ends.append((math.nan, math.nan))
        elif first == side[0]:
            ends.append(tuple(sorted((tip, float(values[first])))))
        else:
            inside = side[side.index(first) - 1]
            ends.append(tuple(sorted((float(values[inside]), float(values[first])))))
    (start_low, start_high), (end_low, end_high) = ends
    return start_low, start_high, end_low, end_high


# --- early-warning indicators -----------------------------------------------------------------
def early_warning(series: Sequence[float] | np.ndarray, *, window: float = 0.5,
                  bandwidth: float = 0.2) -> dict[str, float]:
    """Rolling variance and lag-1 autocorrelation of a detrended series, and their trends.

    ewstools (Bury 2023): Gaussian detrending with ``bandwidth`` (share of the series), then
    over a rolling window of ``window`` times the length, the residuals' variance and lag-1
    autocorrelation; Kendall's tau of each against time.

    Returns:
        ``variance`` and ``ac1`` (their values in the last window) and ``tau_variance`` and
        ``tau_ac1``; NaN where the series is constant (no fluctuations to measure).
    """
    values = np.asarray(series, dtype=float)
    nan = {"variance": math.nan, "ac1": math.nan, "tau_variance": math.nan, "tau_ac1": math.nan}
    if values.size < 8 or not np.all(np.isfinite(values)) or np.ptp(values) == 0:
        return nan
    import warnings

    import ewstools

    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore")  # constant windows: NaN, reported as such
        ts = ewstools.TimeSeries(pd.Series(values))
        ts.detrend(method="Gaussian", bandwidth=bandwidth)
        ts.compute_var(rolling_window=window)
        ts.compute_auto(lag=1, rolling_window=window)
        ts.compute_ktau()
    last = ts.ews.iloc[-1]
    return {"variance": float(last["variance"]), "ac1": float(last["ac1"]),
            "tau_variance": float(ts.ktau["variance"]), "tau_ac1": float(ts.ktau["ac1"])}


def approach_trend(table: pd.DataFrame, value: float | None) -> dict[str, float]:
    """Kendall's tau of each indicator against the parameter below the tipping value."""
    below = table if value is None else table[table["value"] < value]
    out = {}
    for indicator in ("variance", "ac1"):
        rows = below.dropna(subset=[indicator])
        tau = (stats.kendalltau(rows["value"], rows[indicator]).statistic
               if len(rows) >= 3 and rows[indicator].nunique() > 1 else math.nan)
        out[f"approach_tau_{indicator}"] = float(tau)
    return out


# --- running ----------------------------------------------------------------------------------
@dataclass
class TippingResult:
    """A scan and its verdict.

    Attributes:
        spec: The spec.
        table: The rows of ``tipping.csv`` (:data:`COLUMNS`), sorted by value.
        found: Whether a jump was found.
        value: The tipping value (NaN if none).
        ci_low: Its interval's low end.
        ci_high: Its interval's high end.
        change: The change of the mean outcome across the last steepest bracket.
        extent: ``(start_low, start_high, end_low, end_high)`` of the transition
            (:func:`transition_extent`); NaN if no jump.
        rounds_run: Refinement rounds run (fewer than asked if the change stopped being
            significant).
        approach: Kendall's tau of the indicators along the approach.
        directory: The analysis's run directory.
    """

    spec: TippingSpec
    table: pd.DataFrame
    found: bool
    value: float
    ci_low: float
    ci_high: float
    change: float
    extent: tuple[float, float, float, float]
    rounds_run: int
    approach: dict[str, float]
    directory: Path

    def summary(self) -> dict[str, Any]:
        """The verdict as JSON-ready values."""
        return {"parameter": self.spec.parameter, "outcome": self.spec.outcome,
                "range": [self.spec.low, self.spec.high], "found": self.found,
                "tipping_value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "confidence": self.spec.confidence, "change": self.change,
                "transition_start": list(self.extent[:2]),
                "transition_end": list(self.extent[2:]),
                "rounds_run": self.rounds_run, **self.approach}

    def sentence(self) -> str:
        """One line for the terminal."""
        name = self.spec.parameter
        if not self.found:
            return (f"no jump of {self.spec.outcome} in {name} from {self.spec.low:g} to "
                    f"{self.spec.high:g}")
        start, end = self.extent[:2], self.extent[2:]
        ends = "; the transition starts " + (
            f"between {start[0]:.4g} and {start[1]:.4g}" if np.isfinite(start[0])
            else "before the range") + " and ends " + (
            f"between {end[0]:.4g} and {end[1]:.4g}" if np.isfinite(end[0])
            else "beyond the range")
        return (f"{self.spec.outcome} jumps by {self.change:+.3g} at {name} = {self.value:.4g} "
                f"[{self.ci_low:.4g}, {self.ci_high:.4g}] ({self.spec.confidence:.0%} interval)"
                + ends)


def _finals(frame: pd.DataFrame, spec: TippingSpec) -> pd.DataFrame:
    """Final outcome per (value, replication), values as rows."""
    last = frame[frame["step"] == spec.sweep.steps]
    table = last.pivot_table(index=spec.parameter, columns="replication",
                             values=spec.outcome, aggfunc="first")
    if table.isna().to_numpy().any():
        raise UsageError(f"{spec.sweep.source}: [tipping] outcome: {spec.outcome!r} is "
                         "undefined (NaN) in some runs; expected an outcome defined in every run")
    return table.sort_index()


def run_tipping(spec: TippingSpec | str | Path, results_root: str | Path | None = None,
                executor: cf.Executor | None = None, *, slots: int | None = None,
                label: str | None = None,
                on_result: Callable[[TaskResult], None] | None = None) -> TippingResult:
    """Run (or resume) the scan round by round and locate the jump.

    Round k's runs live in ``<run directory>/round-<k>/``; a rerun finds them there and
    recomputes nothing (each round's values follow from the earlier rounds' results, which
    the same seeds reproduce).
    """
    from experiments.storage import run_directory

    if not isinstance(spec, TippingSpec):
        spec = load_tipping(spec)
    directory = run_directory(spec.sweep, results_root)
    frames: list[pd.DataFrame] = []
    round_of: dict[float, int] = {}
    grid = spec.grid(spec.low, spec.high)
    found = False
    rounds_run = 0
    last_grid, last_finals, last_jump = grid, None, None
    for number in range(spec.rounds + 1):
        new = [v for v in grid if not any(np.isclose(v, seen) for seen in round_of)]
        if new:
            round_spec = spec.round_spec(number, new)
            frame, _ = evaluate(
                round_spec, executor=executor, tasks=spec.tasks(round_spec), slots=slots,
                label=label, on_result=on_result, directory=directory / f"round-{number}",
                manifest={"analysis": "tipping", "round": number, "parameter": spec.parameter,
                          "seed_derivation": "common random numbers: replication r has seed "
                                             "SeedSequence(root_seed).spawn(replications)[r] "
                                             "at every value"})
            frames.append(frame)
            round_of.update({float(v): number for v in new})
        finals = _finals(pd.concat(frames, ignore_index=True), spec)
        on_grid = finals.loc[[_match(finals.index, v) for v in grid]]
        jump = steepest_change(on_grid.to_numpy(), confidence=spec.confidence,
                               min_jump=spec.min_jump, concentration=spec.concentration)
        if number == 0:
            found = jump.found
        if not found or (number > 0 and not jump.significant):
            break  # no jump, or noise and not the curve would now choose the bracket
        last_grid, last_finals, last_jump, rounds_run = grid, on_grid, jump, number
        if number < spec.rounds:
            grid = spec.grid(*refine_range(grid, jump.bracket))
            if len(grid) < 4:  # an integer parameter: nothing left between the values
                break
    table = scan_table(pd.concat(frames, ignore_index=True), spec, round_of)
    value = ci_low = ci_high = change = math.nan
    extent = (math.nan,) * 4
    if found:
        value, ci_low, ci_high = tipping_interval(
            np.asarray(last_grid, dtype=float), last_finals.to_numpy(),
            confidence=spec.confidence, bootstrap=spec.bootstrap, seed=spec.sweep.root_seed)
        change = last_jump.change
        extent = transition_extent(table["value"].to_numpy(), table["mean"].to_numpy(),
                                   table["se"].to_numpy(), value, confidence=spec.confidence,
                                   plateau=spec.plateau)
    return TippingResult(spec, table, found, value, ci_low, ci_high, change, extent, rounds_run,
                         approach_trend(table, value if found else None), directory)


def _match(index: pd.Index, value: float) -> float:
    """The index entry equal to ``value`` up to rounding."""
    hits = index[np.isclose(index.to_numpy(dtype=float), value)]
    return hits[0]


def scan_table(frame: pd.DataFrame, spec: TippingSpec, round_of: Mapping[float, int]
               ) -> pd.DataFrame:
    """The rows of ``tipping.csv``: each value's mean final outcome and its indicators."""
    finals = _finals(frame, spec)
    t = stats.t.ppf(0.5 + spec.confidence / 2, max(finals.shape[1] - 1, 1))
    has_series = spec.outcome in spec.sweep.series
    rows = []
    for value, runs in finals.iterrows():
        mean = float(runs.mean())
        se = float(runs.std(ddof=1)) / math.sqrt(len(runs)) if len(runs) > 1 else math.nan
        half = t * se
        indicators = {"variance": math.nan, "ac1": math.nan, "tau_variance": math.nan,
                      "tau_ac1": math.nan}
        if has_series:
            rows_here = frame[np.isclose(frame[spec.parameter].astype(float), float(value))
                              & (frame["step"] >= spec.burn_in)]
            series = rows_here.groupby("step")[spec.outcome].mean().sort_index()
            indicators = early_warning(series.to_numpy(), window=spec.window,
                                       bandwidth=spec.bandwidth)
        rows.append({"parameter": spec.parameter, "value": float(value),
                     "round": _round_of(round_of, value),
                     "runs": len(runs), "mean": mean, "se": se, "ci_low": mean - half,
                     "ci_high": mean + half, **indicators})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _round_of(round_of: Mapping[float, int], value: float) -> int:
    return next(number for seen, number in round_of.items() if np.isclose(seen, value))


# --- figure and files -------------------------------------------------------------------------
def tipping_figure(table: pd.DataFrame, summary: Mapping[str, Any]) -> Any:
    """The scan and the early-warning indicators along the parameter.

    Args:
        table: The rows of ``tipping.csv``.
        summary: The verdict (:meth:`TippingResult.summary`, ``tipping.json``), so the figure
            can be drawn from saved files alone.

    Top: the mean final outcome with its intervals, the tipping value (dashed) and its
    interval (shaded). Below: the indicators' values in the last window.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from experiments.figures import style

    parameter, outcome = summary["parameter"], summary["outcome"]
    figure = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                           row_heights=[0.5, 0.25, 0.25])
    figure.add_trace(go.Scatter(
        x=table["value"], y=table["mean"], mode="lines+markers", name="mean over runs",
        line={"color": style.colour(0)}, marker={"size": 6},
        error_y={"type": "data", "symmetric": False, "color": style.colour(0),
                 "array": table["ci_high"] - table["mean"],
                 "arrayminus": table["mean"] - table["ci_low"]}), row=1, col=1)
    for row, (indicator, name) in enumerate((("variance", "Variance<br>(detrended)"),
                                             ("ac1", "Lag-1<br>autocorrelation")), start=2):
        figure.add_trace(go.Scatter(x=table["value"], y=table[indicator], mode="lines+markers",
                                    name=name.replace("<br>", " "),
                                    line={"color": style.colour(row - 1)},
                                    showlegend=False), row=row, col=1)
        figure.update_yaxes(title_text=name, row=row, col=1)
    if summary["found"]:
        for row in (1, 2, 3):
            figure.add_vrect(x0=summary["ci_low"], x1=summary["ci_high"], fillcolor=style.GREY,
                             opacity=0.2, line_width=0, row=row, col=1)
            figure.add_vline(x=summary["tipping_value"], line_dash="dash",
                             line_color=style.colour(1), row=row, col=1)
    words = label(outcome)
    figure.update_yaxes(title_text=f"Final {words[:1].lower()}{words[1:]}".replace(" (", "<br>("),
                        row=1, col=1)
    figure.update_xaxes(title_text=label(parameter), row=3, col=1)
    verdict = (f"tipping at {label(parameter)} = {summary['tipping_value']:.3g} "
               f"[{summary['ci_low']:.3g}, {summary['ci_high']:.3g}]" if summary["found"]
               else "no jump in the range")
    return style.apply(figure, title=f"{words}: {verdict}", height=620)


def write_tipping(result: TippingResult, directory: str | Path | None = None
                  ) -> dict[str, Path]:
    """Write ``tipping.csv``, ``tipping.json`` (the verdict) and ``tipping.html``."""
    from experiments.figures import style
    from experiments.storage import atomic_write, atomic_write_json

    directory = Path(directory or result.directory)
    paths = {"csv": directory / "tipping.csv", "json": directory / "tipping.json",
             "figure": directory / "tipping.html"}
    atomic_write(paths["csv"], lambda tmp: result.table.to_csv(tmp, index=False))
    summary = result.summary()
    atomic_write_json(paths["json"], {key: _json_value(value) for key, value in summary.items()})
    style.write_html(tipping_figure(result.table, summary), paths["figure"])
    return paths


def _json_value(value: Any) -> Any:
    """NaN (undefined) as JSON null, also inside lists."""
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return None if isinstance(value, float) and math.isnan(value) else value
