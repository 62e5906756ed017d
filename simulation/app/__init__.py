"""The browser app: watch a population drift toward disclosure.

Start it with ``datarovers viz`` (bound to 127.0.0.1; see docs/app.md). Modules, one per
concern:

* :mod:`~simulation.app.drawing`: which citizens are drawn and where (layouts by network kind);
* :mod:`~simulation.app.figures`: the plotly figure specs and the legend, from a model;
* :mod:`~simulation.app.plot`: the browser-side plotly.js component;
* :mod:`~simulation.app.controls`: the parameter inputs, Reset / Play / Step, one model per
  visitor;
* :mod:`~simulation.app.page`: the page (:func:`Page`, what Solara serves);
* :mod:`~simulation.app.server`: the offline server settings and the server itself.

Importing the package changes no global setting and builds no model: each browser session
builds its own when it starts, and :func:`simulation.app.server.serve` configures the server.
"""

from simulation.app.page import Page

__all__ = ["Page"]
