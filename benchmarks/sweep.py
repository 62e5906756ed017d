"""Parallel efficiency, per-task overhead and driver memory of ``datarovers sweep``.

Measured through the real path: tasks built from a spec, run by ``TaskRunner`` on an executor,
each result written by ``RunStore.record`` (an atomic Parquet file per task) in the driving
process.

* Parallel efficiency E = T(1 worker) / (W * T(W workers)) on all W cores, for tasks of about
  1 s and about 0.1 s (the model's step count is calibrated on this machine). T is the wall time
  of ``run_tasks`` on a warm pool (pool start-up is reported apart, and E including it too).
  Targets (issue 5): E >= 0.85 for 1 s tasks, E >= 0.70 for 0.1 s tasks. Other processes on a
  shared machine take cores away; the cores they kept busy during T(W) are measured from
  ``/proc`` and reported, with E on the cores left free, T(1) / ((W - others) * T(W)).
* Per-task overhead: wall time per no-op task on one worker of a process pool and of a Dask
  LocalCluster (submit, pickle, return), and the driver's cost of writing one task's Parquet.
* Memory: the driver's peak resident memory for sweeps of growing task counts, each in a fresh
  process (its own ``ru_maxrss``); results stream to disk, so it should stay flat.
* The default experiment's overhead: the wall time of ``datarovers sweep incentives`` as a user
  runs it (a fresh process: interpreter, imports, pool, every task, the consolidated dataset),
  against the same 300 tasks run back to back in one warm process, divided by the workers:
  overhead ratio = T(command) / (T(in-process) / W). Target (issue 13): at most 1.2. The two
  alternate ``--repeats`` times and the best of each is kept.

Prints a table; the last line is one JSON object. Run::

    .venv/bin/python benchmarks/sweep.py [--workers W] [--quick] [--repeats R]
    .venv/bin/python benchmarks/sweep.py --only-default [--repeats R]   # just the last part
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from experiments.paths import resolve_spec
from experiments.spec import load_spec, parse_spec
from experiments.storage import RunStore
from experiments.sweep import (
    TaskRunner,
    build_tasks,
    default_workers,
    process_pool,
    run_tasks,
    stop_executor,
    task_table,
)
from simulation import DisclosureModel

N_CITIZENS = 1000


def make_spec(steps: int, tasks: int, n_citizens: int = N_CITIZENS, name: str = "bench"):
    """A spec of ``tasks`` tasks: one grid factor with ``tasks`` values, one replication each."""
    return parse_spec({"name": name, "root_seed": 1, "replications": 1, "steps": steps,
                       "record_every": max(1, steps // 10), "fixed": {"n_citizens": n_citizens},
                       "grid": {"completeness_bonus": [round(0.01 * i, 2)
                                                       for i in range(tasks)]},
                       "outcomes": {"series": ["mean_disclosure", "sharing_rate"],
                                    "final": ["gini_score"]}}, "<benchmark>")


def calibrate(seconds: float) -> int:
    """Steps for a task of about ``seconds`` (build included) on this machine."""
    model = DisclosureModel(n_citizens=N_CITIZENS, rng=0)
    start = time.perf_counter()
    model.run_for(40)
    per_step = (time.perf_counter() - start) / 40
    start = time.perf_counter()
    DisclosureModel(n_citizens=N_CITIZENS, rng=0)
    build = time.perf_counter() - start
    return max(1, round((seconds - build) / per_step))


def cpu_ticks(pids: list[int]) -> int:
    """CPU time (clock ticks) used so far by the given processes (Linux ``/proc``)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def busy_ticks() -> int:
    """CPU time (clock ticks) used so far by every process on the machine."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


def timed_sweep(spec, workers: int) -> tuple[float, float, float]:
    """Run ``spec`` on a fresh pool of ``workers``.

    Returns:
        Wall seconds of ``run_tasks``, pool start-up seconds, and the cores that other
        processes on the machine kept busy meanwhile (0 on a quiet machine).
    """
    tasks = build_tasks(spec)
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp) / "run", spec, task_table(tasks))
        start = time.perf_counter()
        executor = process_pool(workers)
        list(executor.map(abs, range(workers)))  # start every worker
        startup = time.perf_counter() - start
        ours = [os.getpid(), *executor._processes]  # the driver and its workers
        ours_before, all_before = cpu_ticks(ours), busy_ticks()
        start = time.perf_counter()
        try:
            run_tasks(tasks, TaskRunner.from_spec(spec), executor,
                      lambda r: store.record(r.index, r.frame, r.error, r.seconds), slots=workers)
            wall = time.perf_counter() - start
            others = (busy_ticks() - all_before) - (cpu_ticks(ours) - ours_before)
        finally:
            stop_executor(executor, now=False)
        return wall, startup, max(0.0, others / os.sysconf("SC_CLK_TCK") / wall)


def efficiency(seconds: float, n_tasks: int, workers: int, repeats: int) -> dict:
    """Parallel efficiency for tasks of about ``seconds``: the best of ``repeats`` timings.

    1-worker and W-worker runs alternate, so a burst of load from other processes does not
    hit one side only; the minimum is the least disturbed run (as ``timeit`` reports).
    """
    steps = calibrate(seconds)
    spec = make_spec(steps, n_tasks)
    ones, manys = [], []
    for _ in range(repeats):
        ones.append(timed_sweep(spec, 1))
        manys.append(timed_sweep(spec, workers))
    one, start_one, others_one = min(ones)
    many, start_many, others_many = min(manys)
    return {"task_seconds": round(one / n_tasks, 3), "steps": steps, "tasks": n_tasks,
            "t1": round(one, 2), "tw": round(many, 2),
            "efficiency": round(one / (workers * many), 3),
            "efficiency_with_startup": round((one + start_one) / (workers * (many + start_many)),
                                             3),
            # T(1) / (free cores * T(W)): what E would be if the other processes' load is
            # taken out of the W cores (an estimate; E itself is the target's measure).
            "efficiency_on_free_cores": round(one / (max(workers - others_many, 1.0) * many), 3),
            "pool_startup_s": round(start_many, 2), "repeats": repeats,
            "other_cores_t1": round(others_one, 2), "other_cores_tw": round(others_many, 2)}


def noop(task):
    """A task that does nothing (for the overhead)."""
    return task.index


def overhead(n_tasks: int) -> dict:
    """Seconds per no-op task on one worker: process pool, Dask LocalCluster; Parquet write."""
    spec = make_spec(1, n_tasks, n_citizens=50)
    tasks = build_tasks(spec)
    pool = process_pool(1)
    list(pool.map(abs, range(2)))
    start = time.perf_counter()
    run_tasks(tasks, noop, pool, lambda r: None, slots=1)
    pool_s = (time.perf_counter() - start) / n_tasks
    stop_executor(pool, now=False)

    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        executor = client.get_executor(pure=False)
        run_tasks(tasks[:5], noop, executor, lambda r: None, slots=1)  # warm up
        start = time.perf_counter()
        run_tasks(tasks, noop, executor, lambda r: None, slots=1)
        dask_s = (time.perf_counter() - start) / n_tasks

    result = TaskRunner.from_spec(spec)(tasks[0])
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp) / "run", spec, task_table(tasks))
        start = time.perf_counter()
        for task in tasks:
            store.record(task.index, result.frame, None, 0.0)
        write_s = (time.perf_counter() - start) / n_tasks
    return {"process_pool_ms": round(1000 * pool_s, 2), "dask_local_ms": round(1000 * dask_s, 2),
            "parquet_write_ms": round(1000 * write_s, 2)}


#: The default experiment (``make run``), by its bundled name.
DEFAULT_SPEC = "incentives"
#: The target of the overhead ratio (issue 13).
OVERHEAD_TARGET = 1.2


def default_experiment(workers: int, repeats: int) -> dict:
    """Overhead ratio of ``datarovers sweep incentives`` (see the module); best of ``repeats``."""
    spec_path = resolve_spec(DEFAULT_SPEC)
    spec = load_spec(spec_path)
    tasks = build_tasks(spec)
    runner = TaskRunner.from_spec(spec)
    runner(tasks[0])  # warm: imports and compiled kernels loaded, as in a warmed worker
    in_process, command, others, startup = [], [], [], []
    for _ in range(repeats):
        start = time.perf_counter()  # the floor: a fresh Python importing and warming the model
        subprocess.run([sys.executable, "-c", "import experiments.warm"], check=True)
        startup.append(time.perf_counter() - start)
        start = time.perf_counter()
        for task in tasks:
            runner(task)
        in_process.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as tmp:
            all_before = busy_ticks()
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "experiments.cli", "sweep", str(spec_path),
                            "--results", tmp, "--workers", str(workers)],
                           check=True, capture_output=True)
            wall = time.perf_counter() - start
            command.append(wall)
            others.append((busy_ticks() - all_before) / os.sysconf("SC_CLK_TCK") / wall)
    best_in, best_command, best_startup = min(in_process), min(command), min(startup)
    return {"spec": DEFAULT_SPEC, "tasks": len(tasks), "workers": workers,
            "in_process_s": round(best_in, 2), "task_ms": round(1000 * best_in / len(tasks), 1),
            "command_s": round(best_command, 2),
            "ratio": round(best_command / (best_in / workers), 3), "target": OVERHEAD_TARGET,
            # what is left once the one-off start-up (Python, imports, warm-up) is taken out
            "startup_s": round(best_startup, 2),
            "ratio_after_startup": round((best_command - best_startup) / (best_in / workers), 3),
            "in_process_runs_s": [round(t, 2) for t in in_process],
            "command_runs_s": [round(t, 2) for t in command],
            # every process's CPU during the command, in cores (ours use up to W + 1)
            "busy_cores_during_command": [round(c, 2) for c in others]}


def print_default(row: dict) -> None:
    """The overhead ratio line of :func:`default_experiment`."""
    met = "met" if row["ratio"] <= row["target"] else "NOT met"
    print(f"default experiment ({row['spec']}, {row['tasks']} tasks, {row['workers']} workers): "
          f"datarovers sweep {row['command_s']:.2f} s, in-process {row['in_process_s']:.2f} s "
          f"({row['task_ms']} ms/task); overhead ratio {row['ratio']:.3f} <= {row['target']} "
          f"({met}); runs: command {row['command_runs_s']}, in-process "
          f"{row['in_process_runs_s']}")
    print(f"  of which one-off start-up (a fresh Python importing and warming the model): "
          f"{row['startup_s']:.2f} s; ratio without it {row['ratio_after_startup']:.3f}")


def memory_child(n_tasks: int, workers: int) -> None:
    """In a fresh process: a sweep of ``n_tasks`` tiny tasks; print the driver's peak RSS."""
    spec = make_spec(2, n_tasks, n_citizens=50)
    TaskRunner.from_spec(spec)(build_tasks(spec)[0])  # imports and first model, before timing
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, _, _ = timed_sweep(spec, workers)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"tasks": n_tasks, "peak_mb": round(peak_mb, 1),
                      "growth_mb": round(peak_mb - baseline_mb, 1), "wall_s": round(wall, 2)}))


