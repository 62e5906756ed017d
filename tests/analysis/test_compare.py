"""Paired policy comparisons: the statistics on known samples, the model, resuming, bad input.

What is validated and why the tolerances are what they are:

* :func:`paired_effect` on synthetic samples with a known answer: a constant shift is the
  effect with a zero-width paired interval; the intervals are exactly scipy's paired t and
  Welch intervals (``ttest_rel`` / ``ttest_ind(equal_var=False)``), to floating point; the
  paired interval's coverage of the true effect over 2000 samples is 0.95 within 3 binomial
  standard errors (0.015); the variance reduction of correlated normals (rho = 0.8, so
  (1 + 1) / (2 - 1.6) = 5) is recovered within 5 % from 20 000 pairs.
* The model: a category cap of 2 against the defaults, 20 replications of 300 citizens for 50
  steps, with common random numbers. Measured for root seed 2018: variance reduction 5.57 and
  a paired 95 % interval 0.438 times as wide as the independent-seed one for mean_disclosure
  (over root seeds 1-10 the ratio ranged 0.21-0.56, the reduction 3.4-24). The assertions are
  conservative bounds below that: reduction > 2 and width ratio < 0.7.
  ``variance_reduction`` is *not* (independent width / paired width)^2: the two widths use
  different t quantiles (R - 1 degrees of freedom against Welch-Satterthwaite's), so the test
  checks the reduction against the sample variances it is defined by, and the width ratio
  against t_{R-1} / t_nu / sqrt(reduction).
* Agreement with independent seeds: the policy rerun with other seeds (root seed 2019) against
  the paired run's baseline is an unpaired estimate D of the same effect. The paired estimate
  E has a variance 5.6 times smaller than D's, so E is nearly the true effect for D's Welch
  interval, and "E lies in D's 95 % Welch interval" is (nearly) "D's interval covers the
  truth": an event of probability 0.95 with a sound interval. Had pairing biased the effect (a
  policy arm on other seeds, mislabelled arms, a sign error), E would sit far outside: the
  measured D-interval is about 5 paired standard errors wide on either side of E.
* Resuming: the same spec and results root run nothing (an executor that refuses work, no
  ``on_result`` call) and give the identical table; the command line writes effects.csv with
  those rows.
* Bad input: each a single line on stderr with exit status 2, naming the file and the key.
"""

from __future__ import annotations

import concurrent.futures as cf
import math

import numpy as np
import pandas as pd
import pytest
from helpers import RefusingExecutor, datarovers, head, write
from scipy import stats

from experiments.analysis.compare import COLUMNS, load_compare, paired_effect, run_compare
from experiments.analysis.evaluation import final_values
from experiments.errors import UsageError
from experiments.storage import read_results

REPLICATIONS = 20
SPEC = """
name = "cap"
root_seed = {seed}
replications = 20
steps = 50

[fixed]
n_citizens = 300

[outcomes]
final = ["mean_disclosure", "sharing_rate"]

[compare]
outcomes = ["mean_disclosure", "sharing_rate"]

[[compare.policies]]
name = "cap2"
label = "Category cap of 2"
set = {{ category_cap = 2 }}
"""


# --- the statistics on known samples ----------------------------------------------------------
def test_a_constant_shift_is_the_effect_with_a_zero_width_paired_interval():
    baseline = np.random.default_rng(1).normal(0.5, 0.1, 12)
    out = paired_effect(baseline, baseline + 0.1)
    assert out["effect"] == pytest.approx(0.1, abs=1e-12)
    assert out["ci_low"] == pytest.approx(0.1, abs=1e-12)
    assert out["ci_high"] == pytest.approx(0.1, abs=1e-12)
    # inf if every difference were exactly 0.1; in floating point they differ by ~1e-17.
    assert out["variance_reduction"] > 1e12
    assert out["ci_low_independent"] < 0.1 - 0.05 and out["ci_high_independent"] > 0.1 + 0.05
    assert set(out) == set(COLUMNS) - {"policy", "outcome"}


