"""Summaries and figures of a finished sweep, read from its run directory (never from the model).

For each design point and outcome, over the R replications with values x_1..x_R:

    mean  = (1/R) sum_r x_r
    sd    = sqrt( sum_r (x_r - mean)^2 / (R - 1) )
    95 % CI = mean +/- t_{0.975, R-1} * sd / sqrt(R)     (Student t; undefined for R = 1)

:func:`point_summary` gives these at the last step (every outcome, series or final);
:func:`series_summary` at every recorded step (series outcomes). Each ``figure_*`` function takes
such a summary and returns a plotly ``Figure`` in the house style (:mod:`experiments.figures.style`:
axis titles with symbols and units, panel titles naming the value they show, a colour-blind-safe
palette); :func:`write_report` writes the CSV files and the figures as interactive HTML
(plotly.js is written once next to them, so they open offline).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy import stats

from experiments.analysis.labels import label
from experiments.errors import UsageError
from experiments.figures import style
from experiments.storage import MANIFEST, atomic_write, read_results

SUMMARY_COLUMNS = ("n", "mean", "sd", "ci_low", "ci_high")
#: Panels of an over-time figure at most (one per value of the second factor).
MAX_PANELS = 6
#: Legend entries at most; beyond, lines are told apart by colour and hover text.
MAX_LEGEND = 12
CONFIDENCE = 0.95
#: What ``datarovers summarize`` takes, for its error messages.
EXPECTED_RUN_DIR = ("a run directory of datarovers sweep (results/<name>/<spec hash>) or of "
                    "datarovers run (results/runs/<time>-seed<seed>)")


@dataclass
class SweepResults:
    """A run directory's dataset and manifest.

    Attributes:
        directory: The run directory.
        frame: One row per task and recorded step (see :mod:`experiments.sweep`).
        manifest: The parsed ``manifest.json``.
    """

    directory: Path
    frame: pd.DataFrame
    manifest: dict[str, Any]

    @property
    def factors(self) -> list[str]:
        """The design parameters."""
        return list(self.manifest["factors"])

    @property
    def series(self) -> list[str]:
        """Outcomes recorded at every recorded step."""
        return list(self.manifest["outcomes"]["series"])

    @property
    def outcomes(self) -> list[str]:
        """Every outcome, series first."""
        return self.series + list(self.manifest["outcomes"]["final"])

    @property
    def design(self) -> str:
        """``grid``, ``latin``, ``sobol`` or ``single``."""
        return self.manifest["design"]


def load_results(run_dir: str | Path) -> SweepResults:
    """Read a run directory.

    Raises:
        UsageError: It has no manifest or no finished task.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise UsageError(f"{run_dir}: no such directory; expected {EXPECTED_RUN_DIR}")
    try:
        manifest = json.loads((run_dir / MANIFEST).read_text())
    except FileNotFoundError:
        raise UsageError(f"{run_dir}: no {MANIFEST}; expected {EXPECTED_RUN_DIR}") from None
    except (OSError, ValueError) as err:
        raise UsageError(f"{run_dir / MANIFEST}: unreadable ({err})") from None
    if manifest.get("kind") != "datarovers sweep":
        raise UsageError(f"{run_dir}: not a run directory of a sweep or a single run (kind "
                         f"{manifest.get('kind')!r}); expected {EXPECTED_RUN_DIR}")
    return SweepResults(run_dir, read_results(run_dir), manifest)


def describe(values: pd.core.groupby.SeriesGroupBy) -> pd.DataFrame:
    """n, mean, sd and the Student-t 95 % interval of each group."""
    table = values.agg(n="count", mean="mean", sd="std")
    n = table["n"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)
        half = np.where(n > 1, t * table["sd"].to_numpy() / np.sqrt(n), np.nan)
    table["ci_low"] = table["mean"] - half
    table["ci_high"] = table["mean"] + half
    return table


def _long(frame: pd.DataFrame, keys: list[str], outcomes: Sequence[str]) -> pd.DataFrame:
    """One row per (keys, outcome) with the statistics of :func:`describe`."""
    parts = []
    for outcome in outcomes:
        part = describe(frame.groupby(keys, sort=True)[outcome]).reset_index()
        part.insert(len(keys), "outcome", outcome)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def point_summary(results: SweepResults) -> pd.DataFrame:
    """Every outcome at the last step: one row per point and outcome."""
    frame = results.frame
    last = frame[frame["step"] == frame["step"].max()]
    return _long(last, ["point", *results.factors], results.outcomes)


