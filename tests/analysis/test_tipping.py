"""Tipping points: known answers for each piece, Watts's cascade window, no jump, bad input.

The pure functions are checked on curves whose answer is known by construction (a smoothed
step, a straight line, a flat line, AR(1) series with known lag-1 autocorrelation). The model
check is the upper edge of Watts's (2002) cascade window on Erdos-Renyi graphs (phi = 0.18):
z = 5.77 for N -> infinity; at N = 10^4 global cascades stop a little higher, at about
6.0 to 6.3 (the finite population's largest vulnerable clusters still percolate there).
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import math

import numpy as np
import pandas as pd
import pytest
from helpers import RefusingExecutor, assert_one_line_error, datarovers, write

from experiments.analysis.tipping import (
    COLUMNS,
    early_warning,
    load_tipping,
    run_tipping,
    steepest_change,
    tipping_figure,
    tipping_interval,
    transition_extent,
    write_tipping,
)


def step_curve(values: np.ndarray, centre: float, width: float, replications: int,
               noise: float, seed: int) -> np.ndarray:
    """Logistic drop from 1 to 0 at ``centre``, with paired noise: shape (values, reps)."""
    rng = np.random.default_rng(seed)
    level = 1 / (1 + np.exp((values - centre) / width))
    shared = rng.normal(0, noise, replications)          # the common random numbers
    own = rng.normal(0, noise / 4, (len(values), replications))
    return level[:, None] + shared[None, :] + own


def test_a_smoothed_step_is_a_jump_located_within_its_interval():
    values = np.linspace(0, 1, 9)
    finals = step_curve(values, centre=0.6, width=0.02, replications=40, noise=0.1, seed=1)
    jump = steepest_change(finals)
    assert jump.found and jump.significant and jump.change < -0.5
    assert values[jump.bracket] < 0.6 < values[jump.bracket + 1]
    value, low, high = tipping_interval(values, finals, bootstrap=500)
    assert low <= 0.6 <= high and value == pytest.approx(0.5625)
    assert high - low <= 0.25  # the bracket (0.125) plus what the noise adds


@pytest.mark.parametrize("curve", ["line", "flat"])
def test_a_straight_or_flat_line_is_no_jump(curve):
    values = np.linspace(0, 1, 9)
    rng = np.random.default_rng(2)
    level = 1 - values if curve == "line" else np.full_like(values, 0.5)
    finals = level[:, None] + rng.normal(0, 0.05, (9, 40))
    jump = steepest_change(finals)
    assert not jump.found
    if curve == "line":  # a real change, but spread evenly: the concentration test says no
        assert jump.significant and jump.concentration < 2


def test_min_jump_and_concentration_are_enforced():
    values = np.linspace(0, 1, 9)
    finals = step_curve(values, centre=0.6, width=0.02, replications=40, noise=0.01, seed=3)
    assert steepest_change(finals).found
    assert not steepest_change(finals, min_jump=1.5).found
    assert not steepest_change(finals, concentration=9).found  # at most K = 8 is possible


def test_the_transition_starts_and_ends_where_the_ramp_does():
    values = np.round(np.linspace(0, 1, 21), 12)
    means = np.clip((0.6 - values) / 0.2, 0, 1)          # 1 up to 0.4, 0 from 0.6
    ses = np.full_like(values, 1e-3)
    start_low, start_high, end_low, end_high = transition_extent(values, means, ses, 0.5)
    assert (start_low, start_high) == (0.4, 0.45)
    assert (end_low, end_high) == (0.55, 0.6)
    # a ramp still moving at the range's end has no end inside the range
    assert math.isnan(transition_extent(values, 1 - values, ses, 0.5)[2])


def ar1(coefficients: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.zeros(len(coefficients))
    for t in range(1, len(x)):
        x[t] = coefficients[t] * x[t - 1] + rng.normal()
    return x


@pytest.mark.parametrize("phi", [0.3, 0.6])
def test_lag1_autocorrelation_of_an_ar1_series_within_four_standard_errors(phi):
    indicators = early_warning(ar1(np.full(1000, phi), seed=4))
    se = math.sqrt((1 - phi ** 2) / 500)  # Bartlett, over the last window of 500 points
    assert abs(indicators["ac1"] - phi) < 4 * se
    assert indicators["variance"] > 0


def test_rising_memory_gives_rising_indicators_and_stationary_series_do_not():
    rising = [early_warning(ar1(np.linspace(0.1, 0.9, 600), seed)) for seed in range(12)]
    stationary = [early_warning(ar1(np.full(600, 0.5), seed)) for seed in range(12, 36)]
    assert np.mean([r["tau_ac1"] for r in rising]) > 0.6
    assert np.mean([r["tau_variance"] for r in rising]) > 0.6
    # A stationary series' tau has mean zero (rolling values are autocorrelated, so one
    # series' tau is widely spread); the mean of 24 lies within 3 of its standard errors.
    taus = np.array([r["tau_ac1"] for r in stationary])
    assert abs(taus.mean()) < 3 * taus.std(ddof=1) / math.sqrt(len(taus))


def test_a_constant_series_has_no_indicators():
    assert all(math.isnan(v) for v in early_warning(np.ones(50)).values())


WATTS = """
name = "{name}"
root_seed = 2002
replications = {replications}
steps = {steps}

