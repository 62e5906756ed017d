"""The app's figures: plain plotly specs (dicts) built from a model's arrays and outputs.

Every series is read by its name from :func:`simulation.metrics.output_columns`, so new
outputs, thresholds and categories appear without edits. The figures are data only: they are
sent to the browser as JSON and drawn there by plotly.js (:mod:`simulation.app.plot`).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from simulation.app.drawing import NetworkDrawing
from simulation.metrics import output_columns, threshold_label
from simulation.model import DisclosureModel
from simulation.params import Params

#: Height in pixels of each plot.
PLOT_HEIGHT = 360
#: Width in score points of the histogram bins.
SCORE_BIN = 10.0


def to_json(value: Any) -> str:
    """Compact JSON, as sent to the browser."""
    return json.dumps(value, separators=(",", ":"))


def _scored(params: Params) -> np.ndarray:
    """Mask of the scored categories (after the category cap), as the outputs count them."""
    return params.scored_categories


def disclosure_share(model: DisclosureModel) -> np.ndarray:
    """Each citizen's share of the scored categories disclosed (what the colours show)."""
    return model.population.disclosed[:, _scored(model.params)].mean(axis=1)


def _figure(model: DisclosureModel, data: list[dict[str, Any]], title: str,
            **layout: Any) -> dict[str, Any]:
    """A plotly figure spec with the common layout, plus ``step``: the model step it shows.

    ``step`` is not a plotly property: the browser copies it into the plot's ``data-revision``
    attribute once drawn, which the browser tests and the benchmark wait for. (Plotly's own
    ``layout.datarevision`` would do, but it makes ``Plotly.react`` recompute every trace,
    the network's static edges included.)
    """
    return {"data": data, "step": model.steps,
            "layout": {"title": {"text": title, "font": {"size": 14}}, "height": PLOT_HEIGHT,
                       "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
                       "legend": {"orientation": "h", "y": -0.12}, "template": "plotly_white",
                       **layout}}


def network_backdrop(drawing: NetworkDrawing) -> dict[str, Any]:
    """The friendships as one SVG path in a layout shape, under the citizens' markers.

    One path element rather than a line trace: plotly draws a trace with gaps as one element
    per segment, and thousands of elements made every redraw of the node colours slow
    (about twice the time of the whole redraw, measured in headless Chromium).
    """
    return {"shapes": [{"type": "path", "path": drawing.backdrop_path, "layer": "below",
                        "xref": "x", "yref": "y",
                        "line": {"width": 0.5, "color": "rgba(110,110,110,0.45)"}}]}


