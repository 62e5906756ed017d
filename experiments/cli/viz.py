"""``datarovers viz``: serve the browser app (``simulation/app.py``) with Solara.

The server listens on 127.0.0.1 unless ``--host`` says otherwise, runs in Solara's production
mode (no development "install check" frame), without its version check or usage telemetry,
so that nothing but the browser talks to it and it talks to no one.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path

from experiments.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP_PATH = Path(__file__).resolve().parents[2] / "simulation" / "app.py"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``viz``."""
    parser = sub.add_parser(
        "viz", help="explore the model in the browser",
        description="Serve the interactive app (network, controls, live plots) and print its "
                    "address; open it in a browser. Stop with Ctrl-C.")
    parser.add_argument("--port", default=str(DEFAULT_PORT),
                        help=f"TCP port, 1-65535 (default {DEFAULT_PORT})")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}: this machine "
                             "only; 0.0.0.0 exposes the app to the network)")
    parser.set_defaults(handler=handle)


def parse_port(text: str) -> int:
    """A TCP port number from the command line.

    Raises:
        UsageError: Not an integer between 1 and 65535.
    """
    try:
        port = int(text)
    except ValueError:
        raise UsageError(f"--port: got {text!r}, expected an integer from 1 to 65535") from None
    if not 1 <= port <= 65535:
        raise UsageError(f"--port: got {port}, expected an integer from 1 to 65535")
    return port


def check_address(host: str, port: int) -> None:
    """Fail early, with one line, if the server could not listen on ``host:port``.

    Raises:
        UsageError: The host does not resolve, or the port is taken or not allowed.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise UsageError(f"--host: got {host!r}, expected an address of this machine such as "
                         f"{DEFAULT_HOST}") from None
    with socket.socket(family, kind, proto) as probe:
        try:
            probe.bind(address)
        except OSError as err:
            reason = "is already in use" if err.errno == errno.EADDRINUSE else (
                f"cannot be used ({err.strerror})")
            raise UsageError(f"--port: {host}:{port} {reason}; choose another with --port"
                             ) from None


def solara_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line that serves the app."""
    return [sys.executable, "-m", "solara", "run", str(APP_PATH), "--host", host,
            "--port", str(port), "--production", "--no-open", "--no-check-version"]


def handle(args: argparse.Namespace) -> int:
    """Validate the address, then replace this process with the Solara server."""
    port = parse_port(args.port)
    check_address(args.host, port)
    print(f"datarovers viz: serving http://{args.host}:{port}/ (Ctrl-C to stop)",
          file=sys.stderr, flush=True)
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    command = solara_command(args.host, port)
    # exec, not a child process: stopping this process (Ctrl-C, kill) stops the server.
    os.execve(command[0], command, env)
    return 0  # pragma: no cover - execve does not return
