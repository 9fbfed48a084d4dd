"""7. Browser: time to the first question in Debian's Chromium (Playwright), warm server.

A respondent opens the app (a fresh browser context each time: a first visit), the start
page shows, they press Start, and the first question shows. The floor is a bare Streamlit
script that shows one number input, served and opened the same way.

Each wait is checked in the page on every animation frame (``wait_for_function`` with
``polling="raf"``), not with ``locator.wait_for``: Playwright retries a locator after 0, 20,
50, 100, 100 ms and then only every 500 ms, so an element that shows 1.05 s after
navigation was reported at about 1.4 s, and the figures moved in steps of half a second.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, Row, median, p95, skipped

SECTION = "Browser"
BUDGET_S = 1.5
FIRST_QUESTION = ".st-key-q-age_years input"
START = ".st-key-wiz-start button"
BARE_APP = 'import streamlit as st\n\nst.number_input("How old are you?", value=None, key="age")\n'
BARE_WIDGET = ".st-key-age input"
# In the page's own clock: Streamlit's scripts loaded and run (the same bundle for any app).
SCRIPTS_RUN = "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd / 1000"
# What Playwright calls visible: in the document, a non-empty box, not visibility:hidden.
VISIBLE = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return false;
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
}"""


def _harness() -> Any:
    from tests.browser import harness

    return harness


def available() -> str | None:
    """None when the wizard, Playwright and Chromium are there, else why not."""
    if not (REPO_ROOT / "ui" / "wizard" / "page.py").exists():
        return "the wizard (ui/wizard/page.py) is missing"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not Path(_harness().CHROMIUM_PATH).exists():
        return "Debian's chromium is not installed"
    return None


_REUSED: dict[str, Any] = {}


def _visit(
    browser: Any,
    url: str,
    steps: list[tuple[str, str | None]],
    reuse: bool = False,
    scripts_run: list[float] | None = None,
) -> list[float]:
    """Seconds from navigation to each step's selector being visible (clicking the
    selector of a step with an action first): in a fresh context (a first visit), or with
    ``reuse`` in one kept per URL (a return visit: the browser has the static files).
    ``scripts_run`` gets the page's DOMContentLoaded time, in seconds."""
    page = _REUSED.get(url) if reuse else None
    if page is None:
        page = _harness().new_page(browser)
        if reuse:
            _REUSED[url] = page
    try:
        marks: list[float] = []
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        for selector, click in steps:
            if click is not None:
                page.locator(click).first.click()
            page.wait_for_function(VISIBLE, arg=selector, polling="raf", timeout=30_000)
            marks.append(time.perf_counter() - start)
        if scripts_run is not None:
            scripts_run.append(float(page.evaluate(SCRIPTS_RUN)))
        return marks
    finally:
        if not reuse:
            page.context.close()


def run(quick: bool) -> list[Row]:
    """Start page, first question, the bare floors, and where the first visit's time goes."""
    why = available()
    if why:
        return [skipped(SECTION, "time to first question", why)]
    h = _harness()
    _REUSED.clear()
    samples = 5 if quick else 11
    steps = [(START, None), (FIRST_QUESTION, START)]
    bare_steps: list[tuple[str, str | None]] = [(BARE_WIDGET, None)]
    start_page: list[float] = []
    first: list[float] = []
    floor: list[float] = []
    cached: list[float] = []
    cached_floor: list[float] = []
    scripts: list[float] = []
    scripts_floor: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as tmp:
        (Path(tmp) / "bare.py").write_text(BARE_APP, encoding="utf-8")
        with (
            h.running_app() as app,
            h.running_app(app_file="bare.py", cwd=Path(tmp)) as bare,
            h.chromium() as browser,
        ):
            for _ in range(2):  # warm the servers and the browser
                _visit(browser, app.url, steps)
                _visit(browser, bare.url, bare_steps)
            for _ in range(samples):
                marks = _visit(browser, app.url, steps, scripts_run=scripts)
                start_page.append(marks[0])
                first.append(marks[1])
                floor.append(_visit(browser, bare.url, bare_steps, scripts_run=scripts_floor)[0])
                again = _visit(browser, app.url, steps, reuse=True)
                cached.append(again[1])
                cached_floor.append(_visit(browser, bare.url, bare_steps, reuse=True)[0])
    bare_name = "bare script, one input"
    press = [b - a for a, b in zip(start_page, first, strict=True)]
    return [
        Row(
            SECTION,
            "open the app → start page with Start button",
            "s",
            median(start_page),
            p95(start_page),
            floor=median(floor),
            floor_name=bare_name,
        ),
        Row(
            SECTION,
            "open the app → press Start → first question shown",
            "s",
            median(first),
            p95(first),
            floor=median(floor),
            floor_name=bare_name,
            budget=f"≤ {BUDGET_S:g} s",
            passed=median(first) <= BUDGET_S,
            note="fresh browser context per visit (a first-time visitor), warm server, "
            "Start pressed as soon as it shows; wall time",
        ),
        Row(
            SECTION,
            "same, return visit (static files cached by the browser)",
            "s",
            median(cached),
            p95(cached),
            floor=median(cached_floor),
            floor_name=f"{bare_name}, cached",
        ),
        Row(
            SECTION,
            "of the first question: Streamlit's scripts loaded and run (DOMContentLoaded)",
            "s",
            median(scripts),
            p95(scripts),
            floor=median(scripts_floor),
            floor_name=bare_name,
            note="page clock, from navigation start: the same bundle for every app",
        ),
        Row(
            SECTION,
            "of the first question: Start shown → pressed → first question shown",
            "s",
            median(press),
            p95(press),
            note="the click (Playwright's checks), one rerun, the widgets' code loaded, drawn",
        ),
    ]
