"""Global sensitivity analysis: Sobol indices and Morris elementary effects, with SALib.

A sensitivity spec is a sweep spec with a ``[sensitivity]`` table instead of a design::

    [sensitivity]
    method = "sobol"          # or "morris"
    n = 256                   # sobol: base sample N (a power of 2); morris: trajectories r
    bounds = { completeness_bonus = [0.0, 0.3], privacy_mu = [-4.0, -2.0] }
    outcomes = ["mean_disclosure"]   # default: every outcome of [outcomes]; final-step values
    dummy = true              # add a parameter the model ignores: the estimator's noise floor
    num_levels = 4            # morris: grid levels p
    bootstrap = 1000          # bootstrap resamples of the confidence intervals
    confidence = 0.95

**Sobol** (Saltelli 2002; Saltelli et al. 2010). With k parameters, SALib's Saltelli scheme
(Sobol sequence, scrambled, seeded by ``root_seed``) gives N (k + 2) points from two N x k
matrices A and B and the k matrices A_B^(i) (A with column i from B). For the model output f,

    S1_i = mean_j[ f(B)_j (f(A_B^(i))_j - f(A)_j) ] / V(Y)          (Saltelli et al. 2010, b)
    ST_i = mean_j[ (f(A)_j - f(A_B^(i))_j)^2 ] / (2 V(Y))           (Jansen 1999)

with V(Y) the variance of all outputs. **Morris** (Morris 1991; Campolongo et al. 2007): r
trajectories on a p-level grid of the unit cube; each step changes one parameter by
Delta = p / (2 (p - 1)) (in units of its range), giving an elementary effect
EE_i = (f(x + Delta e_i) - f(x)) / Delta; mu*_i = mean |EE_i| and sigma_i = sd(EE_i).
Confidence intervals are bootstrap intervals (value +/- z * bootstrap standard deviation, as
SALib reports them); sigma has none.

Each sample point runs ``replications`` times (independent seeds from the spec's root seed)
and f is the mean of the final-step outcome over them. Run-to-run noise that is left makes
every index positive; the **dummy** parameter, sampled like the others and never passed to the
model, measures it: its first-order index estimates zero (its interval should hold zero) and
its total index estimates the share of output variance that is noise. An index is
*distinguishable from zero* if its whole interval lies above the dummy's upper confidence bound
for the same outcome and index (for sigma, which has no interval, if its value exceeds the
dummy's); without a dummy, if its lower confidence bound exceeds zero.

References:
    Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
    Computer Physics Communications 145, 280-297.
    Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output.
    Computer Physics Communications 181, 259-270.
    Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
    Technometrics 33, 161-174.
    Campolongo, F., Cariboni, J., Saltelli, A. (2007). An effective screening design for
    sensitivity analysis of large models. Environmental Modelling & Software 22, 1509-1518.
    Herman, J., Usher, W. (2017). SALib: an open-source Python library for sensitivity
    analysis. Journal of Open Source Software 2(9), 97.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.evaluation import (
    check_keys,
    evaluate,
    final_values,
    numeric_kind,
    split_spec,
    with_design,
)
from experiments.analysis.labels import label
from experiments.errors import UsageError
from experiments.figures import style
from experiments.paths import resolve_spec
from experiments.spec import SweepSpec, read_spec_document
from experiments.sweep import TaskResult
from simulation import Params

METHODS = ("sobol", "morris")
#: Keys of ``[sensitivity]``, with what each expects.
SECTION_KEYS: dict[str, str] = {
    "method": "'sobol' or 'morris'",
    "n": "an integer >= 2 (sobol: a power of 2, the base sample N; morris: trajectories r)",
    "bounds": "a table of parameter = [low, high] with low < high",
    "outcomes": "a list of outcome names recorded by [outcomes]",
    "dummy": "true or false",
    "num_levels": "an even integer >= 2 (morris grid levels)",
    "bootstrap": "an integer >= 10 (bootstrap resamples)",
    "confidence": "a number strictly between 0 and 1",
}
EXPECTED = "method, n and bounds"
DUMMY = "dummy"
#: Columns of ``sensitivity.csv``.
COLUMNS = ("outcome", "parameter", "method", "index", "value", "ci_low", "ci_high",
           "distinguishable")


@dataclass(frozen=True)
class SensitivitySpec:
    """A validated sensitivity spec.

    Attributes:
        sweep: The sweep spec of its model runs (the design points, without the dummy).
        method: ``"sobol"`` or ``"morris"``.
        n: Base sample size (Sobol) or number of trajectories (Morris).
        names: The sampled parameters, the dummy last if there is one.
        bounds: ``[low, high]`` of each name.
        dummy: The dummy's name, or ``None``.
        outcomes: Outcomes analysed (final-step values).
        num_levels: Morris grid levels.
        bootstrap: Bootstrap resamples.
        confidence: Confidence level of the intervals.
        matrix: The SALib sample, one row per design point, one column per name.
    """

    sweep: SweepSpec
    method: str
    n: int
    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    dummy: str | None
    outcomes: tuple[str, ...]
    num_levels: int
    bootstrap: int
    confidence: float
    matrix: np.ndarray

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem."""
        return problem(self.names, self.bounds)


