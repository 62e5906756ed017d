"""Running sweeps: seeds, rows, executors, failures and retries."""

from __future__ import annotations

import concurrent.futures as cf
import json
import re

import numpy as np
import pandas as pd
import pytest
from sweep_helpers import TINY, DyingOnce, sweep, write_spec

from experiments.spec import load_spec
from experiments.storage import read_results, run_directory
from experiments.sweep import TaskResult, TaskRunner, build_tasks, run_tasks, task_seeds
from simulation import DisclosureModel


def test_task_seeds_are_spawned_by_index_and_differ():
    seeds = task_seeds(2015, 6)
    child = np.random.SeedSequence(2015).spawn(6)[4]
    assert seeds[4] == int(child.generate_state(1, np.uint64)[0]) >> 1
    assert seeds == task_seeds(2015, 6)
    assert len(set(seeds)) == 6 and all(0 <= s < 2**63 for s in seeds)
    assert task_seeds(2016, 6) != seeds


def test_tasks_are_point_major_with_canonical_columns(tiny_spec):
    tasks = build_tasks(load_spec(tiny_spec))
    assert [(t.index, t.point, t.replication) for t in tasks[:3]] == [(0, 0, 0), (1, 0, 1),
                                                                     (2, 1, 0)]
    assert tasks[3].columns == {"completeness_bonus": 0.0, "inference_skepticism": 1.0}
    assert isinstance(tasks[3].columns["inference_skepticism"], float)


def test_task_rows_reproduce_a_direct_run_with_the_task_seed(tiny_spec):
    spec = load_spec(tiny_spec)
    task = build_tasks(spec)[5]
    result = TaskRunner.from_spec(spec)(task)
    assert result.error is None
    rows = result.frame
    assert list(rows["step"]) == [0, 5, 10, 12]
    direct = DisclosureModel(rng=task.seed, n_citizens=100, **task.values)
    direct.run_for(12)
    expected = direct.dataframe()
    np.testing.assert_array_equal(rows["mean_disclosure"], expected.loc[[0, 5, 10, 12],
                                                                        "mean_disclosure"])
    assert rows["gini_score"].iloc[-1] == expected.at[12, "gini_score"]
    assert rows["gini_score"].iloc[:-1].isna().all()  # final outcomes: last step only
    assert (rows["seed"] == task.seed).all() and (rows["task"] == 5).all()
    other = TaskRunner.from_spec(spec)(build_tasks(spec)[4]).frame  # same point, other seed
    assert not np.array_equal(other["mean_disclosure"], rows["mean_disclosure"])


def test_same_spec_gives_identical_datasets_on_every_executor(tiny_spec, tmp_path, capsys):
    spec = load_spec(tiny_spec)
    frames = {}
    for label, flags in {"pool": ["--workers", "2"], "one worker": ["--workers", "1"],
                         "dask": ["--local-cluster", "--workers", "2"]}.items():
        root = tmp_path / label.replace(" ", "-")
        assert sweep(tiny_spec, "--results", root, *flags) == 0
        frames[label] = pd.read_parquet(run_directory(spec, root) / "results.parquet")
    capsys.readouterr()
    reference = frames["pool"]
    assert len(reference) == spec.n_tasks * len(spec.recorded_steps())
    assert not reference.duplicated(["task", "step"]).any()
    pd.testing.assert_frame_equal(frames["one worker"], reference)
    pd.testing.assert_frame_equal(frames["dask"], reference)


#: Half the points read an edge list that exists (so the spec validates) but is malformed: the
#: model raises in those tasks only.
FAILING = TINY.replace("inference_skepticism = [0.0, 1.0]",
                       'network = ["watts_strogatz", "edge_list"]').replace(
    "n_citizens = 100", 'n_citizens = 100\nedge_list = "EDGES"')


def test_a_failing_point_is_reported_and_the_others_complete(tmp_path, capsys):
    edges = tmp_path / "friends.txt"
    edges.write_text("a b\nc d e f\n")  # line 2 has four fields
    spec_path = write_spec(tmp_path, FAILING.replace("EDGES", str(edges)))
    spec = load_spec(spec_path)
    assert sweep(spec_path, "--results", tmp_path / "results", "--workers", "2") == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert f"NetworkFileError: edge_list: {str(edges)!r} line 2" in err
    assert "4 of 8 tasks failed" in err and "run again" in err
    directory = run_directory(spec, tmp_path / "results")
    manifest = json.loads((directory / "manifest.json").read_text())
    status = {t["task"]: t["status"] for t in manifest["tasks"]}
    network = {t.index: t.values["network"] for t in build_tasks(spec)}
    assert {i for i, s in status.items() if s == "failed"} == {
        i for i, kind in network.items() if kind == "edge_list"}
    assert all("NetworkFileError" in t["error"] for t in manifest["tasks"]
               if t["status"] == "failed")
    assert manifest["status"] == "failed"
    done = read_results(directory)
    assert sorted(done["task"].unique()) == sorted(i for i, s in status.items() if s == "done")
    assert not (directory / "results.parquet").exists()


