"""In a real browser: an answer changes the rest of the page at once (the step count, the
crisis panel, follow-up questions), nothing typed is lost, a problem link moves focus to
its question, and leaving a page that holds answers asks first."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import vignette

from .harness import AppServer, open_app, wait_idle
from .journeys import download_button, save_download
from .wizard_flow import choose, heading, keyed, progress_file, resume


def test_item9_adds_the_safety_step_to_the_count(app_server: AppServer, page: Page) -> None:
    """Item 9 above "Not at all" makes the heading count the safety step straight away."""
    open_app(page, app_server.url)
    resume(page, progress_file(vignette("typical-trd"), "phq9"), "Step 2 of 9")
    choose(page, "q:phq9_9", "Several days")
    expect(heading(page, "Step 2 of 10")).to_be_visible()
    expect(keyed(page, "crisis-panel")).to_be_visible()


def test_follow_up_appears_when_its_question_is_answered(app_server: AppServer, page: Page) -> None:
    """Answering how often one drinks opens the next AUDIT-C question without pressing Next."""
    answers = {k: v for k, v in vignette("typical-trd").items() if not k.startswith("auditc")}
    open_app(page, app_server.url)
    resume(page, progress_file(answers, "substances"), "Step 6 of 9")
    expect(keyed(page, "q:auditc_2")).to_have_count(0)
    choose(page, "q:auditc_1", "2 to 4 times per month")
    expect(keyed(page, "q:auditc_2")).to_be_visible()


def test_progress_saved_right_after_an_answer_holds_it(
    app_server: AppServer, page: Page, tmp_path: Path
) -> None:
    """Save my progress just after changing an answer: the file has the new answer."""
    open_app(page, app_server.url)
    resume(page, progress_file(vignette("typical-trd"), "phq9"), "Step 2 of 9")
    choose(page, "q:phq9_1", "Nearly every day")
    saved = save_download(page, download_button(page, "wiz:save_progress"), tmp_path)
    assert json.loads(saved.read_text(encoding="utf-8"))["answers"]["phq9_1"] == 3


def test_name_typed_right_after_a_choice_is_kept(
    app_server: AppServer, page: Page, tmp_path: Path
) -> None:
    """Step 1 answered at once, name last, then Next: the name reaches the saved file, every
    time (typed into a part while another part's run finished, it was lost about half the
    time)."""
    from . import journeys as J

    answers = J.story("resumed", "typedname")
    names = []
    for attempt in range(5):
        tab = page.context.new_page()
        open_app(tab, app_server.url)
        J.start(tab, answers)
        J.answer_step(tab, answers, "about")
        J.next_step(tab, answers, "about")
        saved = save_download(
            tab, download_button(tab, "wiz:save_progress"), tmp_path / str(attempt)
        )
        names.append(json.loads(saved.read_text(encoding="utf-8"))["answers"].get("display_name"))
        tab.close()
    assert names == [answers["display_name"]] * 5


def test_problem_link_moves_focus_to_its_question(app_server: AppServer, page: Page) -> None:
    """After a refused Next, a link in the problem summary puts the cursor in its field."""
    open_app(page, app_server.url)
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Start", exact=True).click()
    expect(heading(page, "Step 1 of 9 — About you")).to_be_visible()
    keyed(page, "wiz:next").get_by_role("button").click()
    link = page.get_by_role("link", name="How old are you?", exact=True)
    wait_idle(page, link)
    # The refused Next scrolled up and put focus on the heading (SCROLL_SCRIPT); then one reads on.
    page.wait_for_function("() => document.activeElement?.tagName === 'H1'", timeout=5000)
    link.click()
    field = keyed(page, "q:age_years").get_by_role("textbox")
    expect(field).to_be_focused()


def test_a_number_out_of_range_stays_as_typed(app_server: AppServer, page: Page) -> None:
    """An age of 150 is not replaced: it stays in the field, with the range beside it."""
    open_app(page, app_server.url)
    page.get_by_test_id("stMain").get_by_role("button", name="Start", exact=True).click()
    field = keyed(page, "q:age_years").get_by_role("textbox")
    field.fill("150")
    field.press("Enter")
    keyed(page, "wiz:next").get_by_role("button").click()
    expect(
        page.get_by_text("Please enter an age from 10 to 120 years.", exact=False)
    ).to_be_visible()
    expect(field).to_have_value("150")


def test_leaving_with_answers_asks_first(app_server: AppServer, page: Page) -> None:
    """Reloading a page that holds answers brings up the browser's leave-page question."""
    open_app(page, app_server.url)
    resume(page, progress_file(vignette("typical-trd"), "phq9"), "Step 2 of 9")
    choose(page, "q:phq9_1", "Several days")
    expect(page.locator(".st-key-answers-held")).to_have_count(1)
    asked: list[str] = []

    def on_dialog(dialog: object) -> None:
        asked.append(dialog.type)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)
    # The dismissed question keeps the page, so the reload never completes.
    with contextlib.suppress(Exception):
        page.reload(timeout=3_000)
    assert asked == ["beforeunload"]


def test_leaving_without_answers_does_not_ask(app_server: AppServer, page: Page) -> None:
    """The start page of a fresh session holds nothing: a reload asks nothing."""
    open_app(page, app_server.url)
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.reload()
    assert asked == []