def test_the_intervals_are_scipys_paired_t_and_welch_intervals():
    rng = np.random.default_rng(2)
    baseline = rng.normal(0.0, 1.0, 15)
    policy = 0.8 * baseline + 0.3 + rng.normal(0.0, 0.5, 15)
    for confidence in (0.9, 0.95, 0.99):
        out = paired_effect(baseline, policy, confidence)
        paired = stats.ttest_rel(policy, baseline).confidence_interval(confidence)
        welch = stats.ttest_ind(policy, baseline, equal_var=False).confidence_interval(
            confidence)
        assert (out["ci_low"], out["ci_high"]) == pytest.approx((paired.low, paired.high),
                                                                rel=1e-12)
        assert (out["ci_low_independent"], out["ci_high_independent"]) == pytest.approx(
            (welch.low, welch.high), rel=1e-12)
        assert out["effect"] == pytest.approx(policy.mean() - baseline.mean(), rel=1e-12)
    assert out["variance_reduction"] == pytest.approx(
        (baseline.var(ddof=1) + policy.var(ddof=1)) / (policy - baseline).var(ddof=1))


def test_the_paired_interval_covers_the_true_effect_95_times_in_100():
    rng = np.random.default_rng(3)
    covered = 0
    for _ in range(2000):
        common = rng.normal(0.0, 1.0, 10)
        baseline = common + rng.normal(0.0, 0.5, 10)
        policy = common + 0.25 + rng.normal(0.0, 0.5, 10)
        out = paired_effect(baseline, policy)
        covered += out["ci_low"] <= 0.25 <= out["ci_high"]
    assert abs(covered / 2000 - 0.95) <= 3 * math.sqrt(0.95 * 0.05 / 2000)


def test_the_variance_reduction_of_correlated_normals_is_recovered():
    rng = np.random.default_rng(4)
    pairs = rng.multivariate_normal([0.0, 0.1], [[1.0, 0.8], [0.8, 1.0]], 20_000)
    out = paired_effect(pairs[:, 0], pairs[:, 1])
    assert out["variance_reduction"] == pytest.approx(5.0, rel=0.05)
    independent = paired_effect(pairs[:10_000, 0], rng.normal(0.1, 1.0, 10_000))
    assert independent["variance_reduction"] == pytest.approx(1.0, rel=0.05)


@pytest.mark.parametrize(("baseline", "policy"), [([1.0, 2.0], [1.0]), ([1.0], [2.0]),
                                                  ([[1.0, 2.0]], [[1.0, 2.0]])])
def test_unpaired_or_too_short_samples_are_refused(baseline, policy):
    with pytest.raises(ValueError, match="expected two paired samples"):
        paired_effect(np.array(baseline), np.array(policy))


def test_an_outcome_that_never_varies_has_no_variance_reduction():
    out = paired_effect(np.ones(5), np.ones(5))
    assert out["effect"] == 0 and math.isnan(out["variance_reduction"])


# --- the model --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The paired run (root seed 2018) and the same spec with other seeds (2019)."""
    directory = tmp_path_factory.mktemp("compare")
    paths = [write(directory, SPEC.format(seed=seed), f"cap{seed}.toml")
             for seed in (2018, 2019)]
    with cf.ThreadPoolExecutor(2) as pool:
        tables = [run_compare(path, directory / "results", pool, slots=2) for path in paths]
    return directory, paths, tables


def finals(table: pd.DataFrame, outcome: str) -> dict[int, np.ndarray]:
    """Final values of ``outcome`` by arm (0 = baseline), in replication order."""
    last = final_values(read_results(table.attrs["run_directory"]), [outcome], 50)
    return {arm: part.sort_values("replication")[outcome].to_numpy()
            for arm, part in last.groupby("point")}


def test_common_random_numbers_narrow_the_interval_of_a_category_cap(runs):
    table = runs[2][0]
    assert list(table.columns) == list(COLUMNS)
    assert list(table["policy"]) == ["cap2", "cap2"]
    row = table.set_index("outcome").loc["mean_disclosure"]
    paired_width = row["ci_high"] - row["ci_low"]
    independent_width = row["ci_high_independent"] - row["ci_low_independent"]
    # Measured: variance reduction 5.57, width ratio 0.438 (see the module docstring).
    assert row["variance_reduction"] > 2
    assert paired_width < 0.7 * independent_width
    assert row["ci_high"] < 0  # a cap on what is scored lowers disclosure, surely
    # The reduction is the ratio of the variances, not the squared width ratio: the widths also
    # differ by their t quantiles.
    arms = finals(table, "mean_disclosure")
    var_b, var_p = arms[0].var(ddof=1), arms[1].var(ddof=1)
    assert row["variance_reduction"] == pytest.approx(
        (var_b + var_p) / (arms[1] - arms[0]).var(ddof=1))
    nu = (var_b + var_p) ** 2 / ((var_b ** 2 + var_p ** 2) / (REPLICATIONS - 1))
    quantiles = stats.t.ppf(0.975, REPLICATIONS - 1) / stats.t.ppf(0.975, nu)
    assert paired_width / independent_width == pytest.approx(
        quantiles / math.sqrt(row["variance_reduction"]))


