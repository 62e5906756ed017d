"""Decision rules as a registry: one module per rule, selected by the parameter ``rule``.

The built-in rules are ``best_response``, ``norm``, ``imitation`` and ``threshold``; each
implements :class:`DecisionRule` (``simulation.decisions.base``, whose docstring gives the
protocol) and registers itself. A rule defined outside the package is registered with
:func:`register` and then runs on both engines like a built-in one (``docs/extending.md``).
"""

from simulation.decisions import best_response, imitation, norm, threshold  # noqa: F401
from simulation.decisions.base import (
    Decision,
    DecisionRule,
    Draws,
    get,
    names,
    register,
    unregister,
)

__all__ = ["Decision", "DecisionRule", "Draws", "get", "names", "register", "unregister"]
