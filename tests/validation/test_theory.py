"""Unit tests of experiments.validation.theory: the published numbers and independent limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from experiments.validation import theory
from simulation.rules import leakage

# --- Watts (2002) -------------------------------------------------------------------------------

def test_watts_window_for_phi_018_matches_the_paper():
    low, high = theory.watts_cascade_window(0.18)
    assert low == pytest.approx(1.02, abs=0.005)
    assert high == pytest.approx(5.77, abs=0.01)
    assert theory.watts_cascade_condition(3.0, 0.18) > 0
    assert theory.watts_cascade_condition(0.9, 0.18) < 0
    assert theory.watts_cascade_condition(6.5, 0.18) < 0


def test_watts_window_narrows_as_thresholds_rise():
    low_a, high_a = theory.watts_cascade_window(0.18)
    low_b, high_b = theory.watts_cascade_window(0.24)
    assert high_b < high_a
    assert low_b >= low_a - 1e-9


@pytest.mark.parametrize("phi", [0.0, 1.0, -0.1])
def test_watts_window_rejects_thresholds_outside_0_1(phi):
    with pytest.raises(ValueError, match="phi"):
        theory.watts_cascade_window(phi)


def test_vulnerable_degrees_are_those_with_k_at_most_1_over_phi():
    k = np.arange(0, 10)
    assert theory.vulnerable(0.18, k).tolist() == [False] + [True] * 5 + [False] * 4
    # 0.2 * 5 is 1 on paper; floating point must not push ceil to 2.
    assert theory.required_neighbours(0.2, 5) == 1
    assert theory.required_neighbours(0.18, 50) == 9
    assert theory.required_neighbours(0.18, 6) == 2


def test_cascade_probability_solves_its_fixed_point_inside_the_window():
    z, phi = 3.0, 0.18
    u = theory.watts_vulnerable_branch(z, phi)
    k = np.arange(0, 60)
    p_k = np.exp(-z) * z**k / np.array([math.factorial(int(i)) for i in k])
    rhs = np.sum(k * p_k / z * theory.vulnerable(phi, k) * (1 - (1 - u) ** np.maximum(k - 1, 0)))
    assert 0 < u < 1
    assert rhs == pytest.approx(u, abs=1e-10)
    assert theory.watts_cascade_probability(z, phi) == pytest.approx(1 - math.exp(-z * u))


@pytest.mark.parametrize("z", [0.5, 0.9, 6.0, 8.0])
def test_no_global_cascades_outside_the_window(z):
    assert theory.watts_cascade_probability(z, 0.18) < 1e-9


def test_everyone_vulnerable_gives_the_giant_component():
    # With phi tiny every node is vulnerable: P is the Erdos-Renyi giant component S = 1 - e^-zS.
    giant = brentq(lambda s: s - (1 - math.exp(-2.0 * s)), 0.1, 1.0)
    assert theory.watts_cascade_probability(2.0, 1e-4) == pytest.approx(giant, abs=1e-9)


# --- Granovetter (1978) -------------------------------------------------------------------------

def test_granovetter_uniform_thresholds_and_the_moved_citizen():
    thresholds = np.arange(100.0)
    assert theory.granovetter_equilibrium(thresholds) == 100
    thresholds[1] = 2.0
    assert theory.granovetter_equilibrium(thresholds) == 1


def test_granovetter_mean_field_jumps_from_about_5_5_to_100_near_sd_12_2():
    assert theory.granovetter_critical_sd() == pytest.approx(12.2, abs=0.05)
    assert theory.granovetter_mean_field(12.2) == pytest.approx(5.5, abs=0.1)
    assert theory.granovetter_mean_field(12.3) == pytest.approx(100.0, abs=1e-3)
    assert theory.granovetter_mean_field(8.0) < 0.2


def test_whole_citizen_counts_delay_the_jump():
    continuous = theory.granovetter_critical_sd()
    whole = theory.granovetter_critical_sd(integer_counts=True)
    assert continuous < whole < continuous + 1.0


def test_exact_equilibrium_distribution_is_a_distribution():
    dist = theory.granovetter_equilibrium_distribution(12.2)
    assert dist.sum() == pytest.approx(1.0, abs=1e-10)
    assert np.all(dist >= -1e-15)
    # Everyone at 25 and nobody at 0: nobody starts.
    assert theory.granovetter_equilibrium_distribution(0.0)[0] == pytest.approx(1.0)


@pytest.mark.parametrize("sd", [10.0, 14.0])
def test_exact_expectation_matches_monte_carlo_of_the_threshold_process(sd):
    rng = np.random.default_rng(11)
    runs = 3000
    draws = [theory.granovetter_equilibrium(np.maximum(rng.normal(25.0, sd, 100), 0.0))
             for _ in range(runs)]
    mean, spread = theory.granovetter_expected_equilibrium(sd)
    assert np.mean(draws) == pytest.approx(mean, abs=3 * spread / math.sqrt(runs))
    if sd > 12.2:  # below the jump a few rare runs to 100 make the sample SD too noisy
        assert np.std(draws) == pytest.approx(spread, rel=0.1)


# --- unraveling, Verrecchia, leakage, ring ------------------------------------------------------

@pytest.mark.parametrize(("types", "rounds"),
                         [(1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (8, 3), (9, 4), (16, 4)])
def test_unraveling_takes_ceil_log2_k_rounds(types, rounds):
    assert theory.unraveling_rounds(types) == rounds
    assert theory.unraveling_silent_types(types, rounds) == 1
    if rounds:
        assert theory.unraveling_silent_types(types, rounds - 1) > 1


def test_unraveling_needs_a_type():
    with pytest.raises(ValueError, match="n_types"):
        theory.unraveling_rounds(0)


@pytest.mark.parametrize(("cost", "rate"), [(0.0, 1.0), (0.1, 0.8), (0.3, 0.4), (0.5, 0.0),
                                            (0.7, 0.0)])
def test_verrecchia_rate_is_one_minus_two_c(cost, rate):
    assert theory.verrecchia_disclosure_rate(cost) == pytest.approx(rate)


def test_verrecchia_rejects_negative_cost():
    with pytest.raises(ValueError, match="cost"):
        theory.verrecchia_disclosure_rate(-0.1)


@pytest.mark.parametrize("rho", [0.1, 0.3, 0.5, 0.8, 0.95])
@pytest.mark.parametrize("n", [0, 1, 2, 4, 16])
def test_leakage_closed_form_is_one_minus_r2_of_the_regression(rho, n):
    exact = theory.equicorrelated_residual_share(n, rho)
    assert theory.leakage_formula(n, rho) == pytest.approx(exact, abs=1e-12)
    assert float(leakage(np.array([n]), rho)[0]) == pytest.approx(exact, abs=1e-12)


def test_leakage_values_of_model_md():
    assert theory.leakage_formula(np.array([0, 1, 2, 4]), 0.5) == pytest.approx(
        [1.0, 0.75, 2 / 3, 0.6])


@pytest.mark.parametrize(("n", "steps"), [(20, 9), (100, 49), (101, 49), (1000, 499)])
def test_ring_fills_after_floor_n_minus_2_over_2_steps(n, steps):
    assert theory.ring_steps_to_full(n) == steps
    assert theory.ring_adopters(n, steps) == n
    assert theory.ring_adopters(n, steps - 1) == 2 + 2 * (steps - 1) < n


def test_unraveling_sharers_of_a_balanced_population_follow_the_per_type_count():
    levels = np.repeat(np.arange(10), 12)
    counts = theory.unraveling_sharers(levels, 10, 6)
    expected = [120 * (1 - theory.unraveling_silent_types(10, t) / 10) for t in range(7)]
    assert counts.tolist() == expected


def test_unraveling_sharers_keep_ties_silent_and_reject_bad_types():
    # Types 0, 1, 2 once each: silent mean is type 1 exactly, a tie that stays silent.
    assert theory.unraveling_sharers(np.array([0, 1, 2]), 3, 3).tolist() == [0, 1, 2, 2]
    with pytest.raises(ValueError, match="levels"):
        theory.unraveling_sharers(np.array([3]), 3, 1)


def test_quantile_population_fixed_point_lies_between_the_two_mean_field_curves():
    jump = theory.bisect_jump(lambda sd: theory.granovetter_equilibrium(
        theory.expected_value_thresholds(sd)) > 50, 10.0, 15.0, 0.01)
    assert theory.granovetter_critical_sd() < jump[0] < jump[1] < theory.granovetter_critical_sd(
        integer_counts=True)


# --- The state's extensions ---------------------------------------------------------------------

def test_state_access_probability_is_the_lognormal_cdf_at_the_scaled_gain():
    gain = np.array([-0.1, 0.0, 0.2, 0.5])
    fear = np.array([1.0, 1.0, 1.0, 3.0])
    plain = theory.state_access_disclosure_probability(gain, 1.0, fear, 0.0, 0.8, -1.0, 0.5)
    assert plain[:2].tolist() == [0.0, 0.0]  # no gain, no disclosure
    assert plain[2] == pytest.approx(0.5 * math.erfc(-(math.log(0.2) + 1.0) / 0.5 / math.sqrt(2)))
    feared = theory.state_access_disclosure_probability(gain, 1.0, fear, 0.5, 0.8, -1.0, 0.5)
    # The state's access divides the gain by 1 + chi a pi: 1.4 for chi = 1, 2.2 for chi = 3.
    again = theory.state_access_disclosure_probability(gain / np.array([1, 1, 1.4, 2.2]), 1.0,
                                                       fear, 0.0, 0.8, -1.0, 0.5)
    np.testing.assert_allclose(feared, again, rtol=1e-12)
    assert (feared[2:] < plain[2:]).all()


def test_degroot_limit_weights_by_degree():
    assert theory.degroot_limit(np.array([1.0, 0.0, 0.0]), np.array([2, 1, 1])) == 0.5


def test_degroot_contraction_on_graphs_with_known_spectra():
    import networkx as nx
    import scipy.sparse as sp

    # Complete graph K_n: D^-1 A has eigenvalues 1 and -1/(n-1), so rho = |1 - mu n/(n-1)|.
    complete = sp.csr_array(nx.to_scipy_sparse_array(nx.complete_graph(10)))
    assert theory.degroot_contraction(complete, 0.5) == pytest.approx(abs(1 - 0.5 * 10 / 9))
    # An even ring is bipartite (eigenvalue -1): at mu = 0.5 the lazy walk's rho is
    # max(|1 - mu (1 - cos(2 pi / n))|, |1 - 2 mu|) = (1 + cos(2 pi / n)) / 2.
    ring = sp.csr_array(nx.to_scipy_sparse_array(nx.cycle_graph(12)))
    assert theory.degroot_contraction(ring, 0.5) == pytest.approx((1 + math.cos(math.pi / 6)) / 2)
