"""The app in a real browser: offline, drawn, stepping and resetting.

Drives ``datarovers viz`` with headless Debian Chromium. Screenshots go to
``test-artifacts/browser/``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from harness import ARTIFACTS, plot, wait_for_revision

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SHOTS = ARTIFACTS / "browser"
PLOTS = ("network", "disclosure", "scores", "thresholds", "categories")
TIMEOUT = 60_000  # ms: first load imports the model and plotly.js on a busy 2-core machine


def _drawn_data(page, name: str) -> str:
    """The SVG of a plot's data layer (lines and markers)."""
    return plot(page, name).locator(".scatterlayer").first.inner_html()


def test_app_runs_offline_steps_and_resets(server_url, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    origin = urlsplit(server_url).netloc
    context = browser.new_context(viewport={"width": 1600, "height": 1300})
    requests, failures = [], []
    context.on("request", lambda request: requests.append(request.url))
    context.on("response", lambda response: response.status >= 400 and failures.append(
        f"{response.status} {response.url}"))
    page = context.new_page()
    page.on("websocket", lambda socket: requests.append(socket.url))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(server_url, timeout=TIMEOUT)
        wait_for_revision(page, 0, PLOTS, timeout=TIMEOUT)
        page.screenshot(path=SHOTS / "01-loaded.png", full_page=True)

        # Offline: every request (pages, scripts, fonts, websockets) went to the local server.
        foreign = sorted({url for url in requests if urlsplit(url).netloc != origin})
        assert requests and not foreign, f"requests to other hosts: {foreign}"
        assert not failures, f"failed requests: {failures}"
        assert not errors, f"errors in the page: {errors}"

        # The network and the plots are visible and not empty.
        for name in PLOTS:
            assert plot(page, name).is_visible(), name
        assert plot(page, "network").locator(".scatterlayer path.point").count() == 1000
        assert plot(page, "scores").locator(".barlayer path").count() > 10
        for name in ("disclosure", "thresholds"):
            assert plot(page, name).locator(".scatterlayer .trace").count() >= 2, name
        assert page.locator(".datarovers-step").inner_text() == "0"

        # Step advances the counter and changes the plots.
        before = _drawn_data(page, "disclosure")
        page.get_by_role("button", name="Step", exact=True).click()
        wait_for_revision(page, 1, PLOTS, timeout=TIMEOUT)
        assert page.locator(".datarovers-step").inner_text() == "1"
        assert _drawn_data(page, "disclosure") != before
        page.screenshot(path=SHOTS / "02-step.png", full_page=True)

        # A smaller population, then Reset: a new model of that size.
        slider = page.locator(".v-input", has_text="Citizens N").locator("[role=slider]")
        slider.focus()
        slider.press("Home")  # the slider's minimum, 100 citizens
        page.get_by_role("button", name="Reset", exact=True).click()
        page.wait_for_selector(".datarovers-size:text-is('100')", timeout=TIMEOUT)
        wait_for_revision(page, 0, PLOTS, timeout=TIMEOUT)
        assert page.locator(".datarovers-step").inner_text() == "0"
        assert plot(page, "network").locator(".scatterlayer path.point").count() == 100
        page.screenshot(path=SHOTS / "03-reset-100.png", full_page=True)

        foreign = sorted({url for url in requests if urlsplit(url).netloc != origin})
        assert not foreign, f"requests to other hosts: {foreign}"
        assert not errors, f"errors in the page: {errors}"
    finally:
        page.screenshot(path=SHOTS / "99-last.png", full_page=True)
        context.close()