class FlakyExecutor(cf.ThreadPoolExecutor):
    """Fails task 1's first submission the way a lost worker does."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.submissions: list[int] = []

    def submit(self, fn, task):
        self.submissions.append(task.index)
        if task.index == 1 and self.submissions.count(1) == 1:
            future: cf.Future = cf.Future()
            future.set_exception(ConnectionError("worker lost"))
            return future
        return super().submit(fn, task)


def test_an_executor_failure_is_retried(tiny_spec):
    spec = load_spec(tiny_spec)
    results: list[TaskResult] = []
    with FlakyExecutor() as executor:
        run_tasks(build_tasks(spec), TaskRunner.from_spec(spec), executor, results.append,
                  slots=2)
    assert sorted(r.index for r in results) == list(range(spec.n_tasks))
    assert all(r.error is None for r in results)
    assert executor.submissions.count(1) == 2


def test_an_executor_failing_every_attempt_becomes_a_failed_task(tiny_spec):
    spec = load_spec(tiny_spec)

    class Broken(cf.ThreadPoolExecutor):
        def submit(self, fn, task):
            future: cf.Future = cf.Future()
            future.set_exception(ConnectionError("scheduler gone"))
            return future

    results: list[TaskResult] = []
    with Broken() as executor:
        run_tasks(build_tasks(spec)[:2], TaskRunner.from_spec(spec), executor, results.append,
                  slots=1, max_attempts=2)
    assert [r.index for r in results] == [0, 1]
    assert all("ConnectionError: scheduler gone" in r.error and "2 attempts" in r.error
               for r in results)


@pytest.mark.slow
def test_a_lost_dask_worker_task_is_rerun(tiny_spec, tmp_path):
    from distributed import Client, LocalCluster

    spec = load_spec(tiny_spec)
    runner = DyingOnce(TaskRunner.from_spec(spec), tmp_path / "died")
    results: list[TaskResult] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        run_tasks(build_tasks(spec), runner, client.get_executor(pure=False), results.append,
                  slots=2)
    assert (tmp_path / "died").exists()  # a worker really died
    assert sorted(r.index for r in results) == list(range(spec.n_tasks))
    assert all(r.error is None for r in results)


def test_an_unreachable_cluster_is_a_usage_error(tiny_spec, tmp_path, capsys, monkeypatch):
    import socket

    import experiments.sweep

    monkeypatch.setattr(experiments.sweep, "CONNECT_TIMEOUT", "1s")
    with socket.socket() as probe:  # a local port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    assert sweep(tiny_spec, "--results", tmp_path, "--cluster", address) == 2
    assert f"--cluster '{address}': cannot connect" in capsys.readouterr().err


def test_a_full_disk_stops_the_sweep_with_a_clear_error(tiny_spec, tmp_path, capsys,
                                                        monkeypatch):
    import errno

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    assert sweep(tiny_spec, "--results", tmp_path, "--workers", "1") == 2
    err = capsys.readouterr().err
    assert re.search(r"cannot write .*task-00000\d\.parquet \(No space left on device\); "
                     r"the 0 finished tasks are saved", err)
    directory = run_directory(load_spec(tiny_spec), tmp_path)
    assert not list((directory / "tasks").iterdir())  # no temporary file left behind
    assert "run again to resume" in err
    assert json.loads((directory / "manifest.json").read_text())["status"] == "interrupted"


def test_scheduled_events_reach_the_model(tmp_path):
    event = '\n[[events]]\nstep = 3\ntarget = "completeness_bonus"\nset = 0.6\n'
    plain = load_spec(write_spec(tmp_path, TINY, "plain.toml"))
    bonus = load_spec(write_spec(tmp_path, TINY + event, "event.toml"))
    task = build_tasks(plain)[0]  # completeness_bonus = 0 until the event
    before = TaskRunner.from_spec(plain)(task).frame
    after = TaskRunner.from_spec(bonus)(build_tasks(bonus)[0]).frame
    assert build_tasks(bonus)[0].seed == task.seed  # same root seed, same task: same seed
    assert before["mean_disclosure"].iloc[0] == after["mean_disclosure"].iloc[0]  # same start
    assert after["mean_disclosure"].iloc[-1] > before["mean_disclosure"].iloc[-1] + 0.05


def test_pool_workers_start_with_the_model_and_its_kernels_loaded():
    from experiments.workers import process_pool

    check = "__import__('sys').modules.keys() >= {'simulation.model', 'experiments.warm'}"
    with process_pool(1) as pool:
        assert pool.submit(eval, check).result() is True


@pytest.mark.parametrize(("argv", "local"), [
    (["sweep", "x.toml"], True),
    (["sweep", "x.toml", "--dry-run"], False),
    (["sweep", "x.toml", "--local-cluster"], False),
    (["compare", "x.toml", "--cluster", "tcp://127.0.0.1:8786"], False),
    (["tipping", "x.toml"], True),
    (["summarize", "x"], False),
    (["run"], False),
])
def test_the_pool_is_started_early_only_for_commands_that_use_it(argv, local):
    from experiments.cli import build_parser, uses_local_pool

    assert uses_local_pool(build_parser().parse_args(argv)) is local
