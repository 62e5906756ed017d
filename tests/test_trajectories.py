"""Every fixed-seed trajectory is unchanged, bit for bit, for each rule, network and engine.

The fingerprints in tests/data/trajectories.json were recorded before the model core was
restructured; a refactoring must leave them all equal. A change meant to alter trajectories
rewrites the file (``python -m tests.trajectory_cases``) in the same commit and says why.
"""

from __future__ import annotations

import json

import pytest

from simulation import DisclosureModel
from tests.trajectory_cases import GOLDEN, STEPS, cases, fingerprint, name, run

RECORDED = json.loads(GOLDEN.read_text())


def test_the_recorded_cases_are_the_cases():
    assert sorted(RECORDED) == sorted(name(case) for case in cases())


@pytest.mark.parametrize("case", cases(), ids=name)
def test_trajectory_is_unchanged(case):
    assert run(case) == RECORDED[name(case)]


def test_the_fingerprint_sees_a_one_step_change():
    """A fingerprint that ignored the outputs would pass everything: one more step changes it."""
    case = cases()[0]
    model = DisclosureModel(**case)
    model.run_for(STEPS + 1)
    assert fingerprint(model) != RECORDED[name(case)]
