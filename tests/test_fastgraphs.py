"""The vectorised generators draw from the same distributions as networkx's generators.

Three kinds of evidence, all seeded:
1. exact: on graphs small enough to enumerate, the frequencies of each labelled graph from the
   fast generator and from networkx agree (chi-square homogeneity test);
2. statistical: at n = 1000 the degree distribution (chi-square on pooled degree counts) and the
   mean, variance and average clustering of replicate graphs agree within 4 standard errors;
3. limits and invariants: p = 0 / p = 1 cases, edge counts, simple graphs, reproducibility.
"""

import collections

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import scipy.stats as st

from simulation.network import adjacency_from_edges
from simulation.network import generators as fg
from simulation.network.holme_kim import set_order

#: Significance level for the distribution tests (seeded, so each is one fixed draw).
ALPHA = 1e-3


def edge_key(src, dst):
    return tuple(sorted((min(a, b), max(a, b)) for a, b in zip(src.tolist(), dst.tolist(),
                                                               strict=True)))


def nx_key(graph):
    return tuple(sorted((min(a, b), max(a, b)) for a, b in graph.edges()))


def homogeneity_pvalue(counts_a, counts_b, min_count=10):
    """Chi-square test that two samples of categories come from one distribution."""
    keys = sorted(set(counts_a) | set(counts_b))
    table = np.array([[counts_a[k] for k in keys], [counts_b[k] for k in keys]])
    common = table.sum(axis=0) >= min_count
    pooled = table[:, ~common].sum(axis=1, keepdims=True)
    table = np.hstack([table[:, common], pooled]) if pooled.sum() else table[:, common]
    return st.chi2_contingency(table).pvalue


# --- 1. exact distribution on small graphs ------------------------------------------------------
SMALL_CASES = {
    # n = 6, k = 2, p = 0.5 makes nodes linked to everyone, so networkx's skip rule is exercised.
    "watts_strogatz": (lambda r: fg.watts_strogatz_edges(6, 2, 0.5, r),
                       lambda s: nx.watts_strogatz_graph(6, 2, 0.5, seed=s)),
    "watts_strogatz_k4": (lambda r: fg.watts_strogatz_edges(7, 4, 0.3, r),
                          lambda s: nx.watts_strogatz_graph(7, 4, 0.3, seed=s)),
    # n = 6, k = 4: a node has one or two free partners, so most draws are rejected.
    "watts_strogatz_dense": (lambda r: fg.watts_strogatz_edges(6, 4, 0.5, r),
                             lambda s: nx.watts_strogatz_graph(6, 4, 0.5, seed=s)),
    "barabasi_albert": (lambda r: fg.barabasi_albert_edges(6, 2, r),
                        lambda s: nx.barabasi_albert_graph(6, 2, seed=s)),
    # m = 4 of 5 nodes, the hub weighing half: long streams of rejected repeats.
    "barabasi_albert_dense": (lambda r: fg.barabasi_albert_edges(7, 4, r),
                              lambda s: nx.barabasi_albert_graph(7, 4, seed=s)),
    "holme_kim": (lambda r: fg.holme_kim_edges(7, 3, 0.7, r),
                  lambda s: nx.powerlaw_cluster_graph(7, 3, 0.7, seed=s)),
    "erdos_renyi": (lambda r: fg.erdos_renyi_edges(5, 0.3, r),
                    lambda s: nx.fast_gnp_random_graph(5, 0.3, seed=s)),
    "stochastic_block": (
        lambda r: fg.stochastic_block_edges([2, 3], [[0.6, 0.2], [0.2, 0.4]], r),
        lambda s: nx.stochastic_block_model([2, 3], [[0.6, 0.2], [0.2, 0.4]], seed=s)),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(SMALL_CASES))
def test_labelled_graph_frequencies_match_networkx(kind):
    fast, reference = SMALL_CASES[kind]
    reps = 4000
    rng = np.random.default_rng(20261129)
    fast_counts = collections.Counter(edge_key(*fast(rng)) for _ in range(reps))
    nx_counts = collections.Counter(nx_key(reference(seed)) for seed in range(reps))
    assert len(nx_counts) > 5  # a real distribution, not a constant
    assert homogeneity_pvalue(fast_counts, nx_counts) > ALPHA


