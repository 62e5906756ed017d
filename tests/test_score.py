import numpy as np
import pytest

from simulation import DisclosureModel, Params
from simulation.score import (
    SCORE_MAX,
    SCORE_MIN,
    credit_score,
    disclosure_gains,
    imputed_quality,
    raw_score,
    to_points,
    withheld_raw_score,
)


@pytest.mark.parametrize("seed", range(5))
def test_score_stays_in_range_for_any_state(seed):
    rng = np.random.default_rng(seed)
    n, k = 2000, 6
    quality = rng.random((n, k))
    disclosed = rng.random((n, k)) < 0.5
    behaviour = rng.random(n)
    weights = rng.random(k)  # sums well above 1, so the clip binds
    score = credit_score(behaviour, quality, disclosed, rng.random(k), weights,
                         behaviour_weight=rng.random(), bonus=rng.random())
    assert score.min() >= SCORE_MIN
    assert score.max() <= SCORE_MAX
    assert (score == SCORE_MAX).any()


def test_scores_in_range_along_runs():
    for rule in ("best_response", "imitation", "norm"):
        model = DisclosureModel(rng=1, n_citizens=300, rule=rule, completeness_bonus=0.5)
        model.run_for(10)
        assert SCORE_MIN <= model.population.score.min()
        assert model.population.score.max() <= SCORE_MAX


def test_score_equation_by_hand():
    # w_b b + sum_k w_k [d q + (1-d) m] + beta sum_k w_k d
    behaviour = np.array([0.6])
    quality = np.array([[0.9, 0.2]])
    disclosed = np.array([[True, False]])
    imputed = np.array([0.25, 0.25])
    weights = np.array([0.3, 0.2])
    raw = 0.4 * 0.6 + 0.3 * 0.9 + 0.2 * 0.25 + 0.1 * 0.3
    got = credit_score(behaviour, quality, disclosed, imputed, weights, 0.4, 0.1)
    assert got == pytest.approx([350 + 600 * raw])


def test_option_scores_match_full_formula():
    rng = np.random.default_rng(3)
    quality, disclosed = rng.random((50, 4)), rng.random((50, 4)) < 0.5
    behaviour, imputed, weights = rng.random(50), np.full(4, 0.3), np.array([.3, .2, .1, .1])
    base = withheld_raw_score(behaviour, imputed, weights, 0.3)
    gains = disclosure_gains(quality, imputed, weights, 0.05)
    assert np.array_equal(to_points(raw_score(base, gains, disclosed)),
                          credit_score(behaviour, quality, disclosed, imputed, weights, 0.3, 0.05))


def test_imputation_rules():
    quality = np.array([[0.1, 0.9], [0.3, 0.8], [0.8, 0.7]])
    disclosed = np.array([[False, True], [False, True], [True, True]])
    assert np.array_equal(imputed_quality("penalize", quality, disclosed, None), [0.25, 0.25])
    assert np.array_equal(imputed_quality("neutral", quality, disclosed, None), [0.5, 0.5])
    skeptical = imputed_quality("skeptical", quality, disclosed, np.array([0.4, 0.6]))
    # category 0: withheld by the first two (mean 0.2); category 1: nobody withholds -> kept
    assert skeptical == pytest.approx([0.2, 0.6])


def test_calibration_median_starting_score_between_500_and_600():
    """Xinhua (2015): the majority score 500-600."""
    medians = [DisclosureModel(rng=seed, n_citizens=2000).outputs["median_score"]
               for seed in range(3)]
    assert all(500 < m < 600 for m in medians)


def test_typical_citizen_needs_education_employer_network_to_pass_650():
    """The seed article: no 650 without education, employer and professional network."""
    params = Params()
    weights = np.asarray(params.weights)
    typical_quality = np.full((1, 6), 0.5)  # theta = 0: median quality in every category
    behaviour = np.array([0.5])
    m = imputed_quality("penalize", typical_quality, np.zeros((1, 6), bool), None)
    only_finance = np.array([[True, False, False, False, False, False]])
    everything = np.array([[True, True, True, True, False, False]])
    assert credit_score(behaviour, typical_quality, only_finance, m, weights,
                        params.behaviour_weight, 0.0)[0] < 650
    assert credit_score(behaviour, typical_quality, everything, m, weights,
                        params.behaviour_weight, 0.0)[0] == pytest.approx(650)
    # leaving out any one of the three keeps the typical citizen below 650
    for left_out in (1, 2, 3):
        partial = everything.copy()
        partial[0, left_out] = False
        assert credit_score(behaviour, typical_quality, partial, m, weights,
                            params.behaviour_weight, 0.0)[0] < 650
