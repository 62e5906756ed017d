"""Scenario discovery: PRIM recovers a known box, extra trees rank its parameters, the command.

What is validated and why the tolerances are what they are:

* A known box: x1, x2, x3 uniform on [0, 1] (2000 points, seed 12), of interest exactly where
  x1 > 0.7 and x2 < 0.3 (163 cases, 8 %). PRIM peels 5 % quantile slices, so its limits can
  miss the true ones by about one slice of the remaining box's range, 0.05 at most: the test
  asserts the limits within 0.05 (measured: x1 >= 0.7002, x2 <= 0.2946, x3 unrestricted),
  density >= 0.95 and coverage >= 0.95 (measured 1.0 and 0.994), a single box (after it, no
  case of interest is left to beat the base rate), and extra-trees scores ranking x1 and x2
  (measured 0.44, 0.45) above the irrelevant x3 (0.11) by a factor of 2 at least.
* The command end to end on a small Latin hypercube sweep (60 runs of 200 citizens for 40
  steps): exit status 0, the CSVs with the promised columns, the figure, the summary line;
  the threshold is the median final mean_disclosure, so about half the runs are of interest.
* Bad input through the command line: exit status 2 without a traceback and the error on one
  line naming the run directory or the flag. ``--above`` and ``--below`` together, or neither,
  are refused by argparse (its usage line, then the one-line error).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import datarovers, write

from experiments.analysis.discover import (
    BOX_COLUMNS,
    discover_cases,
    feature_scores,
    prim_boxes,
)
from experiments.errors import UsageError
from experiments.summarize import load_results


@pytest.fixture(scope="module")
def known_box():
    rng = np.random.default_rng(12)
    x = pd.DataFrame(rng.uniform(0, 1, (2000, 3)), columns=["x1", "x2", "x3"])
    return x, ((x["x1"] > 0.7) & (x["x2"] < 0.3)).to_numpy()


def test_prim_recovers_the_known_box_within_one_peel(known_box):
    x, y = known_box
    boxes = prim_boxes(x, y)
    assert list(boxes.columns) == list(BOX_COLUMNS)
    assert set(boxes["box"]) == {1}
    box = boxes.set_index("parameter")
    assert box.at["x1", "low"] == pytest.approx(0.7, abs=0.05)
    assert box.at["x2", "high"] == pytest.approx(0.3, abs=0.05)
    assert box.at["x1", "restricted"] and box.at["x2", "restricted"]
    assert not box.at["x3", "restricted"]
    assert box.at["x1", "high"] == pytest.approx(1.0, abs=0.01)
    assert box.at["x2", "low"] == pytest.approx(0.0, abs=0.01)
    first = boxes.iloc[0]
    assert first["density"] >= 0.95 and first["coverage"] >= 0.95
    assert first["runs"] == pytest.approx(0.3 * 0.3 * 2000, rel=0.2)


def test_feature_scores_rank_the_box_parameters_above_the_irrelevant_one(known_box):
    x, y = known_box
    scores = feature_scores(x, y, seed=1).set_index("parameter")["score"]
    assert scores.sum() == pytest.approx(1.0)
    assert min(scores["x1"], scores["x2"]) > 2 * scores["x3"]


def test_discover_cases_states_the_criterion_and_counts(known_box):
    x, y = known_box
    found = discover_cases(x, y.astype(float), "y", above=0.5)
    assert (found.criterion, found.cases, found.of_interest) == ("y >= 0.5", 2000, int(y.sum()))
    assert found.boxes.equals(prim_boxes(x, y))
    assert list(found.scores["parameter"][2:]) == ["x3"]
    below = discover_cases(x, y.astype(float), "y", below=0.5)
    assert below.of_interest == 2000 - int(y.sum())
    for flags in ({}, {"above": 0.5, "below": 0.5}):
        with pytest.raises(UsageError, match="expected exactly one of --above X or --below X"):
            discover_cases(x, y, "y", **flags)


SWEEP = """
name = "disc"
root_seed = 1999
replications = 1
steps = 40

[fixed]
n_citizens = 200

[sample]
method = "latin"
n = 60

[sample.bounds]
completeness_bonus = [0.0, 0.3]
privacy_mu = [-4.0, -2.0]
inference_skepticism = [0.0, 1.0]

[outcomes]
final = ["mean_disclosure", "sharing_rate"]
"""


@pytest.fixture(scope="module")
def sampled_run(tmp_path_factory):
    """A finished Latin hypercube sweep on disk: its run directory and final mean_disclosure."""
    directory = tmp_path_factory.mktemp("discover")
    path = write(directory, SWEEP)
    assert datarovers("sweep", path, "--results", directory / "results", "--workers", "2") == 0
    (run_dir,) = (directory / "results" / "disc").iterdir()
    frame = load_results(run_dir).frame
    return run_dir, frame.loc[frame["step"] == frame["step"].max(), "mean_disclosure"]


def test_the_command_writes_the_boxes_the_scores_and_the_figure(sampled_run, capsys):
    run_dir, final = sampled_run
    threshold = round(float(final.median()), 4)
    hits = int((final >= threshold).sum())
    assert 0 < hits < len(final) == 60
    assert datarovers("discover", run_dir, "--outcome", "mean_disclosure",
                      "--above", threshold) == 0
    out = capsys.readouterr().out
    assert f"{hits} of 60 runs have mean_disclosure >= {threshold:g}" in out
    where = run_dir / "discovery" / f"mean_disclosure_above_{threshold:g}"
    boxes = pd.read_csv(where / "discovery.csv")
    assert list(boxes.columns) == list(BOX_COLUMNS) and not boxes.empty
    assert set(boxes["parameter"]) == {"completeness_bonus", "privacy_mu",
                                       "inference_skepticism"}
    assert (boxes["density"] > hits / 60).all()
    scores = pd.read_csv(where / "feature_scores.csv")
    assert scores["score"].sum() == pytest.approx(1.0)
    assert (where / "discovery.html").stat().st_size > 0


@pytest.mark.parametrize(("argv", "message"), [
    (["--outcome", "gini_score", "--above", "0.5"],
     "--outcome 'gini_score': not recorded by this run; expected one of mean_disclosure"),
    (["--outcome", "mean_disclosure", "--above", "2"],
     "--above 2: 0 of 60 runs have mean_disclosure >= 2; expected a threshold inside"),
    (["--outcome", "mean_disclosure", "--below", "2"],
     "--below 2: 60 of 60 runs have mean_disclosure <= 2; expected a threshold inside"),
])
def test_bad_outcomes_and_thresholds_are_one_line_errors(sampled_run, capsys, argv, message):
    run_dir = sampled_run[0]
    before = sorted(p.name for p in run_dir.iterdir())
    assert datarovers("discover", run_dir, *argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert sorted(p.name for p in run_dir.iterdir()) == before  # nothing written


def test_a_run_directory_that_does_not_exist_is_a_one_line_error(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert datarovers("discover", missing, "--outcome", "mean_disclosure",
                      "--above", "0.9") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(missing) in err and "expected a run directory" in err
    assert not missing.exists()


@pytest.mark.parametrize(("flags", "message"), [
    (["--above", "0.5", "--below", "0.3"], "argument --below: not allowed with argument --above"),
    ([], "one of the arguments --above --below is required"),
])
def test_both_or_neither_threshold_flags_exit_2(tmp_path, capsys, flags, message):
    with pytest.raises(SystemExit) as caught:
        datarovers("discover", tmp_path, "--outcome", "mean_disclosure", *flags)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err == (f"datarovers discover: error: {message} (see datarovers discover "
                   "--help)\n")
