"""Sessions of the app in a real browser: one model per visitor, nothing computed for no one.

Two visitors at once step their own models; a reload starts again at step 0; when the last tab
of a playing session closes, the server stops computing (measured as the server process's CPU
time); Ctrl-C stops the server while a model plays. The viewport is 1400 x 900, a laptop's
screen, where nothing may cover the plots.
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
from harness import ARTIFACTS, app_server, plot, wait_for_revision

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PLOTS = ("network", "disclosure", "scores", "thresholds", "categories")
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT = 60_000  # ms


def _open(browser, url: str):
    """A new visitor (own browser context) on the app, drawn at step 0."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url, timeout=TIMEOUT)
    wait_for_revision(page, 0, PLOTS, timeout=TIMEOUT)
    return context, page


def _step(page) -> int:
    return int(page.locator(".datarovers-step").inner_text())


def _click_step(page, times: int = 1) -> None:
    for _ in range(times):
        target = _step(page) + 1
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_selector(f".datarovers-step:text-is('{target}')", timeout=TIMEOUT)


def _play_until(page, steps: int) -> None:
    page.get_by_role("button", name="▶", exact=True).click()
    page.wait_for_function(
        f"Number(document.querySelector('.datarovers-step').innerText) >= {steps}",
        timeout=TIMEOUT)


def _uncovered(page, name: str) -> list[str]:
    """Points of a plot (centre and inset corners) where another element is on top of it."""
    element = plot(page, name)
    element.scroll_into_view_if_needed()
    return element.evaluate("""(plot) => {
        const box = plot.getBoundingClientRect(), covered = [];
        for (const [fx, fy] of [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]]) {
            const x = box.left + fx * box.width, y = box.top + fy * box.height;
            const top = document.elementFromPoint(x, y);
            if (top && !plot.contains(top)) covered.push(`${fx},${fy}: ${top.className}`);
        }
        return covered;
    }""")


def _wait_for_log(app, text: str, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in app.log_text():
            return True
        time.sleep(0.25)
    return False


def test_two_visitors_have_their_own_models_and_a_reload_starts_afresh(app, browser):
    (first_context, first), (second_context, second) = _open(browser, app.url), \
        _open(browser, app.url)
    try:
        _click_step(first, 2)
        assert (_step(first), _step(second)) == (2, 0)
        _click_step(second)
        assert (_step(first), _step(second)) == (2, 1)

        first.reload()
        wait_for_revision(first, 0, PLOTS, timeout=TIMEOUT)
        assert (_step(first), _step(second)) == (0, 1)
        _click_step(second)  # the other visitor's model went on undisturbed
        assert _step(second) == 2

        # At 1400 x 900 nothing lies on top of a plot (no badge, no panel).
        for name in PLOTS:
            assert not _uncovered(first, name), (name, _uncovered(first, name))
        assert first.get_by_text("This website runs on Solara").count() == 0
        first.screenshot(path=ARTIFACTS / "browser" / "sessions-1400x900.png")
    finally:
        first_context.close()
        second_context.close()


def test_play_stops_computing_when_the_last_tab_closes(app, browser):
    context, page = _open(browser, app.url)
    _play_until(page, 3)
    before = app.cpu_seconds()
    time.sleep(3)
    playing = app.cpu_seconds() - before  # what computing for a visitor costs
    context.close()
    assert _wait_for_log(app, "no browser tab connected"), app.log_text()[-2000:]
    time.sleep(1)
    before = app.cpu_seconds()
    time.sleep(3)
    idle = app.cpu_seconds() - before
    assert playing > 0.3, f"playing used only {playing:.2f} s of CPU in 3 s"
    assert idle < 0.15, f"the server used {idle:.2f} s of CPU in 3 s with no tab open " \
                        f"(while playing: {playing:.2f} s)"


def test_ctrl_c_stops_the_server_while_a_model_plays(browser):
    with app_server(log=ARTIFACTS / "browser" / "server-ctrl-c.log") as server:
        context, page = _open(browser, server.url)
        try:
            _play_until(page, 2)
            server.process.send_signal(signal.SIGINT)
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pytest.fail("the server was still running 30 s after Ctrl-C:\n"
                            + server.log_text()[-2000:])
        finally:
            context.close()
        # (uvicorn closes open connections after GRACEFUL_SHUTDOWN_S = 2 s, then the sessions)
        assert "Traceback" not in server.log_text(), server.log_text()[-3000:]
