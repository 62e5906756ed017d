"""Every compiled kernel equals its numpy definition bit for bit (simulation.kernels.table).

One scenario per kernel runs an implementation on fixed-seed random inputs and returns what it
gave and every array it changed in place; the test runs each scenario on the kernel and on its
definition and compares the two exactly.
"""

import copy

import numpy as np
import pytest

from simulation import Params
from simulation.codes import CodeTables
from simulation.kernels.aggregate import lane_layout, lane_table, unsigned
from simulation.kernels.table import KERNELS
from simulation.network import adjacency_from_edges
from simulation.passes import SCORE_BINS
from simulation.rules import PERCENTILE_BIN, PERCENTILE_BINS, Incentives, leakage, peer_view
from simulation.score import SCORE_MIN

N, K = 3000, 6


def scores(rng, n):
    """Scores in range, some on the bounds, thresholds and bin edges."""
    score = rng.uniform(350.0, 950.0, n)
    score[:6] = [350.0, 950.0, 600.0, 650.0, 599.99, 700.005]
    return score


def disclosures(rng, n=N, k=K):
    return np.ascontiguousarray(rng.random((n, k)) < 0.4)


def graph(rng, n=N, m=4 * N):
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    adjacency = adjacency_from_edges(n, src, dst)
    return unsigned(adjacency.indptr), unsigned(adjacency.indices)


def platform(rng, n=N, k=K):
    """Behaviour, quality and the score's coefficients."""
    weights = np.array([0.1, 0.2, 0.0, 0.15, 0.05, 0.1])[:k]
    imputed = rng.uniform(0.2, 0.6, k)
    return (rng.random(n).astype(np.float32), rng.random((n, k)).astype(np.float32),
            float(np.dot(weights, imputed)), imputed, weights, 0.3, 0.05)


def disclosure_codes(f, rng):
    return f(disclosures(rng)), f(disclosures(rng, k=12)), f(disclosures(rng, k=0))


def score_tally(f, rng):
    score = scores(rng, N)
    return [f(score, shares, SCORE_MIN, PERCENTILE_BIN, PERCENTILE_BINS)
            for shares in (rng.random(N) < 0.4, np.zeros(N, bool), np.ones(N, bool))]


def refresh(f, rng):
    out = []
    behaviour, quality, imputed_weighted, imputed, weights, bw, bonus = platform(rng)
    for rescore_all in (False, True):
        before, disclosed = disclosures(rng), disclosures(rng)
        disclosed[::3] = before[::3]  # some citizens keep their choice
        codes = (before * (1 << np.arange(K))).sum(axis=1).astype(np.uint16)
        score = scores(rng, N)
        given = np.flatnonzero(rng.random(N) < 0.2)  # some changed, some did not
        given_previous = scores(rng, given.size)
        shares = rng.random(N) < 0.4
        result = f(disclosed, codes, score, rescore_all, given, given_previous, behaviour,
                   quality, imputed_weighted, imputed, weights, bw, bonus, shares, SCORE_MIN,
                   PERCENTILE_BIN, PERCENTILE_BINS)
        out.append((result, codes, score))
    return out


def record_choices(f, rng):
    who = np.sort(rng.choice(N, 500, replace=False))
    all_disclosed, all_shares, score = disclosures(rng), rng.random(N) < 0.5, scores(rng, N)
    previous = f(who, disclosures(rng, 500), rng.random(500) < 0.5, scores(rng, 500),
                 all_disclosed, all_shares, score)
    return previous, all_disclosed, all_shares, score


def move_codes(f, rng):
    changed = np.sort(rng.choice(N, 700, replace=False))
    previous = rng.integers(0, 2**K, 700).astype(np.uint16)
    codes = rng.integers(0, 2**K, N).astype(np.uint16)
    by_quintile = np.full((5, 2**K), 10_000, dtype=np.int64)
    degree_sum = np.full(2**K, 10**6, dtype=np.int64)
    f(changed, previous, codes, rng.integers(0, 5, N).astype(np.uint8),
      rng.integers(0, 30, N).astype(np.int32), by_quintile, degree_sum)
    return by_quintile, degree_sum


THRESHOLDS = np.array([600.0, 650.0, 700.0, 750.0])


def count_scores(f, rng):
    bins, passing = np.full(SCORE_BINS, 7, np.int64), np.full(THRESHOLDS.size + 1, 7, np.int64)
    f(scores(rng, N), THRESHOLDS, bins, passing)
    return bins, passing


