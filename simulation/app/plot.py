"""The browser side of a plot: one small Vue component around plotly.js.

The component's template is ``plotly_figure.vue`` next to this module. plotly.js comes from the
installed ``plotly`` package through Solara's local asset route (``static/assets``, set up by
:mod:`simulation.app.server`), loaded once per page and shared by every figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipyvuetify
import solara
import traitlets

from simulation.app.figures import PLOT_HEIGHT, to_json

#: The Vue template of :class:`PlotlyFigure`.
TEMPLATE = (Path(__file__).parent / "plotly_figure.vue").read_text(encoding="utf-8")


class PlotlyFigure(ipyvuetify.VuetifyTemplate):
    """A plotly figure drawn by plotly.js in the browser, redrawn with ``Plotly.react``.

    The figure travels as JSON text: a string is one cheap comparison for Solara's renderer
    and one message for the websocket, where nested lists of thousands of numbers would be
    walked item by item on every render. ``backdrop_json`` is layout drawn under the figure
    (the network's edges, as shapes) and is sent only when it changes: once per model, not
    once per step. Once drawn, the element's ``data-revision`` is the figure's ``step`` (what
    the browser tests and ``benchmarks/viz.py`` wait for).
    """

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    figure_json = traitlets.Unicode("{}").tag(sync=True)
    backdrop_json = traitlets.Unicode("{}").tag(sync=True)
    height = traitlets.Int(PLOT_HEIGHT).tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)


@solara.component
def Plot(figure: dict[str, Any], name: str, backdrop_json: str = "{}"):
    """A :class:`PlotlyFigure` element; ``name`` becomes its ``data-name`` in the page."""
    return PlotlyFigure.element(figure_json=to_json(figure), backdrop_json=backdrop_json,
                                name=name, height=PLOT_HEIGHT)