def problem(names: Sequence[str], bounds: Sequence[Sequence[float]]) -> dict[str, Any]:
    """A SALib problem dictionary."""
    return {"num_vars": len(names), "names": list(names),
            "bounds": [[float(lo), float(hi)] for lo, hi in bounds]}


def sample(method: str, salib_problem: Mapping[str, Any], n: int, *, seed: int,
           num_levels: int = 4) -> np.ndarray:
    """The design of ``method``: Saltelli's N (k + 2) rows, or Morris's r (k + 1) rows."""
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(dict(salib_problem), n, calc_second_order=False, seed=seed)
    from SALib.sample import morris

    return morris.sample(dict(salib_problem), n, num_levels=num_levels, seed=seed)


def load_sensitivity(path: str | Path) -> SensitivitySpec:
    """Read and validate a sensitivity spec file (see the module docstring)."""
    return parse_sensitivity(read_spec_document(path), resolve_spec(path))


def parse_sensitivity(raw: Mapping[str, Any], source: str | Path = "<spec>") -> SensitivitySpec:
    """Validate a parsed sensitivity spec and make its design.

    Raises:
        UsageError: The first problem, as ``<file>: [sensitivity] <key>: <reason>``.
    """
    source = Path(source)
    base, table = split_spec(raw, "sensitivity", EXPECTED, source)

    def fail(key: str, reason: str) -> UsageError:
        return UsageError(f"{source}: [sensitivity] {key}: {reason}")

    check_keys(table, SECTION_KEYS, fail)
    method = table.get("method")
    if method not in METHODS:
        raise fail("method", f"got {method!r}, expected {SECTION_KEYS['method']}")
    n = table.get("n")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise fail("n", f"got {n!r}, expected {SECTION_KEYS['n']}")
    if method == "sobol" and n & (n - 1):
        raise fail("n", f"got {n}, expected a power of 2 for method = 'sobol' (the Sobol "
                   "sequence loses its balance otherwise)")
    num_levels = _integer(table, "num_levels", 4, 2, fail)
    if num_levels % 2:
        raise fail("num_levels", f"got {num_levels}, expected {SECTION_KEYS['num_levels']}")
    bootstrap = _integer(table, "bootstrap", 1000, 10, fail)
    confidence = table.get("confidence", 0.95)
    if (isinstance(confidence, bool) or not isinstance(confidence, (int, float))
            or not 0 < confidence < 1):
        raise fail("confidence", f"got {confidence!r}, expected {SECTION_KEYS['confidence']}")
    dummy = table.get("dummy", False)
    if not isinstance(dummy, bool):
        raise fail("dummy", f"got {dummy!r}, expected {SECTION_KEYS['dummy']}")

    bounds = table.get("bounds")
    if not isinstance(bounds, Mapping) or not bounds:
        raise fail("bounds", f"got {bounds!r}, expected {SECTION_KEYS['bounds']} (at least "
                   "one parameter)")
    names, pairs = [], []
    for name, pair in bounds.items():
        where = f"bounds.{name}"
        if name in base.fixed:
            raise fail(where, "is also set in [fixed]; expected each parameter in one place")
        if numeric_kind(name) is None:
            try:
                Params().with_overrides(**{name: None})
            except ValueError as err:  # an unknown name
                if "unknown" in str(err):
                    raise fail(where, f"{err}; expected a numeric parameter") from None
            except TypeError:
                pass
            raise fail(where, "is not a numeric parameter; expected an int or float parameter "
                       "(put other parameters in [fixed])")
        ok = (isinstance(pair, list) and len(pair) == 2
              and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                      and math.isfinite(v) for v in pair))
        if not ok:
            raise fail(where, f"got {pair!r}, expected [low, high], two numbers")
        if not pair[0] < pair[1]:
            raise fail(where, f"got {pair!r}, expected low < high (reversed or empty bounds)")
        for value in pair:
            try:
                Params().with_overrides(**base.fixed, **{name: _as_kind(name, value)})
            except (ValueError, TypeError) as err:
                raise fail(where, f"{err}; expected bounds inside the parameter's range") from None
        names.append(name)
        pairs.append((float(pair[0]), float(pair[1])))
    if dummy:
        names.append(DUMMY)
        pairs.append((0.0, 1.0))

    outcomes = table.get("outcomes", list(base.outcomes))
    if not isinstance(outcomes, list) or not outcomes or not all(
            isinstance(o, str) for o in outcomes):
        raise fail("outcomes", f"got {outcomes!r}, expected {SECTION_KEYS['outcomes']}")
    for outcome in outcomes:
        if outcome not in base.outcomes:
            raise fail("outcomes", f"{outcome!r} is not recorded; expected one of "
                       f"{', '.join(base.outcomes)} (add it to [outcomes])")

    matrix = sample(method, problem(names, pairs), n, seed=base.root_seed,
                    num_levels=num_levels)
    model_names = [name for name in names if name != DUMMY]
    points = [{name: _as_kind(name, row[j]) for j, name in enumerate(model_names)}
              for row in matrix]
    spec = with_design(base, model_names, points, method)
    return SensitivitySpec(sweep=spec, method=method, n=n, names=tuple(names),
                           bounds=tuple(pairs), dummy=DUMMY if dummy else None,
                           outcomes=tuple(outcomes), num_levels=num_levels, bootstrap=bootstrap,
                           confidence=float(confidence), matrix=matrix)


