"""``datarovers run``: one run of the model with a progress bar and a summary table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.overrides import int_at_least, parse_assignments

if TYPE_CHECKING:  # the model and rich load only when the command runs
    from rich.console import Console

    from experiments.single_run import RunRecord


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``run``."""
    parser = sub.add_parser("run", help="run the model once and write its time series",
                            description="Run the model once; write timeseries.parquet and "
                                        "manifest.json into a new run directory.")
    parser.add_argument("--steps", type=int_at_least(0), default=200,
                        help="number of steps (default 200)")
    parser.add_argument("--rng", type=int_at_least(0), default=None, metavar="SEED",
                        help="root seed (default: drawn from OS entropy and recorded)")
    parser.add_argument("--set", action="append", metavar="NAME=VALUE", dest="assignments",
                        help="set a parameter, e.g. --set inference_skepticism=1 "
                             "(repeatable; values are TOML literals)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="run directory (default results/runs/<time>-seed<seed>)")
    parser.add_argument("--strict", action="store_true",
                        help="refuse what is allowed but probably not meant (an event after the "
                             "last step, a network without edges)")
    parser.add_argument("--force", action="store_true",
                        help="build the model even if its estimated memory exceeds what the "
                             "machine has available")
    parser.set_defaults(handler=handle)


def print_summary(record: RunRecord, console: Console, written: bool = True) -> None:
    """The start-versus-end table of the main outputs (and where the run was ``written``)."""
    from rich.table import Table

    from experiments.single_run import summary_rows
    from simulation import Params

    params = Params.resolve(record.manifest["params"], {})
    table = Table(title=f"datarovers run: {record.manifest['n_citizens']} citizens, "
                        f"{record.manifest['steps_completed']} steps, "
                        f"seed {record.manifest['seed']}")
    table.add_column("output")
    table.add_column("step 0", justify="right")
    table.add_column(f"step {record.manifest['steps_completed']}", justify="right")
    for name, first, last in summary_rows(record.frame, params):
        fmt = "{:.1f}" if name.endswith("score") and "gini" not in name else "{:.3f}"
        table.add_row(name, fmt.format(first), fmt.format(last))
    console.print(table)
    if written:
        console.print(f"written to {record.directory}")


def handle(args: argparse.Namespace) -> int:
    """Run, save, summarise."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from experiments.errors import UsageError
    from experiments.single_run import RunInterrupted, execute, prepare
    from experiments.storage import StorageError

    prepared = prepare(parse_assignments(args.assignments), args.rng, args.out, args.force)
    warnings = [f"the event at step {event.step} ({event.target}) comes after the last step, "
                f"{args.steps}: it never happens"
                for event in prepared.model.params.events if event.step > args.steps]
    if prepared.model.network.adjacency.nnz == 0:
        warnings.append(f"the {prepared.model.params.network} network has no edges: no citizen "
                        "has a friend to show a score to or to infer one from")
    for warning in warnings:
        if args.strict:
            raise UsageError(f"{warning} (--strict refuses warnings)")
        print(f"datarovers run: warning: {warning}", file=sys.stderr)
    console = Console(stderr=False)
    with Progress(TextColumn("steps"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(file=sys.stderr), transient=True) as bar:
        task = bar.add_task("steps", total=args.steps)
        try:
            record = execute(prepared, args.steps,
                             progress=lambda done: bar.update(task, completed=done))
        except StorageError as err:
            raise UsageError(f"{err}; expected a writable folder with free space (choose "
                             "another with --out DIR)") from None
        except RunInterrupted as stop:
            bar.stop()
            print_summary(stop.record, console)
            print(f"interrupted by {stop.record.manifest['stopped_by']}: the "
                  f"{stop.record.manifest['steps_completed']} finished steps are saved in "
                  f"{stop.record.directory}", file=sys.stderr)
            return 128 + stop.signum
    print_summary(record, console)
    return 0
