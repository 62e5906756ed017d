"""``datarovers summarize RUN_DIR``: statistics over replications, CSV files and figures.

RUN_DIR is a sweep's run directory (or its spec, by path or bundled name): mean, sd and 95 % CI
per design point (:mod:`experiments.summarize`). It may also be one ``datarovers run``'s
directory: its time series as CSV and a figure (:mod:`experiments.run_report`).
"""

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
        "summarize", help="summarise a sweep (mean, sd and 95%% CI per point) or a single run: "
                          "CSV and figures",
        description="A sweep: for each design point and outcome, mean, standard deviation and "
                    "95 % confidence interval over replications at the last step, printed and "
                    "written to summary.csv (and summary_timeseries.csv for every recorded "
                    "step), plus interactive plotly figures in RUN_DIR/figures/. A single run "
                    "(datarovers run): its start and end values printed, every output at every "
                    "step in timeseries.csv and a figure in RUN_DIR/figures/over_time.html.")
    parser.add_argument("run", type=Path, metavar="RUN_DIR",
                        help="a sweep's run directory results/<name>/<spec hash>, the spec "
                             "(file or bundled name) whose run directory to summarise, or a "
                             "single run's directory results/runs/<time>-seed<seed>")
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
    from experiments.paths import resolve_spec
    from experiments.spec import load_spec
    from experiments.storage import run_directory
    from experiments.summarize import load_results, point_summary, write_report

    run_dir = args.run if args.run.is_dir() else resolve_spec(args.run)
    if run_dir.is_file():
        run_dir = run_directory(load_spec(run_dir), args.results)
    if args.figures and args.png is None:
        raise UsageError("--figure: expected --png DIR as well (it selects the PNG images)")
    manifest = _manifest_kind(run_dir)
    if manifest == "datarovers run":
        if args.figures:
            raise UsageError("--figure: a single run has one figure, over_time; omit --figure")
        return _summarize_single_run(run_dir, args.png)
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


def _manifest_kind(run_dir: Path) -> str | None:
    """The ``kind`` in the directory's manifest, or None when it has no readable one."""
    import json

    try:
        return json.loads((run_dir / "manifest.json").read_text()).get("kind")
    except (OSError, ValueError, AttributeError):
        return None  # load_results says what is wrong


def _summarize_single_run(run_dir: Path, png_dir: Path | None) -> int:
    """Print one run's start-versus-end table and write its report."""
    from rich.console import Console

    from experiments.cli.run import print_summary
    from experiments.run_report import load_run, write_run_report

    record = load_run(run_dir)
    written = write_run_report(record, png_dir=png_dir)
    console = Console()
    print_summary(record, console, written=False)
    console.print(f"written: {written['timeseries']}, {written['over_time']}"
                  + (f" and {written['over_time.png']}" if png_dir else ""))
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
