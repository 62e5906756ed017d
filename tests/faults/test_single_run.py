"""``datarovers run`` keeps its finished steps when stopped, and never discards a run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

TIMEOUT = 120


@pytest.mark.slow
@pytest.mark.parametrize(("stop", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_run_keeps_its_finished_steps(tmp_path, stop, status):
    out = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-m", "experiments.cli", "run", "--steps",
                                "100000", "--rng", "1", "--out", str(out), "--set",
                                "n_citizens=20000"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(8)  # imports and some steps
    process.send_signal(stop)
    _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == status, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["stopped_by"] == signal.Signals(stop).name
    steps = manifest["steps_completed"]
    assert steps > 0 and len(pd.read_parquet(out / "timeseries.parquet")) == steps + 1
    assert f"the {steps} finished steps are saved in {out}" in err and "Traceback" not in err


def test_identical_runs_at_the_same_moment_get_their_own_directories(tmp_path):
    from experiments.single_run import execute, prepare

    out = tmp_path / "runs" / "20261203T120000Z-seed5"
    first = prepare({"n_citizens": 50}, 5, out)
    second = prepare({"n_citizens": 50}, 5, out)  # same name: both validated before either ran
    written = [execute(first, 3).directory, execute(second, 3).directory]
    assert written == [out, out.with_name(out.name + "-2")]
    for directory in written:
        assert json.loads((directory / "manifest.json").read_text())["status"] == "completed"
    pd.testing.assert_frame_equal(pd.read_parquet(written[0] / "timeseries.parquet"),
                                  pd.read_parquet(written[1] / "timeseries.parquet"))


def test_concurrent_runs_with_the_same_seed_all_keep_their_results(tmp_path):
    processes = [subprocess.Popen([sys.executable, "-m", "experiments.cli", "run", "--steps",
                                   "2", "--rng", "9", "--set", "n_citizens=50"],
                                  cwd=tmp_path, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=TIMEOUT)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 4, errors
    runs = sorted((tmp_path / "results" / "runs").iterdir())
    assert len(runs) == 4, runs
    assert all((run / "manifest.json").exists() for run in runs)


def test_a_run_that_cannot_be_written_is_one_line(tmp_path, monkeypatch, capsys):
    import experiments.single_run as single_run
    from experiments.cli import main

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(single_run.pd.DataFrame, "to_parquet", full_disk)
    assert main(["run", "--steps", "2", "--rng", "1", "--set", "n_citizens=50", "--out",
                 str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()  # (the progress bar leaves an empty line)
    assert err.count("\n") == 0 and "No space left on device" in err
    assert not any(Path(tmp_path).glob(".run.*"))  # no temporary directory left behind
