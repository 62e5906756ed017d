import numpy as np
import pytest
import scipy.sparse as sp

from simulation import DisclosureModel
from simulation import neighbourhood as nbh
from simulation.codes import CodeTables, disclosure_codes


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


def test_a_hub_beyond_the_16_bit_lanes_is_counted_exactly():
    # A star whose centre has 70,000 neighbours: more than a 16-bit lane holds.
    leaves = 70_000
    centre = np.zeros(leaves, dtype=np.int64)
    edges = np.arange(1, leaves + 1)
    n = leaves + 1
    adjacency = sp.csr_array((np.ones(2 * leaves, dtype=np.float32),
                              (np.concatenate([centre, edges]), np.concatenate([edges, centre]))),
                             shape=(n, n))
    rng = np.random.default_rng(4)
    disclosed = rng.random((n, 3)) < 0.5
    disclosed[:, 0] = True  # the centre's count of category 0 (70,000) overflows a lane
    codes = disclosure_codes(disclosed)
    tables = CodeTables.from_weights(np.array([0.2, 0.1, 0.0]))
    perceived = rng.uniform(350, 950, n)
    degree = np.diff(adjacency.indptr).astype(np.float64)
    agg = nbh.aggregate(adjacency, codes, tables, perceived, degree, np.ones(n, np.float32),
                        np.array([0.1, 0.2, 0.3]), 0.3, int(degree.max()))
    assert agg.disclosing.dtype == np.uint32
    assert np.array_equal(agg.disclosing, adjacency @ disclosed.astype(np.float64))
    adopted = disclosed[:, :2].all(axis=1)
    assert np.array_equal(agg.adopters, adjacency @ adopted.astype(np.float64))
    assert agg.disclosing[0, 0] == leaves
