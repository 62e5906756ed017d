"""datarovers: an agent-based model of credit-score-driven data disclosure.

Public API: :class:`Params`, :class:`DisclosureModel`, :class:`Citizen`, and the output names
in :data:`OUTPUTS`.
"""

from simulation import decisions, outputs
from simulation.agents import Citizen
from simulation.metrics import OUTPUTS
from simulation.model import DisclosureModel
from simulation.params import Params

__all__ = ["OUTPUTS", "Citizen", "DisclosureModel", "Params", "decisions", "outputs"]
__version__ = "0.1.0"
