"""The self-screening wizard in Chromium: a whole journey, the crisis panel, keyboard, 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from screening.rules import OUTCOMES
from tests.conftest import vignette

from .harness import AppServer, open_app, wait_idle
from .wizard_flow import choose, complete, heading, keyed, progress_file, resume


def test_full_journey_reaches_the_outcome(app_server: AppServer, page: Page) -> None:
    """Every step answered by clicking and typing (two antidepressants added) shows the outcome."""
    open_app(page, app_server.url)
    complete(page, vignette("typical-trd"))
    expect(page.get_by_role("heading", name=OUTCOMES["discuss_ketamine"].title)).to_be_visible()


def test_crisis_panel_appears_before_next(app_server: AppServer, page: Page) -> None:
    """Choosing "Several days" for item 9 puts the panel, with a tel: link, above the step."""
    open_app(page, app_server.url)
    resume(page, progress_file(vignette("typical-trd"), "phq9"), "Step 2 of 9")
    choose(page, "q:phq9_9", "Several days")
    panel = keyed(page, "crisis-panel")
    expect(panel).to_be_visible()
    expect(panel.locator('a[href="tel:988"]')).to_have_count(1)
    top_of_panel = panel.bounding_box()
    top_of_heading = page.locator("h1").first.bounding_box()
    assert top_of_panel and top_of_heading and top_of_panel["y"] < top_of_heading["y"]


def test_start_works_by_keyboard(app_server: AppServer, page: Page) -> None:
    """Start can be reached with Tab and pressed with Enter; focus lands on the step heading."""
    open_app(page, app_server.url)
    start = keyed(page, "wiz:start").locator("button")
    for _ in range(40):
        page.keyboard.press("Tab")
        if start.evaluate("element => element === document.activeElement"):
            break
    page.keyboard.press("Enter")
    wait_idle(page, heading(page, "Step 1 of 9"))
    expect(page.locator("h1:focus")).to_have_text("Step 1 of 9 — About you", timeout=5000)


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 800}])
def test_step_fits_360_px(app_server: AppServer, page: Page, viewport: dict[str, int]) -> None:
    """At 360 px wide, the trials step needs no sideways scrolling."""
    open_app(page, app_server.url)
    resume(page, progress_file(vignette("typical-trd"), "treatment"), "Step 4 of 9")
    overflow = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-testid=stMain] *'))"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
    )
    assert overflow == 0


def serious_violations(page: Page) -> list[tuple[str, str]]:
    """axe-core violations of impact serious or critical: (rule id, first element)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_timeout(800)  # let elements finish fading in before measuring contrast
    found = Axe().run(page).response["violations"]
    return [
        (v["id"], str(v["nodes"][0]["target"]))
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_step_with_problems_passes_axe(app_server: AppServer, page: Page) -> None:
    """A step showing its problems has no serious accessibility violations (axe-core)."""
    open_app(page, app_server.url)
    keyed(page, "wiz:start").locator("button").click()
    wait_idle(page, heading(page, "Step 1 of 9"))
    keyed(page, "wiz:next").locator("button").click()
    wait_idle(page, page.get_by_text("answers need your attention"))
    assert serious_violations(page) == []


def test_results_with_crisis_panel_pass_axe(app_server: AppServer, page: Page) -> None:
    """The results page with the crisis panel has no serious accessibility violations."""
    open_app(page, app_server.url)
    resume(page, progress_file(vignette("item9-passive"), None, "completed"), "Check your answers")
    keyed(page, "wiz:results").locator("button").click()
    wait_idle(page, heading(page, "Your summary"))
    assert serious_violations(page) == []
