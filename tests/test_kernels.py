"""The compiled kernels agree bit for bit with the numpy rules they repeat."""

import numpy as np
import pytest

from simulation import Params
from simulation.kernels.state import disclosure_codes, refresh, score_tally
from simulation.kernels.utility import UtilityTables
from simulation.kernels.utility import utility as compiled_utility
from simulation.rules import (
    PERCENTILE_BIN,
    PERCENTILE_BINS,
    Incentives,
    PeerView,
    peer_sums,
    peer_view,
    score_bin,
    utility,
)
from simulation.score import SCORE_MIN, credit_score

UTILITY_CASES = {
    "defaults": {},
    "hard steps": {"threshold_smoothness": 0.0},
    "blacklist": {"blacklist_below": 550.0, "blacklist_penalty": 0.7},
    "no dating": {"dating_weight": 0.0},
    "campaign": {"campaign_bonus": 0.3, "status_weight": 1.5},
}


def random_state(rng, n):
    """Scores (some at the bounds and on bin edges), costs, sharing flags."""
    score = rng.uniform(350.0, 950.0, n)
    score[:6] = [350.0, 950.0, 600.0, 650.0, 599.99, 700.005]
    return score, rng.uniform(0.0, 2.0, n), rng.random(n) < 0.4


@pytest.mark.parametrize("case", UTILITY_CASES)
@pytest.mark.parametrize("n_sharing_peers", [0, 300])
def test_compiled_utility_equals_rules_utility_bitwise(case, n_sharing_peers):
    rng = np.random.default_rng(7)
    incentives = Incentives.from_params(Params(**UTILITY_CASES[case]))
    peer_scores = rng.uniform(350.0, 950.0, 1000)
    peers = peer_view(peer_scores, np.arange(1000) < n_sharing_peers, 0.5)
    score, paid, shares = random_state(rng, 5000)
    neighbours = rng.uniform(350.0, 950.0, score.size)
    expected = utility(score, paid, shares, incentives, peers, neighbours)
    got = compiled_utility(score, paid, shares, neighbours,
                           *UtilityTables.of(incentives, peers).arrays())
    np.testing.assert_array_equal(got, expected)


def test_state_passes_equal_their_numpy_definitions():
    rng = np.random.default_rng(3)
    n = 20_000
    disclosed = rng.random((n, 7)) < 0.4
    expected_codes = (disclosed * (1 << np.arange(7))).sum(axis=1)
    np.testing.assert_array_equal(disclosure_codes(disclosed), expected_codes)

    score, _, shares = random_state(rng, n)
    view = peer_view(score, shares, 0.3)
    hidden = score[~shares]
    assert view.inferred_score == pytest.approx(0.3 * hidden.mean() + 0.7 * score.mean(),
                                                rel=1e-13)
    per_bin = np.bincount(score_bin(score[shares]), minlength=PERCENTILE_BINS)
    np.testing.assert_array_equal(view.sharers_below, np.cumsum(per_bin) - per_bin)
    assert view.n_sharers == shares.sum()


@pytest.mark.parametrize("rescore_all", [False, True])
def test_refresh_updates_codes_scores_and_the_peer_view(rescore_all):
    rng = np.random.default_rng(5)
    n, k = 5000, 6
    behaviour, quality = rng.random(n), rng.random((n, k)).astype(np.float32)
    disclosed = rng.random((n, k)) < 0.5
    imputed, weights = rng.random(k), np.array([0.25, 0.15, 0.15, 0.1, 0.0, 0.3])
    shares = rng.random(n) < 0.4
    codes = disclosure_codes(disclosed)
    score = np.full(n, 700.0)  # stale: only rescored citizens get theirs
    before = codes.copy()
    disclosed[::7] = rng.random(disclosed[::7].shape) < 0.4
    expected = credit_score(behaviour, quality, disclosed, imputed, weights, 0.35, 0.08)
    assert expected.max() == 950.0  # the clip is exercised
    # Every third citizen of the edited rows arrives with its new score already written.
    given = np.arange(0, n, 21)
    score[given] = expected[given]
    given_previous = rng.uniform(350.0, 950.0, given.size)
    changed, previous, previous_score, new_score, *sums = refresh(
        disclosed, codes, score, rescore_all, given, given_previous, behaviour, quality,
        float(np.dot(weights, imputed)), imputed, weights, 0.35, 0.08, shares, SCORE_MIN,
        PERCENTILE_BIN, PERCENTILE_BINS)
    np.testing.assert_array_equal(codes, disclosure_codes(disclosed))
    np.testing.assert_array_equal(changed, np.flatnonzero(codes != before))
    np.testing.assert_array_equal(previous, before[changed])
    was_given = np.isin(changed, given)
    assert was_given.any() and not was_given.all()
    np.testing.assert_array_equal(previous_score[was_given],
                                  given_previous[np.searchsorted(given, changed[was_given])])
    assert np.all(previous_score[~was_given] == 700.0)  # their scores before the rescoring
    np.testing.assert_array_equal(new_score, score[changed])
    rescored = np.arange(n) if rescore_all else np.union1d(changed, given)
    np.testing.assert_array_equal(score[rescored], expected[rescored])
    assert np.all(np.delete(score, rescored) == 700.0)  # nobody else is rescored
    fused, separate = PeerView.from_sums(*sums, n, 0.3), peer_view(score, shares, 0.3)
    assert (fused.inferred_score, fused.n_sharers) == (separate.inferred_score,
                                                       separate.n_sharers)
    np.testing.assert_array_equal(fused.sharers_below, separate.sharers_below)


@pytest.mark.parametrize("overrides", [{}, {"rule": "norm"}, {"logit_temperature": 0.05},
                                       {"imputation": "skeptical"}, {"engine": "agents"}])
def test_scores_equal_credit_score_of_the_state_after_every_step(overrides):
    """Whoever writes them (the best response, the platform's rescoring), bit for bit."""
    from simulation import DisclosureModel

    model = DisclosureModel(rng=3, n_citizens=500, **overrides)
    for _ in range(5):
        model.step()
        p, pop = model.params, model.population
        expected = credit_score(pop.behaviour, pop.quality, pop.disclosed, model.imputed,
                                p.scored_weights, p.behaviour_weight, p.completeness_bonus)
        np.testing.assert_array_equal(pop.score, expected)


@pytest.mark.parametrize("n", [0, 1, 5000])
def test_compiled_score_tally_equals_rules_peer_sums_bitwise(n):
    score, _, shares = random_state(np.random.default_rng(11), max(n, 6))
    score, shares = score[:n], shares[:n]
    compiled = score_tally(score, shares, SCORE_MIN, PERCENTILE_BIN, PERCENTILE_BINS)
    defined = peer_sums(score, shares)
    assert compiled[:3] == defined[:3]
    np.testing.assert_array_equal(compiled[3], defined[3])
