import numpy as np
import pytest

from simulation import DisclosureModel
from simulation import neighbourhood as nbh


@pytest.mark.parametrize("rule", ["best_response", "norm", "threshold"])
def test_kernel_sums_match_a_sparse_product(rule):
    model = DisclosureModel(rng=3, n_citizens=400, network="barabasi_albert", rule=rule)
    model.run_for(3)
    p, pop, agg = model.params, model.population, model.neighbourhood
    scored = p.scored_weights > 0
    adjacency = model.network.adjacency
    level = pop.disclosed[:, scored].mean(axis=1)
    adopted = pop.disclosed[:, scored].all(axis=1)
    perceived = np.where(pop.shares_score, pop.score, model.peers.inferred_score)
    assert np.array_equal(agg.disclosing, adjacency @ pop.disclosed.astype(np.float64))
    assert np.array_equal(agg.adopters, adjacency @ adopted.astype(np.float64))
    assert agg.disclosure_sum == pytest.approx(adjacency @ level, rel=1e-6)
    assert agg.perceived_sum == pytest.approx(adjacency @ perceived, rel=1e-6)


def test_kernel_privacy_cost_matches_the_rules():
    model = DisclosureModel(rng=5, n_citizens=300, rule="norm", data_correlation=0.5)
    model.run_for(4)
    who = np.arange(model.n_citizens)
    perceived = np.where(model.population.shares_score, model.population.score,
                         model.peers.inferred_score)
    neighbours = model.neighbourhood.mean_perceived(perceived)
    direct = model._current_utility(who, model.neighbourhood, neighbours)
    fused = model._current_utility(who, model.neighbourhood, neighbours,
                                   model.population.score, model.neighbourhood.privacy_paid)
    assert np.max(np.abs(direct - fused)) < 1e-12


def test_live_rows_read_the_same_counts():
    model = DisclosureModel(rng=2, n_citizens=200)
    model.run_for(2)
    who = np.array([0, 17, 199])
    live = nbh.live_rows(model.network.adjacency, who, model.population.disclosed,
                         model.params.scored_weights > 0)
    assert np.array_equal(live.disclosing, model.neighbourhood.disclosing[who])
    assert np.array_equal(live.adopters, model.neighbourhood.adopters[who])
