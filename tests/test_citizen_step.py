"""Citizen.step() works on its own, outside DisclosureModel.step(), as a Mesa agent's step does.

The citizen revises at once; the platform rescores it and the neighbour counts follow, so the
model's kept state stays equal to a fresh recount and the next model step runs on it.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation import DisclosureModel
from tests.state_checks import assert_state_is_fresh

RULES = {"best_response": {"logit_temperature": 0.05, "data_correlation": 0.3},
         "norm": {"logit_temperature": 0.0, "conformity": 0.5},
         "imitation": {},
         "threshold": {"n_seeds": 15}}


@pytest.mark.parametrize("engine", ["vectorized", "agents"])
@pytest.mark.parametrize("rule", RULES)
def test_a_citizen_steps_alone_and_the_model_goes_on(rule, engine):
    model = DisclosureModel(rule=rule, engine=engine, n_citizens=120, rng=3, **RULES[rule])
    model.run_for(3)
    for node in (0, 17, 64):
        model.citizen(node).step()
        assert_state_is_fresh(model)
    model.step()
    assert_state_is_fresh(model)
    assert len(model.dataframe()) == 5  # t = 0..4: the standalone steps collected nothing


def test_a_citizen_alone_adopts_when_its_threshold_is_met():
    """Threshold rule: once all of node 0's neighbours disclose everything, node 0 follows."""
    model = DisclosureModel(rule="threshold", n_citizens=60, rng=1, n_seeds=0,
                            threshold_kind="count", threshold_mean=1.0, threshold_sd=0.0,
                            initial_disclosure=0.0)
    scored = model.params.scored_categories
    citizen = model.citizen(0)
    citizen.step()
    assert not citizen.disclosed[scored].any()  # nobody discloses: nothing to follow
    for friend in citizen.neighbours:
        friend.disclosed = np.ones_like(friend.disclosed)
    model._update_state(rescore_all=False)  # what the platform does after a hand edit
    citizen.step()
    assert citizen.disclosed[scored].all()
    assert_state_is_fresh(model)
