"""``datarovers summarize`` of one ``datarovers run``: its time series as CSV and a figure."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments.cli import main
from experiments.run_report import figure_run, load_run
from simulation import Params


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A 4-step run of 200 citizens with three thresholds."""
    out = tmp_path_factory.mktemp("single") / "run"
    assert main(["run", "--steps", "4", "--rng", "3", "--out", str(out),
                 "--set", "n_citizens=200", "--set", "thresholds=[600, 700, 800]",
                 "--set", "benefits=[1, 1, 1]"]) == 0
    return out


def test_summarize_writes_the_time_series_and_a_figure(run_dir, capsys):
    capsys.readouterr()
    assert main(["summarize", str(run_dir)]) == 0
    out = capsys.readouterr().out.replace("\n", "")
    assert "200 citizens, 4 steps" in out and str(run_dir / "timeseries.csv") in out
    table = pd.read_csv(run_dir / "timeseries.csv", index_col="step")
    stored = pd.read_parquet(run_dir / "timeseries.parquet")
    assert list(table.index) == [0, 1, 2, 3, 4]
    pd.testing.assert_frame_equal(table, stored, check_dtype=False, check_index_type=False,
                                  check_column_type=False, check_names=False)
    html = (run_dir / "figures" / "over_time.html").read_text()
    assert "Share with score \\u2265 800" in html  # plotly's JSON escapes the ≥
    assert 'src="plotly.min.js"' in html


def test_the_figure_draws_each_panel_from_the_runs_own_outputs(run_dir):
    record = load_run(run_dir)
    params = Params.resolve(record.manifest["params"], {})
    figure = figure_run(record.frame, params, "t")
    by_panel = {}
    for trace in figure.data:
        by_panel.setdefault(trace.legendgroup, []).append(trace.name)
        assert list(trace.y) == list(record.frame[_column(trace.name, record.frame)])
    assert by_panel["Share above each threshold"] == [
        "Share with score ≥ 600", "Share with score ≥ 700", "Share with score ≥ 800"]
    assert len(by_panel["Disclosure and sharing"]) == 4 and len(by_panel["Score"]) == 2


def _column(name: str, frame: pd.DataFrame) -> str:
    from experiments.analysis.labels import label

    (column,) = [c for c in frame.columns if label(c) == name]
    return column


def test_png_of_a_single_run(run_dir, tmp_path):
    assert main(["summarize", str(run_dir), "--png", str(tmp_path)]) == 0
    (image,) = tmp_path.iterdir()
    assert image.name == "run_over_time.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_figure_names_are_for_sweeps_only(run_dir, tmp_path, capsys):
    assert main(["summarize", str(run_dir), "--png", str(tmp_path), "--figure", "x"]) == 2
    assert "a single run has one figure" in capsys.readouterr().err


def test_a_run_without_its_time_series_is_one_clear_line(run_dir, tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text((run_dir / "manifest.json").read_text())
    assert main(["summarize", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "timeseries.parquet: unreadable" in err


def test_another_kind_of_directory_is_named(tmp_path, capsys):
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "datarovers paper"}))
    assert main(["summarize", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "kind 'datarovers paper'" in err and "results/runs/<time>-seed<seed>" in err


def test_a_bundled_spec_name_summarises_its_run_directory(tmp_path, capsys):
    assert main(["summarize", "incentives", "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err  # not run yet: its directory is named
    assert f"{tmp_path / 'incentives'}/" in err and "no such directory" in err
