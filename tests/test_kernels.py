"""The compiled kernels agree bit for bit with the numpy rules they repeat."""

import numpy as np
import pytest

from simulation import Params
from simulation.kernels.utility import UtilityTables
from simulation.kernels.utility import utility as compiled_utility
from simulation.rules import Incentives, peer_view, utility

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
