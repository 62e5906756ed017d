"""Privacy concern that spreads among friends (DeGroot averaging) and advocacy campaigns.

The convergence to the degree-weighted mean is a validation case
(``datarovers validate --case degroot_concern``, tests/validation/test_cases.py).
"""

import numpy as np
import pandas as pd
import pytest

from simulation import DisclosureModel, Params
from simulation.concern import degroot_update

SEEDS = (1, 2, 3, 4)
CAMPAIGN = [{"step": 1, "target": "advocacy", "multiply": 20.0}]


def test_one_step_is_the_mean_of_friends_at_rate_mu():
    model = DisclosureModel(rng=4, n_citizens=300, network="erdos_renyi", mean_degree=2,
                            concern_influence=0.3)
    before = model.population.privacy_concern.astype(np.float64)
    adjacency, degree = model.network.adjacency, model.network.degree
    assert (degree == 0).any()  # isolated citizens keep their concern
    model.step()
    friends = np.divide(adjacency @ before, degree, out=before.copy(), where=degree > 0)
    expected = (0.7 * before + 0.3 * friends).astype(np.float32)
    np.testing.assert_allclose(model.population.privacy_concern, expected, rtol=2e-7)
    isolated = degree == 0
    assert np.array_equal(model.population.privacy_concern[isolated],
                          before[isolated].astype(np.float32))


def test_the_update_keeps_the_degree_weighted_sum():
    rng = np.random.default_rng(1)
    concern = rng.lognormal(size=6).astype(np.float32)
    adjacency = np.array([[0, 1, 1, 0, 0, 0], [1, 0, 1, 1, 0, 0], [1, 1, 0, 0, 0, 0],
                          [0, 1, 0, 0, 1, 1], [0, 0, 0, 1, 0, 1], [0, 0, 0, 1, 1, 0]])
    degree = adjacency.sum(axis=1)
    new = degroot_update(concern, adjacency @ concern.astype(np.float64), degree, 0.4)
    assert np.dot(degree, new) == pytest.approx(np.dot(degree, concern), rel=1e-6)


def test_central_advocates_are_the_highest_degrees_and_only_they_are_raised():
    model = DisclosureModel(rng=2, n_citizens=400, network="barabasi_albert", mean_degree=4,
                            n_advocates=10, advocate_placement="central",
                            events=[{"step": 2, "target": "advocacy", "multiply": 5.0}])
    degree = model.network.degree
    assert degree[model.advocates].min() >= np.sort(degree)[-10]
    before = model.population.privacy_concern.copy()
    model.run_for(2)
    after = model.population.privacy_concern
    others = np.setdiff1d(np.arange(400), model.advocates)
    np.testing.assert_array_equal(after[model.advocates], before[model.advocates] * np.float32(5))
    np.testing.assert_array_equal(after[others], before[others])
    assert model.outputs["mean_concern"] > float(before.mean())


def test_random_advocates_change_no_other_draw():
    plain = DisclosureModel(rng=6, n_citizens=300)
    with_advocates = DisclosureModel(rng=6, n_citizens=300, n_advocates=30)
    assert with_advocates.advocates.size == 30
    plain.run_for(10)
    with_advocates.run_for(10)
    pd.testing.assert_frame_equal(plain.dataframe(), with_advocates.dataframe(),
                                  check_exact=True)


def drift(seed, rate):
    model = DisclosureModel(rng=seed, n_citizens=2000, concern_influence=rate,
                            n_advocates=100, advocate_placement="central", events=CAMPAIGN)
    model.run_for(100)
    return model.dataframe()["mean_disclosure"].iloc[20:].mean()


def test_a_campaign_that_spreads_slows_the_drift_more():
    slowed = np.array([drift(s, 0.0) - drift(s, 0.2) for s in SEEDS])
    assert (slowed > 0).all()
    assert slowed.mean() > 3 * slowed.std(ddof=1) / np.sqrt(slowed.size)


@pytest.mark.parametrize("overrides, message", [
    ({"concern_influence": 1.5}, "concern_influence: got 1.5, expected a value <= 1.0"),
    ({"concern_influence": -0.1}, "concern_influence: got -0.1, expected a value >= 0.0"),
    ({"n_advocates": 5000}, "n_advocates: got 5000, expected at most n_citizens = 1000"),
    ({"advocate_placement": "loudest"}, "advocate_placement: got 'loudest', expected one of "
                                        "random, central"),
    ({"events": CAMPAIGN}, r"events \(step 1, advocacy\): no advocates, expected "
                           "n_advocates >= 1"),
    ({"n_advocates": 5, "events": [{"step": 1, "target": "advocacy", "set": 2.0}]},
     "expected multiply by a factor >= 0 for advocacy"),
    ({"events": [{"step": 3, "target": "n_advocates", "set": 4}]}, "n_advocates is fixed"),
])
def test_bad_concern_parameters_are_refused_in_one_line(overrides, message):
    with pytest.raises(ValueError, match=message) as err:
        Params().with_overrides(**overrides)
    assert "\n" not in str(err.value)
