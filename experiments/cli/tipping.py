"""``datarovers tipping SPEC``: where a final outcome jumps, with early-warning indicators."""

from __future__ import annotations

import argparse

from experiments.cli._analysis import add_run_arguments, run_analysis


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``tipping``."""
    parser = sub.add_parser(
        "tipping", help="locate the value of one parameter where an outcome jumps",
        description="Scan the parameter of the spec's [tipping] table over its range with "
                    "common random numbers, refine around the steepest change, and report the "
                    "tipping value with an interval (or that there is no jump), with the "
                    "early-warning indicators along the approach. Writes tipping.csv, "
                    "tipping.json and tipping.html into the run directory. Resumable like "
                    "sweep. See docs/experiments.md.")
    add_run_arguments(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Validate, run what is missing round by round, locate, write."""
    from experiments.analysis.tipping import load_tipping, run_tipping, write_tipping

    spec = load_tipping(args.spec)
    result, status = run_analysis(args, spec.sweep.name,
                                  lambda **kw: run_tipping(spec, args.results, **kw))
    if status is not None:
        return status
    paths = write_tipping(result)
    print(result.sentence())
    trend = result.approach
    print(f"along the approach: Kendall tau of variance {trend['approach_tau_variance']:.3g}, "
          f"of lag-1 autocorrelation {trend['approach_tau_ac1']:.3g}")
    print(f"wrote {paths['csv']}, {paths['json']} and {paths['figure']}")
    return 0
