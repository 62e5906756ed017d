"""``datarovers sensitivity SPEC``: Sobol or Morris indices over the bounds of a spec."""

from __future__ import annotations

import argparse

from experiments.cli._analysis import add_run_arguments, run_analysis


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``sensitivity``."""
    parser = sub.add_parser(
        "sensitivity", help="global sensitivity analysis (Sobol or Morris, SALib) of a spec",
        description="Sample the parameters and bounds of the spec's [sensitivity] table, run "
                    "the model at every point (resumably, like sweep), and write "
                    "sensitivity.csv and sensitivity.html into the run directory. See "
                    "docs/experiments.md.")
    add_run_arguments(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Validate, run what is missing, analyse, write."""
    from experiments.analysis.sensitivity import (
        load_sensitivity,
        run_sensitivity,
        write_sensitivity,
    )

    spec = load_sensitivity(args.spec)
    table, status = run_analysis(
        args, spec.sweep.name,
        lambda **kw: run_sensitivity(spec, args.results, **kw))
    if status is not None:
        return status
    paths = write_sensitivity(table, table.attrs["run_directory"])
    shown = table[table["index"].isin(["ST", "mu_star"])].sort_values(
        ["outcome", "value"], ascending=[True, False])
    for outcome, rows in shown.groupby("outcome", sort=False):
        ranked = ", ".join(f"{r.parameter} {r.value:.3g}"
                           + ("" if r.distinguishable is True else " (~0)")
                           for r in rows.itertuples())
        print(f"{outcome} ({rows['index'].iloc[0]}): {ranked}")
    print(f"wrote {paths['csv']} and {paths['figure']}")
    return 0
