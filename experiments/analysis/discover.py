"""Scenario discovery on a sampled sweep: which regions of parameter space lead to an outcome.

Each finished run of a sweep (``datarovers sweep``, best a ``[sample]`` design) is one case:
x = its design parameters, y = 1 if its final ``outcome`` is at least X (``--above X``) or at
most X (``--below X``). PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999), in
EMA Workbench's implementation (Kwakkel 2017), peels the parameter box one quantile slice
(``peel_alpha``) at a time, always removing the slice that raises the share of cases of
interest most, then pastes slices back. Along this peeling trajectory each box B has

    coverage(B) = #{cases of interest in B} / #{cases of interest}
    density(B)  = #{cases of interest in B} / #{cases in B}

and the box reported is the densest one whose coverage is at least ``min_coverage`` (the
largest such box among equally dense ones). Further boxes are searched among the cases outside
the boxes already found (Bryant and Lempert 2010), while a box's density exceeds the base rate.

Feature scores are the impurity-based importances of an extra-trees classifier (Geurts et al.
2006, scikit-learn) of y on x: how much each parameter separates the cases, whatever the shape
of the region.

References:
    Friedman, J. H., Fisher, N. I. (1999). Bump hunting in high-dimensional data. Statistics and
    Computing 9, 123-143.
    Bryant, B. P., Lempert, R. J. (2010). Thinking inside the box: a participatory,
    computer-assisted approach to scenario discovery. Technological Forecasting and Social
    Change 77, 34-49.
    Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. Environmental Modelling &
    Software 96, 239-250.
    Geurts, P., Ernst, D., Wehenkel, L. (2006). Extremely randomized trees. Machine Learning
    63, 3-42.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.labels import label
from experiments.errors import UsageError
from experiments.figures import style

#: Columns of ``discovery.csv``: one row per box and parameter.
BOX_COLUMNS = ("box", "parameter", "low", "high", "restricted", "coverage", "density", "mass",
               "runs")


@dataclass
class Discovery:
    """The result of a scenario discovery.

    Attributes:
        boxes: One row per box and parameter (:data:`BOX_COLUMNS`).
        scores: ``parameter``, ``score`` (extra-trees importances, summing to 1), best first.
        criterion: What a case of interest is, e.g. ``mean_disclosure >= 0.9``.
        cases: Number of cases (runs).
        of_interest: Number of cases of interest.
        bounds: ``(low, high)`` of each parameter over the cases.
    """

    boxes: pd.DataFrame
    scores: pd.DataFrame
    criterion: str
    cases: int
    of_interest: int
    bounds: dict[str, tuple[float, float]]


def prim_boxes(x: pd.DataFrame, y: np.ndarray, *, max_boxes: int = 3, peel_alpha: float = 0.05,
               mass_min: float = 0.05, min_coverage: float = 0.8) -> pd.DataFrame:
    """PRIM boxes of the cases ``y`` (booleans) over the parameters ``x`` (see the module).

    Returns:
        The rows of ``discovery.csv`` (:data:`BOX_COLUMNS`); empty if no box beats the base
        rate.
    """
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    y = np.asarray(y, dtype=bool)
    x = x.reset_index(drop=True).astype(np.float64)
    base_rate = float(y.mean())
    algorithm = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min)
    rows: list[dict[str, Any]] = []
    for number in range(1, max_boxes + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = algorithm.find_box()
        if box is None:
            break
        trajectory = box.peeling_trajectory.reset_index(drop=True)
        eligible = trajectory[trajectory["coverage"] >= min_coverage]
        if eligible.empty:
            eligible = trajectory.iloc[:1]
        best = eligible["density"].max()
        choice = int(eligible[np.isclose(eligible["density"], best)].index[0])
        box.select(choice)
        stats_row = trajectory.loc[choice]
        if float(stats_row["density"]) <= base_rate or float(stats_row["coverage"]) == 0:
            break
        limits = box.box_lims[choice]
        initial = algorithm.box_init
        for parameter in x.columns:
            low, high = float(limits.at[0, parameter]), float(limits.at[1, parameter])
            restricted = not (math.isclose(low, float(initial.at[0, parameter]))
                              and math.isclose(high, float(initial.at[1, parameter])))
            rows.append({"box": number, "parameter": parameter, "low": low, "high": high,
                         "restricted": restricted, "coverage": float(stats_row["coverage"]),
                         "density": float(stats_row["density"]),
                         "mass": float(stats_row["mass"]), "runs": int(stats_row["n"])})
    return pd.DataFrame(rows, columns=list(BOX_COLUMNS))


def feature_scores(x: pd.DataFrame, y: np.ndarray, *, seed: int = 0,
                   trees: int = 300) -> pd.DataFrame:
    """Extra-trees importances of each parameter for classifying ``y``, best first."""
    from sklearn.ensemble import ExtraTreesClassifier

    model = ExtraTreesClassifier(n_estimators=trees, random_state=seed, n_jobs=1,
                                 max_features="sqrt")
    model.fit(x.to_numpy(dtype=np.float64), np.asarray(y, dtype=bool))
    scores = pd.DataFrame({"parameter": list(x.columns), "score": model.feature_importances_})
    return scores.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


def discover_cases(x: pd.DataFrame, values: pd.Series | np.ndarray, outcome: str, *,
                   above: float | None = None, below: float | None = None, max_boxes: int = 3,
                   peel_alpha: float = 0.05, mass_min: float = 0.05,
                   min_coverage: float = 0.8, seed: int = 0) -> Discovery:
    """Scenario discovery on cases ``x`` with outcome ``values`` (any data, e.g. synthetic).

    Raises:
        UsageError: Neither or both of ``above`` and ``below``, or no case (or every case) is
            of interest.
    """
    if (above is None) == (below is None):
        raise UsageError("expected exactly one of --above X or --below X")
    values = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(values)
    x, values = x.reset_index(drop=True)[keep], values[keep]
    y = values >= above if above is not None else values <= below
    criterion = f"{outcome} >= {above:g}" if above is not None else f"{outcome} <= {below:g}"
    hits = int(y.sum())
    if hits == 0 or hits == len(y):
        flag = f"--above {above:g}" if above is not None else f"--below {below:g}"
        raise UsageError(f"{flag}: {hits} of {len(y)} runs have {criterion}; expected a "
                         f"threshold inside the observed range of {outcome} "
                         f"[{values.min():.4g}, {values.max():.4g}]")
    boxes = prim_boxes(x, y, max_boxes=max_boxes, peel_alpha=peel_alpha, mass_min=mass_min,
                       min_coverage=min_coverage)
    scores = feature_scores(x, y, seed=seed)
    bounds = {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
    return Discovery(boxes, scores, criterion, len(y), hits, bounds)


def discover(run_dir: str | Path, outcome: str, *, above: float | None = None,
             below: float | None = None, max_boxes: int = 3, peel_alpha: float = 0.05,
             mass_min: float = 0.05, min_coverage: float = 0.8) -> Discovery:
    """Scenario discovery on a sweep's run directory (final-step value of each run).

    Raises:
        UsageError: Not a run directory, no numeric design parameters, an outcome the run did
            not record, or a threshold outside the outcome's range.
    """
    from experiments.summarize import load_results

    results = load_results(run_dir)
    if outcome not in results.outcomes:
        raise UsageError(f"{results.directory}: --outcome {outcome!r}: not recorded by this "
                         f"run; expected one of {', '.join(results.outcomes)}")
    frame = results.frame
    last = frame[frame["step"] == frame["step"].max()]
    factors = [f for f in results.factors if pd.api.types.is_numeric_dtype(last[f])
               and last[f].nunique() > 1]
    if not factors:
        raise UsageError(f"{results.directory}: no numeric design parameter varies in this run "
                         f"(design {results.design!r}); expected a sweep over parameters, "
                         "best a [sample] design")
    seed = int(results.manifest.get("root_seed") or 0)
    return discover_cases(last[factors], last[outcome].to_numpy(), outcome, above=above,
                          below=below, max_boxes=max_boxes, peel_alpha=peel_alpha,
                          mass_min=mass_min, min_coverage=min_coverage, seed=seed)


def discovery_figure(found: Discovery) -> Any:
    """The boxes' limits over each parameter's range (left) and the feature scores (right)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    order = list(found.scores["parameter"])[::-1]
    figure = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.65, 0.35],
                           subplot_titles=["Boxes (share of each parameter's sampled range)",
                                           "Feature scores (extra trees)"],
                           horizontal_spacing=0.03)
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]
    for number, rows in found.boxes.groupby("box"):
        rows = rows.set_index("parameter").loc[order]
        span = np.array([found.bounds[p][1] - found.bounds[p][0] for p in order])
        low = (rows["low"].to_numpy() - [found.bounds[p][0] for p in order]) / span
        high = (rows["high"].to_numpy() - [found.bounds[p][0] for p in order]) / span
        low, high = np.clip(low, 0, 1), np.clip(high, 0, 1)
        first = rows.iloc[0]
        figure.add_trace(go.Bar(
            y=[label(p) for p in order], x=high - low, base=low, orientation="h",
            name=f"box {number}: coverage {first['coverage']:.2f}, density "
                 f"{first['density']:.2f}",
            marker={"color": colours[(number - 1) % len(colours)],
                    "opacity": [0.9 if r else 0.25 for r in rows["restricted"]]},
            text=[f"{lo:.3g} – {hi:.3g}" for lo, hi in zip(rows["low"], rows["high"],
                                                           strict=True)],
            textposition="inside", offsetgroup=str(number)), row=1, col=1)
    scores = found.scores.set_index("parameter").loc[order]
    figure.add_trace(go.Bar(y=[label(p) for p in order], x=scores["score"], orientation="h",
                            marker={"color": "#999999"}, showlegend=False), row=1, col=2)
    figure.update_xaxes(title_text="Position in the sampled range (0 = low, 1 = high)",
                        range=[0, 1], row=1, col=1)
    figure.update_xaxes(title_text="Importance (sums to 1)", row=1, col=2)
    figure.update_layout(barmode="group",
                         title=f"Scenario discovery: runs with {found.criterion} "
                               f"({found.of_interest} of {found.cases})",
                         legend={"orientation": "h", "y": -0.25})
    return style.apply(figure)


def write_discovery(found: Discovery, directory: str | Path) -> dict[str, Path]:
    """Write ``discovery.csv``, ``feature_scores.csv`` and ``discovery.html`` (atomically)."""
    from experiments.storage import atomic_write

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"csv": directory / "discovery.csv", "scores": directory / "feature_scores.csv",
             "figure": directory / "discovery.html"}
    atomic_write(paths["csv"], lambda tmp: found.boxes.to_csv(tmp, index=False))
    atomic_write(paths["scores"], lambda tmp: found.scores.to_csv(tmp, index=False))
    style.write_html(discovery_figure(found), paths["figure"])
    return paths
