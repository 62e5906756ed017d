"""Sensitivity analysis: known answers (Ishigami), the noise floor, the model, bad input."""

from __future__ import annotations

import concurrent.futures as cf
import math

import numpy as np
import pandas as pd
import pytest
from helpers import RefusingExecutor, assert_one_line_error, datarovers, head, write

from experiments.analysis.sensitivity import (
    COLUMNS,
    load_sensitivity,
    morris_figure,
    problem,
    run_sensitivity,
    sample,
    sensitivity_indices,
    sobol_figure,
)

A, B = 7.0, 0.1
#: Analytic Sobol indices of the Ishigami function (Ishigami and Homma 1990; a = 7, b = 0.1).
VARIANCE = A ** 2 / 8 + B * math.pi ** 4 / 5 + B ** 2 * math.pi ** 8 / 18 + 0.5
S1 = {"x1": (0.5 * (1 + B * math.pi ** 4 / 5) ** 2) / VARIANCE, "x2": A ** 2 / 8 / VARIANCE,
      "x3": 0.0}
ST = {"x1": (0.5 * (1 + B * math.pi ** 4 / 5) ** 2 + 8 * B ** 2 * math.pi ** 8 / 225)
      / VARIANCE, "x2": A ** 2 / 8 / VARIANCE, "x3": 8 * B ** 2 * math.pi ** 8 / 225 / VARIANCE}


def ishigami(x: np.ndarray) -> np.ndarray:
    """f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3."""
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(noise: float = 0.0) -> pd.DataFrame:
    """Sobol indices of Ishigami (plus a dummy) through the analysis code, N = 2^14."""
    salib = problem(["x1", "x2", "x3", "dummy"], [(-math.pi, math.pi)] * 3 + [(0.0, 1.0)])
    matrix = sample("sobol", salib, 2 ** 14, seed=3)
    outputs = ishigami(matrix)
    if noise:
        outputs = outputs + np.random.default_rng(4).normal(0.0, noise, len(outputs))
    return sensitivity_indices("sobol", salib, matrix, outputs, "f", dummy="dummy", seed=3)


def test_the_analytic_values_are_those_of_the_literature():
    assert [round(S1[k], 3) for k in S1] == [0.314, 0.442, 0.0]
    assert [round(ST[k], 3) for k in ST] == [0.558, 0.442, 0.244]


def test_sobol_recovers_the_ishigami_indices_within_three_standard_errors():
    table = ishigami_indices().set_index(["index", "parameter"])
    for index, truth in (("S1", S1), ("ST", ST)):
        for name, value in truth.items():
            row = table.loc[(index, name)]
            se = (row["ci_high"] - row["value"]) / 1.959964  # the bootstrap standard error
            assert 0 < se < 0.015, (index, name, se)  # the test has the power it claims
            assert abs(row["value"] - value) <= 3 * se, (index, name, row["value"], value)
    assert list(ishigami_indices().columns) == list(COLUMNS)


def test_the_dummy_gives_the_noise_floor_and_zero_indices_are_not_distinguishable():
    # Run-to-run noise of variance s^2: the dummy's S1 estimates 0 and its ST estimates the
    # noise's share s^2 / (V + s^2) of the output variance.
    noise = 1.0
    table = ishigami_indices(noise).set_index(["index", "parameter"])
    first = table.loc[("S1", "dummy")]
    assert first["ci_low"] <= 0.0 <= first["ci_high"]
    total = table.loc[("ST", "dummy")]
    se = (total["ci_high"] - total["value"]) / 1.959964
    assert abs(total["value"] - noise ** 2 / (VARIANCE + noise ** 2)) <= 3 * se
    verdict = table["distinguishable"]
    assert not verdict[("S1", "x3")] and not verdict[("S1", "dummy")]
    assert verdict[("S1", "x1")] and verdict[("S1", "x2")] and verdict[("ST", "x3")]


SPEC = """
[sensitivity]
method = "{method}"
n = {n}
dummy = true
bootstrap = 200
outcomes = ["mean_disclosure"]

[sensitivity.bounds]
completeness_bonus = [0.0, 0.3]
category_cap = [0, 4]
"""