def test_holme_kim_candidate_order_is_cpythons_set_order():
    # networkx pops its preferential-attachment candidates from a set; the kernel must hand them
    # out in the same order for the labelled graphs to have the same distribution.
    rng = np.random.default_rng(5)
    table, spare, out = (np.empty(1024, dtype=np.int64) for _ in range(3))
    for _ in range(500):
        keys = rng.integers(0, int(rng.choice([8, 100, 10**6, 2**40])), size=rng.integers(1, 40))
        python_set = set()
        for key in keys.tolist():
            python_set.add(key)
        count = set_order(keys, table, spare, out)
        assert out[:count].tolist() == list(python_set)


# --- 2. statistics at n = 1000 ------------------------------------------------------------------
N, K = 1000, 8


def average_clustering(adjacency: sp.csr_array) -> float:
    """Mean local clustering, 0 for nodes of degree < 2 (networkx's convention)."""
    degree = np.diff(adjacency.indptr).astype(float)
    triangles = (adjacency @ adjacency).multiply(adjacency).sum(axis=1) / 2
    possible = degree * (degree - 1) / 2
    local = np.divide(triangles, possible, out=np.zeros_like(degree), where=possible > 0)
    return float(local.mean())


def graph_statistics(adjacency):
    degree = np.diff(adjacency.indptr)
    return degree, np.array([degree.mean(), degree.var(), average_clustering(adjacency)])