[fixed]
rule = "threshold"
network = "erdos_renyi"
n_citizens = {n}
threshold_kind = "fraction"
threshold_mean = 0.18
threshold_sd = 0.0
n_seeds = 1
seed_placement = "random"
initial_disclosure = 0.0
initial_sharing = 0.0
revision_rate = 1.0

[outcomes]
series = ["cascade_size"]

[tipping]
parameter = "mean_degree"
range = [{low}, {high}]
outcome = "cascade_size"
points = 9
rounds = {rounds}
min_jump = 0.05
"""


@pytest.mark.slow
def test_the_scan_recovers_the_upper_edge_of_the_watts_cascade_window(tmp_path):
    # Measured (this spec): the transition ends between z = 6.0 and 6.25, where global
    # cascades stop. Its steepest drop, at z = 5.16 [5.06, 5.44], is noise-limited at 60
    # runs: with common seeds each run stops cascading at a z of its own, and the mean is
    # their empirical distribution, a staircase.
    path = write(tmp_path, WATTS.format(name="watts", replications=60, steps=70, n=10000,
                                        low=5.0, high=7.0, rounds=1))
    from experiments.sweep import process_pool

    with process_pool(2) as pool:
        result = run_tipping(path, tmp_path / "results", pool, slots=2)
    assert result.found and result.change < 0
    end_low, end_high = result.extent[2:]
    assert end_low <= 6.3 and end_high >= 6.0, result.extent  # the finite-size edge
    assert end_high - end_low <= 0.5
    assert result.ci_low <= result.value <= result.ci_high <= end_high
    table = result.table
    assert list(table.columns) == list(COLUMNS)
    assert table["runs"].eq(60).all() and table["value"].is_monotonic_increasing
    assert table.loc[table["value"] >= 6.5, "mean"].max() < 0.01  # outside: no cascades


def test_a_plateau_has_no_jump_and_a_rerun_recomputes_nothing(tmp_path, capsys):
    # Inside the window, 2.5 <= z <= 4.5, the cascade probability stays between 0.82 and
    # 0.88 (Watts 2002): no jump.
    path = write(tmp_path, WATTS.format(name="plateau", replications=20, steps=40, n=2000,
                                        low=2.5, high=4.5, rounds=2))
    with cf.ThreadPoolExecutor(2) as pool:
        first = run_tipping(path, tmp_path / "results", pool, slots=2)
    assert not first.found and math.isnan(first.value)
    assert len(first.table) == 9  # no refinement without a jump
    again = run_tipping(path, tmp_path / "results", RefusingExecutor())
    pd.testing.assert_frame_equal(first.table, again.table)
    paths = write_tipping(again)
    verdict = json.loads(paths["json"].read_text())
    assert verdict["found"] is False and verdict["tipping_value"] is None
    assert paths["figure"].stat().st_size > 0
    redrawn = tipping_figure(pd.read_csv(paths["csv"]), verdict)  # from the saved files alone
    assert redrawn.layout.title.text == "Cascade size (share adopted): no jump in the range"
    assert redrawn.layout.xaxis3.title.text == "Mean degree z"
    assert datarovers("tipping", path, "--results", tmp_path / "results") == 0
    assert "no jump of cascade_size in mean_degree from 2.5 to 4.5" in capsys.readouterr().out


def test_rounds_live_in_their_own_directories_with_common_seeds(tmp_path):
    path = write(tmp_path, WATTS.format(name="seeds", replications=3, steps=5, n=200,
                                        low=2.0, high=6.0, rounds=0))
    spec = load_tipping(path)
    round_spec = spec.round_spec(0, spec.grid(spec.low, spec.high))
    tasks = spec.tasks(round_spec)
    assert len(tasks) == 9 * 3
    assert {t.seed for t in tasks if t.replication == 1} == {tasks[1].seed}
    assert len({t.seed for t in tasks}) == 3


HEAD = """
name = "bad"
root_seed = 1
replications = 2
steps = 10
[fixed]
n_citizens = 100
[outcomes]
series = ["mean_disclosure"]
"""


@pytest.mark.parametrize(("section", "message"), [
    ("", "[tipping]: missing; expected a table with parameter, range and outcome"),
    ("[tipping]\nparameter = 'completeness_bonus'\noutcome = 'mean_disclosure'\n",
     "[tipping] range: missing; expected [low, high]"),
    ("[tipping]\nparameter = 'completness_bonus'\nrange = [0, 1]\noutcome = 'mean_disclosure'\n",
     "[tipping] parameter: 'completness_bonus': unknown parameter"),
    ("[tipping]\nparameter = 'network'\nrange = [0, 1]\noutcome = 'mean_disclosure'\n",
     "[tipping] parameter: 'network': not a numeric parameter"),
    ("[tipping]\nparameter = 'completeness_bonus'\nrange = [0.3, 0.1]\n"
     "outcome = 'mean_disclosure'\n",
     "[tipping] range: got [0.3, 0.1], expected low < high"),
    ("[tipping]\nparameter = 'n_seeds'\nrange = [1, 3]\noutcome = 'mean_disclosure'\n",
     "[tipping] range: [1, 3] holds 3 distinct values of the integer parameter 'n_seeds'; "
     "expected a range with an interior"),
    ("[tipping]\nparameter = 'completeness_bonus'\nrange = [0, 1]\noutcome = 'gini_score'\n",
     "[tipping] outcome: 'gini_score' is not recorded; expected one of mean_disclosure"),
    ("[tipping]\nparameter = 'completeness_bonus'\nrange = [0, 1]\noutcome = 'mean_disclosure'\n"
     "points = 2\n", "[tipping] points: got 2, expected an integer >= 4"),
    ("[tipping]\nparameter = 'completeness_bonus'\nrange = [0, 1]\noutcome = 'mean_disclosure'\n"
     "window = 1.5\n", "[tipping] window: got 1.5, expected a number strictly between 0 and 1"),
    ("[tipping]\nparameter = 'completeness_bonus'\nrange = [0, 1]\noutcome = 'mean_disclosure'\n"
     "steps = 3\n", "[tipping] steps: unknown key"),
])
def test_bad_sections_are_one_line_errors_naming_file_key_and_expectation(
        tmp_path, capsys, section, message):
    path = write(tmp_path, HEAD + section)
    assert_one_line_error(load_tipping, "tipping", path, tmp_path, capsys, message)
