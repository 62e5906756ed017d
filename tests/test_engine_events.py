"""The two engines agree under every kind of event, at the event's step and after it.

Events apply before a step's decisions. An event that changes the scored categories (a weight or
the category cap) changes who counts as an adopter under the threshold rule: the vectorised
engine must decide on the counts of the new scored set, as the per-agent engine (which reads
its neighbours one by one) does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation import DisclosureModel
from simulation.rules import adoption_requirement

#: One event of each kind an event can be: a parameter set or multiplied, a category's weight
#: (switching a category on or off changes the scored set), a category's sensitivity, the
#: category cap, and the population state (a privacy scandal).
EVENTS = {
    "weight_on": [{"step": 3, "target": "weight_driving_behaviour", "set": 0.1}],
    "weight_off": [{"step": 3, "target": "weight_financial_history", "set": 0.0}],
    "category_cap": [{"step": 2, "target": "category_cap", "set": 2},
                     {"step": 5, "target": "category_cap", "set": 0}],
    "sensitivity": [{"step": 3, "target": "sensitivity_education", "set": 0.9}],
    "privacy_concern": [{"step": 3, "target": "privacy_concern", "multiply": 3.0}],
    "multiply": [{"step": 3, "target": "data_correlation", "multiply": 1.5}],
    "imputation": [{"step": 3, "target": "imputation", "set": "skeptical"}],
    "temperature": [{"step": 3, "target": "logit_temperature", "set": 0.05}],
    "threshold_kind": [{"step": 3, "target": "threshold_kind", "set": "count"}],
}

#: The Watts-Strogatz cascade of the bug report: a new category scored at step 3.
CASCADE = {"rule": "threshold", "network": "watts_strogatz", "n_citizens": 400,
           "mean_degree": 6, "threshold_kind": "count", "threshold_mean": 1.0, "n_seeds": 20,
           "revision_rate": 1.0, "rng": 11,
           "events": [{"step": 3, "target": "weight_driving_behaviour", "set": 0.1}]}


def run(steps: int, **kw) -> DisclosureModel:
    model = DisclosureModel(**kw)
    model.run_for(steps)
    return model


def test_a_newly_scored_category_stops_the_cascade_on_both_engines():
    """The bug report's case: 0.60 after step 3 on both engines, as a direct count gives."""
    before = run(2, **CASCADE)
    p = before.params.with_overrides(weight_driving_behaviour=0.1)  # the event
    scored = p.scored_categories
    disclosed = before.population.disclosed
    adopters = before.network.adjacency @ disclosed[:, scored].all(axis=1).astype(np.int64)
    need = adoption_requirement(before.network.degree.astype(np.float64),
                                before.population.threshold, "count")
    adopted = disclosed.copy()
    adopted[np.ix_(adopters >= need, scored)] = True  # everyone revises (r = 1)
    expected = adopted[:, scored].all(axis=1).mean()
    assert expected == pytest.approx(0.60)
    for engine in ("vectorized", "agents"):
        model = run(3, engine=engine, **CASCADE)
        assert model.outputs["cascade_size"] == expected, engine
        assert np.array_equal(model.population.disclosed, adopted), engine


@pytest.mark.parametrize("rule", ["best_response", "imitation", "threshold", "norm"])
@pytest.mark.parametrize("event", sorted(EVENTS))
def test_engines_give_identical_trajectories_through_events(rule, event):
    kw = {"rule": rule, "n_citizens": 150, "network": "watts_strogatz", "mean_degree": 6,
          "rng": 5, "threshold_mean": 0.1, "n_seeds": 5, "revision_rate": 0.5,
          "data_correlation": 0.2,
          "events": EVENTS[event]}
    vectorized = run(7, engine="vectorized", **kw)
    agents = run(7, engine="agents", **kw)
    pd.testing.assert_frame_equal(vectorized.dataframe(), agents.dataframe())
    assert np.array_equal(vectorized.population.disclosed, agents.population.disclosed)
    assert np.array_equal(vectorized.population.shares_score, agents.population.shares_score)
