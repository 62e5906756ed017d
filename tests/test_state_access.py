"""State access to volunteered data: the privacy cost v kappa L (1 + chi a pi), nested and directed.

The analytic case (disclosure rate = a log-normal probability) is a validation case
(``datarovers validate --case state_access``, tests/validation/test_cases.py).
"""

import numpy as np
import pandas as pd
import pytest

from simulation import DisclosureModel, Params
from simulation.state_access import draw_state_fear, state_factor

SEEDS = (1, 2, 3, 4)


def test_without_access_the_fear_of_the_state_changes_nothing():
    default = DisclosureModel(rng=3, n_citizens=400)
    feared = DisclosureModel(rng=3, n_citizens=400, state_fear=5.0, state_fear_sigma=2.0,
                             state_fear_correlation=0.9)
    default.run_for(15)
    feared.run_for(15)
    pd.testing.assert_frame_equal(default.dataframe(), feared.dataframe(), check_exact=True)
    assert (default.dataframe()["state_exposure"] == 0.0).all()


def test_the_factor_is_one_plus_chi_a_pi():
    fear, political = np.array([0.0, 1.0, 2.5]), np.array([0.0, 0.4, 1.0])
    factor = state_factor(fear, 0.5, political)
    assert np.array_equal(factor, 1.0 + np.outer(fear, political) * 0.5)
    assert state_factor(fear, 0.0, political) is None


@pytest.mark.parametrize("correlation", [0.0, 0.8])
def test_the_fear_is_lognormal_with_mean_chi_and_the_given_correlation(correlation):
    params = Params(state_fear=2.0, state_fear_sigma=0.6, state_fear_correlation=correlation)
    rng = np.random.default_rng(5)
    n = 200_000
    concern = rng.lognormal(params.privacy_mu, params.privacy_sigma, n)
    fear = draw_state_fear(params, concern, np.random.default_rng(6))
    sd = 2.0 * np.sqrt(np.exp(0.36) - 1.0)  # of a log-normal with mean 2 and sigma 0.6
    assert abs(fear.mean() - 2.0) < 4 * sd / np.sqrt(n)
    r = np.corrcoef(np.log(fear), np.log(concern))[0, 1]
    assert abs(r - correlation) < 4 * (1 - correlation**2) / np.sqrt(n - 3) + 1e-12


def sensitive_disclosure(seed, access, fear):
    model = DisclosureModel(rng=seed, n_citizens=2000, state_access=access, state_fear=fear)
    model.run_for(80)
    return model.outputs["sensitive_disclosure"]


def paired_drop(fear):
    """Mean and SE over paired seeds of sensitive disclosure at a = 0 minus at a = 1."""
    drops = np.array([sensitive_disclosure(s, 0.0, fear) - sensitive_disclosure(s, 1.0, fear)
                      for s in SEEDS])
    return drops.mean(), drops.std(ddof=1) / np.sqrt(drops.size), drops


def test_state_access_lowers_sensitive_disclosure_more_where_fear_is_larger():
    low, low_se, low_drops = paired_drop(0.5)
    high, high_se, _ = paired_drop(3.0)
    assert (low_drops > 0).all() and low > 3 * low_se
    assert high - low > 3 * np.hypot(low_se, high_se)


def test_a_licence_deal_raises_the_state_exposure_mid_run():
    model = DisclosureModel(rng=2, n_citizens=500,
                            events=[{"step": 5, "target": "state_access", "set": 0.6}])
    model.run_for(8)
    frame = model.dataframe()
    assert (frame.loc[:4, "state_exposure"] == 0.0).all()
    expected = 0.6 * model.population.disclosed.mean()
    assert frame.loc[8, "state_exposure"] == pytest.approx(expected, rel=1e-12)
    assert frame.loc[8, "state_exposure_employer"] == pytest.approx(
        0.6 * frame.loc[8, "disclosure_employer"], rel=1e-12)


@pytest.mark.parametrize("overrides, message", [
    ({"political_sensitivity_salary": 0.5}, "political_sensitivity_salary: unknown category "
                                            "'salary', expected one of financial_history"),
    ({"political_sensitivities": (0.1, 0.2)}, "political_sensitivities: got 2 values for 6 "
                                              "categories"),
    ({"political_sensitivity_employer": 1.5}, r"political_sensitivities\[2\]: got 1.5, expected "
                                              "a value <= 1.0"),
    ({"state_access": -0.1}, "state_access: got -0.1, expected a value >= 0.0 and <= 1.0"),
    ({"state_fear": -1.0}, "state_fear: got -1.0, expected a value >= 0.0"),
    ({"state_fear_correlation": 1.2}, "state_fear_correlation: got 1.2, expected a value <= "
                                      "1.0"),
])
def test_bad_state_parameters_are_refused_in_one_line(overrides, message):
    with pytest.raises(ValueError, match=message) as err:
        Params().with_overrides(**overrides)
    assert "\n" not in str(err.value)
