"""Running a sweep: tasks, their seeds, any ``concurrent.futures.Executor``, resumption, signals.

A task is one (design point, replication) pair. Task ``i`` (point-major: ``i = point *
replications + replication``) gets the seed

    seed_i = SeedSequence(root_seed).spawn(n_tasks)[i].generate_state(1, uint64)[0] >> 1

which depends only on the spec, never on the executor, the number of workers or the order in
which tasks finish: the same spec gives the same dataset on a process pool, on one worker or on
a Dask cluster. The 63-bit integer is passed as ``DisclosureModel(rng=seed_i)``, so any single
run can be repeated on its own from the ``seed`` column of the results.

Workers never write files: they return a small DataFrame (the recorded steps) and the driving
process writes it atomically (:mod:`experiments.storage`), so a cluster needs no shared disk and
memory stays flat however many tasks there are. An exception inside the model is caught in the
worker and comes back as a traceback; an exception from the executor itself (a lost Dask worker,
a crashed process) is retried up to :data:`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.errors import UsageError
from experiments.spec import SweepSpec
from experiments.storage import RunStore, StorageError
from experiments.workers import process_pool
from simulation import DisclosureModel, Params

#: Attempts per task when the executor (not the model) fails: a lost worker, a dead process.
MAX_ATTEMPTS = 3
#: How long ``--cluster`` waits for the scheduler to answer.
CONNECT_TIMEOUT = "20s"
#: Columns that identify a row, before the factor columns and the outcomes.
ID_COLUMNS = ("task", "point", "replication", "seed")


@dataclass(frozen=True)
class Task:
    """One run: a design point and a replication.

    Attributes:
        index: Task number, ``point * replications + replication``.
        point: Index of the design point.
        replication: Replication number at that point.
        seed: The run's seed (see the module docstring).
        values: The point's factor values, as given in the spec.
        columns: The same values in canonical form for the dataset (validated types).
    """

    index: int
    point: int
    replication: int
    seed: int
    values: Mapping[str, Any]
    columns: Mapping[str, Any]


@dataclass(frozen=True)
class TaskResult:
    """What a worker sends back: the rows, or the traceback of the exception that stopped it."""

    index: int
    frame: pd.DataFrame | None
    error: str | None
    seconds: float


def task_seeds(root_seed: int, n_tasks: int) -> list[int]:
    """One 63-bit seed per task, spawned from ``SeedSequence(root_seed)`` by task index."""
    children = np.random.SeedSequence(root_seed).spawn(n_tasks)
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in children]


def canonical_value(params: Params, name: str) -> Any:
    """The validated value of override ``name`` (``weight_<category>`` reads the table row).

    Sequences are given as JSON text, so every dataset column has one scalar type.
    """
    value = params.target_value(name)
    return json.dumps(list(value)) if isinstance(value, tuple) else value


def build_tasks(spec: SweepSpec) -> list[Task]:
    """Every task of a spec, in index order."""
    seeds = task_seeds(spec.root_seed, spec.n_tasks)
    base = Params().with_overrides(**spec.fixed)
    tasks = []
    for number, point in enumerate(spec.points):
        params = base.with_overrides(**point)
        columns = {name: canonical_value(params, name) for name in spec.factors}
        for replication in range(spec.replications):
            index = number * spec.replications + replication
            tasks.append(Task(index, number, replication, seeds[index], dict(point), columns))
    return tasks


def task_table(tasks: Sequence[Task]) -> list[dict[str, Any]]:
    """Manifest entries of the tasks (status ``pending`` until they finish)."""
    return [{"task": t.index, "point": t.point, "replication": t.replication, "seed": t.seed,
             "spawn_key": [t.index], "status": "pending"} for t in tasks]


@dataclass(frozen=True)
class TaskRunner:
    """Runs one task in a worker and returns its recorded rows (picklable, so any executor works).

    Args:
        fixed: Parameters shared by every point.
        steps: Steps per run.
        recorded_steps: Steps whose series outcomes are kept.
        series: Outcomes kept at every recorded step.
        final: Outcomes kept at the last step only (missing, NaN, on the other rows).
        model_factory: Builds the model from ``rng=`` and parameter keywords.
    """

    fixed: Mapping[str, Any]
    steps: int
    recorded_steps: tuple[int, ...]
    series: tuple[str, ...]
    final: tuple[str, ...]
    model_factory: Callable[..., Any] = field(default=DisclosureModel)

    @classmethod
    def from_spec(cls, spec: SweepSpec, **kwargs: Any) -> TaskRunner:
        """The runner for a spec's tasks."""
        return cls(dict(spec.fixed), spec.steps, tuple(spec.recorded_steps()), spec.series,
                   spec.final, **kwargs)

    def __call__(self, task: Task) -> TaskResult:
        """Run the task; an exception in the model becomes a traceback in the result."""
        clock = time.perf_counter()
        try:
            frame = self.rows(task)
        except Exception:
            return TaskResult(task.index, None, traceback.format_exc(),
                              time.perf_counter() - clock)
        return TaskResult(task.index, frame, None, time.perf_counter() - clock)

    def rows(self, task: Task) -> pd.DataFrame:
        """Build and run the model; one row per recorded step."""
        model = self.model_factory(rng=task.seed, **self.fixed, **task.values)
        model.run_for(self.steps)
        history = model.dataframe()
        if len(history) != self.steps + 1:
            raise RuntimeError(f"the model recorded {len(history)} steps, expected "
                               f"{self.steps + 1} (steps 0 to {self.steps})")
        kept = list(self.recorded_steps)
        frame = history.loc[kept, list(self.series)].reset_index()
        for name in self.final:
            frame[name] = np.where(frame["step"] == self.steps, history.at[self.steps, name],
                                   np.nan)
        ids = {"task": task.index, "point": task.point, "replication": task.replication,
               "seed": task.seed, **task.columns}
        head = pd.DataFrame({k: [v] * len(frame) for k, v in ids.items()})
        head["step"] = frame["step"].astype(np.int64)
        out = pd.concat([head, frame.drop(columns="step").astype(np.float64)], axis=1)
        for name in ("task", "point", "replication", "seed"):
            out[name] = out[name].astype(np.int64)
        return out