def move_scores(f, rng):
    bins, passing = np.full(SCORE_BINS, 50, np.int64), np.full(THRESHOLDS.size + 1, 10**4,
                                                              np.int64)
    f(scores(rng, 800), scores(rng, 800), THRESHOLDS, bins, passing)
    return bins, passing


def count_passes(f, rng):
    """A full count, then updates around changed citizens, for 8- and 16-bit lanes."""
    out = []
    indptr, indices = graph(rng)
    degree = np.diff(indptr.astype(np.int64))
    for max_degree in (int(degree.max()), 300):
        bits, n_words = lane_layout(K, max_degree)
        count, update = f(n_words)
        tables = CodeTables.from_weights(np.array([0.1, 0.2, 0.0, 0.15, 0.05, 0.1]))
        lanes = lane_table(K, tables.adopted, tables.count, bits)
        codes = rng.integers(0, 2**K, N).astype(np.uint16)
        words = np.zeros((N, n_words), dtype=np.uint64)
        pairs = count(indptr, indices, codes, lanes, words, tables.count, K + 1, bits)
        changed = np.sort(rng.choice(N, 400, replace=False)).astype(np.int64)
        previous = codes[changed].copy()
        codes[changed] = rng.integers(0, 2**K, changed.size)
        delta = update(indptr, indices, changed, previous, codes, lanes, words, tables.count,
                       K + 1, bits)
        out.append((pairs, delta, words))
    return out


def neighbour_sum(f, rng):
    indptr, indices = graph(rng)
    return f(indptr, indices, rng.normal(size=N))


def decision_inputs(f, rng):
    behaviour, quality, imputed_weighted, imputed, weights, bw, bonus = platform(rng)
    who = np.sort(rng.choice(N, 600, replace=False))
    disclosing = rng.integers(0, 40, (N, K)).astype(np.uint8)
    fear, political = rng.lognormal(size=N), rng.uniform(0.0, 1.0, K)
    return [f(who, behaviour, quality, rng.lognormal(size=N).astype(np.float32), disclosing,
              bw, imputed_weighted, imputed, weights, bonus, rng.uniform(0.1, 1.0, K),
              leakage(np.arange(41), rho), fear, access, political)
            for rho in (0.0, 0.3) for access in (0.0, 0.6)]


def scored_best_response(f, rng):
    out = []
    params = Params()
    incentives = Incentives.from_params(params)
    peers = peer_view(scores(rng, N), rng.random(N) < 0.3, 0.5)
    for temperature, active in ((0.0, np.array([1, 1, 0, 1, 1, 1], bool)),
                                (0.05, np.ones(K, bool))):
        n_options = 2 * 2 ** int(active.sum())
        noise = rng.gumbel(size=(800, n_options)) if temperature else None
        out.append(f(rng.uniform(0.0, 0.6, 800), rng.normal(0.0, 0.05, (800, K)),
                     rng.uniform(0.0, 0.1, (800, K)), incentives, peers, choice_noise=noise,
                     temperature=temperature, active=active))
    return out


SCENARIOS = {f.__name__: f for f in (
    disclosure_codes, score_tally, refresh, record_choices, move_codes, count_scores,
    move_scores, count_passes, neighbour_sum, decision_inputs, scored_best_response)}


def assert_identical(got, want, where="result"):
    """Equal exactly, in values and types, through tuples and lists."""
    if isinstance(want, tuple | list):
        assert len(got) == len(want), where
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            assert_identical(a, b, f"{where}[{i}]")
    elif isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == want.dtype, where
        np.testing.assert_array_equal(got, want, err_msg=where)
    else:
        assert got == want, where


def test_every_kernel_has_a_scenario():
    assert set(SCENARIOS) == set(KERNELS)


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_kernel_equals_its_definition(name):
    pair = KERNELS[name]
    scenario = SCENARIOS[name]
    kernel = scenario(pair.kernel, np.random.default_rng(11))
    definition = scenario(pair.definition, np.random.default_rng(11))
    assert_identical(kernel, definition)


def test_the_comparison_can_fail():
    """A definition off by one unit in the last place is caught."""
    rng = np.random.default_rng(11)
    got = neighbour_sum(KERNELS["neighbour_sum"].kernel, rng)
    off = copy.copy(got)
    off[5] = np.nextafter(off[5], np.inf)
    with pytest.raises(AssertionError):
        assert_identical(off, got)
