"""The summary of one ``datarovers run``: its time series as CSV and a figure, read from disk.

A single run has no replications, so there are no confidence intervals: the report is the run's
own outputs, ``timeseries.csv`` (every collected output at every step, as in
``timeseries.parquet``) and ``figures/over_time.html``, three panels over the steps:

* disclosure and sharing (``mean_disclosure``, ``sharing_rate``, ``share_disclose_none``,
  ``share_disclose_all``);
* the share of citizens above each threshold T_j (``share_above_<T>``);
* the mean and median score.

:func:`load_run` reads a run directory; :func:`write_run_report` writes the report into it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from experiments.analysis.labels import label
from experiments.errors import UsageError
from experiments.figures import style
from experiments.single_run import RunRecord
from experiments.storage import MANIFEST, atomic_write
from simulation import Params
from simulation.metrics import threshold_label

#: The ``kind`` of a single run's manifest.
RUN_KIND = "datarovers run"
#: The series drawn in the first and third panel.
DISCLOSURE_SERIES = ("mean_disclosure", "sharing_rate", "share_disclose_none",
                     "share_disclose_all")
SCORE_SERIES = ("mean_score", "median_score")


def load_run(run_dir: Path) -> RunRecord:
    """Read a single run's directory (its manifest and ``timeseries.parquet``).

    Raises:
        UsageError: It is not a run directory, or its time series is missing or unreadable.
    """
    try:
        manifest = json.loads((run_dir / MANIFEST).read_text())
    except (OSError, ValueError) as err:
        raise UsageError(f"{run_dir / MANIFEST}: unreadable ({err})") from None
    if manifest.get("kind") != RUN_KIND:
        raise UsageError(f"{run_dir}: not a single run's directory (kind "
                         f"{manifest.get('kind')!r}); expected one written by datarovers run")
    try:
        frame = pd.read_parquet(run_dir / "timeseries.parquet")
    except (OSError, ValueError) as err:
        raise UsageError(f"{run_dir / 'timeseries.parquet'}: unreadable ({err}); the run's time "
                         "series is needed") from None
    return RunRecord(run_dir, frame, manifest)


def figure_run(frame: pd.DataFrame, params: Params, title: str) -> go.Figure:
    """The run's outputs over time, in three panels (see the module); ``frame`` by step."""
    above = [f"share_above_{threshold_label(t)}" for t in params.thresholds]
    panels = [("Disclosure and sharing", DISCLOSURE_SERIES),
              ("Share above each threshold", tuple(above)),
              ("Score", SCORE_SERIES)]
    figure = make_subplots(rows=1, cols=len(panels), subplot_titles=[p for p, _ in panels],
                           horizontal_spacing=0.08)
    for column, (panel, names) in enumerate(panels, start=1):
        present = [name for name in names if name in frame]
        for number, name in enumerate(present):  # colours restart per panel; the legend groups
            figure.add_trace(go.Scatter(x=frame.index, y=frame[name], mode="lines",
                                        name=label(name), line={"color": style.colour(number)},
                                        legendgroup=panel, legendgrouptitle_text=panel,
                                        hovertemplate=f"{label(name)}<br>step %{{x}}: %{{y:.4g}}"
                                                      "<extra></extra>"),
                             row=1, col=column)
        figure.update_xaxes(title_text="Step", row=1, col=column)
    figure.update_yaxes(title_text="Share of citizens", range=[0, 1], row=1, col=1)
    figure.update_yaxes(title_text="Share of citizens", range=[0, 1], row=1, col=2)
    figure.update_yaxes(title_text="Score (points)", row=1, col=3)
    return style.apply(figure, title=title, width=1300, height=450)


def write_run_report(record: RunRecord, png_dir: Path | None = None) -> dict[str, Path]:
    """Write ``timeseries.csv`` and ``figures/over_time.html`` (and a PNG into ``png_dir``).

    Returns:
        The written paths, by name.
    """
    manifest = record.manifest
    params = Params.resolve(manifest["params"], {})
    title = (f"One run: {manifest['n_citizens']:,} citizens, seed {manifest['seed']}, "
             f"{manifest['steps_completed']} steps ({manifest['status']})")
    figure = figure_run(record.frame, params, title)
    written = {"timeseries": record.directory / "timeseries.csv",
               "over_time": record.directory / "figures" / "over_time.html"}
    atomic_write(written["timeseries"], lambda tmp: record.frame.to_csv(tmp, index_label="step"))
    written["over_time"].parent.mkdir(exist_ok=True)
    style.write_html(figure, written["over_time"])
    if png_dir is not None:
        png_dir.mkdir(parents=True, exist_ok=True)
        written["over_time.png"] = style.export(
            figure, png_dir / f"{record.directory.name}_over_time", formats=("png",),
            scale=1.0)["png"]
    return written
