import numpy as np
import pytest

from simulation import Params
from simulation.rules import (
    Incentives,
    adoption_requirement,
    best_response,
    conformity_gain,
    disclosure_options,
    fermi_copy_probability,
    leakage,
    peer_view,
    service_value,
    utility,
)


def test_leakage_values_from_model_md():
    assert leakage(np.array([0, 1, 2, 4]), 0.5) == pytest.approx([1, 0.75, 2 / 3, 0.6])
    assert np.all(leakage(np.arange(10), 0.0) == 1.0)
    assert leakage(np.array([0, 3]), 1.0) == pytest.approx([1.0, 0.0])
    values = leakage(np.arange(200), 0.3)
    assert np.all(np.diff(values) < 0) and values[-1] > 0.7  # decreasing towards 1 - rho


def test_service_value_hard_and_smooth():
    thresholds, benefits = np.array([600.0, 650.0]), np.array([1.0, 0.5])
    hard = service_value(np.array([599.9, 600.0, 650.0]), thresholds, benefits, 0.0)
    assert hard == pytest.approx([0.0, 1.0, 1.5])
    smooth = service_value(np.array([600.0, 1000.0]), thresholds, benefits, 10.0)
    assert smooth[0] == pytest.approx(0.5 + 0.5 / (1 + np.exp(5.0)))
    assert smooth[1] == pytest.approx(1.5)


def test_options_are_ordered_by_number_of_disclosures():
    options = disclosure_options(4)
    assert options.shape == (16, 4)
    counts = options.sum(axis=1)
    assert np.all(np.diff(counts) >= 0)
    assert len({tuple(row) for row in options}) == 16


NOBODY_SHARES = peer_view(np.array([500.0]), np.array([False]), 1.0)


def _incentives(**kw):
    return Incentives.from_params(Params().with_overrides(**kw))


def test_best_response_ties_go_to_fewer_disclosures_and_not_sharing():
    incentives = _incentives(score_value=0, benefits=(0, 0, 0, 0), status_weight=0,
                             dating_weight=0, sharing_cost=0)
    peers = NOBODY_SHARES
    disclosed, shares = best_response(
        np.array([0.3]), np.array([[0.1, 0.2]]), np.zeros((1, 2)), incentives, peers,
        choice_noise=None, temperature=0.0, active=np.array([True, True]))
    assert not disclosed.any() and not shares.any()


def test_best_response_discloses_what_pays():
    incentives = _incentives(benefits=(0, 0, 0, 0), status_weight=0, dating_weight=0)
    peers = NOBODY_SHARES
    gains = np.array([[0.1, -0.05, 0.02]])
    cost = np.array([[0.001, 0.0, 0.01]])  # the third gain is worth 0.2*0.02 = 0.004 < 0.01
    disclosed, _ = best_response(np.array([0.3]), gains, cost, incentives, peers,
                                 choice_noise=None, temperature=0.0, active=np.ones(3, bool))
    assert disclosed.tolist() == [[True, False, False]]


def test_logit_noise_spreads_choices_by_utility():
    incentives = _incentives(benefits=(0, 0, 0, 0), status_weight=0, dating_weight=0,
                             sharing_cost=10.0)
    peers = NOBODY_SHARES
    n = 20000
    rng = np.random.default_rng(0)
    gains = np.full((n, 1), 0.5)  # disclosing adds 0.2*0.5 = 0.1 utility
    disclosed, _ = best_response(np.full(n, 0.2), gains, np.zeros((n, 1)), incentives, peers,
                                 choice_noise=rng.gumbel(size=(n, 4)), temperature=0.1,
                                 active=np.ones(1, bool))
    expected = 1 / (1 + np.exp(-1.0))  # exp(U/T) weights, sharing never chosen in practice
    se = np.sqrt(expected * (1 - expected) / n)
    assert abs(disclosed.mean() - expected) < 4 * se


def test_peer_view_inference():
    score = np.array([400.0, 500.0, 600.0, 700.0])
    shares = np.array([False, False, True, True])
    assert peer_view(score, shares, 1.0).inferred_score == 450.0
    assert peer_view(score, shares, 0.0).inferred_score == 550.0
    view = peer_view(score, shares, 0.5)
    assert view.percentile(np.array([650.0, 800.0, 600.0, 600.02])) == pytest.approx(
        [0.5, 1.0, 0.0, 0.5])


def test_smooth_services_from_the_table_match_the_logistic():
    incentives = _incentives()
    score = np.linspace(350, 950, 10_001)
    exact = service_value(score, incentives.thresholds, incentives.benefits, 10.0)
    assert np.max(np.abs(incentives.services(score) - exact)) < 1e-6
    assert NOBODY_SHARES.percentile(np.array([1.0])) == pytest.approx([1.0])


def test_utility_sharing_and_blacklist_terms():
    peers = peer_view(np.array([500.0, 600.0]), np.array([False, True]), 1.0)
    inc = _incentives(benefits=(0, 0, 0, 0), score_value=0, blacklist_below=550,
                      blacklist_penalty=0.5, campaign_bonus=0.2)
    share = utility(np.array([700.0]), np.array([0.0]), True, inc, peers)
    hide = utility(np.array([700.0]), np.array([0.0]), False, inc, peers)
    # status: 0.5 * (700 - 500)/600; dating 0.1 * 1; cost 0.05; campaign 0.2
    assert share - hide == pytest.approx(0.5 * 200 / 600 + 0.1 - 0.05 + 0.2)
    low = utility(np.array([540.0]), np.array([0.0]), False, inc, peers)
    assert low == pytest.approx(-0.5 + 0.5 * (500 - 0) / 600)


def test_fermi_rule():
    assert fermi_copy_probability(np.array([0.0]), np.array([0.0]), 0.1) == pytest.approx(0.5)
    assert fermi_copy_probability(np.array([0.0]), np.array([1.0]), 0.1) > 0.9999
    assert fermi_copy_probability(np.array([1.0]), np.array([0.0]), 0.1) < 1e-4


def test_adoption_requirement_uses_integer_counts():
    degree = np.array([50, 4, 0, 3])
    need = adoption_requirement(degree, np.full(4, 0.18), "fraction")
    assert need[:2].tolist() == [9, 1] and np.isinf(need[2]) and need[3] == 1
    assert adoption_requirement(np.array([5, 0]), np.array([2.0, 0.0]), "count")[0] == 2
    assert np.isinf(adoption_requirement(np.array([0]), np.array([0.0]), "count")[0])


def test_conformity_gain_sign():
    gain = conformity_gain(np.array([[0.0, 0.5, 1.0]]), 0.6, 3)
    assert gain[0] == pytest.approx([-0.2, 0.0, 0.2])
