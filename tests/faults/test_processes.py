"""Killed, stopped and concurrent sweeps: one process per run directory, no finished work lost.

Each sweep here is a separate ``datarovers sweep`` process, killed or stopped from outside as a
user, a scheduler or the kernel's OOM killer would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from fault_helpers import SPEC, dataset, manifest

from experiments.storage import read_results

pytestmark = pytest.mark.xdist_group("faults-processes")

#: 16 tasks of about 0.3 s: long enough to be caught in the middle.
SLOW_SPEC = SPEC.replace('name = "faults"', 'name = "slow"').replace(
    "replications = 2", "replications = 8").replace("steps = 6", "steps = 100").replace(
    "n_citizens = 60", "n_citizens = 3000")
TIMEOUT = 120


def _start(spec: Path, results: Path, workers: int = 1) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "experiments.cli", "sweep", str(spec),
                             "--results", str(results), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen) -> tuple[int, str]:
    """Wait for a sweep process; its exit status and what it wrote to stderr."""
    _, err = process.communicate(timeout=TIMEOUT)
    return process.returncode, err


def _run_dir(results: Path, name: str = "slow") -> Path | None:
    folder = results / name
    found = list(folder.iterdir()) if folder.exists() else []
    return found[0] if found else None


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def _task_files(results: Path) -> int:
    directory = _run_dir(results)
    return len(list((directory / "tasks").glob("task-*.parquet"))) if directory else 0


@pytest.fixture(scope="module")
def slow(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """The slow spec and its uninterrupted dataset."""
    base = tmp_path_factory.mktemp("slow")
    spec = base / "slow.toml"
    spec.write_text(SLOW_SPEC)
    status, err = _finish(_start(spec, base / "results"))
    assert status == 0, err
    return spec, read_results(_run_dir(base / "results"))


@pytest.mark.slow
@pytest.mark.parametrize("after", [1, 8])
def test_kill_9_at_any_point_loses_nothing(slow, tmp_path, after):
    spec, reference = slow
    results = tmp_path / "results"
    first = _start(spec, results)
    _wait_for(lambda: _task_files(results) >= after or first.poll() is not None,
              f"{after} task files")
    first.send_signal(signal.SIGKILL)
    _finish(first)
    assert _task_files(results) < 16, "the sweep finished before it could be killed"
    status, err = _finish(_start(spec, results))
    assert status == 0, err
    pd.testing.assert_frame_equal(read_results(_run_dir(results)), reference)
    assert json.loads((_run_dir(results) / "manifest.json").read_text())["status"] == "completed"


def test_kill_9_during_consolidation_is_repaired(reference, finished):
    """What a kill during consolidation leaves: a temporary file and a session left running."""
    from fault_helpers import run_dir, sweep

    directory = run_dir(finished)
    (directory / "results.parquet").rename(directory / ".results.parquet.abc123.tmp")
    content = manifest(finished)
    content["status"] = "running"
    content["sessions"][-1]["status"] = "running"
    (directory / "manifest.json").write_text(json.dumps(content))
    assert sweep(reference[0], finished) == 0
    pd.testing.assert_frame_equal(dataset(finished), reference[1])
    assert manifest(finished)["status"] == "completed"
    assert not list(directory.glob(".*.tmp"))  # the half-written file is cleaned up


@pytest.mark.slow
@pytest.mark.parametrize(("stop", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_sweep_saves_its_tasks_and_resumes(slow, tmp_path, stop, status):
    spec, reference = slow
    results = tmp_path / "results"
    first = _start(spec, results)
    _wait_for(lambda: _task_files(results) >= 2 or first.poll() is not None, "2 task files")
    first.send_signal(stop)
    got, err = _finish(first)
    assert got == status and "to resume, run again" in err, err
    assert _finish(_start(spec, results))[0] == 0
    pd.testing.assert_frame_equal(read_results(_run_dir(results)), reference)


@pytest.mark.slow
def test_a_second_sweep_of_the_same_spec_exits_2_naming_the_first(slow, tmp_path):
    spec, reference = slow
    results = tmp_path / "results"
    first = _start(spec, results)
    _wait_for(lambda: (_run_dir(results) is not None
                       and (_run_dir(results) / ".lock-owner").exists())
              or first.poll() is not None, "the first sweep's lock")
    status, err = _finish(_start(spec, results))
    assert status == 2, err
    assert f"pid {first.pid}" in err and "another datarovers process is writing here" in err
    assert err.count("\n") == 1
    assert _finish(first)[0] == 0
    pd.testing.assert_frame_equal(read_results(_run_dir(results)), reference)
    # the second computed nothing: one session, every task once
    assert len(json.loads((_run_dir(results) / "manifest.json").read_text())["sessions"]) == 1


def test_a_lock_left_by_a_killed_process_never_blocks(reference, finished):
    from fault_helpers import run_dir, sweep

    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from experiments.spec import load_spec\n"
        "from experiments.storage import RunStore\n"
        "from experiments.sweep import build_tasks, task_table\n"
        "from pathlib import Path\n"
        f"spec = load_spec({str(reference[0])!r})\n"
        f"store = RunStore(Path({str(run_dir(finished))!r}), spec, task_table(build_tasks(spec)))\n"
        "print('held', flush=True)\n"
        "time.sleep(120)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert sweep(reference[0], finished) == 2  # held: refused
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=TIMEOUT)
        assert (run_dir(finished) / ".lock").exists()  # left behind, but not held
        assert sweep(reference[0], finished) == 0
        pd.testing.assert_frame_equal(dataset(finished), reference[1])
    finally:
        if holder.poll() is None:
            os.kill(holder.pid, signal.SIGKILL)
            holder.communicate(timeout=TIMEOUT)


def test_a_disk_that_fills_mid_sweep_loses_nothing_and_the_rerun_completes(reference, tmp_path,
                                                                          monkeypatch, capsys):
    import errno

    from fault_helpers import run_dir, sweep

    import experiments.storage as storage

    real = storage.atomic_write
    written = []

    def filling(path, write):
        if path.name.startswith("task-") and len(written) >= 2:
            raise storage.StorageError(f"cannot write {path} (No space left on device)") \
                from OSError(errno.ENOSPC, "No space left on device")
        real(path, write)
        if path.name.startswith("task-"):
            written.append(path)

    monkeypatch.setattr(storage, "atomic_write", filling)
    results = tmp_path / "results"
    assert sweep(reference[0], results) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "2 finished tasks are saved" in err, err
    assert len(list((run_dir(results) / "tasks").glob("task-*.parquet"))) == 2
    monkeypatch.setattr(storage, "atomic_write", real)
    assert sweep(reference[0], results) == 0
    pd.testing.assert_frame_equal(dataset(results), reference[1])
    assert manifest(results)["status"] == "completed"
