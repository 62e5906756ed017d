"""``datarovers summarize RUN_DIR``: statistics over replications, CSV files and figures."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.paths import DEFAULT_RESULTS_HELP, default_results_root

if TYPE_CHECKING:  # pandas, rich and the summaries load only when the command runs
    import pandas as pd
    from rich.table import Table

    from experiments.summarize import SweepResults


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``summarize``."""
    parser = sub.add_parser(
        "summarize", help="summarise a sweep: mean, sd and 95%% CI per point, CSV and figures",
        description="For each design point and outcome: mean, standard deviation and 95 % "
                    "confidence interval over replications at the last step, printed and "
                    "written to summary.csv (and summary_timeseries.csv for every recorded "
                    "step), plus interactive plotly figures in RUN_DIR/figures/.")
    parser.add_argument("run", type=Path, metavar="RUN_DIR",
                        help="a run directory results/<name>/<spec hash>, or the spec file "
                             "whose run directory to summarise")
    parser.add_argument("--results", type=Path, default=default_results_root(), metavar="DIR",
                        help="results root, when RUN_DIR is a spec file (default "
                             f"{DEFAULT_RESULTS_HELP})")
    parser.add_argument("--png", type=Path, default=None, metavar="DIR",
                        help="also write every figure as a static PNG into DIR")
    parser.add_argument("--figure", action="append", default=None, metavar="NAME",
                        dest="figures", help="with --png: only this figure, e.g. "
                        "sharing_rate_over_time (repeatable; default every figure)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load, summarise, write, print."""
    from rich.console import Console

    from experiments.errors import UsageError
    from experiments.spec import load_spec
    from experiments.storage import run_directory
    from experiments.summarize import load_results, point_summary, write_report

    run_dir = args.run
    if run_dir.is_file():
        run_dir = run_directory(load_spec(run_dir), args.results)
    if args.figures and args.png is None:
        raise UsageError("--figure: expected --png DIR as well (it selects the PNG images)")
    results = load_results(run_dir)
    written = write_report(results, png_dir=args.png, png_figures=args.figures)
    console = Console()
    if not console.is_terminal:  # a log file: keep whole numbers rather than fit 80 columns
        console = Console(width=160)
    console.print(summary_table(results, point_summary(results)))
    finished, total = results.frame["task"].nunique(), len(results.manifest["tasks"])
    if finished < total:
        console.print(f"[yellow]partial:[/yellow] {finished} of {total} tasks finished")
    n_figures = sum(path.suffix == ".html" for path in written.values())
    console.print(f"written: {written['summary']}, {written['summary_timeseries']}, "
                  f"{n_figures} figures in {run_dir / 'figures'}"
                  + (f" and {args.png}" if args.png else ""))
    return 0


def summary_table(results: SweepResults, summary: pd.DataFrame) -> Table:
    """One row per point, one column per outcome: ``mean ± half-width of the 95 % CI``."""
    from rich.table import Table

    step = int(results.frame["step"].max())
    reps = int(summary["n"].max())
    table = Table(title=f"{results.manifest['name']}: mean ± 95 % CI over {reps} replications "
                        f"at step {step} (all statistics in summary.csv)")
    table.add_column("point", justify="right")
    for factor in results.factors:
        table.add_column(factor, justify="right")
    for outcome in results.outcomes:
        table.add_column(outcome, justify="right", no_wrap=True)
    for point, rows in summary.groupby("point", sort=True):
        first = rows.iloc[0]
        cells = [str(point), *(_number(first[f]) for f in results.factors)]
        by_outcome = rows.set_index("outcome")
        for outcome in results.outcomes:
            row = by_outcome.loc[outcome]
            half = (row["ci_high"] - row["ci_low"]) / 2
            digits = 1 if abs(row["mean"]) >= 10 else 3
            cells.append(f"{row['mean']:.{digits}f} ± {half:.{digits}f}" if half == half
                         else f"{row['mean']:.{digits}f}")
        table.add_row(*cells)
    return table


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
