"""Scenario discovery: PRIM recovers a known box, extra-trees ranks its parameters, bad input.

Synthetic cases: x1, x2, x3 uniform on [0, 1], of interest exactly where x1 > 0.7 and x2 < 0.3
(9 % of 3000 points). PRIM's first box must have its limits within 0.05 of those and leave x3
unrestricted; the extra-trees scores must rank x1 and x2 above x3. Measured (seed 12): x1 in
[0.720, 1.000], x2 in [0.000, 0.294], x3 unrestricted, coverage 0.936, density 1.0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import datarovers

from experiments.analysis.discover import feature_scores, prim_boxes


@pytest.fixture(scope="module")
def known_box():
    rng = np.random.default_rng(12)
    x = pd.DataFrame(rng.uniform(0, 1, (3000, 3)), columns=["x1", "x2", "x3"])
    return x, ((x["x1"] > 0.7) & (x["x2"] < 0.3)).to_numpy()


def test_prim_recovers_the_box_within_005(known_box):
    x, y = known_box
    boxes = prim_boxes(x, y, max_boxes=1)
    box = boxes[boxes["box"] == 1].set_index("parameter")
    assert box.at["x1", "low"] == pytest.approx(0.7, abs=0.05)
    assert box.at["x1", "high"] == pytest.approx(1.0, abs=0.05)
    assert box.at["x2", "low"] == pytest.approx(0.0, abs=0.05)
    assert box.at["x2", "high"] == pytest.approx(0.3, abs=0.05)
    assert box.at["x1", "restricted"] and box.at["x2", "restricted"]
    assert not box.at["x3", "restricted"]
    assert box["coverage"].iloc[0] >= 0.8 and box["density"].iloc[0] >= 0.8


def test_feature_scores_rank_the_box_parameters_first(known_box):
    x, y = known_box
    scores = feature_scores(x, y, seed=1)
    assert set(scores["parameter"].iloc[:2]) == {"x1", "x2"}
    assert scores["score"].sum() == pytest.approx(1.0)


def test_a_missing_run_directory_is_a_one_line_error(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert datarovers("discover", missing, "--outcome", "mean_disclosure", "--above", 0.9) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(missing) in err and "Traceback" not in err


SWEEP = """
name = "tiny-sample"
root_seed = 3
replications = 1
steps = 5
[fixed]
n_citizens = 60
[sample]
method = "latin"
n = 24
bounds = { completeness_bonus = [0.0, 0.3], privacy_mu = [-4.0, -2.0] }
[outcomes]
final = ["mean_disclosure"]
"""


@pytest.fixture(scope="module")
def sampled_run(tmp_path_factory):
    from helpers import write

    from experiments.spec import load_spec
    from experiments.storage import run_directory

    root = tmp_path_factory.mktemp("discover")
    path = write(root, SWEEP)
    assert datarovers("sweep", path, "--results", root / "results", "--workers", "1") == 0
    return run_directory(load_spec(path), root / "results")


def test_discover_on_a_sweep_on_disk_writes_its_files(sampled_run, capsys):
    from experiments.storage import read_results

    frame = read_results(sampled_run)
    median = float(frame.loc[frame["step"] == 5, "mean_disclosure"].median())
    assert datarovers("discover", sampled_run, "--outcome", "mean_disclosure",
                      "--above", median) == 0
    out = capsys.readouterr().out
    assert "runs have mean_disclosure >=" in out and "feature scores:" in out
    written = next((sampled_run / "discovery").iterdir())
    assert {p.name for p in written.iterdir()} >= {"discovery.csv", "feature_scores.csv",
                                                    "discovery.html"}
    assert len(pd.read_csv(written / "feature_scores.csv")) == 2


def test_an_outcome_the_run_did_not_record_is_a_one_line_error(sampled_run, capsys):
    assert datarovers("discover", sampled_run, "--outcome", "gini_score", "--above", 0.5) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--outcome 'gini_score': not recorded by this run" in err
    assert "expected one of mean_disclosure" in err
