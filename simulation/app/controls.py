"""The app's controls: the parameter inputs, and Reset / Play / Step for one visitor's model.

Each visitor's page holds its own :class:`Exploration` (a model, the control values it was
built from, and its network drawing), made when the visitor's session starts and replaced on
Reset; nothing is shared between sessions and nothing is built at import.

Play steps the model in a background thread of the visitor's session. The thread stops when
Play is pressed again, on Reset, when the session closes (the tab is closed or the server stops)
and as soon as no browser tab of the session is connected: with no one watching, nothing is
computed.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import solara

from simulation.app.drawing import NetworkDrawing, network_drawing
from simulation.model import DisclosureModel
from simulation.params import IMPUTATION_RULES, NETWORK_KINDS, Params, decision_rules

logger = logging.getLogger(__name__)

#: Network kinds offered in the app: all but a file (needs a path) and the complete graph
#: (N^2/2 edges, unreadable when drawn).
APP_NETWORK_KINDS = tuple(k for k in NETWORK_KINDS if k not in ("edge_list", "complete"))
#: Pause between two steps while playing, in seconds (time for the browser to draw).
PLAY_PAUSE_S = 0.1


def model_controls(defaults: Params | None = None) -> dict[str, dict[str, Any]]:
    """One input per explored parameter, at the defaults (in SolaraViz's ``model_params`` form).

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
        "rule": select("Decision rule", p.rule, decision_rules()),
        "inference_skepticism": slider("Inference skepticism λ", p.inference_skepticism,
                                       0.0, 1.0, 0.05),
        "imputation": select("Imputation of withheld data", p.imputation, IMPUTATION_RULES),
        "completeness_bonus": slider("Completeness bonus β", p.completeness_bonus,
                                     0.0, 0.5, 0.01),
        "data_correlation": slider("Data correlation ρ", p.data_correlation, 0.0, 0.95, 0.05),
        "benefit_scale": slider("Benefits B_j ×", 1.0, 0.0, 3.0, 0.1),
        # Centred on the calibrated default, whatever the calibration gives.
        "privacy_mu": slider("Privacy concern μ_v", p.privacy_mu, p.privacy_mu - 3,
                             p.privacy_mu + 3, 0.1),
        # A slider, not a text box: every position is a valid seed, so Reset cannot fail.
        "rng": slider("Seed", 42, 0, 999, 1),
    }


def start_values(controls: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The controls' starting values, by name."""
    return {name: spec["value"] for name, spec in (controls or model_controls()).items()}


def build_model(values: dict[str, Any]) -> DisclosureModel:
    """A :class:`~simulation.model.DisclosureModel` from the control values.

    ``rng`` is the seed and ``benefit_scale`` multiplies every service benefit B_j (one slider
    moves the whole incentive schedule); every other value is a parameter.

    Raises:
        ValueError: ``benefit_scale`` is negative, or a parameter is invalid.
    """
    values = dict(values)
    scale = float(values.pop("benefit_scale", 1.0))
    if scale < 0:
        raise ValueError(f"benefit_scale: got {scale!r}, expected a value >= 0")
    seed = values.pop("rng", None)
    params = Params.resolve(None, values)
    if scale != 1.0:
        params = params.with_overrides(benefits=tuple(b * scale for b in params.benefits))
    return DisclosureModel(params, rng=seed)


@dataclass(eq=False)
class Exploration:
    """One visitor's model, the control values it was built from, and its drawing.

    Attributes:
        model: The model on screen.
        values: The control values it was built from (``benefit_scale`` and ``rng`` included).
    """

    model: DisclosureModel
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, values: dict[str, Any]) -> Exploration:
        """Build the model of these control values (see :func:`build_model`)."""
        return cls(build_model(values), dict(values))

    @cached_property
    def drawing(self) -> NetworkDrawing:
        """Which citizens are drawn and where: computed on first use, then kept."""
        network = self.model.network
        return network_drawing(network.adjacency, self.model.params.network, network.community)


# --- the visitor's session ---------------------------------------------------------------------
def session_context() -> Any:
    """The Solara session (virtual kernel) rendering this page, or None outside a server."""
    from solara.server import kernel_context

    return kernel_context.get_current_context() if kernel_context.has_current_context() else None


def client_connected(context: Any) -> bool:
    """Whether a browser tab of the session is connected (always True outside a server)."""
    if context is None or not hasattr(context, "page_status"):
        return True
    from solara.server.kernel_context import PageStatus

    if context.closed_event.is_set():
        return False
    return PageStatus.CONNECTED in list(context.page_status.values())


# --- components --------------------------------------------------------------------------------
def input_label(spec: dict[str, Any], value: Any) -> str:
    """A slider's label with its value, ``"Citizens N = 1,000"`` (a select shows its own)."""
    if spec["type"] == "SliderInt":
        return f"{spec['label']} = {int(value):,}"
    if spec["type"] == "SliderFloat":
        return f"{spec['label']} = {float(value):g}"
    return spec["label"]


@solara.component
def ParameterInputs(controls: dict[str, dict[str, Any]], values: solara.Reactive[dict]):
    """One input per control; sliders show their value. Values take effect at Reset."""
    for name, spec in controls.items():

        def update(value: Any, name: str = name, spec: dict = spec) -> None:
            if spec["type"] == "SliderFloat":  # no 0.15000000000000002 on screen
                value = round(float(value), 6)
            values.set({**values.value, name: value})

        current = values.value.get(name, spec["value"])
        label = input_label(spec, current)
        if spec["type"] == "SliderInt":
            solara.SliderInt(label, value=current, min=spec["min"], max=spec["max"],
                             step=spec["step"], on_value=update, thumb_label=False)
        elif spec["type"] == "SliderFloat":
            solara.SliderFloat(label, value=current, min=spec["min"], max=spec["max"],
                               step=spec["step"], on_value=update, thumb_label=False)
        else:
            solara.Select(label, value=current, values=spec["values"], on_value=update)


@solara.component
def RunControls(exploration: solara.Reactive[Exploration], values: solara.Reactive[dict],
                shown_step: solara.Reactive[int]):
    """Reset, Play / Pause and Step for the visitor's model (see the module for Play)."""
    playing = solara.use_reactive(False)
    error = solara.use_reactive(None)
    context = solara.use_memo(session_context, [])

    def play(cancel: threading.Event) -> None:
        run = exploration.value
        while playing.value and not cancel.is_set():
            if not client_connected(context):
                logger.info("play stopped at step %d: no browser tab connected", run.model.steps)
                playing.value = False
                return
            run.model.step()
            shown_step.set(run.model.steps)  # redraws the panels
            cancel.wait(PLAY_PAUSE_S)

    solara.use_thread(play, dependencies=[playing.value, exploration.value],
                      intrusive_cancel=False)

    def step() -> None:
        exploration.value.model.step()
        shown_step.set(exploration.value.model.steps)

    def reset() -> None:
        playing.set(False)
        try:
            exploration.set(Exploration.build(values.value))
        except ValueError as err:  # a combination the inputs allow but the model rejects
            error.set(str(err))
            return
        error.set(None)
        shown_step.set(0)

    with solara.Row(justify="space-between"):
        solara.Button(label="Reset", color="primary", on_click=reset)
        solara.Button(label="❚❚" if playing.value else "▶", color="primary",
                      on_click=lambda: playing.set(not playing.value))
        solara.Button(label="Step", color="primary", on_click=step, disabled=playing.value)
    if error.value:
        solara.Error(error.value)