def test_runs_resume_from_disk_and_write_the_table_and_figure(tmp_path, capsys):
    path = write(tmp_path, head("sens", replications=1) + SPEC.format(method="morris", n=4))
    spec = load_sensitivity(path)
    assert spec.sweep.n_tasks == 4 * 4  # r (k + 1) points, the dummy is not run
    assert all(isinstance(p["category_cap"], int) for p in spec.sweep.points)
    with cf.ThreadPoolExecutor(2) as pool:
        first = run_sensitivity(spec, tmp_path / "results", pool, slots=2)
    again = run_sensitivity(spec, tmp_path / "results", RefusingExecutor())
    pd.testing.assert_frame_equal(first, again)
    assert set(first["index"]) == {"mu_star", "sigma"}
    with pytest.raises(ValueError, match="no sobol rows"):
        sobol_figure(first)
    assert len(morris_figure(first).data) == 1
    assert datarovers("sensitivity", path, "--results", tmp_path / "results",
                      "--workers", "1") == 0
    run_dir = tmp_path / "results" / "sens" / spec.sweep.spec_hash
    written = pd.read_csv(run_dir / "sensitivity.csv")
    assert list(written.columns) == list(COLUMNS)
    assert (run_dir / "sensitivity.html").stat().st_size > 0
    assert "mean_disclosure (mu_star)" in capsys.readouterr().out


@pytest.mark.slow
def test_sobol_and_morris_rank_the_top_three_parameters_alike(tmp_path):
    text = """
    name = "ranking"
    root_seed = 11
    replications = 3
    steps = 40
    [fixed]
    n_citizens = 500
    [outcomes]
    final = ["mean_disclosure"]
    [sensitivity]
    method = "{method}"
    n = {n}
    dummy = true
    [sensitivity.bounds]
    completeness_bonus = [0.0, 0.3]
    privacy_mu = [-4.0, -2.0]
    score_value = [0.0, 0.4]
    """
    from experiments.sweep import process_pool

    ranks = {}
    with process_pool(2) as pool:
        for method, n, index in (("sobol", 64, "ST"), ("morris", 20, "mu_star")):
            path = write(tmp_path, text.format(method=method, n=n), f"{method}.toml")
            table = run_sensitivity(path, tmp_path / "results", pool, slots=2)
            rows = table[table["index"] == index].sort_values("value", ascending=False)
            ranks[method] = list(rows["parameter"])
            if method == "sobol":
                dummy = table[(table["index"] == "S1") & (table["parameter"] == "dummy")]
                assert float(dummy["ci_low"].iloc[0]) <= 0 <= float(dummy["ci_high"].iloc[0])
    assert ranks["sobol"][:3] == ranks["morris"][:3] == [
        "completeness_bonus", "privacy_mu", "score_value"]
    assert ranks["sobol"][-1] == ranks["morris"][-1] == "dummy"


@pytest.mark.parametrize(("section", "message"), [
    ("", "[sensitivity]: missing; expected a table with method, n and bounds"),
    ("sensitivity = 3\n", "[sensitivity]: got 3, expected a table"),
    ("[sensitivity]\nmethod = 'fast'\nn = 8\nbounds = { completeness_bonus = [0, 1] }\n",
     "[sensitivity] method: got 'fast', expected 'sobol' or 'morris'"),
    ("[sensitivity]\nmethod = 'sobol'\nn = 12\nbounds = { completeness_bonus = [0, 1] }\n",
     "[sensitivity] n: got 12, expected a power of 2"),
    ("[sensitivity]\nmethod = 'sobol'\nn = 8\nbounds = { completness_bonus = [0, 1] }\n",
     "[sensitivity] bounds.completness_bonus: completness_bonus: unknown parameter"),
    ("[sensitivity]\nmethod = 'sobol'\nn = 8\nbounds = { completeness_bonus = [0.3, 0.1] }\n",
     "[sensitivity] bounds.completeness_bonus: got [0.3, 0.1], expected low < high"),
    ("[sensitivity]\nmethod = 'sobol'\nn = 8\nbounds = { network = [0, 1] }\n",
     "[sensitivity] bounds.network: is not a numeric parameter"),
    ("[sensitivity]\nmethod = 'sobol'\nn = 8\nbounds = { revision_rate = [0, 1] }\n",
     "[sensitivity] bounds.revision_rate: revision_rate: got 0.0"),
    ("[sensitivity]\nmethod = 'sobol'\nn = 8\noutcomes = ['gini_score']\n"
     "bounds = { completeness_bonus = [0, 1] }\n",
     "[sensitivity] outcomes: 'gini_score' is not recorded; expected one of mean_disclosure"),
    ("[sensitivity]\nmethod = 'sobol'\nn = 8\nsize = 3\nbounds = { completeness_bonus = [0, 1] }\n",
     "[sensitivity] size: unknown key"),
])
def test_bad_sections_are_one_line_errors_naming_file_key_and_expectation(
        tmp_path, capsys, section, message):
    # A top-level value must come before the tables.
    text = section + head("bad") if section.startswith("sensitivity =") else head("bad") + section
    path = write(tmp_path, text)
    assert_one_line_error(load_sensitivity, "sensitivity", path, tmp_path, capsys, message)
