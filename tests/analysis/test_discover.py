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
