"""The browser app: watch a population drift toward disclosure, in Mesa's SolaraViz.

Start it with ``datarovers viz`` (bound to 127.0.0.1) or
``solara run simulation/app.py --no-check-version`` (see docs/app.md).

What it shows, redrawn after every step:
  * the network, citizens coloured by the share of scored categories they disclose and drawn
    as diamonds when they show their score (circles when they hide it); the layout is computed
    once per model, and above :data:`DRAW_LIMIT` citizens a snowball sample is drawn;
  * mean disclosure and sharing rate over time; the score histogram with the thresholds T_j;
    the share above each threshold over time; disclosure per category now and at t = 0.

Every series is read by its name from :func:`simulation.metrics.output_columns`, and every
choice list from :mod:`simulation.params`, so new outputs, rules and networks appear here
without edits.

Offline by construction: the front end comes from ``solara-assets`` through Solara's local
asset route, plotly.js from the installed ``plotly`` package (served from ``static/assets``),
and the two calls Solara makes to its own servers (usage telemetry and a one-off "install
check" frame in development mode) are switched off when this module is imported, as is the
server's fallback of fetching missing front-end files from a CDN.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import ipyvuetify
import numpy as np
import plotly
import scipy.sparse as sp
import solara
import solara.checks
import solara.server.settings
import solara.settings
import traitlets
from mesa.visualization import SolaraViz

from simulation.metrics import output_columns, threshold_label
from simulation.model import DisclosureModel
from simulation.params import DECISION_RULES, IMPUTATION_RULES, NETWORK_KINDS, Params

#: Citizens drawn at most; larger populations are drawn as a snowball sample of this size.
DRAW_LIMIT = 1000
#: Fruchterman-Reingold iterations of the layout (computed once per model).
LAYOUT_ITERATIONS = 50
#: Network kinds offered in the app: all but a file (needs a path) and the complete graph
#: (N^2/2 edges, unreadable when drawn).
APP_NETWORK_KINDS = tuple(k for k in NETWORK_KINDS if k not in ("edge_list", "complete"))
#: Height in pixels of each plot (a SolaraViz grid cell is about 390 px high).
PLOT_HEIGHT = 360
#: Width in score points of the histogram bins.
SCORE_BIN = 10.0

# --- no calls home -----------------------------------------------------------------------------
solara.server.settings.telemetry.mixpanel_enable = False
solara.checks.should_perform_solara_check = lambda: False
# Solara's asset route fetches files missing from solara-assets from a public CDN; point it at
# a closed local port instead, so a missing file fails visibly (HTTP error) rather than online.
solara.settings.assets.cdn = "http://127.0.0.1:9/"
_PLOTLY_JS_DIR = str(Path(plotly.__file__).parent / "package_data")
if _PLOTLY_JS_DIR not in solara.server.settings.assets.extra_locations:
    solara.server.settings.assets.extra_locations.append(_PLOTLY_JS_DIR)


# --- the model as the app builds it ------------------------------------------------------------
class ExplorerModel(DisclosureModel):
    """:class:`~simulation.model.DisclosureModel` with the app's two extra controls.

    Args:
        params: As for ``DisclosureModel``.
        rng: Seed or generator, as for ``DisclosureModel`` (the app's seed slider).
        benefit_scale: Factor applied to every service benefit B_j, so one slider moves the
            whole incentive schedule (1 = the parameters' benefits).
        scenario: Ignored. Mesa's Reset button passes a default ``mesa`` Scenario to any model
            that takes keyword arguments; here the parameters and the seed come from the
            controls, so the scenario carries nothing to use.
        **overrides: Parameter values, as for ``DisclosureModel``.

    Raises:
        ValueError: ``benefit_scale`` is negative, or a parameter is invalid.
    """

    def __init__(self, params: Params | dict[str, Any] | None = None, *, rng: Any = None,
                 benefit_scale: float = 1.0, scenario: Any = None, **overrides: Any) -> None:
        """Resolve the parameters, scale the benefits and build the model."""
        if benefit_scale < 0:
            raise ValueError(f"benefit_scale: got {benefit_scale!r}, expected a value >= 0")
        resolved = Params.resolve(params, overrides)
        resolved = resolved.with_overrides(
            benefits=tuple(b * benefit_scale for b in resolved.benefits))
        self.benefit_scale = float(benefit_scale)
        self.seed = rng if isinstance(rng, int) else None  # shown in the legend
        super().__init__(resolved, rng=rng)

    @cached_property
    def drawing(self) -> NetworkDrawing:
        """Which citizens are drawn and where: computed on first use, then kept."""
        return network_drawing(self.network.adjacency)


def to_json(value: Any) -> str:
    """Compact JSON, as sent to the browser."""
    return json.dumps(value, separators=(",", ":"))


# --- the network drawing -----------------------------------------------------------------------
@dataclass(frozen=True)
class NetworkDrawing:
    """A fixed picture of the network.

    Attributes:
        nodes: Indices of the drawn citizens (all of them up to :data:`DRAW_LIMIT`).
        x, y: Their positions, rounded to 4 decimals, in [-1, 1].
        edges: Pairs (row, column) of positions in ``nodes`` linked by an edge, shape (m, 2).
        n_total: Number of citizens in the model.
    """

    nodes: np.ndarray
    x: list[float]
    y: list[float]
    edges: np.ndarray
    n_total: int

    @cached_property
    def backdrop_json(self) -> str:
        """The edges as plotly layout JSON, made once (the browser keeps it across steps)."""
        return to_json(network_backdrop(self))

    @property
    def sampled(self) -> bool:
        """Whether only part of the population is drawn."""
        return self.nodes.size < self.n_total


def snowball_sample(adjacency: sp.csr_array, size: int, rng: np.random.Generator,
                    n_roots: int = 8) -> np.ndarray:
    """Nodes reached by breadth-first search from ``n_roots`` random roots, ``size`` at most.

    A snowball keeps each sampled citizen's neighbourhood (a uniform sample of 1,000 of 10,000
    on a degree-8 graph keeps under one edge per node), so local clusters of disclosure stay
    visible (Goodman 1961, "Snowball sampling", Ann. Math. Stat. 32(1), 148-170).
    """
    n = adjacency.shape[0]
    if size >= n:
        return np.arange(n)
    chosen = np.zeros(n, dtype=bool)
    frontier = rng.choice(n, size=min(n_roots, size), replace=False)
    chosen[frontier] = True
    count = frontier.size
    indptr, indices = adjacency.indptr, adjacency.indices
    while count < size:
        if frontier.size == 0:  # the components of the roots are exhausted: new root
            frontier = rng.choice(np.flatnonzero(~chosen), size=1)
            chosen[frontier] = True
            count += 1
            continue
        reached = np.unique(np.concatenate([indices[indptr[i]:indptr[i + 1]] for i in frontier]))
        reached = reached[~chosen[reached]]
        rng.shuffle(reached)
        reached = reached[:size - count]
        chosen[reached] = True
        count += reached.size
        frontier = reached
    return np.flatnonzero(chosen)


def force_layout(adjacency: sp.csr_array, rng: np.random.Generator,
                 iterations: int = LAYOUT_ITERATIONS, gravity: float = 0.1) -> np.ndarray:
    """Fruchterman-Reingold positions, vectorised over all pairs; shape (n, 2) in [-1, 1].

    The start is a circle in node order. Each iteration moves node i by at most the
    temperature t (cooling linearly from 0.1) along
    ``sum_j (x_i - x_j) / d_ij * (k^2 / d_ij - A_ij d_ij^2 / k)`` with k = sqrt(1/n): repulsion
    between all pairs, attraction along edges, plus a pull of strength ``gravity`` toward the
    centre so that isolated nodes stay in view. Dense O(n^2) per iteration: meant for the
    at most :data:`DRAW_LIMIT` drawn nodes (about 0.3 s at 1,000).

    References:
        Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by force-directed
        placement. Software: Practice and Experience 21(11), 1129-1164.
    """
    n = adjacency.shape[0]
    linked = adjacency.toarray().astype(np.float32)
    # Start on a jittered circle in node order: ring-based networks (Watts-Strogatz, ring
    # lattice) number their nodes around the ring, so their drawing stays a ring with
    # shortcuts; for other kinds the order carries no structure and this is a random start.
    angle = 2 * np.pi * np.arange(n) / max(n, 1)
    pos = (0.5 + 0.5 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
           + 0.02 * rng.standard_normal((n, 2))).astype(np.float32)
    k = np.float32(np.sqrt(1.0 / max(n, 1)))
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = np.maximum(dx * dx + dy * dy, np.float32(1e-4))
        force = k * k / d2 - linked * np.sqrt(d2) / k
        move = np.stack([(force * dx).sum(axis=1), (force * dy).sum(axis=1)], axis=1)
        move -= gravity * (pos - pos.mean(axis=0))
        length = np.maximum(np.hypot(move[:, 0], move[:, 1]), 0.01)
        pos += move * (temperature / length)[:, None]
        temperature -= cooling
    pos -= pos.mean(axis=0)
    extent = np.abs(pos).max()
    return pos / extent if extent > 0 else pos


def network_drawing(adjacency: sp.csr_array, limit: int = DRAW_LIMIT,
                    seed: int = 0) -> NetworkDrawing:
    """Choose the drawn citizens and lay them out (the sample and layout depend on ``seed``).

    The layout has its own generator, so drawing never consumes the model's random numbers.
    """
    rng = np.random.default_rng(seed)
    nodes = snowball_sample(adjacency, limit, rng)
    sub = adjacency[nodes][:, nodes]
    pos = np.round(force_layout(sub, rng).astype(np.float64), 4)
    coo = sp.triu(sub, k=1).tocoo()
    edges = np.column_stack([coo.row, coo.col]).astype(np.int64)
    return NetworkDrawing(nodes, pos[:, 0].tolist(), pos[:, 1].tolist(), edges,
                          adjacency.shape[0])


# --- figures: plain plotly specs (dicts), built from the model's arrays and outputs -------------
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
    x, y = drawing.x, drawing.y
    path = "".join(f"M{x[i]},{y[i]}L{x[j]},{y[j]}" for i, j in drawing.edges.tolist())
    return {"shapes": [{"type": "path", "path": path, "layer": "below", "xref": "x",
                        "yref": "y", "line": {"width": 0.5, "color": "rgba(110,110,110,0.45)"}}]}


def network_figure(model: ExplorerModel) -> dict[str, Any]:
    """The citizens as markers: colour = share disclosed, diamond = shows its score."""
    drawing = model.drawing
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
                   hovermode="closest", margin={"l": 10, "r": 10, "t": 35, "b": 10},
                   legend={"x": 0, "y": 0, "bgcolor": "rgba(255,255,255,0.7)"})


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


# --- the browser side: one small Vue component around plotly.js --------------------------------
_PLOTLY_TEMPLATE = """
<template>
  <div ref="plot" class="datarovers-plot" :data-name="name"
       :style="'width: 100%; height: ' + height + 'px'"></div>
</template>
<script>
module.exports = {
  mounted() {
    this.loadPlotly().then((Plotly) => {
      this.Plotly = Plotly;
      if (!this.$refs.plot) return;  /* unmounted while plotly.js loaded */
      this.draw();
      this.observer = new ResizeObserver(() => Plotly.Plots.resize(this.$refs.plot));
      this.observer.observe(this.$refs.plot);
    });
  },
  beforeDestroy() {
    if (this.observer) this.observer.disconnect();
    if (this.Plotly) this.Plotly.purge(this.$refs.plot);
  },
  watch: {
    figure_json() { this.draw(); },
    backdrop_json() { this.backdrop = undefined; this.draw(); },
  },
  methods: {
    draw() {
      if (!this.Plotly || !this.$refs.plot) return;
      const el = this.$refs.plot;
      const start = performance.now();
      /* Parsed once per change and kept, so Plotly.react finds it unchanged. */
      if (this.backdrop === undefined) this.backdrop = JSON.parse(this.backdrop_json || "{}");
      const figure = JSON.parse(this.figure_json || "{}");
      const data = figure.data || [];
      const layout = Object.assign({}, this.backdrop, figure.layout, { autosize: true });
      layout.shapes = (this.backdrop.shapes || []).concat((figure.layout || {}).shapes || []);
      this.Plotly.react(el, data, layout, { displaylogo: false, responsive: true })
        .then(() => {
          /* for the tests and benchmarks/viz.py: which step is drawn, and how long it took */
          el.dataset.drawMs = (performance.now() - start).toFixed(1);
          el.dataset.revision = String(figure.step);
        });
    },
    loadPlotly() {
      /* plotly.js from the installed plotly package, via Solara's local asset route; one
         load per page, shared by every figure. */
      if (!window.dataroversPlotly) {
        window.dataroversPlotly = this.loadRequire().then(() => new Promise((resolve, reject) => {
          window.requirejs.config({
            paths: { "datarovers-plotly": this.baseUrl() + "static/assets/plotly.min" } });
          /* plotly.min.js sets window.Plotly when it does not register an AMD module */
          window.requirejs(["datarovers-plotly"], (mod) => resolve(mod || window.Plotly), reject);
        }));
      }
      return window.dataroversPlotly;
    },
    loadRequire() {
      if (window.requirejs) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = this.baseUrl() + "_solara/cdn/requirejs@2.3.6/require.js";
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    },
    baseUrl() {
      const root = (document.body.dataset.baseUrl || "/jupyter/").replace(/jupyter\\/$/, "");
      return new URL(root, document.baseURI).href;
    },
  },
};
</script>
"""


class PlotlyFigure(ipyvuetify.VuetifyTemplate):
    """A plotly figure drawn by plotly.js in the browser, redrawn with ``Plotly.react``.

    The figure travels as JSON text: a string is one cheap comparison for Solara's renderer
    and one message for the websocket, where nested lists of thousands of numbers would be
    walked item by item on every render. ``backdrop_json`` is layout drawn under the figure
    (the network's edges, as shapes) and is sent only when it changes: once per model, not
    once per step.
    """

    template = traitlets.Unicode(_PLOTLY_TEMPLATE).tag(sync=True)
    figure_json = traitlets.Unicode("{}").tag(sync=True)
    backdrop_json = traitlets.Unicode("{}").tag(sync=True)
    height = traitlets.Int(PLOT_HEIGHT).tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)


@solara.component
def Plot(figure: dict[str, Any], name: str, backdrop_json: str = "{}"):
    """A :class:`PlotlyFigure` element; ``name`` becomes its ``data-name`` in the page."""
    return PlotlyFigure.element(figure_json=to_json(figure), backdrop_json=backdrop_json,
                                name=name,
                                height=PLOT_HEIGHT)


# --- the panels SolaraViz lays out (functions of the model, redrawn after each step) ------------
def NetworkPanel(model: ExplorerModel):
    """The network view."""
    return Plot(network_figure(model), "network", backdrop_json=model.drawing.backdrop_json)


def DisclosurePanel(model: DisclosureModel):
    """Mean disclosure and sharing rate over time."""
    return Plot(disclosure_figure(model), "disclosure")


def ScorePanel(model: DisclosureModel):
    """The score histogram with the thresholds."""
    return Plot(score_figure(model), "scores")


def ThresholdPanel(model: DisclosureModel):
    """Share above each threshold over time."""
    return Plot(threshold_figure(model), "thresholds")


def CategoryPanel(model: DisclosureModel):
    """Disclosure by category."""
    return Plot(category_figure(model), "categories")


def legend_html(model: ExplorerModel) -> str:
    """The status line and the explanation of the colours, as HTML (no user text in it).

    Plain HTML rather than ``solara.Markdown``: Markdown pulls KaTeX, which solara-assets does
    not ship, so it would need the network.
    """
    p = model.params
    drawing = model.drawing
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
        f"{model.benefit_scale:g} · μ<sub>v</sub> = {p.privacy_mu:g} · seed {model.seed}</p>"
        f"<p><b>Colour</b>: the share of the scored categories ({scored}) a citizen discloses, "
        "from dark purple (none) to yellow (all). <b>Shape</b>: a red-edged diamond shows its "
        "score to friends; a circle hides it, and friends infer a score for it. Grey lines are "
        f"friendships. {shown}</p>"
        "<p><b>Dashed red lines</b> in the histogram are the thresholds T<sub>j</sub> that open "
        "services, with their benefit B<sub>j</sub>. In the category chart the black tick is "
        "the share at step 0; grey bars are categories the score does not use yet.</p>")


def LegendPanel(model: ExplorerModel):
    """What the colours and shapes mean, with the current step and population."""
    return solara.HTML(tag="div", unsafe_innerHTML=legend_html(model),
                       classes=["datarovers-legend"], style="padding: 4px 12px; font-size: 14px")


#: The panels in display order (SolaraViz lays them out two per row).
PANELS = [NetworkPanel, DisclosurePanel, ScorePanel, ThresholdPanel, CategoryPanel, LegendPanel]


# --- controls ----------------------------------------------------------------------------------
def model_controls(defaults: Params | None = None) -> dict[str, dict[str, Any]]:
    """SolaraViz ``model_params``: one input per explored parameter, starting at the defaults.

    Choice lists come from :mod:`simulation.params`, so a new decision rule or network kind
    appears here without an edit.
    """
    p = defaults or Params()

    def slider(label: str, value: float, lo: float, hi: float, step: float) -> dict[str, Any]:
        kind = "SliderInt" if all(float(v).is_integer() for v in (value, lo, hi, step)) \
            else "SliderFloat"
        cast = int if kind == "SliderInt" else float
        return {"type": kind, "label": label, "value": cast(value), "min": cast(lo),
                "max": cast(hi), "step": cast(step)}

    def select(label: str, value: str, values: tuple[str, ...]) -> dict[str, Any]:
        return {"type": "Select", "label": label, "value": value, "values": list(values)}

    return {
        "n_citizens": slider("Citizens N", p.n_citizens, 100, 10_000, 100),
        "network": select("Network", p.network, APP_NETWORK_KINDS),
        "mean_degree": slider("Mean degree z", p.mean_degree, 2, 20, 2),
        "rule": select("Decision rule", p.rule, DECISION_RULES),
        "inference_skepticism": slider("Inference skepticism λ", p.inference_skepticism,
                                       0.0, 1.0, 0.05),
        "imputation": select("Imputation of withheld data", p.imputation, IMPUTATION_RULES),
        "completeness_bonus": slider("Completeness bonus β", p.completeness_bonus,
                                     0.0, 0.5, 0.01),
        "data_correlation": slider("Data correlation ρ", p.data_correlation, 0.0, 0.95, 0.05),
        "benefit_scale": slider("Service benefits × (B_j scale)", 1.0, 0.0, 3.0, 0.1),
        # Centred on the calibrated default, whatever the calibration gives.
        "privacy_mu": slider("Privacy concern μ_v", p.privacy_mu, p.privacy_mu - 3,
                             p.privacy_mu + 3, 0.1),
        # A slider, not a text box: every position is a valid seed, so Reset cannot fail.
        "rng": slider("Seed", 42, 0, 999, 1),
    }


def initial_model(controls: dict[str, dict[str, Any]] | None = None) -> ExplorerModel:
    """The model the page opens with: the controls' starting values."""
    controls = controls or model_controls()
    return ExplorerModel(**{name: spec["value"] for name, spec in controls.items()})


def make_page(model: ExplorerModel | None = None, controls: dict[str, Any] | None = None):
    """The SolaraViz element: controls in the sidebar, :data:`PANELS` in the main area."""
    controls = controls or model_controls()
    return SolaraViz(model or initial_model(controls), components=PANELS,
                     model_params=controls, name="datarovers: disclosure under score incentives")


#: What ``solara run simulation/app.py`` serves.
page = make_page()
