"""The paper's figures, each drawn from a study's saved results (never from the model).

Every figure function takes ``{study name: run directory}`` and returns a plotly ``Figure`` in
the house style (:mod:`experiments.figures.style`). The analyses' own figures are reused where
they exist (the forest plot, the Sobol bars, the tipping scan, the over-time lines of
``summarize``); :data:`FIGURES` lists the set with captions, and :func:`write_figures` writes
each as HTML, PNG, SVG and PDF (static export by kaleido with the system's Chromium).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from experiments.analysis.labels import label
from experiments.figures import style
from experiments.paper import tables
from experiments.paper.studies import Product

#: Outcomes of the drift figure's panels.
DRIFT_PANELS = ("mean_disclosure", "share_disclose_none")


def drift_curves(directories: Mapping[str, Path]) -> Any:
    """Mean outcomes over time per arm of the drift study, with 95 % bands; events dotted."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from experiments.storage import read_results
    from experiments.summarize import describe

    run_dir = Path(directories["drift"])
    manifest = tables.read_json(run_dir / "manifest.json")
    labels = list(tables.arm_labels(run_dir).values())
    frame = read_results(run_dir)
    figure = make_subplots(rows=1, cols=len(DRIFT_PANELS), horizontal_spacing=0.1,
                           subplot_titles=[label(o) for o in DRIFT_PANELS])
    for column, outcome in enumerate(DRIFT_PANELS, start=1):
        summary = describe(frame.groupby(["point", "step"])[outcome]).reset_index()
        for arm, rows in summary.groupby("point", sort=True):
            colour = style.colour(int(arm))
            style.add_band(figure, rows["step"], rows["ci_low"], rows["ci_high"], colour,
                           group=labels[int(arm)], row=1, col=column)
            figure.add_trace(go.Scatter(
                x=rows["step"], y=rows["mean"], mode="lines", name=labels[int(arm)],
                legendgroup=labels[int(arm)], showlegend=column == 1,
                line={"color": colour},
                hovertemplate="step %{x}: %{y:.3f}<extra>" + labels[int(arm)] + "</extra>"),
                row=1, col=column)
        figure.update_yaxes(title_text="Share of citizens" if column > 1 else
                            "Share of scored categories", row=1, col=column)
    for policy in manifest["spec"]["compare"].get("policies", []):
        for event in policy.get("events", []):
            figure.add_vline(x=event["step"], line_dash="dot", line_color=style.GREY)
    figure.update_xaxes(title_text="Step")
    figure.update_layout(legend={"orientation": "h", "y": -0.22})
    return style.apply(figure, title="Drift toward disclosure (mean and 95 % CI over "
                                     f"{manifest['replications']} paired replications)",
                       width=2 * style.COLUMN_WIDTH)


def phase_diagram(directories: Mapping[str, Path]) -> Any:
    """Final mean disclosure over inference skepticism (x) and privacy concern (y), contoured."""
    import plotly.graph_objects as go

    from experiments.summarize import load_results, point_summary

    results = load_results(directories["phase"])
    points = point_summary(results)
    data = points[points["outcome"] == "mean_disclosure"]
    grid = data.pivot_table(index="privacy_mu", columns="inference_skepticism", values="mean")
    x, y, z = grid.columns.to_numpy(float), grid.index.to_numpy(float), grid.to_numpy()
    figure = go.Figure()
    figure.add_trace(go.Heatmap(
        x=x, y=y, z=z, colorscale="Viridis",
        colorbar={"title": {"text": "Mean<br>disclosure", "side": "top"}},
        hovertemplate="λ = %{x}<br>μ_v = %{y}<br>mean disclosure %{z:.3f}<extra></extra>"))
    figure.add_trace(go.Contour(
        x=x, y=y, z=z, ncontours=8, contours={"coloring": "none", "showlabels": True,
                                 "labelfont": {"color": "white", "size": 11}},
        line={"color": "white", "width": 1}, showscale=False, hoverinfo="skip"))
    figure.update_xaxes(title_text=label("inference_skepticism"))
    figure.update_yaxes(title_text=label("privacy_mu") + " (higher: more concerned)")
    return style.apply(figure, title="Final mean disclosure (mean over "
                                     f"{results.manifest['replications']} replications)")