def series_summary(results: SweepResults) -> pd.DataFrame:
    """Series outcomes at every recorded step: one row per point, step and outcome."""
    if not results.series:
        return pd.DataFrame(columns=["point", *results.factors, "step", "outcome",
                                     *SUMMARY_COLUMNS])
    return _long(results.frame, ["point", *results.factors, "step"], results.series)


def point_label(row: pd.Series | dict[str, Any], factors: Sequence[str]) -> str:
    """``Completeness bonus β = 0.1, Inference skepticism λ = 1`` for a legend."""
    return ", ".join(f"{label(f)} = {_value(row[f])}" for f in factors) or "all runs"


def figure_over_time(series: pd.DataFrame, outcome: str, factors: Sequence[str],
                     max_panels: int = MAX_PANELS) -> go.Figure:
    """Mean of ``outcome`` over time, one line per point, with its 95 % band.

    Lines are coloured by the first factor (light to dark as it grows). With a second factor
    of at most ``max_panels`` values, each of its values gets its own panel, so that a grid of
    many points stays readable; otherwise all points share one panel.
    """
    data = series[series["outcome"] == outcome]
    color_by = factors[0] if factors else None
    facet_by = factors[1] if len(factors) > 1 else None
    if facet_by is not None and data[facet_by].nunique() > max_panels:
        facet_by = None
    panels = sorted(data[facet_by].unique()) if facet_by else [None]
    figure = make_subplots(rows=1, cols=len(panels), shared_yaxes=True,
                           subplot_titles=([f"{label(facet_by)} = {_value(v)}" for v in panels]
                                           if facet_by else None),
                           horizontal_spacing=0.02)
    # largest value darkest: light to dark as the factor grows
    shades = style.shades(sorted(data[color_by].unique(), reverse=True) if color_by else [None])
    legend_shown: set[Any] = set()
    for _, rows in data.groupby("point", sort=True):
        first = rows.iloc[0]
        column = panels.index(first[facet_by]) + 1 if facet_by else 1
        key = first[color_by] if color_by else None
        color = shades[key]
        others = [f for f in factors if f not in (color_by, facet_by)]
        name = _value(key) if color_by else "all runs"
        hover = point_label(first, factors)
        style.add_band(figure, rows["step"].to_numpy(), rows["ci_low"].to_numpy(),
                       rows["ci_high"].to_numpy(), color, group=str(key), row=1, col=column)
        show = key not in legend_shown and not others and len(shades) <= MAX_LEGEND
        legend_shown.add(key)
        figure.add_trace(go.Scatter(x=rows["step"], y=rows["mean"], mode="lines", name=name,
                                    line={"color": color}, legendgroup=str(key),
                                    showlegend=show, hovertext=hover,
                                    hovertemplate="%{hovertext}<br>step %{x}: %{y:.4g}"
                                                  "<extra></extra>"), row=1, col=column)
    figure.update_xaxes(title_text="Step")
    figure.update_yaxes(title_text=label(outcome), col=1)
    figure.update_layout(legend_title_text=label(color_by) if color_by else "")
    return style.apply(figure, title=f"{label(outcome)} over time (mean and 95 % CI over "
                                     "replications)")


def _value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def figure_across_grid(points: pd.DataFrame, outcome: str, factors: Sequence[str]) -> go.Figure:
    """Final ``outcome`` against the first factor, one line per value of the others (95 % CI)."""
    data = points[points["outcome"] == outcome]
    figure = go.Figure()
    if not factors:
        figure.add_trace(go.Bar(x=["all runs"], y=data["mean"], error_y=_error(data)))
    else:
        x, others = factors[0], list(factors[1:])
        groups = data.groupby(others, sort=True) if others else [((), data)]
        for number, (_, rows) in enumerate(groups):
            rows = rows.sort_values(x)
            figure.add_trace(go.Scatter(
                x=rows[x], y=rows["mean"], error_y=_error(rows),
                mode="lines+markers" if len(others) <= 2 else "markers",
                name=point_label(rows.iloc[0], others), line={"color": style.colour(number)}))
        figure.update_layout(xaxis_title=label(x))
    figure.update_layout(yaxis_title=label(outcome))
    return style.apply(figure, title=f"{label(outcome)} at the last step (mean and 95 % CI)")