def _integer(table: Mapping[str, Any], key: str, default: int, minimum: int,
             fail: Callable[[str, str], UsageError]) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise fail(key, f"got {value!r}, expected {SECTION_KEYS[key]}")
    return value


def _as_kind(name: str, value: float) -> int | float:
    """Integer parameters are rounded to the nearest integer; others are floats."""
    return round(float(value)) if numeric_kind(name) is int else float(value)


# --- the analysis -----------------------------------------------------------------------------
def sensitivity_indices(method: str, salib_problem: Mapping[str, Any], matrix: np.ndarray,
                        outputs: np.ndarray, outcome: str, *, dummy: str | None = None,
                        bootstrap: int = 1000, confidence: float = 0.95, seed: int = 0,
                        num_levels: int = 4) -> pd.DataFrame:
    """Sobol or Morris indices of one output, with their intervals and the noise-floor test.

    This is the whole analysis for any model: :func:`run_sensitivity` calls it with the
    model's outputs, a test with the Ishigami function's.

    Args:
        method: ``"sobol"`` or ``"morris"``.
        salib_problem: The SALib problem (names and bounds, the dummy included).
        matrix: The design of :func:`sample` (rows = points).
        outputs: f at each row.
        outcome: Name of the output, for the table.
        dummy: The dummy parameter's name, if the design has one.
        bootstrap: Bootstrap resamples.
        confidence: Confidence level.
        seed: Seed of the bootstrap.
        num_levels: Morris grid levels (as sampled).

    Returns:
        The rows of ``sensitivity.csv``: one per parameter and index (S1, ST or mu_star,
        sigma).
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    names = list(salib_problem["names"])
    rows = []
    if method == "sobol":
        from SALib.analyze import sobol

        result = sobol.analyze(dict(salib_problem), outputs, calc_second_order=False,
                               num_resamples=bootstrap, conf_level=confidence, seed=seed)
        for index in ("S1", "ST"):
            for j, name in enumerate(names):
                value, half = float(result[index][j]), float(result[f"{index}_conf"][j])
                rows.append((outcome, name, method, index, value, value - half, value + half))
    else:
        from SALib.analyze import morris

        result = morris.analyze(dict(salib_problem), np.asarray(matrix), outputs,
                                num_resamples=bootstrap, conf_level=confidence,
                                num_levels=num_levels, seed=seed)
        for j, name in enumerate(names):
            value, half = float(result["mu_star"][j]), float(result["mu_star_conf"][j])
            rows.append((outcome, name, method, "mu_star", value, value - half, value + half))
        for j, name in enumerate(names):
            rows.append((outcome, name, method, "sigma", float(result["sigma"][j]), np.nan,
                         np.nan))
    table = pd.DataFrame(rows, columns=list(COLUMNS[:-1]))
    table["distinguishable"] = distinguishable(table, dummy)
    return table


def distinguishable(table: pd.DataFrame, dummy: str | None) -> pd.Series:
    """Whether each index is distinguishable from zero (see the module docstring)."""
    verdict = pd.Series(pd.NA, index=table.index, dtype="boolean")
    for (_, index), rows in table.groupby(["outcome", "index"], sort=False):
        if dummy is not None and dummy in set(rows["parameter"]):
            floor_row = rows[rows["parameter"] == dummy].iloc[0]
            if index == "sigma":  # no interval: compare values
                above = rows["value"] > floor_row["value"]
            else:
                above = rows["ci_low"] > floor_row["ci_high"]
            verdict[rows.index] = above & (rows["parameter"] != dummy)
        elif index != "sigma":
            verdict[rows.index] = rows["ci_low"] > 0
    return verdict


def outputs_per_point(frame: pd.DataFrame, spec: SensitivitySpec) -> pd.DataFrame:
    """The mean over replications of each outcome's final value, one row per design point.

    Raises:
        UsageError: An outcome is missing (NaN) in some run: SALib needs every output.
    """
    last = final_values(frame, spec.outcomes, spec.sweep.steps)
    for outcome in spec.outcomes:
        missing = int(last[outcome].isna().sum())
        if missing:
            raise UsageError(f"{spec.sweep.source}: [sensitivity] outcomes: {outcome!r} is "
                             f"undefined (NaN) in {missing} of {len(last)} runs; expected an "
                             "outcome defined in every run")
    means = last.groupby("point", sort=True)[list(spec.outcomes)].mean()
    if len(means) != len(spec.matrix):
        raise UsageError(f"{spec.sweep.source}: {len(means)} of {len(spec.matrix)} design "
                         "points have results; expected all (run again to finish)")
    return means


def run_sensitivity(spec: SensitivitySpec | str | Path, results_root: str | Path | None = None,
                    executor: cf.Executor | None = None, *, slots: int | None = None,
                    label: str | None = None,
                    on_result: Callable[[TaskResult], None] | None = None) -> pd.DataFrame:
    """Run (or resume) a sensitivity spec's model runs and return its indices.

    Args:
        spec: A :class:`SensitivitySpec` or the path of its file.
        results_root: Where run directories go (default ``results/``).
        executor: Any ``concurrent.futures.Executor`` (default: a process pool, opened only if
            some run is missing).
        slots: Tasks the executor runs at once.
        label: Description of the executor for the manifest.
        on_result: Called with each finished run (progress bars).

    Returns:
        The rows of ``sensitivity.csv`` (:data:`COLUMNS`); ``attrs["run_directory"]`` is the
        run directory.
    """
    if not isinstance(spec, SensitivitySpec):
        spec = load_sensitivity(spec)
    frame, directory = evaluate(spec.sweep, results_root, executor, slots=slots, label=label,
                                on_result=on_result,
                                manifest={"analysis": "sensitivity", "method": spec.method,
                                          "sampled": list(spec.names)})
    means = outputs_per_point(frame, spec)
    tables = [sensitivity_indices(spec.method, spec.problem, spec.matrix,
                                  means[outcome].to_numpy(), outcome, dummy=spec.dummy,
                                  bootstrap=spec.bootstrap, confidence=spec.confidence,
                                  seed=spec.sweep.root_seed, num_levels=spec.num_levels)
              for outcome in spec.outcomes]
    table = pd.concat(tables, ignore_index=True)
    table.attrs["run_directory"] = str(directory)
    return table


# --- figures ----------------------------------------------------------------------------------
def sobol_figure(table: pd.DataFrame, outcome: str | None = None) -> Any:
    """Bar chart of S1 and ST with their intervals, one panel per outcome.

    Parameters are sorted by ST; bars of indices not distinguishable from zero are pale, and
    the dummy's upper bound (the noise floor) is a dashed line.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    data = table[table["method"] == "sobol"]
    if data.empty:
        raise ValueError("table: no sobol rows, expected the indices of a sobol analysis")
    outcomes = [outcome] if outcome else list(dict.fromkeys(data["outcome"]))
    figure = make_subplots(rows=1, cols=len(outcomes), subplot_titles=[label(o) for o in outcomes],
                           horizontal_spacing=0.12)
    colours = {"S1": "#0072B2", "ST": "#E69F00"}  # Okabe-Ito: colour-blind safe
    for column, name in enumerate(outcomes, start=1):
        rows = data[data["outcome"] == name]
        order = (rows[rows["index"] == "ST"].sort_values("value")["parameter"].tolist())
        for index in ("S1", "ST"):
            part = rows[rows["index"] == index].set_index("parameter").loc[order]
            pale = [not bool(v) if pd.notna(v) else False for v in part["distinguishable"]]
            figure.add_trace(go.Bar(
                y=[label(p) for p in order], x=part["value"], orientation="h",
                name=label(index), legendgroup=index, showlegend=column == 1,
                marker={"color": colours[index], "opacity": [0.35 if p else 1.0 for p in pale]},
                error_x={"type": "data", "symmetric": False,
                         "array": (part["ci_high"] - part["value"]).to_numpy(),
                         "arrayminus": (part["value"] - part["ci_low"]).to_numpy()},
                hovertemplate="%{y}: %{x:.3f}<extra>" + index + "</extra>"),
                row=1, col=column)
        floor = rows[(rows["parameter"] == DUMMY) & (rows["index"] == "ST")]
        if len(floor):
            figure.add_vline(x=float(floor["ci_high"].iloc[0]), line_dash="dash",
                             line_color="grey", row=1, col=column,
                             annotation_text="noise floor", annotation_position="top")
        figure.update_xaxes(title_text="Sobol index (share of output variance)", row=1,
                            col=column)
    figure.update_layout(barmode="group",
                         title="Sobol indices with bootstrap confidence intervals (pale: not "
                               "distinguishable from zero)",
                         legend_title_text="Index")
    return style.apply(figure)


