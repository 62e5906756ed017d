"""The compiled best response agrees bit for bit with rules.best_response."""

import numpy as np
import pytest

from simulation import Params
from simulation.kernels import choice
from simulation.rules import Incentives, best_response, option_count, peer_view
from simulation.score import to_points

PARAMS_CASES = {
    "defaults": {},
    "hard steps": {"threshold_smoothness": 0.0},
    "blacklist": {"blacklist_below": 550.0, "blacklist_penalty": 0.7},
    "no dating": {"dating_weight": 0.0},
    "campaign": {"campaign_bonus": 0.3},
}
#: (K, active categories); None = all.
SHAPES = {
    "K1": (1, None),
    "K4": (4, None),
    "K4 subset": (4, [0, 2]),
    "K6 subset": (6, [0, 1, 2, 3]),
    "K8": (8, None),
    "K8 subset": (8, [1, 2, 4, 6, 7]),
}


def peers_of(rng, n_sharers):
    scores = rng.uniform(350.0, 950.0, 1000)
    return peer_view(scores, np.arange(scores.size) < n_sharers, 0.5)


def random_inputs(rng, n, n_cat):
    """Model-like raw scores, gains and costs; a few raw scores beyond the clip at 0 and 1."""
    withheld = 0.16 + 0.35 * rng.random(n)
    withheld[:4] = [-0.05, 1.02, 0.0, 1.0]
    weights = rng.uniform(0.0, 0.25, n_cat)
    gains = weights * (rng.random((n, n_cat)) - 0.25)
    concern = rng.lognormal(-3.0, 0.75, n)
    cost = concern[:, None] * rng.uniform(0.0, 0.5, n_cat) * rng.uniform(0.6, 1.0, (n, n_cat))
    return withheld, gains, cost


def both(args, temperature, noise, active):
    kw = {"choice_noise": noise, "temperature": temperature, "active": active}
    return best_response(*args, **kw), choice.best_response(*args, **kw)


def assert_same(expected, got):
    for e, g in zip(expected, got, strict=True):
        assert g.dtype == np.bool_ and g.shape == e.shape
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("case", PARAMS_CASES)
@pytest.mark.parametrize("temperature", [0.0, 0.05])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("n_sharers", [0, 300])
def test_compiled_best_response_equals_rules_bitwise(case, temperature, shape, n_sharers):
    n_cat, columns = SHAPES[shape]
    rng = np.random.default_rng([n_cat, n_sharers, int(100 * temperature)])
    active = np.ones(n_cat, dtype=bool)
    if columns is not None:
        active[:] = False
        active[columns] = True
    n = 2000 if active.sum() <= 5 else 400
    incentives = Incentives.from_params(Params(**PARAMS_CASES[case]))
    args = (*random_inputs(rng, n, n_cat), incentives, peers_of(rng, n_sharers))
    noise = rng.gumbel(size=(n, option_count(int(active.sum())))) if temperature else None
    expected, got = both(args, temperature, noise, active)
    assert_same(expected, got)
    disclosed, shares = expected
    assert not disclosed[:, ~active].any()
    # The inputs exercise the choice: several disclosure vectors, sharing and hiding (the
    # campaign bonus makes everyone share).
    assert len(np.unique(disclosed[:, active], axis=0)) > min(3, 2 ** active.sum() - 1)
    assert shares.any() and (case == "campaign" or not shares.all())


def test_exact_ties_go_to_fewer_disclosures_and_hiding():
    """Free categories that do not move the score, and sharing worth exactly 0: ties."""
    rng = np.random.default_rng(11)
    n, n_cat = 3000, 6
    incentives = Incentives.from_params(Params(status_weight=0.0, dating_weight=0.0,
                                               sharing_cost=0.0))
    withheld, gains, cost = random_inputs(rng, n, n_cat)
    gains[:, [1, 4]] = 0.0
    cost[:, [1, 4]] = 0.0
    gains[:, 3] = 1e-15 * rng.random(n)  # utility changes far below TIE_TOLERANCE
    cost[:, 3] = 0.0
    gains[::3, 2] = 0.0  # some revisers: a category that is a pure cost, or free and useless
    cost[::6, 2] = 0.0
    args = (withheld, gains, cost, incentives, peers_of(rng, 300))
    active = np.ones(n_cat, dtype=bool)
    expected, got = both(args, 0.0, None, active)
    assert_same(expected, got)
    disclosed, shares = expected
    assert not disclosed[:, [1, 3, 4]].any() and not disclosed[::6, 2].any()
    assert not shares.any()
    assert disclosed[:, 0].any()
    # Logit choice without noise: exact ties go to the first maximum.
    assert_same(*both(args, 0.05, np.zeros((n, option_count(n_cat))), active))


