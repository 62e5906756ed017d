"""``datarovers paper [--quick]``: the paper's figures and tables from one command."""

from __future__ import annotations

import argparse

from experiments.cli._analysis import add_run_arguments, run_analysis


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``paper``."""
    parser = sub.add_parser(
        "paper", help="run the paper's studies (resuming) and write its figures and tables",
        description="Run what is missing of every study in experiments/paper/specs (resumably, "
                    "like sweep), then write each figure as HTML, PNG, SVG and PDF and each "
                    "table as CSV and LaTeX (booktabs) under <results>/paper/, with a README "
                    "listing captions, specs and commands. The full set takes about 10 minutes "
                    "on 2 cores; --cluster runs it on Dask. See docs/experiments.md.")
    parser.add_argument("--quick", action="store_true",
                        help="small populations and few replications (a couple of minutes on "
                             "2 cores), written to <results>/paper/quick/")
    add_run_arguments(parser, spec=False)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run, draw, write."""
    import sys

    from experiments.figures.chromium import ensure
    from experiments.paper.build import build_paper

    ensure()  # before hours of runs: the static export needs Chromium at the end

    def announce(study) -> None:
        print(f"study {study.name} ({study.kind})", file=sys.stderr, flush=True)

    written, status = run_analysis(
        args, "paper",
        lambda **kw: build_paper(args.results, args.quick, on_study=announce, **kw))
    if status is not None:
        return status
    print(f"wrote {len(written['figures'])} figures and {len(written['tables'])} tables under "
          f"{written['directory']}; see {written['readme']}")
    return 0