def network_figure(model: DisclosureModel, drawing: NetworkDrawing) -> dict[str, Any]:
    """The citizens of ``drawing`` as markers: colour = share disclosed, diamond = shows score."""
    nodes = drawing.nodes
    share = disclosure_share(model)[nodes]
    sharing = model.population.shares_score[nodes]
    score = np.rint(model.population.score[nodes]).astype(int)
    x, y = np.asarray(drawing.x), np.asarray(drawing.y)
    traces = []
    for shows, name, symbol, size in ((False, "hides score", "circle", 6),
                                      (True, "shows score", "diamond", 7)):
        pick = sharing == shows
        traces.append({
            "type": "scatter", "mode": "markers", "name": name,
            "x": x[pick].tolist(), "y": y[pick].tolist(),
            "customdata": np.stack([nodes[pick], score[pick]], axis=1).tolist(),
            "hovertemplate": "citizen %{customdata[0]}<br>score %{customdata[1]}<br>"
                             "discloses %{marker.color:.0%}<extra>" + name + "</extra>",
            "marker": {"symbol": symbol, "size": size, "color": np.round(share[pick], 3).tolist(),
                       "colorscale": "Viridis", "cmin": 0, "cmax": 1,
                       "line": {"width": 0.8 if shows else 0, "color": "#d62728"},
                       "showscale": not shows,
                       "colorbar": {"title": {"text": "share<br>disclosed"}, "thickness": 10,
                                    "tickformat": ".0%"}},
        })
    shown = (f"snowball sample of {nodes.size:,} of {drawing.n_total:,}" if drawing.sampled
             else f"{drawing.n_total:,} citizens")
    axis = {"visible": False}
    return _figure(model, traces, f"Network at step {model.steps} ({shown})",
                   xaxis=axis, yaxis={**axis, "scaleanchor": "x"},
                   hovermode="closest", margin={"l": 10, "r": 10, "t": 35, "b": 30},
                   # below the drawing, not on it
                   legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top"})


_SHARE_AXIS = {"range": [0, 1], "tickformat": ".0%"}


def _time_axis(model: DisclosureModel) -> dict[str, Any]:
    """Step axis from 0, at least 10 steps wide so the first steps do not fill the plot."""
    return {"range": [0, max(model.steps, 10)], "title": {"text": "step", "standoff": 2}}


def _series(model: DisclosureModel, names: list[str]) -> dict[str, list[float]]:
    """Collected values of the given outputs, from Mesa's DataCollector (no DataFrame)."""
    collected = model.datacollector.model_vars
    return {name: [round(v, 5) for v in collected[name]] for name in names}


def _lines(model: DisclosureModel, names: list[str], labels: list[str]) -> list[dict[str, Any]]:
    series = _series(model, names)
    steps = list(range(len(next(iter(series.values()))))) if series else []
    mode = "lines" if len(steps) > 1 else "markers"  # one point draws no line
    return [{"type": "scatter", "mode": mode, "name": label, "x": steps, "y": series[name]}
            for name, label in zip(names, labels, strict=True)]


def disclosure_figure(model: DisclosureModel) -> dict[str, Any]:
    """Mean disclosure and sharing rate over time (outputs ``mean_disclosure``, ``sharing_rate``).

    Also the share disclosing nothing: the privacy-minded minority the calibration targets.
    """
    names = [c for c in output_columns(model.params)
             if c in ("mean_disclosure", "sharing_rate", "share_disclose_none")]
    labels = [c.replace("_", " ") for c in names]
    return _figure(model, _lines(model, names, labels), "Disclosure and sharing over time",
                   xaxis=_time_axis(model), yaxis=_SHARE_AXIS)


def threshold_figure(model: DisclosureModel) -> dict[str, Any]:
    """Share of citizens at or above each threshold T_j over time (``share_above_<T>``)."""
    names = [f"share_above_{threshold_label(t)}" for t in model.params.thresholds]
    names = [c for c in output_columns(model.params) if c in names]
    labels = ["score ≥ " + c.removeprefix("share_above_") for c in names]
    return _figure(model, _lines(model, names, labels), "Share above each threshold",
                   xaxis=_time_axis(model), yaxis=_SHARE_AXIS)


def score_figure(model: DisclosureModel) -> dict[str, Any]:
    """Histogram of current scores in 10-point bins, with a line at each threshold T_j."""
    edges = np.arange(350.0, 950.0 + SCORE_BIN, SCORE_BIN)
    counts, _ = np.histogram(model.population.score, bins=edges)
    shapes, notes = [], []
    for t, b in zip(model.params.thresholds, model.params.benefits, strict=True):
        shapes.append({"type": "line", "x0": t, "x1": t, "yref": "paper", "y0": 0, "y1": 1,
                       "line": {"color": "#d62728", "dash": "dash", "width": 1.5}})
        notes.append({"x": t, "yref": "paper", "y": 1.0, "showarrow": False,
                      "text": f"{threshold_label(t)}<br>B={b:g}", "yanchor": "bottom",
                      "font": {"size": 9, "color": "#d62728"}})
    bars = {"type": "bar", "x": (edges[:-1] + SCORE_BIN / 2).tolist(), "y": counts.tolist(),
            "width": SCORE_BIN, "marker": {"color": "#4c78a8"}, "name": "citizens",
            "showlegend": False}
    return _figure(model, [bars], f"Scores at step {model.steps}", shapes=shapes,
                   annotations=notes, bargap=0.05,
                   margin={"l": 50, "r": 20, "t": 65, "b": 40},
                   xaxis={"title": {"text": "score"}, "range": [350, 950]},
                   yaxis={"title": {"text": "citizens"}})


def category_figure(model: DisclosureModel) -> dict[str, Any]:
    """Share disclosing each category now (bars) and at t = 0 (markers), from ``disclosure_<k>``.

    Categories with weight 0 are not scored yet; their bars are grey.
    """
    names = [f"disclosure_{c}" for c in model.params.categories]
    names = [c for c in output_columns(model.params) if c in names]
    series = _series(model, names)
    labels = [c.removeprefix("disclosure_").replace("_", " ") for c in names]
    weights = dict(zip(model.params.categories, model.params.weights, strict=True))
    colours = ["#4c78a8" if weights[c.removeprefix("disclosure_")] > 0 else "#bbbbbb"
               for c in names]
    now = {"type": "bar", "orientation": "h", "y": labels, "x": [series[c][-1] for c in names],
           "marker": {"color": colours}, "name": f"step {model.steps}"}
    start = {"type": "scatter", "mode": "markers", "y": labels, "x": [series[c][0] for c in names],
             "marker": {"symbol": "line-ns-open", "size": 14, "color": "black"},
             "name": "start (step 0)"}
    return _figure(model, [now, start], "Disclosure by category (grey: not scored)",
                   xaxis={"range": [0, 1], "tickformat": ".0%"},
                   yaxis={"autorange": "reversed"},
                   legend={"x": 1, "xanchor": "right", "y": 0, "yanchor": "bottom"},
                   margin={"l": 130, "r": 20, "t": 40, "b": 30})


#: What the network's layout shows, by :attr:`NetworkDrawing.layout`.
LAYOUT_NOTES = {
    "ring": "Citizens sit on a ring in their order: arcs are the lattice's neighbours, chords "
            "across the ring are rewired shortcuts.",
    "communities": "Each disc is one community; the lines between discs are the few links "
                   "across communities.",
    "force": "Linked citizens are pulled together and the others pushed apart "
             "(force-directed layout).",
}


def legend_html(model: DisclosureModel, drawing: NetworkDrawing, benefit_scale: float,
                seed: int) -> str:
    """The status line and the explanation of the colours, as HTML (no user text in it).

    ``benefit_scale`` and ``seed`` are the control values the model was built from.

    Plain HTML rather than ``solara.Markdown``: Markdown pulls KaTeX, which solara-assets does
    not ship, so it would need the network.
    """
    p = model.params
    shown = (f"A snowball sample of {drawing.nodes.size:,} citizens is drawn (the plots count "
             "everyone)." if drawing.sampled else "Every citizen is drawn.")
    scored = ", ".join(c.replace("_", " ") for c, w in zip(p.categories, p.weights, strict=True)
                       if w > 0)
    return (
        f'<p class="datarovers-status"><b>Step <span class="datarovers-step">{model.steps}'
        f'</span></b> · <span class="datarovers-size">{model.n_citizens:,}</span> citizens · '
        f"{p.network.replace('_', ' ')} network, mean degree {p.mean_degree:g} · "
        f"rule {p.rule.replace('_', ' ')} · mean score {model.outputs['mean_score']:.0f}</p>"
        f"<p>λ = {p.inference_skepticism:g} · imputation {p.imputation} · "
        f"β = {p.completeness_bonus:g} · ρ = {p.data_correlation:g} · benefits × "
        f"{benefit_scale:g} · μ<sub>v</sub> = {p.privacy_mu:g} · seed {seed}</p>"
        f"<p><b>Colour</b>: the share of the scored categories ({scored}) a citizen discloses, "
        "from dark purple (none) to yellow (all). <b>Shape</b>: a red-edged diamond shows its "
        "score to friends; a circle hides it, and friends infer a score for it. Grey lines are "
        f"friendships. {LAYOUT_NOTES[drawing.layout]} {shown}</p>"
        "<p><b>Dashed red lines</b> in the histogram are the thresholds T<sub>j</sub> that open "
        "services, with their benefit B<sub>j</sub>. In the category chart the black tick is "
        "the share at step 0; grey bars are categories the score does not use yet.</p>")