def test_scores_rounded_onto_a_hard_threshold():
    """Disclosing both categories reaches 650 only as numpy rounds (w + g0) + g1.

    For many revisers, summing in the other order lands one rounding step below the threshold,
    and the service decides the choice; so the sum order must be numpy's.
    """
    rng = np.random.default_rng(13)
    n = 2000
    incentives = Incentives.from_params(Params(threshold_smoothness=0.0, thresholds=(650.0,),
                                               benefits=(1.0,)))
    gains = rng.uniform(0.05, 0.15, (n, 2))
    withheld = 0.5 - gains[:, 0] - gains[:, 1] - 1e-14
    for _ in range(1000):  # the smallest withheld score whose full disclosure reaches 650
        low = to_points((withheld + gains[:, 0]) + gains[:, 1]) < 650.0
        if not low.any():
            break
        withheld[low] = np.nextafter(withheld[low], np.inf)
    assert not low.any()
    reversed_low = to_points((withheld + gains[:, 1]) + gains[:, 0]) < 650.0
    assert reversed_low.mean() > 0.1
    cost = np.full((n, 2), 0.1)
    args = (withheld, gains, cost, incentives, peers_of(rng, 300))
    expected, got = both(args, 0.0, None, np.ones(2, dtype=bool))
    assert_same(expected, got)
    assert expected[0].all()


def test_twelve_categories_and_empty_option_sets():
    rng = np.random.default_rng(12)
    incentives = Incentives.from_params(Params())
    peers = peers_of(rng, 300)
    args = (*random_inputs(rng, 40, 12), incentives, peers)
    active = np.ones(12, dtype=bool)
    noise = rng.gumbel(size=(40, option_count(12)))
    for temperature, draws in [(0.0, None), (0.05, noise)]:
        assert_same(*both(args, temperature, draws, active))
    # Nothing active: hide or share, disclose nothing.
    none = np.zeros(12, dtype=bool)
    noise = rng.gumbel(size=(40, option_count(0)))
    for temperature, draws in [(0.0, None), (0.05, noise)]:
        assert_same(*both(args, temperature, draws, none))


@pytest.mark.parametrize("temperature", [0.0, 0.05])
def test_no_revisers(temperature):
    incentives = Incentives.from_params(Params())
    peers = peers_of(np.random.default_rng(0), 300)
    args = (np.zeros(0), np.zeros((0, 6)), np.zeros((0, 6)), incentives, peers)
    active = np.array([True, True, True, True, False, False])
    noise = np.zeros((0, option_count(4))) if temperature else None
    expected, got = both(args, temperature, noise, active)
    assert_same(expected, got)
    assert got[0].shape == (0, 6) and got[1].shape == (0,)


@pytest.mark.parametrize("access", [0.0, 0.7])
@pytest.mark.parametrize("rho", [0.0, 0.3])
def test_decision_inputs_equal_the_numpy_functions_bitwise(rho, access):
    from simulation import DisclosureModel
    from simulation import neighbourhood as nbh
    from simulation.kernels.choice import decision_inputs
    from simulation.score import disclosure_gains, withheld_raw_score

    model = DisclosureModel(rng=2, n_citizens=3000, data_correlation=rho,
                            imputation="skeptical", completeness_bonus=0.05,
                            state_access=access)
    model.run_for(3)
    p, pop = model.params, model.population
    who = np.sort(np.random.default_rng(0).choice(model.n_citizens, 500, replace=False))
    context = nbh.rows(model.neighbourhood, who)
    weights = p.scored_weights
    got = decision_inputs(who, pop.behaviour, pop.quality, pop.privacy_concern,
                          model.neighbourhood.disclosing, p.behaviour_weight,
                          float(np.dot(weights, model.imputed)), model.imputed, weights,
                          p.completeness_bonus, np.asarray(p.sensitivities),
                          nbh.leakage_table(rho, model._max_degree), pop.state_fear,
                          p.state_access, p.political_sensitivity)
    expected = (withheld_raw_score(pop.behaviour[who], model.imputed, weights,
                                   p.behaviour_weight),
                disclosure_gains(pop.quality[who], model.imputed, weights, p.completeness_bonus),
                model.privacy_cost(who, context))
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)
