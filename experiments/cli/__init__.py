"""The ``datarovers`` command line.

Subcommands register here through :data:`COMMANDS`: one module of this package each, with
``add_parser`` (adds its subparser and sets ``handler``). A bad input of any kind ends in one
line on stderr and exit status 2, with no traceback; Ctrl-C ends with status 130 after saving
what was done.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from experiments.cli import (
    compare,
    discover,
    paper,
    run,
    sensitivity,
    specs,
    summarize,
    sweep,
    tipping,
    validate,
    viz,
)
from experiments.errors import UsageError, one_line

#: The subcommand modules, in the order ``--help`` lists them.
COMMANDS = [run, sweep, summarize, sensitivity, compare, tipping, discover, paper, specs,
            viz, validate]


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (no usage block), status 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``<prog>: error: <message> (see <prog> --help)`` and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
    parser = OneLineParser(
        prog="datarovers",
        description="Agent-based simulation of credit-score-driven data disclosure.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def uses_local_pool(args: argparse.Namespace) -> bool:
    """Whether the command will run models on the local process pool.

    It will when it takes ``--cluster``, neither that nor ``--local-cluster`` is given, and it
    is not a ``--dry-run``.
    """
    return (hasattr(args, "cluster") and args.cluster is None
            and not getattr(args, "local_cluster", False) and not getattr(args, "dry_run", False))


def check_kernel_switch() -> None:
    """Refuse a ``DATAROVERS_KERNELS`` that is neither 0 nor 1 before any work starts."""
    from simulation.kernels.table import read_switch

    try:
        read_switch()
    except ValueError as err:
        raise UsageError(str(err)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if uses_local_pool(args):  # its warm-up overlaps the handler's own imports
        from experiments.workers import start_forkserver

        start_forkserver()
    try:
        check_kernel_switch()
        return int(args.handler(args) or 0)
    except UsageError as err:
        print(f"datarovers {args.command}: error: {one_line(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"datarovers {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as err:  # a full disk, a folder removed meanwhile: never a traceback
        where = f" ({err.filename})" if getattr(err, "filename", None) else ""
        reason = err.strerror or str(err)
        print(f"datarovers {args.command}: error: {one_line(f'{reason}{where}')}; nothing "
              "finished is lost: run the same command again once it is fixed", file=sys.stderr)
        return 2
