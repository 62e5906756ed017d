"""Step-plus-redraw latency of the browser app, at 1,000 and 10,000 citizens.

Starts ``datarovers viz`` on a free localhost port, drives it with headless Debian Chromium,
and times, inside the page, from the click on Step until plotly.js has redrawn every plot for
the new step (the ``data-revision`` each plot sets when ``Plotly.react`` resolves) and the
browser has painted. That covers the Python step, building the figures, the websocket round
trip and the drawing. Target: <= 0.5 s at 1,000 citizens (issue 6).

Run: ``.venv/bin/python benchmarks/viz.py [--steps 10] [--screenshot results/figures/app.png]``.
Prints a table; the last line is one JSON object. ``--screenshot`` also saves the page at 1,000
citizens after 20 steps (the README's picture).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from harness import ARTIFACTS, app_server, launch_chromium, wait_for_revision

PLOTS = ("network", "disclosure", "scores", "thresholds", "categories")
SIZES = (1_000, 10_000)
TARGET_S = 0.5
SLIDER_STEP = 100  # the "Citizens N" slider moves in steps of 100 from 100 ...
SLIDER_MAX = 10_000  # ... to 10,000

# Click Step, then resolve once every plot shows the new step and a frame has been painted.
_STEP_AND_WAIT = """
async ([step, names]) => {
  const drawn = () => names.every((name) => {
    const el = document.querySelector(`.datarovers-plot[data-name=${name}]`);
    return el && el.dataset.revision === String(step);
  });
  const button = [...document.querySelectorAll("button")]
    .find((b) => b.textContent.trim() === "Step");
  const start = performance.now();
  button.click();
  await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (drawn()) { observer.disconnect(); resolve(); }
    });
    observer.observe(document.body,
                     { attributes: true, subtree: true, attributeFilter: ["data-revision"] });
  });
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return (performance.now() - start) / 1000;
}
"""


def set_population(page, n: int) -> float:
    """Move the population slider to ``n``, press Reset, wait for the new model's first drawing.

    Returns:
        Seconds from the click on Reset to the drawn model (includes the one-off layout).
    """
    # Leave step 0 first, so that plots at revision 0 can only be the new model's.
    current = int(page.locator(".datarovers-step").inner_text())
    step_latencies(page, current + 1, 1)
    slider = page.locator(".v-input", has_text="Citizens N").locator("[role=slider]")
    slider.focus()
    if n >= SLIDER_MAX:
        slider.press("End")
    else:
        slider.press("Home")
        for _ in range((n - SLIDER_STEP) // SLIDER_STEP):
            # Paced: key presses faster than the server's round trip can lose updates.
            page.wait_for_timeout(150)
            slider.press("ArrowRight")
    page.wait_for_timeout(500)
    page.wait_for_function("([el, n]) => el.getAttribute('aria-valuenow') === String(n)",
                           arg=[slider.element_handle(), n], timeout=30_000)
    start = time.perf_counter()
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_selector(f".datarovers-size:text-is('{n:,}')", timeout=120_000)
    wait_for_revision(page, 0, PLOTS, timeout=120_000)
    return time.perf_counter() - start


def step_latencies(page, first_step: int, count: int) -> list[float]:
    """Seconds from clicking Step to the painted redraw, for ``count`` consecutive steps."""
    return [page.evaluate(_STEP_AND_WAIT, [first_step + i, list(PLOTS)]) for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="timed steps per size")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="save the page at 1,000 citizens after 20 steps to this PNG")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    warmup = 2
    results: dict[str, dict[str, float]] = {}
    with app_server(log=ARTIFACTS / "viz-benchmark-server.log") as server, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1500, "height": 1320})
        page.goto(server.url, timeout=120_000)
        wait_for_revision(page, 0, PLOTS, timeout=120_000)
        for n in SIZES:
            reset_s = set_population(page, n)
            step_latencies(page, 1, warmup)
            times = step_latencies(page, 1 + warmup, args.steps)
            results[str(n)] = {"reset_s": round(reset_s, 3),
                               "median_s": round(statistics.median(times), 3),
                               "p90_s": round(sorted(times)[int(0.9 * (len(times) - 1))], 3),
                               "max_s": round(max(times), 3)}
            if n == 1_000 and args.screenshot is not None:
                done = 1 + warmup + args.steps
                step_latencies(page, done, max(0, 20 - done + 1))
                page.mouse.move(0, 0)  # no hover label in the picture
                args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=args.screenshot, full_page=True)
        browser.close()

    print(f"{'citizens':>9} {'reset+layout s':>15} {'step+redraw median s':>21} "
          f"{'p90 s':>7} {'max s':>7}")
    for n, row in results.items():
        print(f"{int(n):>9,} {row['reset_s']:>15.3f} {row['median_s']:>21.3f} "
              f"{row['p90_s']:>7.3f} {row['max_s']:>7.3f}")
    summary = {"benchmark": "viz", "steps_timed": args.steps, "target_s_at_1000": TARGET_S,
               "meets_target": results["1000"]["median_s"] <= TARGET_S, "by_citizens": results}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
