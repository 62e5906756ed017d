"""The Mesa agent: a citizen is a view on one row of the model's population arrays.

Reading ``citizen.privacy_concern`` reads ``model.population.privacy_concern[citizen.node]``;
writing ``citizen.shares_score = True`` writes that row. Agent-level code (inspection, the
browser app) and the vectorised rules therefore see one truth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from simulation.model import DisclosureModel


class _Row:
    """Descriptor exposing row ``node`` of ``model.population.<column>`` as an attribute."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.column = name

    def __get__(self, citizen: Citizen | None, owner: type) -> Any:
        if citizen is None:
            return self
        value = getattr(citizen.model.population, self.column)[citizen.node]
        return value.copy() if isinstance(value, np.ndarray) else value.item()

    def __set__(self, citizen: Citizen, value: Any) -> None:
        getattr(citizen.model.population, self.column)[citizen.node] = value


class Citizen(mesa.Agent):
    """A citizen on network node ``node``.

    Attributes (views on the model's arrays, see ``simulation.population.Population``):
        creditworthiness, quality, purchase_rating, behaviour, privacy_concern, disclosed,
        shares_score, score.
    """

    creditworthiness = _Row()
    quality = _Row()
    purchase_rating = _Row()
    behaviour = _Row()
    privacy_concern = _Row()
    disclosed = _Row()
    shares_score = _Row()
    score = _Row()

    def __init__(self, model: DisclosureModel, node: int) -> None:
        """Create the citizen on network node ``node`` (its row in the population arrays)."""
        super().__init__(model)
        self.node = int(node)

    def step(self) -> None:
        """Revise this citizen's choice (the per-agent engine; see DisclosureModel.step)."""
        self.model.decide_for(self)

    @property
    def neighbours(self) -> list[Citizen]:
        """The citizens on adjacent network nodes, in node order."""
        adjacency = self.model.network.adjacency
        row = adjacency.indices[adjacency.indptr[self.node]:adjacency.indptr[self.node + 1]]
        return [self.model.citizen(int(j)) for j in np.sort(row)]

    @property
    def disclosed_categories(self) -> list[str]:
        """Names of the categories this citizen discloses."""
        return [c for c, d in zip(self.model.params.categories, self.disclosed, strict=True) if d]

    def __repr__(self) -> str:
        """Short description for inspection."""
        return (f"Citizen(node={self.node}, score={self.score:.0f}, "
                f"disclosed={self.disclosed_categories}, shares_score={self.shares_score})")
