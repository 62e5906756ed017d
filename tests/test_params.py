import dataclasses

import numpy as np
import pytest

from simulation import Params
from simulation.params import Event, parameter_table


def test_defaults_build_and_are_documented():
    params = Params()
    for name, default, doc in parameter_table():
        assert getattr(params, name) == default
        assert len(doc) > 20, name


def test_params_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Params().n_citizens = 5  # type: ignore[misc]


def test_ints_become_floats_and_lists_tuples():
    params = Params(revision_rate=1, benefits=[1, 0, 0, 0])
    assert isinstance(params.revision_rate, float)
    assert params.benefits == (1.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(("overrides", "error", "fragments"), [
    ({"revison_rate": 0.2}, ValueError, ["revison_rate", "did you mean 'revision_rate'"]),
    ({"n_citizens": "many"}, TypeError, ["n_citizens", "'many'", "an integer"]),
    ({"n_citizens": 2.5}, TypeError, ["n_citizens", "2.5"]),
    ({"n_citizens": 1}, ValueError, ["n_citizens", "1", ">= 2"]),
    ({"revision_rate": 0.0}, ValueError, ["revision_rate", "> 0.0"]),
    ({"revision_rate": 1.5}, ValueError, ["revision_rate", "<= 1.0"]),
    ({"data_correlation": float("nan")}, ValueError, ["data_correlation", "finite"]),
    ({"network": "smallworld"}, ValueError, ["network", "'smallworld'", "watts_strogatz"]),
    ({"imputation": "harsh"}, ValueError, ["imputation", "penalize, neutral, skeptical"]),
    ({"rule": "best"}, ValueError, ["rule", "best_response"]),
    ({"weights": (0.1, 0.2)}, ValueError, ["weights", "2 values for 6 categories"]),
    ({"weights": "0.1"}, TypeError, ["weights", "list of numbers"]),
    ({"thresholds": (650.0, 600.0, 700.0, 750.0)}, ValueError, ["thresholds", "increasing"]),
    ({"thresholds": (300.0, 650.0, 700.0, 750.0)}, ValueError, ["thresholds[0]", ">= 350"]),
    ({"benefits": (1.0,)}, ValueError, ["benefits", "one per threshold"]),
    ({"mean_degree": 5}, ValueError, ["mean_degree", "even integer"]),
    ({"network": "erdos_renyi", "n_citizens": 10, "mean_degree": 20},
     ValueError, ["mean_degree", "at most"]),
    ({"network": "edge_list"}, ValueError, ["edge_list", "file path"]),
    ({"categories": ()}, ValueError, ["categories", "at least one"]),
    ({"weight_gaming": 0.1}, ValueError, ["weight_gaming", "unknown category 'gaming'"]),
    ({"schedule": "random_sequential"}, ValueError, ["schedule", "engine='agents'"]),
    ({"schedule": "asynchronous"}, ValueError, ["schedule", "synchronous, random_sequential"]),
    ({"engine": "gpu"}, ValueError, ["engine", "vectorized, agents"]),
    ({"threshold_kind": "share"}, ValueError, ["threshold_kind", "fraction, count"]),
    ({"threshold_values": (0.1, 0.2)}, ValueError, ["threshold_values", "one per citizen"]),
    ({"n_seeds": 5000}, ValueError, ["n_seeds", "at most n_citizens"]),
])
def test_bad_values_name_field_value_and_expectation(overrides, error, fragments):
    with pytest.raises(error) as info:
        Params().with_overrides(**overrides)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_category_row_overrides():
    params = Params().with_overrides(weight_driving_behaviour=0.1, sensitivity_education=0.9)
    assert params.weights[4] == 0.1
    assert params.sensitivities[1] == 0.9


def test_resolve_accepts_mapping_and_rejects_other_types():
    assert Params.resolve({"n_citizens": 50}, {"rule": "norm"}).n_citizens == 50
    with pytest.raises(TypeError, match="params: got list"):
        Params.resolve([1, 2], {})


def test_category_cap_keeps_largest_weights():
    assert np.array_equal(Params(category_cap=2).scored_weights,
                          [0.25, 0.15, 0.0, 0.0, 0.0, 0.0])
    assert np.array_equal(Params().scored_weights, Params().weights)


def test_round_trip_through_dict():
    params = Params(events=[{"step": 3, "target": "privacy_concern", "multiply": 2.0}],
                    rule="norm")
    assert Params.resolve(params.to_dict(), {}) == params


@pytest.mark.parametrize(("event", "fragments"), [
    ({"step": -1, "target": "sharing_cost", "set": 0.1}, ["step", "-1", ">= 1"]),
    ({"step": 0, "target": "sharing_cost", "set": 0.1}, ["step", ">= 1"]),
    ({"step": 2, "target": "n_citizens", "set": 5}, ["n_citizens", "fixed once the model"]),
    ({"step": 2, "target": "moonphase", "set": 5}, ["moonphase", "unknown parameter"]),
    ({"step": 2, "target": "revision_rate", "set": 3}, ["revision_rate", "<= 1.0"]),
    ({"step": 2, "target": "imputation", "multiply": 2}, ["imputation", "not a number"]),
    ({"step": 2, "target": "privacy_concern", "set": 2}, ["privacy_concern", "multiply"]),
    ({"step": 2, "target": "sharing_cost"}, ["exactly one of set or multiply"]),
    ({"step": 2, "target": "sharing_cost", "set": 1, "when": 3}, ["unknown key 'when'"]),
    ("at step 2", ["expected a table"]),
])
def test_bad_events(event, fragments):
    with pytest.raises((ValueError, TypeError)) as info:
        Params(events=[event])
    for fragment in fragments:
        assert fragment in str(info.value)


def test_event_apply_set_and_multiply():
    params = Params()
    assert Event(2, "sharing_cost", "multiply", 2.0).apply(params).sharing_cost == 0.1
    assert Event(2, "weight_typing_rhythm", "set", 0.2).apply(params).weights[5] == 0.2


def test_scored_categories_follow_the_cap_and_fall_back_to_all():
    assert Params(category_cap=2).scored_categories.tolist() == [True, True] + [False] * 4
    assert Params(weights=(0,) * 6).scored_categories.all()