# --- executors --------------------------------------------------------------------------------
@contextlib.contextmanager
def open_executor(workers: int, cluster: str | None = None, local_cluster: bool = False
                  ) -> Iterator[tuple[cf.Executor, str, int]]:
    """The executor of the ``sweep`` command, its description and how many tasks it runs at once.

    Args:
        workers: Processes of the pool or of the local Dask cluster.
        cluster: Address of a running ``dask.distributed`` scheduler (``tcp://host:8786``).
        local_cluster: Start a Dask ``LocalCluster`` on this machine (on 127.0.0.1, random ports).
    """
    if cluster is None and not local_cluster:
        executor = process_pool(workers)
        try:
            yield executor, f"process pool ({workers} workers)", workers
        except BaseException:
            stop_executor(executor, now=True)
            raise
        stop_executor(executor, now=False)
        return
    from distributed import Client, LocalCluster

    local = None
    if local_cluster:
        # Workers started while SIGINT is ignored keep ignoring it: Ctrl-C in the terminal
        # then stops the sweep through the driver alone, without a traceback from each worker.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address="127.0.0.1:0")
        finally:
            signal.signal(signal.SIGINT, previous)
        client = Client(local)
        label = f"Dask LocalCluster ({workers} workers)"
    else:
        try:
            client = Client(cluster, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as err:
            raise UsageError(f"--cluster {cluster!r}: cannot connect ({err}); expected the "
                             "address of a running dask scheduler, e.g. tcp://10.0.0.5:8786"
                             ) from None
        label = f"Dask cluster {cluster}"
    try:
        slots = sum(client.nthreads().values()) or workers
        # pure=False: two tasks are never merged by Dask, whatever their arguments.
        yield client.get_executor(pure=False), label, slots
    finally:
        client.close()
        if local is not None:
            local.close()


def stop_executor(executor: cf.Executor, *, now: bool) -> None:
    """Shut an executor down; with ``now``, without waiting for tasks still running.

    A process pool's running tasks cannot be cancelled through the public API, so for a stop
    ``now`` its worker processes are terminated (their tasks rerun on resume).
    """
    if not now:
        executor.shutdown(wait=True)
        return
    # Read before shutdown(), which forgets the processes.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()


# --- the driving loop -------------------------------------------------------------------------
class SweepStopped(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped the sweep (finished tasks are saved)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`SweepStopped` in the driving process."""
    def stop(signum: int, _frame: Any) -> None:
        raise SweepStopped(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_tasks(tasks: Sequence[Task], runner: Callable[[Task], TaskResult], executor: cf.Executor,
              on_result: Callable[[TaskResult], None], *, slots: int,
              max_attempts: int = MAX_ATTEMPTS) -> None:
    """Submit ``tasks`` to ``executor`` and hand each result to ``on_result`` as it arrives.

    At most ``2 * slots + 2`` tasks are in flight, so a huge sweep neither floods the executor
    nor delays a clean stop. A future that raises (the executor failed, not the model: the
    runner catches model errors) is resubmitted up to ``max_attempts`` times, then reported as a
    failed task with the executor's traceback.

    Raises:
        SweepStopped: From :func:`stop_on_signals`; futures still queued are cancelled.
    """
    queue = iter(tasks)
    in_flight: dict[cf.Future, tuple[Task, int]] = {}
    window = 2 * slots + 2

    def submit(task: Task, attempt: int) -> None:
        in_flight[executor.submit(runner, task)] = (task, attempt)

    def refill() -> None:
        while len(in_flight) < window:
            task = next(queue, None)
            if task is None:
                return
            submit(task, 1)

    try:
        refill()
        while in_flight:
            done, _ = cf.wait(list(in_flight), return_when=cf.FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: in_flight[f][0].index):
                task, attempt = in_flight.pop(future)
                try:
                    result = future.result()
                except Exception as err:
                    if attempt < max_attempts:
                        try:
                            submit(task, attempt + 1)
                            continue
                        except Exception:  # the executor itself is gone (a broken pool)
                            pass
                    result = TaskResult(task.index, None, "".join(traceback.format_exception(
                        err)) + f"(executor failure, {attempt} attempts)", 0.0)
                on_result(result)
            refill()
    finally:
        for future in in_flight:
            future.cancel()


def run_sweep(spec: SweepSpec, executor: cf.Executor, store: RunStore, *, slots: int,
              label: str = "executor", workers: int | None = None,
              on_result: Callable[[TaskResult], None] | None = None,
              tasks: Sequence[Task] | None = None) -> int:
    """Run the unfinished tasks of ``spec`` on ``executor`` and record them in ``store``.

    The manifest gets a new session, closed as ``completed`` (and ``results.parquet`` written),
    ``failed`` or ``interrupted``. This is ``datarovers sweep`` without the command line::

        spec = load_spec("experiments/specs/incentives.toml")
        tasks = build_tasks(spec)
        with RunStore(run_directory(spec), spec, task_table(tasks)) as store, \
                ProcessPoolExecutor(4) as pool:
            failed = run_sweep(spec, pool, store, slots=4)

    Args:
        spec: The spec.
        executor: Any ``concurrent.futures.Executor`` whose workers can import datarovers.
        store: The spec's run directory.
        slots: How many tasks the executor runs at once (sets how many are queued).
        label: Description of the executor for the manifest.
        workers: Number of workers for the manifest, if known.
        on_result: Called with each result after it is recorded (progress bars).
        tasks: The tasks, if not :func:`build_tasks` of ``spec`` (an analysis that assigns
            seeds its own way, such as common random numbers across policies).

    Returns:
        The number of tasks that failed in this session.

    Raises:
        KeyboardInterrupt: Including :class:`SweepStopped`; finished tasks are saved and the
            session is closed as ``interrupted``.
        StorageError: A result could not be written; the session is closed as
            ``interrupted``.
    """
    finished = store.finished()
    todo = [task for task in (build_tasks(spec) if tasks is None else tasks)
            if task.index not in finished]
    store.begin_session(label, workers)
    failed = 0

    def record(result: TaskResult) -> None:
        nonlocal failed
        store.record(result.index, result.frame, result.error, result.seconds)
        failed += result.error is not None
        if on_result is not None:
            on_result(result)

    try:
        run_tasks(todo, TaskRunner.from_spec(spec), executor, record, slots=slots)
    except KeyboardInterrupt:
        store.end_session("interrupted")
        raise
    except StorageError:
        with contextlib.suppress(OSError):
            store.end_session("interrupted")
        raise
    if failed:
        store.end_session("failed")
    else:
        store.consolidate()
        store.end_session("completed")
    return failed


def default_workers() -> int:
    """CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
