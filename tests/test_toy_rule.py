"""A decision rule registered from outside the package runs on both engines, unchanged code.

The rule is tests/toy_rule.py, one module; nothing in ``simulation`` names it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulation import DisclosureModel, Params, decisions
from tests.state_checks import assert_state_is_fresh
from tests.toy_rule import register_coin_flip


@pytest.fixture
def coin_flip():
    rule = register_coin_flip(probability=0.3)
    yield rule
    decisions.unregister("coin_flip")


def test_the_name_is_accepted_only_while_registered(coin_flip):
    assert Params(rule="coin_flip").rule == "coin_flip"
    assert "coin_flip" in decisions.names()
    decisions.unregister("coin_flip")
    with pytest.raises(ValueError, match="rule: got 'coin_flip', expected one of best_response"):
        Params(rule="coin_flip")
    register_coin_flip(probability=0.3)  # for the fixture's teardown


def test_both_engines_run_it_and_agree_step_for_step(coin_flip):
    kw = {"rule": "coin_flip", "n_citizens": 300, "rng": 4, "revision_rate": 0.5,
          "events": [{"step": 3, "target": "weight_driving_behaviour", "set": 0.1}]}
    frames = []
    for engine in ("vectorized", "agents"):
        model = DisclosureModel(engine=engine, **kw)
        model.run_for(6)
        assert_state_is_fresh(model)
        frames.append(model.dataframe())
    pd.testing.assert_frame_equal(*frames, check_exact=True)
    assert np.isnan(frames[0]["cascade_size"]).all()  # not a threshold rule


def test_it_decides_as_defined(coin_flip):
    """Everyone revises once: each category is disclosed with probability 0.3 (within 4 SE)."""
    model = DisclosureModel(rule="coin_flip", n_citizens=3000, rng=8, revision_rate=1.0)
    model.step()
    disclosed = model.population.disclosed
    se = math.sqrt(0.3 * 0.7 / disclosed.size)
    assert abs(disclosed.mean() - 0.3) < 4 * se
    assert abs(model.population.shares_score.mean() - 0.3) < 4 * math.sqrt(0.21 / 3000)
    model.citizen(0).step()  # a Mesa agent's step works for it too
    assert_state_is_fresh(model)


def test_a_built_in_rule_cannot_be_replaced_or_removed():
    with pytest.raises(ValueError, match="already registered"):
        decisions.register(type("Fake", (decisions.DecisionRule,), {"name": "norm"})())
    with pytest.raises(ValueError, match="registered from outside"):
        decisions.unregister("norm")
