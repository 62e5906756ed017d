"""Stopping and resuming: kill -9, SIGTERM, reruns, changed specs. Nothing lost or mixed."""

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
from sweep_helpers import TINY, sweep, write_spec

from experiments.errors import UsageError
from experiments.provenance import REPO_ROOT
from experiments.spec import load_spec
from experiments.storage import RunStore, run_directory
from experiments.sweep import build_tasks, task_table

#: 24 tasks of a few hundredths of a second: long enough to stop in the middle.
RESUMABLE = TINY.replace("replications = 2", "replications = 6").replace(
    "steps = 12", "steps = 40").replace("n_citizens = 100", "n_citizens = 300")
#: Generous guard against a hung subprocess (not a performance limit).
HANG_GUARD = 120.0


def start_sweep(spec: Path, root: Path, tmp_path: Path) -> subprocess.Popen:
    """``datarovers sweep`` in a child process with its own process group, one worker."""
    with (tmp_path / "stderr.log").open("w") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [sys.executable, "-m", "experiments.cli", "sweep", str(spec), "--results", str(root),
             "--workers", "1"], cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=log,
            start_new_session=True)


def wait_for_tasks(directory: Path, count: int, proc: subprocess.Popen) -> None:
    """Poll until ``count`` task files exist."""
    deadline = time.monotonic() + HANG_GUARD
    while len(list((directory / "tasks").glob("task-*.parquet"))) < count:
        if proc.poll() is not None:
            raise AssertionError(f"the sweep ended (status {proc.returncode}) before {count} "
                                 "tasks finished")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError("the sweep hung")
        time.sleep(0.005)


def group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies awaiting their reaper do not)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def wait_until_group_ends(pgid: int) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(pgid), "worker processes outlived the sweep"


