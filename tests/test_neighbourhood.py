import numpy as np
import pytest
import scipy.sparse as sp

from simulation import DisclosureModel
from simulation import neighbourhood as nbh
from simulation.codes import CodeTables, disclosure_codes
from simulation.network import adjacency_from_edges


def update(tally, disclosed, codes, tables):
    """``tally.update`` with the citizens whose code differs from ``codes`` (updated in place)."""
    new = disclosure_codes(disclosed)
    changed = np.flatnonzero(new != codes)
    previous = codes[changed].copy()
    codes[:] = new
    return tally.update(changed, previous, codes, tables)


def counted_by_product(adjacency, disclosed, scored):
    """n_ik and adopting neighbours from a sparse product over the current state."""
    pattern = (adjacency != 0).astype(np.float64)
    return (pattern @ disclosed.astype(np.float64),
            pattern @ disclosed[:, scored].all(axis=1).astype(np.float64))


@pytest.mark.parametrize("engine,schedule", [("vectorized", "synchronous"),
                                             ("agents", "synchronous"),
                                             ("agents", "random_sequential")])
@pytest.mark.parametrize("rule", ["best_response", "norm", "imitation", "threshold"])
def test_counts_kept_up_to_date_equal_a_sparse_product(rule, engine, schedule):
    model = DisclosureModel(rng=3, n_citizens=400, network="barabasi_albert", rule=rule,
                            engine=engine, schedule=schedule)
    for _ in range(4):
        model.step()
        disclosing, adopters = counted_by_product(model.network.adjacency,
                                                  model.population.disclosed,
                                                  model.params.scored_categories)
        assert np.array_equal(model.neighbourhood.disclosing, disclosing)
        assert np.array_equal(model.neighbourhood.adopters, adopters)
        assert np.array_equal(model._codes, disclosure_codes(model.population.disclosed))


