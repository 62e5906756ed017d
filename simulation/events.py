"""Scheduled events: a parameter set or multiplied, or a privacy scandal, before a step.

An event at step t applies between steps t - 1 and t (a Mesa event at time t - 0.5), before the
platform's imputation and the citizens' decisions of step t. It either replaces a parameter of the
platform, the utility or the decisions (``set``), scales a numeric one (``multiply``), scales
every citizen's privacy concern (target ``privacy_concern``: a privacy scandal) or the
advocates' (target ``advocacy``: an advocacy campaign). Parameters that fix the network and the
drawn population cannot be changed once the model is built.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulation.params import Params

#: Fields fixed once the model is built (network, drawn population): events cannot set them.
STRUCTURAL_FIELDS = frozenset({
    "n_citizens", "network", "mean_degree", "rewiring_prob", "triad_prob", "n_communities",
    "between_share", "privacy_homophily", "edge_list", "quality_loading", "purchase_effect",
    "privacy_mu", "privacy_sigma", "initial_disclosure", "initial_sharing", "behaviour_levels",
    "categories", "thresholds", "threshold_values", "threshold_mean", "threshold_sd",
    "n_seeds", "seed_placement", "rule", "schedule", "engine", "events", "state_fear",
    "state_fear_sigma", "state_fear_correlation", "n_advocates", "advocate_placement",
})
#: Event targets that are population state rather than parameters: every citizen's privacy
#: concern (a scandal), and the advocates' concern (an advocacy campaign).
STATE_TARGETS = ("privacy_concern", "advocacy")


@dataclass(frozen=True)
class Event:
    """At step ``step``, before the decisions, set or multiply ``target``.

    ``target`` is a parameter name (or ``weight_<category>``, ``sensitivity_<category>``),
    ``privacy_concern`` (a privacy scandal scales every citizen's concern) or ``advocacy`` (an
    advocacy campaign scales the advocates' concern, ``simulation.concern``). Written in specs
    and keywords as ``{"step": 50, "target": "privacy_concern", "multiply": 1.5}`` or
    ``{"step": 20, "target": "weight_driving_behaviour", "set": 0.1}``.
    """

    step: int
    target: str
    operation: str
    value: Any

    @classmethod
    def parse(cls, item: Any, where: str) -> Event:
        """An Event from an Event or a mapping with keys step, target and set or multiply."""
        if isinstance(item, Event):
            return item
        if not isinstance(item, Mapping):
            raise TypeError(f"{where}: got {item!r}, expected a table with step, target and "
                            "set or multiply")
        unknown = set(item) - {"step", "target", "set", "multiply"}
        if unknown:
            raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r}, expected step, "
                             "target and set or multiply")
        ops = [op for op in ("set", "multiply") if op in item]
        if len(ops) != 1 or "step" not in item or "target" not in item:
            raise ValueError(f"{where}: got {dict(item)!r}, expected step, target and exactly "
                             "one of set or multiply")
        step = item["step"]
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise ValueError(f"{where}.step: got {step!r}, expected an integer >= 1 (the step "
                             "before whose decisions the event applies)")
        if not isinstance(item["target"], str):
            raise TypeError(f"{where}.target: got {item['target']!r}, expected a parameter name")
        value = item[ops[0]]
        if ops[0] == "multiply" and (isinstance(value, bool)
                                     or not isinstance(value, (int, float))):
            raise TypeError(f"{where}.multiply: got {value!r}, expected a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{where}.{ops[0]}: got {value!r}, expected a finite number")
        if isinstance(value, list):
            value = tuple(value)
        return cls(step, item["target"], ops[0], value)

    def check(self, params: Params) -> None:
        """Reject a target the event cannot change, and a value the parameter would refuse."""
        where = f"events (step {self.step}, {self.target})"
        if self.target in STATE_TARGETS:
            if self.operation != "multiply" or self.value < 0:
                raise ValueError(f"{where}: expected multiply by a factor >= 0 for "
                                 f"{self.target}")
            if self.target == "advocacy" and params.n_advocates == 0:
                raise ValueError(f"{where}: no advocates, expected n_advocates >= 1 for an "
                                 "advocacy campaign")
            return
        if self.target in STRUCTURAL_FIELDS:
            raise ValueError(f"{where}: {self.target} is fixed once the model is built, expected "
                             "a parameter of the platform, the utility or the decisions")
        try:
            self.apply(dataclasses.replace(params, events=()))
        except (ValueError, TypeError) as err:
            raise ValueError(f"{where}: {err}") from None

    def apply(self, params: Params) -> Params:
        """The parameters after this event (for parameter targets)."""
        if self.operation == "set":
            return params.with_overrides(**{self.target: self.value})
        current = params.target_value(self.target)
        if isinstance(current, bool) or not isinstance(current, (int, float)):
            raise TypeError(f"{self.target} is not a number, expected set rather than multiply")
        return params.with_overrides(**{self.target: type(current)(current * self.value)})

    def to_dict(self) -> dict[str, Any]:
        """The event as written in a spec."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"step": self.step, "target": self.target, self.operation: value}


def due(events: Iterable[Event], step: int) -> list[Event]:
    """The events that apply before the decisions of ``step``, in the order given."""
    return [event for event in events if event.step == step]