def finished_files(directory: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (directory / "tasks").glob("task-*.parquet")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pd.DataFrame:
    """The dataset of an uninterrupted run of RESUMABLE."""
    tmp = tmp_path_factory.mktemp("reference")
    spec = write_spec(tmp, RESUMABLE)
    assert sweep(spec, "--results", tmp / "results", "--workers", "2") == 0
    return pd.read_parquet(run_directory(load_spec(spec), tmp / "results") / "results.parquet")


def test_kill_9_then_rerun_gives_the_uninterrupted_dataset(tmp_path, reference, capsys):
    spec_path = write_spec(tmp_path, RESUMABLE)
    spec = load_spec(spec_path)
    root = tmp_path / "results"
    directory = run_directory(spec, root)
    proc = start_sweep(spec_path, root, tmp_path)
    wait_for_tasks(directory, 3, proc)
    proc.kill()  # kill -9 of the sweep process; its workers notice and exit
    proc.wait()
    wait_until_group_ends(proc.pid)
    survivors = finished_files(directory)
    assert 3 <= len(survivors) < spec.n_tasks
    assert not (directory / "results.parquet").exists()

    assert sweep(spec_path, "--results", root, "--workers", "2") == 0
    assert f"resuming {directory}: {len(survivors)} of {spec.n_tasks}" in capsys.readouterr().err
    after = finished_files(directory)
    assert {name: after[name] for name in survivors} == survivors  # skipped, not rewritten
    assert not list((directory / "tasks").glob(".*"))  # no temporary file left
    final = pd.read_parquet(directory / "results.parquet")
    assert not final.duplicated(["task", "step"]).any()
    pd.testing.assert_frame_equal(final, reference)
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["status"] == "completed"
    assert all(t["status"] == "done" for t in manifest["tasks"])


def test_sigterm_stops_cleanly_keeps_finished_tasks_and_says_how_to_resume(
        tmp_path, reference):
    spec_path = write_spec(tmp_path, RESUMABLE)
    spec = load_spec(spec_path)
    root = tmp_path / "results"
    directory = run_directory(spec, root)
    proc = start_sweep(spec_path, root, tmp_path)
    wait_for_tasks(directory, 2, proc)
    proc.send_signal(signal.SIGTERM)  # the driving process only
    assert proc.wait(timeout=HANG_GUARD) == 128 + signal.SIGTERM
    err = (tmp_path / "stderr.log").read_text()
    assert "stopped by SIGTERM" in err
    assert f"to resume, run again: datarovers sweep {spec_path} --results {root}" in err
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    done = {t["task"] for t in manifest["tasks"] if t["status"] == "done"}
    assert done == {int(n[5:11]) for n in finished_files(directory)}
    wait_until_group_ends(proc.pid)

    assert sweep(spec_path, "--results", root, "--workers", "2") == 0
    pd.testing.assert_frame_equal(pd.read_parquet(directory / "results.parquet"), reference)
    assert len(json.loads((directory / "manifest.json").read_text())["sessions"]) == 2


def test_rerunning_a_finished_spec_runs_nothing(tiny_spec, tmp_path, capsys):
    root = tmp_path / "results"
    assert sweep(tiny_spec, "--results", root) == 0
    directory = run_directory(load_spec(tiny_spec), root)
    before = finished_files(directory)
    assert sweep(tiny_spec, "--results", root) == 0
    assert finished_files(directory) == before
    assert "all 8 tasks of this spec already finished" in capsys.readouterr().err


def test_a_changed_spec_gets_its_own_directory(tiny_spec, tmp_path):
    root = tmp_path / "results"
    assert sweep(tiny_spec, "--results", root) == 0
    changed = write_spec(tmp_path, TINY.replace("steps = 12", "steps = 10"), "changed.toml")
    assert sweep(changed, "--results", root) == 0
    first, second = (run_directory(load_spec(p), root) for p in (tiny_spec, changed))
    assert first != second and first.parent == second.parent
    assert pd.read_parquet(first / "results.parquet")["step"].max() == 12
    assert pd.read_parquet(second / "results.parquet")["step"].max() == 10


def test_a_directory_of_another_spec_is_refused(tiny_spec, tmp_path):
    spec = load_spec(tiny_spec)
    directory = run_directory(spec, tmp_path)
    RunStore(directory, spec, task_table(build_tasks(spec))).save_manifest()
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["spec_hash"] = "0123456789ab"
    (directory / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(UsageError, match="holds the results of another spec"):
        RunStore(directory, spec, task_table(build_tasks(spec)))


def test_dry_run_writes_nothing(tiny_spec, tmp_path, capsys):
    assert sweep(tiny_spec, "--results", tmp_path / "results", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "4 points x 2 replications = 8 tasks" in out
    assert not (tmp_path / "results").exists()


def test_bad_spec_on_the_command_line_exits_2_with_one_line(tmp_path, capsys):
    path = write_spec(tmp_path, TINY.replace("[0.0, 1.0]", "[0.0, 2.0]"))
    assert sweep(path, "--results", tmp_path / "results") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "inference_skepticism: got 2.0" in err
    assert not (tmp_path / "results").exists()  # stopped before anything started


def test_unwritable_results_root_on_the_command_line_exits_2(tiny_spec, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x\n")
    assert sweep(tiny_spec, "--results", blocker) == 2
    assert "cannot write there" in capsys.readouterr().err


def test_sessions_on_different_code_are_flagged(tiny_spec, tmp_path, monkeypatch):
    import experiments.storage as storage

    spec = load_spec(tiny_spec)
    store = RunStore(run_directory(spec, tmp_path), spec, task_table(build_tasks(spec)))
    commits = iter(["aaa", "aaa", "bbb"])
    monkeypatch.setattr(storage, "environment",
                        lambda: {"code": {"commit": next(commits), "dirty": False}})
    store.begin_session("test", 1)
    assert not store.code_changed()  # a first session has nothing to differ from
    store.begin_session("test", 1)
    assert not store.code_changed()  # same clean commit
    store.begin_session("test", 1)
    assert store.code_changed()
    assert [s["code"]["commit"] for s in store.manifest["sessions"]] == ["aaa", "aaa", "bbb"]


def test_sessions_on_other_installed_files_are_flagged(tiny_spec, tmp_path, monkeypatch):
    import experiments.storage as storage

    spec = load_spec(tiny_spec)
    store = RunStore(run_directory(spec, tmp_path), spec, task_table(build_tasks(spec)))
    files = iter(["sha256:1", "sha256:1", "sha256:2"])
    monkeypatch.setattr(storage, "environment", lambda: {"code": {
        "source": "installed", "commit": None, "dirty": None, "files": next(files)}})
    store.begin_session("test", 1)
    store.begin_session("test", 1)
    assert not store.code_changed()  # the same installed files
    store.begin_session("test", 1)
    assert store.code_changed()


def test_finished_results_from_other_code_are_pointed_out(tiny_spec, tmp_path, monkeypatch):
    import experiments.storage as storage

    spec = load_spec(tiny_spec)
    store = RunStore(run_directory(spec, tmp_path), spec, task_table(build_tasks(spec)))
    assert store.code_now_differs() is None  # never run
    monkeypatch.setattr(storage, "environment",
                        lambda: {"code": {"commit": "a" * 40, "dirty": False}})
    store.begin_session("test", 1)
    monkeypatch.setattr(storage, "code_state", lambda: {"commit": "a" * 40, "dirty": False})
    assert store.code_now_differs() is None
    monkeypatch.setattr(storage, "code_state", lambda: {"commit": "b" * 40, "dirty": True})
    assert store.code_now_differs() == (
        "these results were computed with commit aaaaaaaaaa; the code is now commit bbbbbbbbbb "
        "with uncommitted changes")
    monkeypatch.setattr(storage, "code_state", lambda: {
        "commit": None, "files": "sha256:00ff", "version": "0.1.0"})
    assert store.code_now_differs() == (
        "these results were computed with commit aaaaaaaaaa; the code is now datarovers "
        "0.1.0 installed, files sha256:00ff")
