"""Summaries and figures read from a run directory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from scipy import stats
from sweep_helpers import TINY, sweep, write_spec

from experiments.cli import main
from experiments.errors import UsageError
from experiments.spec import load_spec
from experiments.storage import run_directory
from experiments.summarize import (
    describe,
    figure_across_grid,
    figure_heatmap,
    figure_over_time,
    load_results,
    point_summary,
    series_summary,
)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A finished TINY sweep (4 points x 2 replications), shared by this module's tests."""
    tmp = tmp_path_factory.mktemp("tiny")
    spec = write_spec(tmp, TINY.replace("replications = 2", "replications = 3"))
    assert sweep(spec, "--results", tmp / "results", "--workers", "2") == 0
    return spec, run_directory(load_spec(spec), tmp / "results")


def test_describe_gives_the_student_t_interval():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 10.0, 20.0])
    groups = pd.Series(["a", "a", "a", "a", "b", "b"])
    table = describe(values.groupby(groups))
    half = stats.t.ppf(0.975, 3) * np.std([1, 2, 3, 4], ddof=1) / 2
    assert table.loc["a", "n"] == 4 and table.loc["a", "mean"] == 2.5
    assert table.loc["a", "ci_low"] == pytest.approx(2.5 - half, rel=1e-12)
    assert table.loc["a", "ci_high"] == pytest.approx(2.5 + half, rel=1e-12)
    assert half == pytest.approx(2.054, abs=1e-3)  # t(0.975, 3) = 3.182, sd = 1.291
    single = describe(pd.Series([5.0]).groupby(pd.Series(["c"])))
    assert single.loc["c", "mean"] == 5.0 and np.isnan(single.loc["c", "ci_low"])


def test_point_summary_matches_the_raw_rows(tiny_run):
    results = load_results(tiny_run[1])
    summary = point_summary(results)
    assert set(summary["outcome"]) == {"mean_disclosure", "sharing_rate", "gini_score"}
    assert (summary["n"] == 3).all() and len(summary) == 4 * 3
    last = results.frame[results.frame["step"] == 12]
    row = summary[(summary["point"] == 2) & (summary["outcome"] == "gini_score")].iloc[0]
    raw = last.loc[last["point"] == 2, "gini_score"]
    assert row["mean"] == pytest.approx(raw.mean()) and row["sd"] == pytest.approx(raw.std())
    assert row["completeness_bonus"] == 0.2 and row["inference_skepticism"] == 0.0


def test_series_summary_covers_every_recorded_step(tiny_run):
    series = series_summary(load_results(tiny_run[1]))
    assert sorted(series["step"].unique()) == [0, 5, 10, 12]
    assert set(series["outcome"]) == {"mean_disclosure", "sharing_rate"}  # not final ones


def test_figures_are_plotly_figures_built_from_saved_results(tiny_run):
    results = load_results(tiny_run[1])
    points, series = point_summary(results), series_summary(results)
    over_time = figure_over_time(series, "sharing_rate", results.factors)
    assert isinstance(over_time, go.Figure)
    lines = [t for t in over_time.data if t.mode == "lines"]
    assert len(lines) == 4  # one per point, each with its band
    first = series[(series["point"] == 0) & (series["outcome"] == "sharing_rate")]
    np.testing.assert_array_equal(lines[0].y, first["mean"])
    # one panel per inference_skepticism value, coloured by completeness_bonus
    assert [a.text for a in over_time.layout.annotations] == [
        "Inference skepticism λ = 0", "Inference skepticism λ = 1"]
    # human-readable axis titles, never a column name
    assert over_time.layout.xaxis.title.text == "Step"
    assert over_time.layout.yaxis.title.text == "Share showing their score"
    assert over_time.layout.legend.title.text == "Completeness bonus β"
    assert over_time.layout.template.layout.font.family.startswith("Arial")
    assert {lines[0].line.color, lines[1].line.color} != {lines[2].line.color}
    across = figure_across_grid(points, "gini_score", results.factors)
    assert len(across.data) == 2  # x = bonus, one line per skepticism value
    assert across.layout.xaxis.title.text == "Completeness bonus β"
    heat = figure_heatmap(points, "mean_disclosure", results.factors)
    assert np.asarray(heat.data[0].z).shape == (2, 2)
    assert heat.layout.yaxis.title.text == "Inference skepticism λ"
    with pytest.raises(ValueError, match="expected exactly two"):
        figure_heatmap(points, "mean_disclosure", results.factors[:1])


