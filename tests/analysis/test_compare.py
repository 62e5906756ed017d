"""Paired policy comparisons: the statistics on known samples, the model, bad input.

The model check runs a category cap of 2 against the defaults with common random numbers and,
separately, the same policy with other seeds. Paired runs share the network, the citizens and
the decision draws until the cap changes a decision, so their outcomes are strongly correlated
and the paired interval is narrower than the one independent seeds would give for the same
number of runs. The independent runs estimate the same effect without pairing: their difference
of means must lie within the independent-seed interval around the paired effect (two unbiased
estimators of one effect; the interval is that of the noisier one).
"""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pandas as pd
import pytest
from helpers import RefusingExecutor, datarovers, write
from scipy import stats

from experiments.analysis.compare import (
    COLUMNS,
    load_compare,
    paired_effect,
    run_compare,
    write_effects,
)
from experiments.analysis.evaluation import final_values
from experiments.errors import UsageError
from experiments.storage import read_results


def test_a_constant_shift_is_the_effect_with_a_zero_width_paired_interval():
    baseline = np.random.default_rng(1).permutation(np.arange(30) / 32)  # exact in binary
    out = paired_effect(baseline, baseline + 0.125)
    assert out["effect"] == 0.125
    assert out["ci_high"] - out["ci_low"] == pytest.approx(0, abs=1e-12)
    assert out["variance_reduction"] == float("inf")
    assert out["ci_low_independent"] < 0.125 < out["ci_high_independent"]


def test_the_paired_interval_is_the_paired_t_interval():
    rng = np.random.default_rng(2)
    baseline = rng.normal(0, 1, 25)
    policy = baseline + 0.3 + rng.normal(0, 0.2, 25)
    out = paired_effect(baseline, policy)
    expected = stats.ttest_rel(policy, baseline).confidence_interval(0.95)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((expected.low, expected.high))
    welch = stats.ttest_ind(policy, baseline, equal_var=False).confidence_interval(0.95)
    assert (out["ci_low_independent"], out["ci_high_independent"]) == pytest.approx(
        (welch.low, welch.high))
    assert out["variance_reduction"] == pytest.approx(
        (baseline.var(ddof=1) + policy.var(ddof=1)) / (policy - baseline).var(ddof=1))


def test_independent_samples_gain_nothing_from_pairing():
    rng = np.random.default_rng(3)
    reductions = [paired_effect(rng.normal(0, 1, 40), rng.normal(0.2, 1, 40))[
        "variance_reduction"] for _ in range(200)]
    # Var(b) + Var(p) over Var(p - b) is about 1 without correlation (mean of 200: SE ~0.02).
    assert np.mean(reductions) == pytest.approx(1.0, abs=0.1)


SPEC = """
name = "{name}"
root_seed = {seed}
replications = 20
steps = 40

[fixed]
n_citizens = 300

[outcomes]
final = ["mean_disclosure", "sharing_rate"]

[compare]
outcomes = ["mean_disclosure"]

[[compare.policies]]
name = "cap2"
label = "Category cap of 2"
set = {{ category_cap = 2 }}
"""


def test_a_category_cap_is_estimated_more_precisely_with_common_random_numbers(tmp_path):
    # Measured (seed 7): variance reduction 7.6, paired interval 0.37 times as wide as the
    # independent-seed one for the same runs.
    path = write(tmp_path, SPEC.format(name="cap", seed=7))
    spec = load_compare(path)
    with cf.ThreadPoolExecutor(2) as pool:
        table = run_compare(spec, tmp_path / "results", pool, slots=2)
        other = run_compare(write(tmp_path, SPEC.format(name="cap-other", seed=8), "o.toml"),
                            tmp_path / "results", pool, slots=2)
    row = table.set_index("outcome").loc["mean_disclosure"]
    paired_width = row["ci_high"] - row["ci_low"]
    independent_width = row["ci_high_independent"] - row["ci_low_independent"]
    assert row["variance_reduction"] > 3
    assert paired_width < 0.6 * independent_width
    assert row["effect"] < 0  # capping what is scored lowers disclosure
    # Independent estimate: this run's baseline against the other seeds' policy.
    def finals(run):
        frame = read_results(run.attrs["run_directory"])
        last = final_values(frame, ["mean_disclosure"], spec.sweep.steps)
        return {p: part["mean_disclosure"].to_numpy() for p, part in last.groupby("point")}

    independent = finals(other)[1].mean() - finals(table)[0].mean()
    assert row["ci_low_independent"] <= independent <= row["ci_high_independent"]
    # Resumed from disk, nothing recomputed; the files have the promised columns.
    again = run_compare(spec, tmp_path / "results", RefusingExecutor())
    pd.testing.assert_frame_equal(table, again)
    paths = write_effects(table, table.attrs["run_directory"])
    assert list(pd.read_csv(paths["csv"]).columns) == list(COLUMNS)
    assert paths["figure"].stat().st_size > 0


HEAD = """
name = "bad"
root_seed = 1
replications = 3
steps = 5
[fixed]
n_citizens = 50
[outcomes]
final = ["mean_disclosure"]
"""


@pytest.mark.parametrize(("section", "message"), [
    ("", "[compare]: missing; expected a table with [[compare.policies]]"),
    ("[compare]\nconfidence = 1.5\n[[compare.policies]]\nname = 'a'\nset = { category_cap = 2 }\n",
     "[compare] confidence: got 1.5, expected a number strictly between 0 and 1"),
    ("[compare]\n[[compare.policies]]\nname = 'a'\nset = { category_cup = 2 }\n",
     "[[compare.policies]] a: category_cup: unknown parameter"),
    ("[compare]\n[[compare.policies]]\nname = 'a'\n",
     "[[compare.policies]] a: changes nothing (no set, no events)"),
    ("[compare]\n[[compare.policies]]\nname = 'a'\nset = { category_cap = 0 }\n",
     "[[compare.policies]] a: changes nothing: its parameters and events equal the baseline's"),
    ("[compare]\noutcomes = ['gini_score']\n[[compare.policies]]\nname = 'a'\n"
     "set = { category_cap = 2 }\n",
     "[compare] outcomes: 'gini_score' is not recorded; expected one of mean_disclosure"),
])
def test_bad_sections_are_one_line_errors_naming_file_key_and_expectation(
        tmp_path, capsys, section, message):
    path = write(tmp_path, HEAD + section)
    with pytest.raises(UsageError) as caught:
        load_compare(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert datarovers("compare", path, "--results", tmp_path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
