"""Drive the self-screening wizard in a real browser: shared by the browser tests and
scripts/screenshots.py. Widgets are found by their keys (Streamlit puts ``st-key-<key>``
on each keyed element, with characters other than letters, digits, ``_`` and ``-``
turned into ``-``); answers are given by clicking their visible labels.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from screening.answers import prune
from screening.questionnaire import Question, load_questionnaire
from screening.record import build_record, dump_record

from .harness import wait_idle

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

QN = load_questionnaire()
SETTLE_MS = 120


def css_key(key: str) -> str:
    """The CSS class Streamlit gives an element with this key."""
    return ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def keyed(page: Page, key: str) -> Locator:
    """The element with this key."""
    return page.locator(css_key(key)).first


def settle(page: Page) -> None:
    """Let the rerun a widget change started finish."""
    page.wait_for_timeout(SETTLE_MS)
    wait_idle(page)


def press(page: Page, key: str) -> None:
    """Click the button with this key."""
    keyed(page, key).locator("button").first.click()
    settle(page)


def choose(page: Page, key: str, label: str) -> None:
    """Choose a radio option by its label."""
    keyed(page, key).locator("label").filter(has_text=re.compile(rf"^{re.escape(label)}$")).click()
    settle(page)


def type_number(page: Page, key: str, value: int) -> None:
    """Type a number and commit it."""
    box = keyed(page, key).locator("input")
    box.fill(str(value))
    box.press("Enter")
    settle(page)


def type_text(page: Page, key: str, value: str) -> None:
    """Type text and commit it."""
    box = keyed(page, key).locator("input, textarea").first
    box.fill(value)
    box.press("Tab")
    settle(page)


def tick(page: Page, key: str) -> None:
    """Tick a checkbox."""
    keyed(page, key).locator("label").first.click()
    settle(page)


def pick(page: Page, key: str, search: str) -> None:
    """Search a select box and take the first match; wait until it shows the choice and
    the page has rerun with it."""
    from playwright.sync_api import expect

    keyed(page, key).click()
    page.keyboard.type(search)
    page.keyboard.press("Enter")
    field = keyed(page, key).get_by_role("combobox")
    expect(field).to_have_value(re.compile(rf"^{re.escape(search)}"))
    settle(page)


def heading(page: Page, text: str) -> Locator:
    """The page heading containing ``text``."""
    return page.locator("h1").filter(has_text=text)


def answer(page: Page, q: Question, key: str, value: Any) -> None:
    """Give one answer through its widget."""
    if q.type == "integer":
        type_number(page, key, value)
    elif q.type == "text":
        type_text(page, key, value)
    elif q.type == "single" and len(q.choices) > 8:
        pick(page, key, q.label_of(value).split(" (")[0])
    else:
        choose(page, key, q.label_of(value))


def fill_step(page: Page, section_id: str, answers: dict[str, Any]) -> None:
    """Answer the questions of one step (a fresh session: nothing answered yet)."""
    for q in QN.in_section(section_id):
        if q.id not in answers:
            continue
        value = answers[q.id]
        if q.type == "multi":
            for code in value:
                tick(page, f"q:{q.id}:{code}")
            if not value:
                tick(page, f"q:{q.id}:__none")
        elif q.type == "repeat":
            if not value:
                tick(page, f"q:{q.id}:__none")
            for row, entry in enumerate(value):
                press(page, "wiz:add_trial")
                for sub in q.items:
                    if sub.id in entry:
                        answer(page, sub, f"t:{row}:{sub.id}", entry[sub.id])
        else:
            answer(page, q, f"q:{q.id}", value)


def next_step(page: Page, expected: str) -> None:
    """Press Next and wait for the heading ``expected``."""
    keyed(page, "wiz:next").locator("button").click()
    wait_idle(page, heading(page, expected))


def complete(page: Page, answers: dict[str, Any]) -> None:
    """From the start page, answer every step and open the results."""
    answers = prune(answers, QN)
    press(page, "wiz:start")
    wait_idle(page, heading(page, "Step 1 of"))
    sections = [s for s in QN.sections if s.id != "safety" or answers.get("phq9_9", 0) >= 1]
    for index, section in enumerate(sections):
        fill_step(page, section.id, answers)
        following = sections[index + 1].title if index + 1 < len(sections) else "Check your"
        next_step(page, following)
    keyed(page, "wiz:results").locator("button").click()
    wait_idle(page, heading(page, "Your summary"))


def progress_file(answers: dict[str, Any], step: str | None, status: str = "in_progress") -> bytes:
    """A saved progress file, as the app writes it."""
    record = build_record(
        answers,
        created_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
        app_version="test",
        status=status,  # type: ignore[arg-type]
        progress_step=step,
    )
    return dump_record(record)


def resume(page: Page, data: bytes, expected: str, name: str = "screening-progress.json") -> None:
    """Open a saved file from the start page and wait for the heading ``expected``."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "application/json", "buffer": data}]
    )
    wait_idle(page, heading(page, expected))