MEDIUM_CASES = {
    "erdos_renyi": (lambda r: fg.erdos_renyi_edges(N, K / (N - 1), r),
                    lambda s: nx.fast_gnp_random_graph(N, K / (N - 1), seed=s)),
    "watts_strogatz": (lambda r: fg.watts_strogatz_edges(N, K, 0.2, r),
                       lambda s: nx.watts_strogatz_graph(N, K, 0.2, seed=s)),
    "barabasi_albert": (lambda r: fg.barabasi_albert_edges(N, K // 2, r),
                        lambda s: nx.barabasi_albert_graph(N, K // 2, seed=s)),
    "holme_kim": (lambda r: fg.holme_kim_edges(N, K // 2, 0.5, r),
                  lambda s: nx.powerlaw_cluster_graph(N, K // 2, 0.5, seed=s)),
    "stochastic_block": (
        lambda r: fg.stochastic_block_edges([400, 600], [[0.015, 0.002], [0.002, 0.01]], r),
        lambda s: nx.stochastic_block_model([400, 600], [[0.015, 0.002], [0.002, 0.01]],
                                            seed=s)),
}


@pytest.mark.parametrize("kind", sorted(MEDIUM_CASES))
def test_degree_distribution_and_clustering_match_networkx(kind):
    fast, reference = MEDIUM_CASES[kind]
    reps = 12
    rng = np.random.default_rng(77)
    fast_runs = [graph_statistics(adjacency_from_edges(N, *fast(rng))) for _ in range(reps)]
    nx_runs = []
    for seed in range(reps):
        edges = np.array(list(reference(seed).edges())).reshape(-1, 2)
        nx_runs.append(graph_statistics(adjacency_from_edges(N, edges[:, 0], edges[:, 1])))
    # Degree distribution: chi-square on the pooled degree counts.
    fast_degrees = collections.Counter(np.concatenate([d for d, _ in fast_runs]).tolist())
    nx_degrees = collections.Counter(np.concatenate([d for d, _ in nx_runs]).tolist())
    assert homogeneity_pvalue(fast_degrees, nx_degrees, min_count=20) > ALPHA
    # Mean degree, degree variance and average clustering: replicate means within 4 SE.
    a = np.array([s for _, s in fast_runs])
    b = np.array([s for _, s in nx_runs])
    se = np.sqrt(a.var(axis=0, ddof=1) / reps + b.var(axis=0, ddof=1) / reps)
    difference = np.abs(a.mean(axis=0) - b.mean(axis=0))
    exact = se == 0  # e.g. the mean degree of Watts-Strogatz is k in every graph
    assert np.all(difference[exact] == 0)
    assert np.all(difference[~exact] < 4 * se[~exact] + 1e-12), (difference, se)


def test_watts_strogatz_clustering_falls_with_rewiring_as_in_watts_strogatz_1998():
    # C(p) ~ C(0) (1 - p)^3 with C(0) = 3(k - 2) / (4(k - 1)) (Barrat & Weigt 2000).
    rng = np.random.default_rng(3)
    c0 = 3 * (K - 2) / (4 * (K - 1))
    for p in (0.0, 0.1, 0.3):
        clustering = average_clustering(adjacency_from_edges(
            20_000, *fg.watts_strogatz_edges(20_000, K, p, rng)))
        assert clustering == pytest.approx(c0 * (1 - p) ** 3, abs=0.02)


# --- 3. limits, invariants, reproducibility -----------------------------------------------------
def test_bernoulli_positions_limits_and_count():
    rng = np.random.default_rng(0)
    assert fg.bernoulli_positions(100, 0.0, rng).size == 0
    assert np.array_equal(fg.bernoulli_positions(100, 1.0, rng), np.arange(100))
    total, p = 10**12, 1e-6  # 10^6 successes expected: far more trials than fit in memory
    positions = fg.bernoulli_positions(total, p, rng)
    assert abs(positions.size - total * p) < 5 * np.sqrt(total * p * (1 - p))
    assert np.all(np.diff(positions) > 0) and positions[0] >= 0 and positions[-1] < total


def test_pair_unranking_is_exact_even_for_huge_ranks():
    u, v = fg._unrank_pairs(np.arange(50 * 49 // 2))
    expected_v, expected_u = np.tril_indices(50, k=-1)
    assert np.array_equal(u, expected_u) and np.array_equal(v, expected_v)
    big_v = np.array([10**7, 3 * 10**9 + 7], dtype=np.int64)
    for offset, want_u, want_v in ((0, 0 * big_v, big_v), (-1, big_v - 2, big_v - 1)):
        u, v = fg._unrank_pairs(big_v * (big_v - 1) // 2 + offset)
        assert np.array_equal(u, want_u) and np.array_equal(v, want_v)


def test_watts_strogatz_without_rewiring_is_the_ring_lattice():
    rng = np.random.default_rng(1)
    ring = adjacency_from_edges(500, *fg.ring_lattice_edges(500, 6))
    small_world = adjacency_from_edges(500, *fg.watts_strogatz_edges(500, 6, 0.0, rng))
    reference = nx.to_scipy_sparse_array(nx.circulant_graph(500, [1, 2, 3]), nodelist=range(500))
    assert (ring != small_world).nnz == 0
    assert (ring != reference).nnz == 0


def test_watts_strogatz_full_rewiring_keeps_a_simple_graph_with_nk_over_2_edges():
    src, dst = fg.watts_strogatz_edges(300, 10, 1.0, np.random.default_rng(2))
    assert src.size == 300 * 5
    assert np.all(src != dst)
    assert len(set(zip(np.minimum(src, dst).tolist(), np.maximum(src, dst).tolist(),
                       strict=True))) == src.size


def test_barabasi_albert_links_each_new_node_to_m_distinct_older_nodes():
    n, m = 2000, 4
    src, dst = fg.barabasi_albert_edges(n, m, np.random.default_rng(4))
    assert src.size == m + m * (n - m - 1)  # the star, then m per new node
    new = src >= m + 1
    assert np.all(dst[new] < src[new])
    pairs = np.unique(np.minimum(src, dst).astype(np.int64) * n + np.maximum(src, dst))
    assert pairs.size == src.size


@pytest.mark.parametrize("generate", [
    lambda r: fg.erdos_renyi_edges(3000, 0.003, r),
    lambda r: fg.watts_strogatz_edges(3000, 8, 0.1, r),
    lambda r: fg.barabasi_albert_edges(3000, 3, r),
    lambda r: fg.holme_kim_edges(3000, 3, 0.5, r),
    lambda r: fg.stochastic_block_edges([1000, 2000], [[0.005, 0.001], [0.001, 0.003]], r),
], ids=["erdos_renyi", "watts_strogatz", "barabasi_albert", "holme_kim", "stochastic_block"])
def test_same_seed_same_graph_different_seed_different_graph(generate):
    a = generate(np.random.default_rng(9))
    b = generate(np.random.default_rng(9))
    c = generate(np.random.default_rng(10))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not (a[0].size == c[0].size and np.array_equal(a[1], c[1]))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: fg.watts_strogatz_edges(10, 3, 0.1, np.random.default_rng()), "even integer"),
    (lambda: fg.watts_strogatz_edges(10, 10, 0.1, np.random.default_rng()), "0 <= k < n"),
    (lambda: fg.barabasi_albert_edges(5, 5, np.random.default_rng()), "1 <= m < n"),
    (lambda: fg.holme_kim_edges(5, 0, 0.5, np.random.default_rng()), "1 <= m <= n"),
])
def test_bad_sizes_are_rejected_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()