def memory(counts: list[int], workers: int) -> list[dict]:
    """Driver peak memory per task count, each in its own process."""
    rows = []
    for count in counts:
        done = subprocess.run([sys.executable, __file__, "--memory-child", str(count),
                               "--workers", str(workers)], capture_output=True, text=True,
                              check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--quick", action="store_true", help="fewer tasks (a rough look)")
    parser.add_argument("--repeats", type=int, default=2,
                        help="timings per configuration; the best is kept (default 2)")
    parser.add_argument("--only-default", action="store_true",
                        help="only the default experiment's overhead ratio")
    parser.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child is not None:
        memory_child(args.memory_child, args.workers)
        return
    if args.only_default:
        row = default_experiment(args.workers, max(args.repeats, 1))
        print_default(row)
        print(json.dumps({"default_experiment": row}))
        return
    w = args.workers
    load_before = os.getloadavg()[0]
    scale = 1 if args.quick else 2
    long_tasks = efficiency(1.0, 4 * w * scale, w, args.repeats)
    short_tasks = efficiency(0.1, 20 * w * scale, w, args.repeats)
    costs = overhead(100 * scale)
    mem = memory([100, 400, 1600] if not args.quick else [50, 200], w)
    default = default_experiment(w, args.repeats)

    print(f"parallel efficiency on {w} workers (warm pool; with pool start-up in brackets)")
    print(f"{'task':>8} {'tasks':>6} {'T(1) s':>8} {'T(W) s':>8} {'E':>7} {'E+start':>8} "
          f"{'others':>7}  target")
    for label, row, target in (("~1 s", long_tasks, 0.85), ("~0.1 s", short_tasks, 0.70)):
        print(f"{label:>8} {row['tasks']:>6} {row['t1']:>8.2f} {row['tw']:>8.2f} "
              f"{row['efficiency']:>7.3f} {row['efficiency_with_startup']:>8.3f} "
              f"{row['other_cores_tw']:>7.2f}  >= {target} "
              f"({'met' if row['efficiency'] >= target else 'NOT met'}; measured task "
              f"{row['task_seconds']} s)")
    print("others: cores kept busy by other processes during T(W); E meets its definition only "
          "at 0. On the cores left free: " + ", ".join(
              f"{label} {row['efficiency_on_free_cores']:.3f}"
              for label, row in (("~1 s", long_tasks), ("~0.1 s", short_tasks))))
    print(f"per-task overhead: process pool {costs['process_pool_ms']} ms, Dask LocalCluster "
          f"{costs['dask_local_ms']} ms, driver Parquet write {costs['parquet_write_ms']} ms")
    print("driver peak memory (growth during the sweep): " + ", ".join(
        f"{m['tasks']} tasks {m['peak_mb']} MB (+{m['growth_mb']})" for m in mem))
    print_default(default)
    print(f"load average (1 min) before and after: {load_before:.2f}, "
          f"{os.getloadavg()[0]:.2f} (other processes on the machine lower E)")
    print(json.dumps({"workers": w, "load_before": round(load_before, 2),
                      "load_after": round(os.getloadavg()[0], 2), "task_1s": long_tasks,
                      "task_0_1s": short_tasks, "overhead": costs, "memory": mem,
                      "default_experiment": default}))


if __name__ == "__main__":
    main()
