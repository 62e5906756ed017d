"""Executor flags, shared with ``sweep``, and the run of the analyses and ``paper``.

Not a command itself: the analyses run their model evaluations the way ``datarovers sweep``
does (process pool or Dask, a progress bar, Ctrl-C saves what is finished).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from experiments.overrides import int_at_least


def add_run_arguments(parser: argparse.ArgumentParser, *, spec: bool = True) -> None:
    """Add ``SPEC`` (unless ``spec=False``), ``--workers``, ``--cluster``, ``--results``.

    ``--cluster`` and ``--local-cluster`` exclude each other.
    """
    from experiments.paths import DEFAULT_RESULTS_HELP, default_results_root

    if spec:
        parser.add_argument("spec", type=Path, metavar="SPEC", help="the spec file (TOML)")
    parser.add_argument("--workers", type=int_at_least(1), default=None, metavar="N",
                        help="worker processes (default: every CPU this process may use)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--cluster", metavar="ADDRESS", default=None,
                       help="run on a running dask.distributed scheduler, e.g. "
                            "tcp://10.0.0.5:8786")
    where.add_argument("--local-cluster", action="store_true",
                       help="start a Dask LocalCluster on this machine")
    parser.add_argument("--results", type=Path, default=default_results_root(), metavar="DIR",
                        help=f"results root (default {DEFAULT_RESULTS_HELP})")


def run_analysis(args: argparse.Namespace, name: str,
                 analyse: Callable[..., Any]) -> tuple[Any, int | None]:
    """Call ``analyse(executor=..., slots=..., label=..., on_result=...)`` with a progress bar.

    Returns:
        The analysis's result and ``None``, or ``None`` and the exit status if Ctrl-C or
        SIGTERM stopped it (finished runs are saved; the message says how to resume).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from experiments.sweep import SweepStopped, default_workers, open_executor, stop_on_signals

    console = Console(stderr=True, soft_wrap=True)
    workers = args.workers or default_workers()
    try:
        with stop_on_signals(), open_executor(workers, args.cluster, args.local_cluster) as (
                executor, label, slots):
            with Progress(TextColumn(name), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console, transient=True) as bar:
                progress = bar.add_task("runs", total=None)

                def advance(_result: Any) -> None:
                    bar.update(progress, advance=1)

                return analyse(executor=executor, slots=slots, label=label,
                               on_result=advance), None
    except SweepStopped as stop:
        console.print(f"stopped by {stop}: the finished runs are saved; to resume, run the "
                      "same command again")
        return None, 128 + stop.signum