def test_the_paired_effect_lies_in_the_interval_of_independent_seeds(runs):
    first, other = runs[2]
    for outcome in ("mean_disclosure", "sharing_rate"):
        baseline = finals(first, outcome)[0]   # root seed 2018
        policy = finals(other, outcome)[1]     # root seed 2019: independent of the baseline
        interval = stats.ttest_ind(policy, baseline, equal_var=False).confidence_interval(0.95)
        effect = first.set_index("outcome").at[outcome, "effect"]
        assert interval.low <= effect <= interval.high, (outcome, effect, interval)
        # The unpaired design with these runs is as wide as the paired run says it would be
        # (same per-arm variances up to sampling error: within a factor of 1.5).
        row = first.set_index("outcome").loc[outcome]
        assert (interval.high - interval.low) == pytest.approx(
            row["ci_high_independent"] - row["ci_low_independent"], rel=0.5)


def test_a_rerun_resumes_from_disk_and_recomputes_nothing(runs, capsys):
    directory, paths, tables = runs
    tasks = sorted((directory / "results").glob("cap/*/tasks/*.parquet"))
    assert len(tasks) == 2 * 2 * REPLICATIONS  # two root seeds, two arms
    times = [p.stat().st_mtime_ns for p in tasks]
    calls = []
    again = run_compare(paths[0], directory / "results", RefusingExecutor(),
                        on_result=calls.append)
    assert calls == []
    pd.testing.assert_frame_equal(again, tables[0])
    assert datarovers("compare", paths[0], "--results", directory / "results",
                      "--workers", "1") == 0
    assert [p.stat().st_mtime_ns for p in tasks] == times
    written = pd.read_csv(f"{tables[0].attrs['run_directory']}/effects.csv")
    pd.testing.assert_frame_equal(written, tables[0], check_like=False)
    assert "cap2 mean_disclosure:" in capsys.readouterr().out


# --- bad input --------------------------------------------------------------------------------
POLICY = "[[compare.policies]]\nname = 'cap2'\nset = { category_cap = 2 }\n"


@pytest.mark.parametrize(("section", "message"), [
    ("", "[compare]: missing; expected a table with [[compare.policies]]"),
    ("compare = 3\n", "[compare]: got 3, expected a table with [[compare.policies]]"),
    ("[compare]\n[[compare.policies]]\nname = 'cap2'\nset = { category_kap = 2 }\n",
     "[[compare.policies]] cap2 set: category_kap: unknown parameter"),
    ("[compare]\n[[compare.policies]]\nname = 'same'\nset = { category_cap = 0 }\n",
     "[[compare.policies]] same: changes nothing: its parameters and events equal the "
     "baseline's"),
    ("[compare]\n[[compare.policies]]\nname = 'empty'\nset = {}\n",
     "[[compare.policies]] empty: changes nothing (no set, no events)"),
    ("[compare]\noutcomes = ['gini_score']\n" + POLICY,
     "[compare] outcomes: 'gini_score' is not recorded; expected one of mean_disclosure"),
    ("[compare]\nconfidence = 1.0\n" + POLICY,
     "[compare] confidence: got 1.0, expected a number strictly between 0 and 1"),
    ("[compare]\nconfidence = 0\n" + POLICY,
     "[compare] confidence: got 0, expected a number strictly between 0 and 1"),
    ("[compare]\nconfidence = 1.5\n" + POLICY,
     "[compare] confidence: got 1.5, expected a number strictly between 0 and 1"),
])
def test_bad_sections_are_one_line_errors_naming_file_key_and_expectation(
        tmp_path, capsys, section, message):
    # A top-level value must come before the tables.
    text = section + head("bad") if section.startswith("compare =") else head("bad") + section
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        load_compare(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert datarovers("compare", path, "--results", tmp_path / "results") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and message in err
    assert "Traceback" not in err
    assert not (tmp_path / "results").exists()  # nothing ran
