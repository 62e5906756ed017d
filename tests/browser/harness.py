"""Start the app server and a headless Chromium: shared by the browser tests and benchmarks/viz.py.

The browser is Debian's Chromium (``/usr/bin/chromium``, installed by ``make test`` when
missing), driven by Playwright; ``playwright install`` is never needed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class AppServer:
    """A running ``datarovers viz``: its base URL, its process and its log file."""

    url: str
    process: subprocess.Popen
    log: Path

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far, from ``/proc``."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_text(self) -> str:
        """What the server has logged so far."""
        return self.log.read_text(errors="replace")


@contextmanager
def app_server(timeout: float = 120.0, log: Path | None = None):
    """Run ``datarovers viz`` on a free localhost port; yield its :class:`AppServer`; stop it.

    Raises:
        RuntimeError: The server exited or did not answer within ``timeout`` seconds (its log
            is in the message).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = log or ARTIFACTS / "viz-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "experiments.cli", "viz", "--port", str(port)],
            cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"app server exited with {server.returncode}:\n"
                                   + log.read_text())
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"app server not answering at {url} after {timeout:.0f} s:\n"
                                   + log.read_text())
            time.sleep(0.25)
        yield AppServer(url, server, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def launch_chromium(playwright):
    """Headless Debian Chromium with the flags that keep it off the network."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      headless=True)


def plot(page, name: str):
    """Locator of one of the app's plots (``network``, ``disclosure``, ``scores``, ...)."""
    return page.locator(f".datarovers-plot[data-name={name}]")


def wait_for_revision(page, revision: int, names: tuple[str, ...], timeout: float = 60_000):
    """Wait until each named plot has been redrawn by plotly.js for step ``revision``."""
    for name in names:
        page.wait_for_selector(f".datarovers-plot[data-name={name}][data-revision='{revision}']",
                               timeout=timeout)


def on_ci() -> bool:
    """Whether we run in CI (``CI=true``), where a missing browser is a failure."""
    return os.environ.get("CI", "").lower() == "true"
