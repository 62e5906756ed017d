"""Every compiled kernel with its numpy definition, and the switch between the two.

The model calls a kernel through :func:`implementation`, by name. With the environment variable
``DATAROVERS_KERNELS=0`` (read each time a model is built, :func:`read_switch`) it gets the
numpy definition instead, and the whole model runs on
numpy alone: the per-step outputs then come from their definitions
(``simulation.outputs``), and the adjacency is assembled by scipy. Trajectories are the same
either way: choices, codes, counts and scores are equal bit for bit, the outputs equal to
rounding (tests/test_numpy_engine.py). The numpy path is for checking and reading, not for
speed; the network generators (``simulation.network``) stay compiled, being algorithms rather
than equations.

One parametrised test runs every pair of :data:`KERNELS` on the same random inputs
(tests/test_kernel_table.py). A kernel added to the package goes into this table.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulation import passes, rules
from simulation.kernels import aggregate, choice, outputs, state

#: The environment variable of the switch: ``0`` runs on the numpy definitions, ``1`` (or unset)
#: on the compiled kernels.
SWITCH = "DATAROVERS_KERNELS"


@dataclass(frozen=True)
class KernelPair:
    """A compiled kernel and the numpy function that defines it (same arguments and results).

    Attributes:
        name: The name the model calls it by.
        definition: The numpy definition.
        kernel: The compiled kernel (or its Python wrapper).
    """

    name: str
    definition: Callable[..., Any]
    kernel: Callable[..., Any]


#: Every kernel the model calls, by name.
KERNELS: dict[str, KernelPair] = {pair.name: pair for pair in (
    KernelPair("disclosure_codes", passes.disclosure_codes, state.disclosure_codes),
    KernelPair("score_tally", rules.peer_sums, state.score_tally),
    KernelPair("refresh", passes.refresh, state.refresh),
    KernelPair("record_choices", passes.record_choices, state.record_choices),
    KernelPair("move_codes", passes.move_codes, state.move_codes),
    KernelPair("count_scores", passes.count_scores, outputs.count_scores),
    KernelPair("move_scores", passes.move_scores, outputs.move_scores),
    KernelPair("count_passes", passes.count_passes, aggregate.count_kernels),
    KernelPair("neighbour_sum", passes.neighbour_sum, aggregate.neighbour_sum),
    KernelPair("decision_inputs", passes.decision_inputs, choice.decision_inputs),
    KernelPair("scored_best_response", passes.scored_best_response,
               choice.scored_best_response),
)}


_in_force = {"compiled": True}


def read_switch() -> bool:
    """Read ``DATAROVERS_KERNELS`` (default 1) and put it in force; returns :func:`compiled`.

    ``DisclosureModel`` calls this when it is built, so the variable applies to every model
    built after it is set. Reading the environment once per model, not once per kernel call,
    keeps a 1,000-citizen step free of its cost.

    Raises:
        ValueError: The variable is set to anything but 0 or 1.
    """
    value = os.environ.get(SWITCH, "1").strip()
    if value not in ("0", "1"):
        raise ValueError(f"{SWITCH}={value!r}: expected 0 (run on the numpy definitions) or 1 "
                         "(the compiled kernels, the default)")
    _in_force["compiled"] = value == "1"
    return _in_force["compiled"]


def compiled() -> bool:
    """Whether the compiled kernels are in force (as of the last :func:`read_switch`)."""
    return _in_force["compiled"]


def implementation(name: str) -> Callable[..., Any]:
    """The kernel ``name``, or its numpy definition when ``DATAROVERS_KERNELS=0``."""
    pair = KERNELS[name]
    return pair.kernel if _in_force["compiled"] else pair.definition
