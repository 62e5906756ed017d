"""``datarovers specs``: the bundled specs, by name, with their descriptions."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``specs``."""
    parser = sub.add_parser(
        "specs", help="list the bundled specs (usable by name, e.g. datarovers sweep incentives)",
        description="List the specs that ship with the package. Every command that takes a "
                    "SPEC also takes a bundled spec's name, e.g. datarovers sweep incentives.")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print one line per bundled spec."""
    from experiments.paths import BUNDLED_SPECS, bundled_specs

    specs = bundled_specs()
    width = max(map(len, specs), default=0)
    for name, description in specs.items():
        print(f"{name:<{width}}  {description}")
    print(f"(files in {BUNDLED_SPECS})")
    return 0
