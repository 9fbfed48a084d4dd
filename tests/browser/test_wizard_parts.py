"""A click in a question reruns only that question (an st.fragment); what must still change
elsewhere on the page at once does, in a real browser."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import vignette

from .harness import AppServer, open_app
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
    choose(page, "q:auditc_1", "2 to 4 times a month")
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
