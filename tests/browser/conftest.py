"""Fixtures for the browser tests: the app server, Chromium, and a page that logs requests."""

from __future__ import annotations

import os

import pytest
from harness import ARTIFACTS, CHROMIUM, app_server, launch_chromium, on_ci


@pytest.fixture(scope="module")
def chromium_ready() -> None:
    """Skip when Chromium is missing, except in CI (CI=true), where that is a failure."""
    if not CHROMIUM.exists():
        message = (f"{CHROMIUM} not found: install Debian's chromium "
                   "(apt-get install -y chromium; make test does it)")
        if on_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def app(chromium_ready):
    """A ``datarovers viz`` server on a free localhost port for the module (stopped afterwards):
    an :class:`harness.AppServer` with its URL, process and log.
    """
    with app_server(log=ARTIFACTS / "browser" / f"server-{os.getpid()}.log") as server:
        yield server


@pytest.fixture(scope="module")
def server_url(app):
    """Base URL of the module's app server."""
    return app.url


@pytest.fixture(scope="module")
def browser(chromium_ready):
    """Headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