def watts_window(directories: Mapping[str, Path]) -> Any:
    """Share of runs with a global cascade against z, with Watts's theory and window."""
    import plotly.graph_objects as go

    from experiments.validation import theory

    data, phi, n_citizens = tables.cascade_window(Path(directories["watts"]))
    low, high = theory.watts_cascade_window(phi)
    z = np.linspace(max(0.05, data["mean_degree"].min()), data["mean_degree"].max(), 300)
    figure = go.Figure()
    figure.add_vrect(x0=low, x1=high, fillcolor=style.GREY, opacity=0.15, line_width=0,
                     annotation_text="cascade window (theory)", annotation_position="top left")
    figure.add_trace(go.Scatter(
        x=z, y=[theory.watts_cascade_probability(v, phi) for v in z], mode="lines",
        name="Theory: P(global cascade), N → ∞", line={"color": style.colour(1)}))
    figure.add_trace(go.Scatter(
        x=data["mean_degree"], y=data["share"], mode="markers",
        name="Simulated share of runs with a global cascade (95 % Wilson CI)",
        marker={"color": style.colour(0), "size": 8},
        error_y={"type": "data", "symmetric": False, "color": style.colour(0),
                 "array": data["ci_high"] - data["share"],
                 "arrayminus": data["share"] - data["ci_low"]}))
    figure.add_trace(go.Scatter(
        x=data["mean_degree"], y=data["mean_size"], mode="lines+markers",
        name="Simulated mean final cascade size", line={"color": style.colour(2),
                                                        "dash": "dash"},
        marker={"symbol": "diamond", "size": 7}))
    figure.update_xaxes(title_text=label("mean_degree"))
    figure.update_yaxes(title_text="Probability or share of the population", range=[0, 1.02])
    figure.update_layout(legend={"orientation": "h", "y": -0.25})
    runs = int(data["runs"].iloc[0])
    return style.apply(figure, title=f"Global cascades on Erdős–Rényi graphs (φ = {phi:g}, "
                                     f"N = {n_citizens}, {runs} runs per z)", height=520)


def sobol_indices(directories: Mapping[str, Path]) -> Any:
    """Sobol indices of final mean disclosure (the sensitivity figure, one outcome)."""
    from experiments.analysis.sensitivity import sobol_figure

    table = tables.read_csv(Path(directories["sobol"]) / "sensitivity.csv")
    return sobol_figure(table, "mean_disclosure")


def unraveling(directories: Mapping[str, Path]) -> Any:
    """Share showing their score over time, one line per level of inference skepticism."""
    from experiments.summarize import figure_over_time, load_results, series_summary

    results = load_results(directories["unraveling"])
    return figure_over_time(series_summary(results), "sharing_rate", results.factors)


def policy_effects(directories: Mapping[str, Path]) -> Any:
    """Forest plot of the drift study's paired policy effects."""
    from experiments.analysis.compare import forest_figure

    run_dir = Path(directories["drift"])
    return forest_figure(tables.read_csv(run_dir / "effects.csv"), tables.arm_labels(run_dir))


def tipping_point(directories: Mapping[str, Path]) -> Any:
    """The tipping scan with its early-warning indicators."""
    from experiments.analysis.tipping import tipping_figure

    run_dir = Path(directories["tipping"])
    return tipping_figure(tables.read_csv(run_dir / "tipping.csv"),
                          tables.read_json(run_dir / "tipping.json"))


FIGURES: tuple[Product, ...] = (
    Product("drift_curves", "drift", drift_curves,
           "Mean disclosure and the share disclosing nothing over time under the default "
           "incentives, a regulator's cap of two scored categories, and a privacy scandal "
           "(privacy concern × 1.5 at the dotted line; until then it runs exactly as the "
           "baseline, with the same seeds); bands are 95 % confidence intervals "
           "over replications that share their seeds across the three arms."),
    Product("phase_diagram", "phase", phase_diagram,
           "Final mean disclosure over peers' inference skepticism λ (how badly a hidden score "
           "is read) and the location μ_v of log privacy concern, with contour lines."),
    Product("watts_window", "watts", watts_window,
           "The Watts cascade window reproduced: the share of runs in which one random seed "
           "triggers a global cascade under the threshold rule on Erdős–Rényi graphs, against "
           "the branching-process probability (N → ∞); the shaded band is the theoretical "
           "window."),
    Product("sobol_indices", "sobol", sobol_indices,
           "Sobol indices of final mean disclosure with 95 % bootstrap intervals; pale bars are "
           "not distinguishable from zero, the dashed line is the dummy parameter's noise "
           "floor."),
    Product("unraveling", "unraveling", unraveling,
           "Unraveling of score sharing: the share of citizens who show their score over time, "
           "for levels of inference skepticism λ (mean and 95 % band over replications)."),
    Product("policy_effects", "drift", policy_effects,
           "Policy effects on the final state with paired 95 % intervals (common random "
           "numbers, thick) and the intervals independent seeds would give (thin)."),
    Product("tipping_point", "tipping", tipping_point,
           "A tipping point and its early-warning indicators: the final cascade size against "
           "the mean degree at the upper edge of the cascade window, the located tipping value "
           "(dashed) with its interval (shaded), and the detrended variance and lag-1 "
           "autocorrelation of the approach."),
)


def write_figures(directories: Mapping[str, Path], directory: Path,
                  formats: Sequence[str] | None = None) -> dict[str, dict[str, Path]]:
    """Write every figure of :data:`FIGURES` in each format (default HTML, PNG, SVG, PDF).

    Raises:
        UsageError: No Chromium is installed for the static formats.
    """
    import contextlib

    formats = tuple(formats or ("html", *style.STATIC_FORMATS))
    directory.mkdir(parents=True, exist_ok=True)
    static = any(f != "html" for f in formats)
    written: dict[str, dict[str, Path]] = {}
    with style.static_export() if static else contextlib.nullcontext():
        for figure in FIGURES:
            written[figure.name] = style.export(figure.make(directories),
                                                directory / figure.name, formats)
    return written