@pytest.mark.parametrize("n_categories", [3, 5, 10])  # counts in 1, 2 and 3 words
@pytest.mark.parametrize("recount_share", [0.0, 0.2, 2.0])  # always recount / either / update
def test_updates_equal_a_fresh_count_under_random_changes(monkeypatch, recount_share,
                                                          n_categories):
    """Random edits of every size, on a graph with isolated citizens and a hub."""
    monkeypatch.setattr(nbh, "RECOUNT_SHARE", recount_share)
    rng = np.random.default_rng(11)
    n, k = 500, n_categories
    src, dst = rng.integers(0, n - 20, 1500), rng.integers(0, n - 20, 1500)  # last 20 isolated
    hub = np.zeros(300, dtype=np.int64)  # citizen 0 gains 300 more neighbours
    adjacency = adjacency_from_edges(n, np.concatenate([src, hub]),
                                     np.concatenate([dst, rng.integers(1, n - 20, 300)]))
    degree = np.diff(adjacency.indptr).astype(np.float64)
    tally = nbh.NeighbourCounts(adjacency, degree, int(degree.max()), k)
    weights = rng.uniform(0.05, 0.3, k)
    fewer = np.where(np.arange(k) % 2 == 0, weights, 0.0)
    tables = [CodeTables.from_weights(w) for w in (weights, fewer)]
    disclosed = rng.random((n, k)) < 0.3
    codes = disclosure_codes(disclosed)
    for step, share in enumerate([0.0, 0.01, 0.1, 1.0, 0.05, 0.0, 0.3, 0.02]):
        edit = rng.random(n) < share
        disclosed[edit] = rng.random((edit.sum(), k)) < 0.5
        table = tables[step // 4]  # the scored categories change half way
        got = update(tally, disclosed, codes, table)
        disclosing, adopters = counted_by_product(adjacency, disclosed, table.scored)
        assert np.array_equal(got.disclosing, disclosing)
        assert np.array_equal(got.adopters, adopters)
        scored = disclosed[:, table.scored].sum(axis=1)  # a_i
        assert tally.disclosure_pairs == int(scored @ (adjacency @ scored))
        who = rng.permutation(n)[:50]
        rows = tally.rows(who)
        assert np.array_equal(rows.disclosing, disclosing[who])
        assert np.array_equal(rows.adopters, adopters[who])
        assert np.array_equal(rows.degree, degree[who])


def test_perceived_weights_give_the_sum_of_neighbour_means():
    model = DisclosureModel(rng=5, n_citizens=300, network="erdos_renyi", mean_degree=1.5)
    adjacency, degree = model.network.adjacency, model.neighbourhood.degree
    assert (degree == 0).sum() > 20
    perceived = np.random.default_rng(1).uniform(350, 950, model.n_citizens)
    means = np.divide(adjacency @ perceived, degree, out=perceived.copy(), where=degree > 0)
    weights = nbh.perceived_weights(adjacency, degree)
    assert weights @ perceived == pytest.approx(means.sum(), rel=1e-13)


def test_live_rows_read_the_same_counts():
    model = DisclosureModel(rng=2, n_citizens=200)
    model.run_for(2)
    who = np.array([0, 17, 199])
    live = nbh.live_rows(model.network.adjacency, who, model.population.disclosed,
                         model.params.scored_weights > 0)
    assert np.array_equal(live.disclosing, model.neighbourhood.disclosing[who])
    assert np.array_equal(live.adopters, model.neighbourhood.adopters[who])


@pytest.mark.parametrize("n_categories", [3, 8])  # 32-bit lanes in 2 and 5 words
def test_a_hub_beyond_the_16_bit_lanes_is_counted_exactly(n_categories):
    # A star whose centre has 70,000 neighbours: more than a 16-bit lane holds.
    leaves = 70_000
    centre = np.zeros(leaves, dtype=np.int64)
    edges = np.arange(1, leaves + 1)
    n = leaves + 1
    adjacency = sp.csr_array((np.ones(2 * leaves, dtype=np.float32),
                              (np.concatenate([centre, edges]), np.concatenate([edges, centre]))),
                             shape=(n, n))
    rng = np.random.default_rng(4)
    disclosed = rng.random((n, n_categories)) < 0.5
    disclosed[:, 0] = True  # the centre's count of category 0 (70,000) overflows a 16-bit lane
    tables = CodeTables.from_weights(np.linspace(0.3, 0.0, n_categories))
    degree = np.diff(adjacency.indptr).astype(np.float64)
    tally = nbh.NeighbourCounts(adjacency, degree, int(degree.max()), n_categories)
    codes = np.zeros(n, dtype=np.uint16)
    for _ in range(2):  # a recount, then an update around a few changed leaves
        agg = update(tally, disclosed, codes, tables)
        assert agg.disclosing.dtype == np.uint32
        disclosing, adopters = counted_by_product(adjacency, disclosed, tables.scored)
        assert np.array_equal(agg.disclosing, disclosing)
        assert np.array_equal(agg.adopters, adopters)
        disclosed[1:100, 1:] = ~disclosed[1:100, 1:]
    assert agg.disclosing[0, 0] == leaves


@pytest.mark.parametrize("leaves,bits", [(85, 8), (86, 16)])  # K = 3: S_i reaches 3 * degree
def test_lanes_just_wide_enough_count_a_full_star_exactly(leaves, bits):
    from simulation.kernels.aggregate import LANE_TYPES, lane_layout

    n, k = leaves + 1, 3
    adjacency = adjacency_from_edges(n, np.zeros(leaves, dtype=np.int64), np.arange(1, n))
    degree = np.diff(adjacency.indptr).astype(np.float64)
    assert lane_layout(k, leaves)[0] == bits
    tally = nbh.NeighbourCounts(adjacency, degree, leaves, k)
    disclosed = np.ones((n, k), dtype=bool)  # the centre's lanes are all at their largest
    tables = CodeTables.from_weights(np.array([0.2, 0.1, 0.3]))
    got = update(tally, disclosed, np.zeros(n, dtype=np.uint16), tables)
    assert got.disclosing.dtype == LANE_TYPES[bits]
    assert np.array_equal(got.disclosing[0], [leaves] * k)
    assert got.adopters[0] == leaves
    assert tally.disclosure_pairs == 2 * leaves * k * k  # both ends of every edge: 3 * 3
