"""build_network: every kind, both paths (networkx below FAST_MIN_NODES, fast above), edge lists."""

import networkx as nx
import numpy as np
import pytest

from simulation import Params
from simulation.network import (
    FAST_MIN_NODES,
    NetworkFileError,
    SocialNetwork,
    adjacency_from_edges,
    build_network,
    read_edge_list,
)
from simulation.network import build as network_build
from simulation.network import graph as network_graph

RANDOM_KINDS = ["erdos_renyi", "watts_strogatz", "barabasi_albert", "holme_kim",
                "stochastic_block"]
ALL_KINDS = [*RANDOM_KINDS, "ring_lattice", "complete"]


def build(kind, n, seed, **kw):
    params = Params(network=kind, n_citizens=n, **kw)
    concern = np.random.default_rng(0).lognormal(0.0, 0.75, n)
    return build_network(params, np.random.default_rng(seed), concern)


@pytest.fixture(params=["networkx", "fast"])
def path(request, monkeypatch):
    """Run a test on both paths; the fast one at small n by lowering the cut-off."""
    if request.param == "fast":
        monkeypatch.setattr(network_build, "FAST_MIN_NODES", 100)
    return request.param


def expected_mean_degree(kind, n, z):
    m = int(z) // 2
    return {"barabasi_albert": 2 * m * (n - m) / n,  # star on m+1 nodes, then m per new node
            "complete": n - 1}.get(kind, z)


# --- every kind: size, degree, simple symmetric graph, compact dtypes --------------------------
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_builds_a_simple_symmetric_graph_with_the_right_size_and_degree(kind, path):
    n, z = 600, 8.0
    net = build(kind, n, seed=1, mean_degree=z)
    a = net.adjacency
    assert a.shape == (n, n) and net.n_nodes == n
    assert a.indices.dtype == np.int32 and a.indptr.dtype == np.int32
    assert a.data.dtype == np.float32 and np.all(a.data == 1)
    assert a.diagonal().sum() == 0  # no self-loops
    assert (a != a.T).nnz == 0  # symmetric
    assert a.has_sorted_indices
    degree = net.degree
    target = expected_mean_degree(kind, n, z)
    if kind in ("erdos_renyi", "stochastic_block"):
        # Edge count ~ Binomial: SE of the mean degree is about sqrt(z / n).
        assert abs(degree.mean() - target) < 5 * np.sqrt(z / n)
    elif kind == "holme_kim":
        # m links per new node, a few fewer when preferential attachment repeats a triad node.
        assert target - 0.2 <= degree.mean() <= target
    else:
        assert degree.mean() == pytest.approx(target)


@pytest.mark.parametrize("kind", RANDOM_KINDS)
def test_same_seed_same_graph_different_seed_different_graph(kind, path):
    a, b, c = (build(kind, 400, seed) for seed in (5, 5, 6))
    assert (a.adjacency != b.adjacency).nnz == 0
    assert (a.adjacency != c.adjacency).nnz > 0


def test_fast_path_is_used_from_the_cut_off_on():
    # The 10^4-node graph comes from simulation.network.generators (not networkx, whose graph
    # for the same seed differs), is a Watts-Strogatz graph with k = 8 and is reproducible.
    n = FAST_MIN_NODES
    net = build("watts_strogatz", n, seed=3)
    seed = int(np.random.default_rng(3).integers(2**32))
    networkx_graph = nx.to_scipy_sparse_array(nx.watts_strogatz_graph(n, 8, 0.1, seed=seed),
                                              nodelist=range(n))
    assert (net.adjacency != networkx_graph).nnz > 0
    assert net.degree.sum() == n * 8
    assert (net.adjacency != build("watts_strogatz", n, seed=3).adjacency).nnz == 0


def test_small_graphs_are_networkx_graphs_from_a_seed_drawn_from_rng():
    # Below the cut-off a researcher can rebuild the graph with networkx alone.
    net = build("barabasi_albert", 300, seed=8)
    seed = int(np.random.default_rng(8).integers(2**32))
    graph = nx.barabasi_albert_graph(300, 4, seed=seed)
    assert (net.adjacency != nx.to_scipy_sparse_array(graph, nodelist=range(300))).nnz == 0


def test_ring_lattice_is_networkx_circulant_graph():
    net = build("ring_lattice", 50, seed=0, mean_degree=4)
    graph = nx.circulant_graph(50, [1, 2])
    assert (net.adjacency != nx.to_scipy_sparse_array(graph, nodelist=range(50))).nnz == 0


