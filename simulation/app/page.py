"""The page: controls in the sidebar, the network and four plots and a legend in the main area.

:func:`Page` is a Solara component, rendered once per browser session: each visitor gets a
model of their own, built when their session starts (``solara.use_memo``), never at import.
A reload opens a new session, so it starts afresh at step 0.

What it shows, redrawn after every step: the network (citizens coloured by the share of scored
categories they disclose, diamonds when they show their score), mean disclosure and sharing
over time, the score histogram with the thresholds T_j, the share above each threshold over
time, disclosure per category now and at t = 0, and a legend.
"""

from __future__ import annotations

import solara

from simulation.app.controls import (
    Exploration,
    ParameterInputs,
    RunControls,
    model_controls,
    start_values,
)
from simulation.app.figures import (
    category_figure,
    disclosure_figure,
    legend_html,
    network_backdrop,
    network_figure,
    score_figure,
    threshold_figure,
    to_json,
)
from simulation.app.plot import Plot

TITLE = "datarovers: disclosure under score incentives"


@solara.component
def LegendPanel(run: Exploration, step: int):
    """What the colours and shapes mean, with the current ``step`` and population."""
    html = legend_html(run.model, run.drawing, run.values.get("benefit_scale", 1.0),
                       run.values.get("rng"))
    return solara.HTML(tag="div", unsafe_innerHTML=html, classes=["datarovers-legend"],
                       style="padding: 4px 12px; font-size: 14px")


@solara.component
def Panels(run: Exploration, step: int):
    """The five plots and the legend, two per row, for the model at ``step``.

    ``step`` is passed down so that every panel is redrawn when it changes (a component whose
    arguments are unchanged is not rendered again).
    """
    backdrop = solara.use_memo(lambda: to_json(network_backdrop(run.drawing)), [run])
    model = run.model
    cells = [
        lambda: Plot(network_figure(model, run.drawing), "network", backdrop_json=backdrop),
        lambda: Plot(disclosure_figure(model), "disclosure"),
        lambda: Plot(score_figure(model), "scores"),
        lambda: Plot(threshold_figure(model), "thresholds"),
        lambda: Plot(category_figure(model), "categories"),
        lambda: LegendPanel(run, step),
    ]
    with solara.Column(gap="8px", style="padding: 8px"):
        for first in range(0, len(cells), 2):
            with solara.Columns([1, 1], gutters_dense=True):
                for cell in cells[first:first + 2]:
                    with solara.Card(margin=0, style="height: 100%"):
                        cell()


@solara.component
def Page():
    """One visitor's app: a model of their own, its controls and its panels."""
    controls = solara.use_memo(model_controls, [])
    first = solara.use_memo(lambda: Exploration.build(start_values(controls)), [])
    exploration = solara.use_reactive(first)
    values = solara.use_reactive(first.values)
    shown_step = solara.use_reactive(0)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        with solara.Card("Run", margin=0):
            RunControls(exploration, values, shown_step)
        with solara.Card("Model parameters (applied at Reset)", margin=0):
            ParameterInputs(controls, values)
    Panels(exploration.value, shown_step.value)
