"""The one figure style: a colour-blind-safe palette, legible fonts and human-readable labels.

Every figure the package writes (``datarovers summarize``, the analyses, the paper's set) is a
plotly ``Figure`` finished by :func:`apply`, which sets the ``datarovers`` template:

- colours from the Okabe-Ito palette (Okabe and Ito 2008), distinguishable under the common
  forms of colour blindness, in a fixed order (:data:`PALETTE`, :func:`colour`); ordered values
  (a parameter's levels) use the perceptually uniform, colour-blind-safe Viridis scale
  (:func:`shades`);
- a sans-serif font of :data:`FONT_SIZE` points at the export size of :data:`COLUMN_WIDTH` by
  :data:`HEIGHT` pixels, which keeps 8-point text when a figure is printed at a journal's
  single-column width (about 85 mm) with ``scale=2`` (static export, see :func:`export`);
- white background, light grid lines, axis lines, ticks outside.

Axis titles come from :func:`experiments.analysis.labels.label` (symbols and units, never a
column name).

References:
    Okabe, M., & Ito, K. (2008). Color Universal Design (CUD): how to make figures and
    presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

#: Okabe-Ito colours, in the order figures use them (blue, vermillion, bluish green, orange,
#: reddish purple, sky blue, yellow, black).
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9",
                            "#F0E442", "#000000")
#: Neutral grey for reference lines, intervals of secondary estimates and inactive elements.
GREY = "#999999"
FONT_FAMILY = "Arial, Helvetica, sans-serif"
FONT_SIZE = 13
#: Static export size in pixels (a single column; double it for a two-column figure).
COLUMN_WIDTH = 700
HEIGHT = 460
TEMPLATE = "datarovers"
#: Static formats :func:`export` writes.
STATIC_FORMATS = ("png", "svg", "pdf")


def colour(number: int) -> str:
    """The ``number``-th palette colour (cycling)."""
    return PALETTE[number % len(PALETTE)]


def shades(values: Sequence[Any]) -> dict[Any, str]:
    """A Viridis colour per ordered value (one value gets the first palette colour)."""
    values = list(values)
    if len(values) <= 1:
        return {value: PALETTE[0] for value in values}
    import plotly.colors

    scale = plotly.colors.sample_colorscale(
        "Viridis", [0.9 * i / (len(values) - 1) for i in range(len(values))])
    return dict(zip(values, scale, strict=True))


def translucent(hex_colour: str, alpha: float = 0.2) -> str:
    """``rgba(...)`` of a ``#rrggbb`` colour, for bands."""
    if hex_colour.startswith("rgb"):
        inner = hex_colour[hex_colour.index("(") + 1:hex_colour.index(")")].split(",")[:3]
        return f"rgba({','.join(v.strip() for v in inner)},{alpha})"
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def add_band(figure: Any, x: Sequence[float], low: Sequence[float], high: Sequence[float],
             colour_hex: str, *, group: str | None = None, **position: Any) -> None:
    """A translucent band between ``low`` and ``high`` (an interval over ``x``), no legend entry.

    ``position`` is ``row=..., col=...`` for a figure with subplots.
    """
    import numpy as np
    import plotly.graph_objects as go

    x = np.asarray(x)
    figure.add_trace(go.Scatter(
        x=np.concatenate([x, x[::-1]]),
        y=np.concatenate([np.asarray(high), np.asarray(low)[::-1]]),
        fill="toself", fillcolor=translucent(colour_hex), line={"width": 0},
        hoverinfo="skip", legendgroup=group, showlegend=False), **position)


def _template() -> Any:
    import plotly.graph_objects as go
    import plotly.io as pio

    if TEMPLATE not in pio.templates:
        axis = {"showline": True, "linecolor": "#444444", "ticks": "outside",
                "gridcolor": "#E5E5E5", "zeroline": False, "title": {"standoff": 8},
                "automargin": True}
        pio.templates[TEMPLATE] = go.layout.Template(layout={
            "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": "#222222"},
            "colorway": list(PALETTE),
            "paper_bgcolor": "white", "plot_bgcolor": "white",
            "xaxis": axis, "yaxis": axis,
            "legend": {"bgcolor": "rgba(255,255,255,0.8)"},
            "title": {"x": 0.0, "xanchor": "left", "font": {"size": FONT_SIZE + 2}},
            "colorscale": {"sequential": "Viridis"},
            "margin": {"l": 70, "r": 20, "t": 70, "b": 60},
        })
    return TEMPLATE


def apply(figure: Any, *, title: str | None = None, width: int | None = None,
          height: int | None = None) -> Any:
    """Give ``figure`` the house template (and a title and export size); return it."""
    layout: dict[str, Any] = {"template": _template()}
    if title is not None:
        layout["title_text"] = title
    if width is not None:
        layout["width"] = width
    if height is not None:
        layout["height"] = height
    figure.update_layout(**layout)
    figure.update_annotations(font_size=FONT_SIZE)  # subplot titles
    return figure


def write_html(figure: Any, path: str | Path) -> Path:
    """Write an interactive HTML file (plotly.js beside it, so it opens offline); atomic."""
    from experiments.storage import atomic_write

    path = Path(path)
    atomic_write(path, lambda tmp: figure.write_html(tmp, include_plotlyjs="directory"))
    return path


@contextlib.contextmanager
def static_export() -> Iterator[None]:
    """Keep one kaleido browser (the system's Chromium) running for the exports in the block.

    A few times faster than a browser per image.

    Raises:
        UsageError: No Chromium is installed.
    """
    import kaleido

    from experiments.figures.chromium import ensure

    ensure()
    kaleido.start_sync_server(silence_warnings=True)
    try:
        yield
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def export(figure: Any, stem: str | Path, formats: Sequence[str] = ("html", *STATIC_FORMATS),
           *, width: int | None = None, height: int | None = None, scale: float = 2.0
           ) -> dict[str, Path]:
    """Write ``figure`` as ``<stem>.<format>`` for each format; return the paths.

    Static formats are rendered by kaleido with the system's Chromium
    (:func:`experiments.figures.chromium.ensure`), never a downloaded one; inside
    :func:`static_export` one browser serves every image. Each file is
    written to a temporary name and renamed, so a file that exists is complete.

    Raises:
        UsageError: No Chromium is installed (the message says how to install one).
    """
    from experiments.storage import atomic_write

    stem = Path(stem)
    paths: dict[str, Path] = {}
    size = {"width": width or figure.layout.width or COLUMN_WIDTH,
            "height": height or figure.layout.height or HEIGHT}
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        if fmt == "html":
            write_html(figure, path)
        else:
            from experiments.figures.chromium import ensure

            ensure()
            with warnings.catch_warnings():  # plotly notes that a running server ignores kopts
                warnings.filterwarnings("ignore", "The kopts argument", UserWarning)
                image = figure.to_image(format=fmt, scale=scale, **size)
            atomic_write(path, lambda tmp, image=image: tmp.write_bytes(image))
        paths[fmt] = path
    return paths