def test_block_model_has_equal_communities_homophily_and_the_between_share(path):
    n = 2000
    net = build("stochastic_block", n, seed=2, n_communities=4, between_share=0.1,
                privacy_homophily=0.9)
    assert np.array_equal(np.bincount(net.community), [n // 4] * 4)
    coo = net.adjacency.tocoo()
    between = np.mean(net.community[coo.row] != net.community[coo.col])
    # ~ n z / 2 = 8000 edges: binomial SE of the share is about 0.0034.
    assert between == pytest.approx(0.1, abs=0.02)
    concern = np.random.default_rng(0).lognormal(0.0, 0.75, n)
    means = [np.log(concern[net.community == b]).mean() for b in range(4)]
    assert means == sorted(means)  # communities ordered by privacy concern


def test_block_model_needs_privacy_concern():
    with pytest.raises(ValueError, match="privacy concern is needed"):
        build_network(Params(network="stochastic_block", n_citizens=100),
                      np.random.default_rng(0), None)


# --- adjacency_from_edges and SocialNetwork ------------------------------------------------------
def test_adjacency_from_edges_drops_self_loops_and_duplicates():
    a = adjacency_from_edges(4, np.array([0, 1, 1, 2, 3]), np.array([1, 0, 1, 3, 2]))
    assert a.toarray().tolist() == [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]
    assert a.nnz == 4 and a.indices.dtype == np.int32


def test_adjacency_from_edges_matches_a_dense_reference_on_random_multigraphs():
    rng = np.random.default_rng(11)
    for n in (1, 5, 40):
        src, dst = rng.integers(0, max(n - 2, 1), size=(2, 3 * n))  # the last nodes isolated
        dense = np.zeros((n, n), dtype=np.float32)
        dense[src, dst] = dense[dst, src] = 1
        np.fill_diagonal(dense, 0)
        a = adjacency_from_edges(n, src, dst)
        assert np.array_equal(a.toarray(), dense)
        assert a.has_sorted_indices and a.nnz == np.count_nonzero(dense)
    assert adjacency_from_edges(3, np.array([], dtype=int), np.array([], dtype=int)).nnz == 0


def test_compiled_and_scipy_assembly_give_the_same_matrix(monkeypatch):
    rng = np.random.default_rng(12)
    n = 3000
    src, dst = rng.integers(0, n - 5, size=(2, 20_000))  # repeats, self-loops, isolated nodes
    src[:100] = np.arange(100)  # a hub: row 0 gets more than the insertion-sort length
    dst[:100] = 0
    by_scipy = adjacency_from_edges(n, src, dst)
    monkeypatch.setattr(network_graph, "COMPILED_MIN_EDGES", 1)
    compiled = adjacency_from_edges(n, src, dst)
    for field in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(compiled, field), getattr(by_scipy, field))
        assert getattr(compiled, field).dtype == getattr(by_scipy, field).dtype
    assert compiled.has_sorted_indices and compiled.shape == (n, n)


def test_to_networkx_round_trip():
    net = build("erdos_renyi", 200, seed=4)
    graph = net.to_networkx()
    assert graph.number_of_nodes() == 200
    assert (nx.to_scipy_sparse_array(graph, nodelist=range(200)) != net.adjacency).nnz == 0


# --- edge-list files -----------------------------------------------------------------------------
def test_edge_list_labels_comments_weights_duplicates_and_self_loops(tmp_path):
    path = tmp_path / "net.txt"
    path.write_text("# a comment\nalice bob 0.5\n\nbob carol  # trailing comment\n"
                    "carol alice 2\nbob alice\ndave dave\ndave alice\n")
    src, dst, labels = read_edge_list(path)
    assert labels == ("alice", "bob", "carol", "dave")
    assert list(zip(src.tolist(), dst.tolist(), strict=True)) == [
        (0, 1), (1, 2), (2, 0), (1, 0), (3, 3), (3, 0)]
    net = build_network(Params(network="edge_list", edge_list=str(path)),
                        np.random.default_rng(0))
    assert isinstance(net, SocialNetwork) and net.labels == labels
    assert net.degree.tolist() == [3, 2, 2, 1]  # duplicate alice-bob once, dave-dave dropped


@pytest.mark.parametrize(("content", "fragments"), [
    (None, ["cannot read", "No such file", "expected a readable text file"]),
    ("a b\nc d e f\n", ["line 2", "'c d e f'", "expected two node labels and an optional weight"]),
    ("a\n", ["line 1", "'a'", "expected two node labels"]),
    ("a b heavy\n", ["line 1", "weight 'heavy' is not a number"]),
    ("# only comments\n\n", ["has no edges, expected at least one"]),
    ("a a\n", ["fewer than two distinct nodes"]),
    (b"\xff\xfe a b\n", ["cannot read", "expected a readable text file"]),
], ids=["missing", "too-many-fields", "too-few-fields", "bad-weight", "no-edges", "one-node",
        "not-utf8"])
def test_edge_list_errors_are_one_clear_line(tmp_path, content, fragments):
    path = tmp_path / "edges.txt"
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(NetworkFileError) as info:
        read_edge_list(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