def test_summarize_command_writes_csv_and_html(tiny_run, capsys):
    directory = tiny_run[1]
    assert main(["summarize", str(directory)]) == 0
    out = capsys.readouterr().out
    assert "mean ± 95 % CI over 3 replications at step 12" in out
    csv = pd.read_csv(directory / "summary.csv")
    assert list(csv.columns) == ["point", "completeness_bonus", "inference_skepticism",
                                 "outcome", "n", "mean", "sd", "ci_low", "ci_high"]
    html = directory / "figures" / "sharing_rate_over_time.html"
    assert html.exists() and (directory / "figures" / "plotly.min.js").exists()
    assert 'src="plotly.min.js"' in html.read_text()  # opens offline


def test_summarize_accepts_the_spec_file(tiny_run, capsys):
    spec, directory = tiny_run
    assert main(["summarize", str(spec), "--results", str(directory.parent.parent)]) == 0
    assert str(directory / "summary.csv") in capsys.readouterr().out.replace("\n", "")


def test_summarize_of_a_directory_that_is_no_run_is_a_usage_error(tmp_path, capsys):
    assert main(["summarize", str(tmp_path)]) == 2
    assert "no manifest.json; expected a run directory of datarovers sweep" in \
        capsys.readouterr().err
    with pytest.raises(UsageError, match=r"no manifest\.json"):
        load_results(tmp_path)


def test_png_export_of_chosen_figures(tiny_run, tmp_path, capsys):
    directory = tiny_run[1]
    assert main(["summarize", str(directory), "--png", str(tmp_path / "png"),
                 "--figure", "sharing_rate_heatmap"]) == 0
    images = list((tmp_path / "png").iterdir())
    assert [p.name for p in images] == ["tiny_sharing_rate_heatmap.png"]
    assert images[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["summarize", str(directory), "--png", str(tmp_path / "png"),
                 "--figure", "sharing_rate_heatmapp"]) == 2
    assert "no such figure in this run; expected one of" in capsys.readouterr().err
    assert main(["summarize", str(directory), "--figure", "sharing_rate_heatmap"]) == 2


def test_sampled_designs_get_one_panel_per_factor():
    from experiments.summarize import figure_sampled

    points = pd.DataFrame({"point": [0, 1, 2], "bonus": [0.1, 0.2, 0.05],
                           "skepticism": [0.9, 0.1, 0.5], "outcome": "sharing_rate",
                           "n": 2, "mean": [0.8, 0.3, 0.5], "sd": 0.1,
                           "ci_low": [0.7, 0.2, 0.4], "ci_high": [0.9, 0.4, 0.6]})
    figure = figure_sampled(points, "sharing_rate", ["bonus", "skepticism"])
    assert [list(t.x) for t in figure.data] == [[0.1, 0.2, 0.05], [0.9, 0.1, 0.5]]
    assert all(list(t.y) == [0.8, 0.3, 0.5] for t in figure.data)
    assert figure.layout.xaxis2.title.text == "Skepticism"  # plain words without a label


def test_summarize_of_a_missing_directory_says_so_in_one_line(tmp_path, capsys):
    missing = tmp_path / "no-such-run"
    assert main(["summarize", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == (f"datarovers summarize: error: {missing}: no such directory; expected a run "
                   "directory of datarovers sweep (results/<name>/<spec hash>) or of datarovers "
                   "run (results/runs/<time>-seed<seed>)\n")
