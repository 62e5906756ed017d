"""``datarovers validate [--quick]``: the model's special cases against published results.

Runs every case of :data:`experiments.validation.cases.CASES`, prints one table, writes it as
CSV and Markdown under ``results/validation/`` and exits with status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.errors import UsageError
from experiments.provenance import code_state, describe_code, now
from experiments.validation import CASE_NAMES, code_version

if TYPE_CHECKING:  # the cases, numpy and rich are imported only when the command runs
    from rich.table import Table

    from experiments.validation.checks import Check



def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``validate``."""
    parser = sub.add_parser(
        "validate", help="reproduce the published special cases; exit 1 if any check fails",
        description="Run the validation cases (Watts 2002, Granovetter 1978, unraveling, "
                    "Verrecchia 1983, the leakage formula, Centola & Macy 2007) as special "
                    "cases of the model, print one table and write it as validation.csv and "
                    "validation.md (validation_quick.* with --quick).")
    parser.add_argument("--quick", action="store_true",
                        help="fewer replications and smaller populations (under a minute)")
    parser.add_argument("--case", action="append", dest="cases", metavar="NAME",
                        help="run only this case (repeatable): " + ", ".join(CASE_NAMES))
    from experiments.paths import DEFAULT_RESULTS_HELP, default_results_root

    parser.add_argument("--out", type=Path, default=default_results_root() / "validation",
                        metavar="DIR", help="directory for the table (default: validation/ "
                                            f"under the results root, {DEFAULT_RESULTS_HELP})")
    parser.set_defaults(handler=handle)


def validation_table(checks: list[Check], title: str) -> Table:
    """The rich table of the checks, failures in red."""
    from rich.table import Table

    from experiments.validation.report import accepted_text, format_number, simulated_text

    table = Table(title=title)
    for name, justify in (("case", "left"), ("point", "left"), ("quantity", "left"),
                          ("simulated ± SE", "right"), ("theory", "right"),
                          ("accepted", "right"), ("method", "left"), ("status", "center")):
        table.add_column(name, justify=justify)
    for check in checks:
        status = "[green]PASS[/green]" if check.passed else "[bold red]FAIL[/bold red]"
        table.add_row(check.case, check.point, check.quantity, simulated_text(check),
                      format_number(check.theory), accepted_text(check), check.method, status)
    return table


def handle(args: argparse.Namespace) -> int:
    """Run the cases, print and write the table; 1 if any check fails."""
    unknown = [name for name in args.cases or () if name not in CASE_NAMES]
    if unknown:
        raise UsageError(f"--case: got {', '.join(map(repr, unknown))}, expected one of "
                         f"{', '.join(CASE_NAMES)}")
    from rich.console import Console

    from experiments.validation.cases import run_cases
    from experiments.validation.report import table_stem, write_table

    names = list(dict.fromkeys(args.cases)) if args.cases else list(CASE_NAMES)
    started = time.perf_counter()
    console = Console()
    if not console.is_terminal:  # a log file: keep whole rows rather than fit 80 columns
        console = Console(width=160)
    err = Console(file=sys.stderr)
    checks = run_cases(args.quick, names,
                       progress=lambda name: err.print(f"validating {name} ...", style="dim"))
    elapsed = time.perf_counter() - started
    mode = "quick" if args.quick else "full"
    code = code_state()
    header = {"mode": mode, "cases": ", ".join(names), "finished": now(),
              "code": describe_code(code),
              "validation code": code_version(),
              "wall time": f"{elapsed:.0f} s"}
    try:
        csv_path, md_path = write_table(checks, args.out, table_stem(args.quick,
                                                                    len(names) < len(CASE_NAMES)),
                                        header)
    except OSError as error:
        raise UsageError(f"--out: cannot write to {str(args.out)!r} ({error.strerror}); "
                         "expected a writable directory") from None
    failed = [check for check in checks if not check.passed]
    console.print(validation_table(checks, f"datarovers validate ({mode}): "
                                           f"{len(checks) - len(failed)} of {len(checks)} "
                                           f"checks pass, {elapsed:.0f} s"))
    console.print(f"written to {csv_path} and {md_path}")
    if failed:
        console.print(f"[bold red]{len(failed)} check(s) failed[/bold red]: "
                      + "; ".join(f"{c.case} {c.point} {c.quantity}" for c in failed))
        return 1
    return 0
