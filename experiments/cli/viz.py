"""``datarovers viz``: serve the browser app (the ``simulation.app`` package) with Solara.

The server listens on 127.0.0.1 unless ``--host`` says otherwise (with a warning when the
address is reachable from other machines), runs in Solara's production mode without usage
telemetry or CDN fallback (:mod:`simulation.app.server`), so that nothing but the browser talks
to it and it talks to no one. Ctrl-C stops it within a few seconds, even while a model plays.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import socket
import sys

from experiments.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``viz``."""
    parser = sub.add_parser(
        "viz", help="explore the model in the browser",
        description="Serve the interactive app (network, controls, live plots) and print its "
                    "address; open it in a browser. Each browser tab gets its own model. "
                    "Stop with Ctrl-C.")
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


def check_address(host: str, port: int) -> str:
    """Fail early, with one line, if the server could not listen on ``host:port``.

    Returns:
        The numeric address ``host`` resolves to.

    Raises:
        UsageError: The host does not resolve or is not an address of this machine (a
            ``--host`` problem), or the port is taken or not allowed (a ``--port`` problem).
    """
    expected = f"expected an address of this machine such as {DEFAULT_HOST} or 0.0.0.0"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError):
        raise UsageError(f"--host: got {host!r}, {expected}") from None
    with socket.socket(family, kind, proto) as probe:
        try:
            probe.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRNOTAVAIL:
                raise UsageError(f"--host: got {host!r}, which is not an address of this "
                                 f"machine; {expected}") from None
            reason = "is already in use" if err.errno == errno.EADDRINUSE else (
                f"cannot be used ({err.strerror})")
            raise UsageError(f"--port: {host}:{port} {reason}; choose another with --port"
                             ) from None
    return str(address[0])


def is_loopback(address: str) -> bool:
    """Whether a numeric address is reachable from this machine only (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def handle(args: argparse.Namespace) -> int:
    """Validate the address, warn when it is reachable from the network, then serve."""
    port = parse_port(args.port)
    address = check_address(args.host, port)
    if not is_loopback(address):
        print(f"datarovers viz: warning: --host {args.host} makes the app reachable from the "
              "network: anyone who can reach this machine can open it and run models on it",
              file=sys.stderr, flush=True)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"datarovers viz: serving http://{shown}:{port}/ (Ctrl-C to stop)",
          file=sys.stderr, flush=True)
    from simulation.app.server import serve

    serve(args.host, port)
    return 0