def figure_sampled(points: pd.DataFrame, outcome: str, factors: Sequence[str]) -> go.Figure:
    """Final ``outcome`` of each sampled point against each factor, one panel per factor."""
    data = points[points["outcome"] == outcome]
    figure = make_subplots(rows=1, cols=len(factors), shared_yaxes=True,
                           horizontal_spacing=0.03)
    for column, factor in enumerate(factors, start=1):
        figure.add_trace(go.Scatter(x=data[factor], y=data["mean"], error_y=_error(data),
                                    mode="markers", marker={"color": style.colour(0), "size": 6},
                                    showlegend=False,
                                    hovertext=[point_label(row, factors)
                                               for _, row in data.iterrows()]),
                         row=1, col=column)
        figure.update_xaxes(title_text=label(factor), row=1, col=column)
    figure.update_yaxes(title_text=label(outcome), col=1)
    return style.apply(figure, title=f"{label(outcome)} at the last step per sampled point "
                                     "(mean and 95 % CI)")


def figure_heatmap(points: pd.DataFrame, outcome: str, factors: Sequence[str]) -> go.Figure:
    """Mean final ``outcome`` over a two-factor grid."""
    if len(factors) != 2:
        raise ValueError(f"factors: got {list(factors)}, expected exactly two for a heatmap")
    data = points[points["outcome"] == outcome]
    table = data.pivot_table(index=factors[1], columns=factors[0], values="mean")
    figure = go.Figure(go.Heatmap(x=[f"{v:g}" if isinstance(v, float) else str(v)
                                     for v in table.columns],
                                  y=[f"{v:g}" if isinstance(v, float) else str(v)
                                     for v in table.index],
                                  z=table.to_numpy(), colorbar={"title": ""},
                                  colorscale="Viridis", texttemplate="%{z:.3g}"))
    # Categorical axes: one equal cell per grid value, however the values are spaced.
    figure.update_xaxes(type="category", title_text=label(factors[0]))
    figure.update_yaxes(type="category", title_text=label(factors[1]))
    return style.apply(figure, title=f"{label(outcome)} at the last step (mean over "
                                     "replications)")


def _error(rows: pd.DataFrame) -> dict[str, Any]:
    return {"type": "data", "symmetric": False,
            "array": (rows["ci_high"] - rows["mean"]).to_numpy(),
            "arrayminus": (rows["mean"] - rows["ci_low"]).to_numpy()}


def figures(results: SweepResults, points: pd.DataFrame, series: pd.DataFrame
            ) -> dict[str, go.Figure]:
    """Every figure of a run, by file stem."""
    out: dict[str, go.Figure] = {}
    for outcome in results.series:
        out[f"{outcome}_over_time"] = figure_over_time(series, outcome, results.factors)
    for outcome in results.outcomes:
        if results.design in ("latin", "sobol"):
            out[f"{outcome}_by_factor"] = figure_sampled(points, outcome, results.factors)
            continue
        out[f"{outcome}_across_grid"] = figure_across_grid(points, outcome, results.factors)
        if results.design == "grid" and len(results.factors) == 2:
            out[f"{outcome}_heatmap"] = figure_heatmap(points, outcome, results.factors)
    return out


def write_report(results: SweepResults, png_dir: Path | None = None,
                 png_figures: Sequence[str] | None = None) -> dict[str, Path]:
    """Write ``summary.csv``, ``summary_timeseries.csv`` and ``figures/*.html`` into the run.

    Args:
        results: The run.
        png_dir: Also write figures as static PNG here (kaleido; needs Chromium), named
            ``<spec name>_<figure>.png``.
        png_figures: Which figures (file stems such as ``sharing_rate_over_time``) to write as
            PNG; default all.

    Returns:
        The written paths, by name.

    Raises:
        UsageError: A name in ``png_figures`` is not a figure of this run.
    """
    points, series = point_summary(results), series_summary(results)
    made = figures(results, points, series)
    wanted = list(made) if png_figures is None else list(png_figures)
    unknown = [stem for stem in wanted if stem not in made]
    if unknown:
        raise UsageError(f"--figure {unknown[0]!r}: no such figure in this run; expected one of "
                         + ", ".join(made))
    written = {"summary": results.directory / "summary.csv",
               "summary_timeseries": results.directory / "summary_timeseries.csv"}
    atomic_write(written["summary"], lambda tmp: points.to_csv(tmp, index=False))
    atomic_write(written["summary_timeseries"], lambda tmp: series.to_csv(tmp, index=False))
    figure_dir = results.directory / "figures"
    figure_dir.mkdir(exist_ok=True)
    for stem, figure in made.items():
        path = figure_dir / f"{stem}.html"
        style.write_html(figure, path)
        written[stem] = path
        if png_dir is not None and stem in wanted:
            png_dir.mkdir(parents=True, exist_ok=True)
            wide = stem.endswith("_over_time") and len(results.factors) > 1
            written[f"{stem}.png"] = style.export(
                figure, png_dir / f"{results.manifest['name']}_{stem}", formats=("png",),
                width=1100 if wide else 800, height=450, scale=1.0)["png"]
    return written
