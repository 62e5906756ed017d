"""``datarovers sweep SPEC``: run every (point, replication) task of a spec, resumably."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.cli._analysis import add_run_arguments
from experiments.paths import default_results_root

if TYPE_CHECKING:  # the spec, storage, pandas and rich load only when the command runs
    from rich.console import Console

    from experiments.spec import SweepSpec
    from experiments.storage import RunStore


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``sweep``."""
    parser = sub.add_parser(
        "sweep", help="run a parameter sweep declared in a TOML spec (resumable)",
        description="Run every (design point, replication) task of a spec and write one Parquet "
                    "file per task under RESULTS/<name>/<spec hash>/. Running the same spec "
                    "again resumes: finished tasks are skipped. See docs/experiments.md.")
    add_run_arguments(parser)
    parser.add_argument("--force", action="store_true",
                        help="run even if the largest model's estimated memory times the "
                             "workers exceeds what the machine has available")
    parser.add_argument("--strict", action="store_true",
                        help="refuse a spec with warnings (such as an event after the last step)")
    parser.add_argument("--dry-run", action="store_true",
                        help="validate the spec and show the plan without running anything")
    parser.set_defaults(handler=handle)


def print_plan(spec: SweepSpec, directory: Path, console: Console) -> None:
    """What a sweep of ``spec`` would run and where it would write."""
    from experiments.storage import TASKS_DIR

    done = len(list((directory / TASKS_DIR).glob("task-*.parquet")))
    console.print(f"[bold]{spec.name}[/bold] ({spec.source}): {spec.description}")
    console.print(f"design: {spec.design}, {len(spec.points)} points x {spec.replications} "
                  f"replications = {spec.n_tasks} tasks of {spec.steps} steps "
                  f"(recorded every {spec.record_every})")
    if spec.factors:
        console.print("factors: " + ", ".join(spec.factors))
    console.print(f"outcomes: {', '.join(spec.outcomes)}")
    console.print(f"run directory: {directory} ({done} of {spec.n_tasks} tasks finished)")


def handle(args: argparse.Namespace) -> int:
    """Validate, open the run directory, run the unfinished tasks, report."""
    from rich.console import Console
    from rich.markup import escape

    from experiments.errors import UsageError
    from experiments.spec import load_spec
    from experiments.storage import CONSOLIDATED, RunStore, StorageError, run_directory
    from experiments.sweep import SweepStopped, build_tasks, default_workers, task_table

    console = Console(stderr=True, soft_wrap=True)
    spec = load_spec(args.spec)
    directory = run_directory(spec, args.results)
    for warning in spec.warnings:
        if args.strict:
            raise UsageError(f"{spec.source}: {warning} (--strict refuses warnings)")
        console.print(f"[yellow]warning:[/yellow] {escape(f'{spec.source}: {warning}')}")
    workers = args.workers or default_workers()
    n_citizens, mean_degree = spec.largest_model
    if n_citizens and args.cluster is None:  # a cluster's workers have memory of their own
        from experiments.limits import check_fits

        check_fits(n_citizens, mean_degree, copies=min(workers, spec.n_tasks),
                   force=args.force, what=f"{spec.source}: the largest point")
    if args.dry_run:
        print_plan(spec, directory, Console(soft_wrap=True))
        return 0
    tasks = build_tasks(spec)
    with RunStore(directory, spec, task_table(tasks)) as store:
        for repair in store.repairs:
            console.print(f"[yellow]repaired:[/yellow] {escape(repair)}")
        finished = store.finished()
        todo = [t for t in tasks if t.index not in finished]
        resume_hint = f"datarovers sweep {args.spec}" + (
            f" --results {args.results}" if args.results != default_results_root() else "")
        if finished and todo:
            console.print(f"resuming {directory}: {len(finished)} of {len(tasks)} tasks already "
                          "finished")
        elif not todo:
            console.print(f"all {len(tasks)} tasks of this spec already finished in {directory} "
                          "(nothing to run; move the directory away to run afresh)")
            changed = store.code_now_differs()
            if changed:
                console.print(f"[yellow]note:[/yellow] {changed}; move the directory away to "
                              "recompute with the current code")
        failed = 0
        if todo:
            try:
                failed = execute(spec, store, len(finished), console, workers=workers,
                                 cluster=args.cluster, local_cluster=args.local_cluster)
            except SweepStopped as stop:
                console.print(f"stopped by {stop}: {len(store.finished())} of {len(tasks)} tasks "
                              f"are saved in {directory}; to resume, run again: {resume_hint}")
                return 128 + stop.signum
            except StorageError as err:  # the disk filled up, the directory vanished, ...
                raise UsageError(f"{err}; the "
                                 f"{len(store.finished())} finished tasks are saved; fix it and "
                                 f"run again to resume: {resume_hint}") from None
            if store.code_changed():
                console.print("[yellow]warning:[/yellow] the code changed between sessions of this "
                              "run (see sessions in manifest.json): its tasks come from different "
                              "versions")
        if failed:
            report_failures(store, console)
            console.print(f"{len(store.failures())} of {len(tasks)} tasks failed (tracebacks in "
                          f"{store.manifest_path}); the {len(store.finished())} finished tasks are "
                          f"saved; fix the cause and run again to rerun the failed ones: "
                          f"{resume_hint}")
            return 1
        path = store.directory / CONSOLIDATED
        if not store.consolidated_ok():
            store.consolidate()
        Console(soft_wrap=True).print(f"{len(tasks)} tasks finished: {path}\n"
                                      f"summarise with: datarovers summarize {directory}")
        return 0


def execute(spec: SweepSpec, store: RunStore, already: int, console: Console, *, workers: int,
            cluster: str | None, local_cluster: bool) -> int:
    """Run the unfinished tasks with a progress bar; return how many failed.

    Raises:
        SweepStopped: Ctrl-C or SIGTERM; every finished task is saved.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from experiments.sweep import TaskResult, open_executor, run_sweep, stop_on_signals

    failed = 0
    with stop_on_signals(), open_executor(workers, cluster, local_cluster) as (executor, label,
                                                                                slots):
        with Progress(TextColumn(f"{spec.name}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
                      TextColumn("ETA"), TimeRemainingColumn(), console=console) as bar:
            progress = bar.add_task("tasks", total=spec.n_tasks, completed=already, failed=0)

            def advance(result: TaskResult) -> None:
                nonlocal failed
                failed += result.error is not None
                bar.update(progress, advance=1, failed=failed)

            return run_sweep(spec, executor, store, slots=slots, label=label,
                             workers=workers if cluster is None else None, on_result=advance)


def report_failures(store: RunStore, console: Console, shown: int = 3) -> None:
    """Print the tracebacks of the first failed tasks."""
    failures = store.failures()
    for entry in failures[:shown]:
        point = store.manifest["points"][entry["point"]]
        console.print(f"[red]task {entry['task']} failed[/red] (point {entry['point']} {point}, "
                      f"replication {entry['replication']}, seed {entry['seed']}):")
        console.print(entry.get("error", "").rstrip(), markup=False, highlight=False)
    if len(failures) > shown:
        console.print(f"... and {len(failures) - shown} more")