def morris_figure(table: pd.DataFrame, outcome: str | None = None) -> Any:
    """Morris mu* against sigma, one panel per outcome, each parameter labelled."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    data = table[table["method"] == "morris"]
    if data.empty:
        raise ValueError("table: no morris rows, expected the indices of a morris analysis")
    outcomes = [outcome] if outcome else list(dict.fromkeys(data["outcome"]))
    figure = make_subplots(rows=1, cols=len(outcomes), subplot_titles=[label(o) for o in outcomes])
    for column, name in enumerate(outcomes, start=1):
        rows = data[data["outcome"] == name]
        mu = rows[rows["index"] == "mu_star"].set_index("parameter")
        sigma = rows[rows["index"] == "sigma"].set_index("parameter")["value"]
        figure.add_trace(go.Scatter(
            x=mu["value"], y=sigma.loc[mu.index], mode="markers+text",
            text=[label(p) for p in mu.index], textposition="top center", showlegend=False,
            marker={"color": ["#999999" if not bool(v) else "#0072B2"
                              for v in mu["distinguishable"].fillna(True)], "size": 9},
            error_x={"type": "data", "symmetric": False,
                     "array": (mu["ci_high"] - mu["value"]).to_numpy(),
                     "arrayminus": (mu["value"] - mu["ci_low"]).to_numpy()}),
            row=1, col=column)
        figure.update_xaxes(title_text="μ* (mean |elementary effect|, per parameter range)",
                            row=1, col=column)
        figure.update_yaxes(title_text="σ (sd of elementary effects)", row=1, col=column)
    figure.update_layout(title="Morris screening (grey: not distinguishable from zero)")
    return style.apply(figure)


def sensitivity_figure(table: pd.DataFrame) -> Any:
    """The figure of the table's method."""
    return sobol_figure(table) if (table["method"] == "sobol").any() else morris_figure(table)


def write_sensitivity(table: pd.DataFrame, directory: str | Path) -> dict[str, Path]:
    """Write ``sensitivity.csv`` and ``sensitivity.html`` into ``directory`` (atomically)."""
    from experiments.storage import atomic_write

    directory = Path(directory)
    paths = {"csv": directory / "sensitivity.csv", "figure": directory / "sensitivity.html"}
    atomic_write(paths["csv"], lambda tmp: table.to_csv(tmp, index=False))
    style.write_html(sensitivity_figure(table), paths["figure"])
    return paths
