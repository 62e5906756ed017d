"""``datarovers discover RUN_DIR --outcome NAME (--above X | --below X)``: PRIM boxes."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.overrides import int_at_least


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}, expected a number in (0, 1)") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"got {value}, expected a number in (0, 1)")
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}, expected a number") from None


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``discover``."""
    parser = sub.add_parser(
        "discover", help="scenario discovery (PRIM) on a sweep's results",
        description="Find the regions of parameter space (PRIM boxes, with coverage and "
                    "density) where a sweep's final outcome is above or below a threshold, and "
                    "score each parameter with extra trees. Writes discovery.csv, "
                    "feature_scores.csv and discovery.html under "
                    "RUN_DIR/discovery/<outcome>_<above|below>_<X>/. See docs/experiments.md.")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR",
                        help="a run directory written by datarovers sweep")
    parser.add_argument("--outcome", required=True, metavar="NAME",
                        help="an outcome the run recorded (its value at the last step)")
    side = parser.add_mutually_exclusive_group(required=True)
    side.add_argument("--above", type=_number, metavar="X",
                      help="cases of interest: outcome >= X")
    side.add_argument("--below", type=_number, metavar="X",
                      help="cases of interest: outcome <= X")
    parser.add_argument("--boxes", type=int_at_least(1), default=3, metavar="N",
                        help="boxes at most (default 3)")
    parser.add_argument("--min-coverage", type=_fraction, default=0.8, metavar="C",
                        help="the reported box is the densest with coverage >= C (default 0.8)")
    parser.add_argument("--peel-alpha", type=_fraction, default=0.05, metavar="A",
                        help="share of a box peeled per step (default 0.05)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Discover, write, print the boxes."""
    from experiments.analysis.discover import discover, write_discovery

    found = discover(args.run_dir, args.outcome, above=args.above, below=args.below,
                     max_boxes=args.boxes, peel_alpha=args.peel_alpha,
                     min_coverage=args.min_coverage)
    side = "above" if args.above is not None else "below"
    value = args.above if args.above is not None else args.below
    paths = write_discovery(found, args.run_dir / "discovery" / f"{args.outcome}_{side}_{value:g}")
    print(f"{found.of_interest} of {found.cases} runs have {found.criterion}")
    if found.boxes.empty:
        print("no box is denser than the base rate")
    for number, rows in found.boxes.groupby("box"):
        first = rows.iloc[0]
        limits = "; ".join(f"{r.low:.4g} <= {r.parameter} <= {r.high:.4g}"
                           for r in rows.itertuples() if r.restricted) or "(the whole space)"
        print(f"box {number} (coverage {first['coverage']:.2f}, density {first['density']:.2f}, "
              f"{first['runs']} runs): {limits}")
    print("feature scores: " + ", ".join(f"{r.parameter} {r.score:.3f}"
                                         for r in found.scores.itertuples()))
    print(f"wrote {paths['csv']}, {paths['scores']} and {paths['figure']}")
    return 0
