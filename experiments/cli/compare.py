"""``datarovers compare SPEC``: paired policy effects with common random numbers."""

from __future__ import annotations

import argparse

from experiments.cli._analysis import add_run_arguments, run_analysis


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``compare``."""
    parser = sub.add_parser(
        "compare", help="paired policy comparison (common random numbers) of a spec",
        description="Run the baseline and every policy of the spec's [compare] table with the "
                    "same seeds in each replication (resumably, like sweep), and write "
                    "effects.csv and effects.html (a forest plot) into the run directory. See "
                    "docs/experiments.md.")
    add_run_arguments(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Validate, run what is missing, compare, write."""
    from experiments.analysis.compare import load_compare, run_compare, write_effects

    spec = load_compare(args.spec)
    table, status = run_analysis(args, spec.sweep.name,
                                 lambda **kw: run_compare(spec, args.results, **kw))
    if status is not None:
        return status
    paths = write_effects(table, table.attrs["run_directory"])
    for row in table.itertuples():
        print(f"{row.policy} {row.outcome}: {row.effect:+.4g} [{row.ci_low:.4g}, "
              f"{row.ci_high:.4g}] (independent seeds [{row.ci_low_independent:.4g}, "
              f"{row.ci_high_independent:.4g}], variance reduction {row.variance_reduction:.3g})")
    print(f"wrote {paths['csv']} and {paths['figure']}")
    return 0
