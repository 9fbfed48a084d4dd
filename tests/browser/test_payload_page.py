"""Hostile text in a real browser: a record whose name, notes and other medicine hold
script tags, an image pointing elsewhere and a javascript: link is resumed and its summary
opened, then loaded on the staff page. The text shows as typed; no script runs, no element
points elsewhere, and no request leaves the app's origin.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from screening.record import build_record, dump_record
from tests.hostile import CREATED, base_answers

from . import journeys as J
from .harness import AppServer, foreign_requests, open_app, open_staff, wait_idle

pytestmark = pytest.mark.browser

NAME = "<img src=https://tracker.example/n.png onerror=alert(1)>"
NOTES = (
    "<script>alert('notes')</script> ![pixel](https://tracker.example/p.png) "
    "[Click me](javascript:alert(2)) :red[red] **bold**"
)
OTHER = "<b>Med</b>](javascript:alert(3))"


@pytest.fixture(scope="module")
def payload_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A record file whose free-text answers are markup."""
    answers = copy.deepcopy(base_answers())
    answers["display_name"] = NAME[:100]
    answers["notes_for_clinician"] = NOTES
    answers["ad_trials"][0].update(medication="other", medication_other=OTHER[:60])
    path = tmp_path_factory.mktemp("payload") / "payload.json"
    path.write_bytes(dump_record(build_record(answers, created_at=CREATED, app_version="0.1.0")))
    return path


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Messages of every alert/confirm/prompt the page opened (there must be none)."""
    seen: list[str] = []

    def record(dialog) -> None:  # type: ignore[no-untyped-def]
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return seen


def _no_markup_from_payload(page: Page) -> list[str]:
    """Elements the payload could have created: images, links and scripts pointing out."""
    found = page.evaluate(
        """() => [
            ...Array.from(document.querySelectorAll('img')).map(e => 'img ' + e.src),
            ...Array.from(document.querySelectorAll('a')).map(e => 'a ' + e.href),
            ...Array.from(document.querySelectorAll('script')).map(e => 'script ' + e.textContent),
        ]"""
    )
    return [f for f in found if "tracker.example" in f or "javascript:" in f or "alert(" in f]


def test_wizard_summary_shows_markup_as_text(
    app_server: AppServer, page: Page, payload_file: Path, dialogs: list[str]
) -> None:
    """Resume and open the summary: the name shows as typed; nothing runs or points out."""
    open_app(page, app_server.url)
    J.upload_progress(page, payload_file)
    results = page.get_by_role("button", name="See my summary")
    wait_idle(page, results)
    expect(page.get_by_text(NOTES)).to_be_visible()
    results.click()
    wait_idle(page, page.get_by_text(NAME))
    assert (
        _no_markup_from_payload(page),
        dialogs,
        foreign_requests(page.requests_seen, app_server.url),  # type: ignore[attr-defined]
    ) == ([], [], [])


def test_staff_detail_shows_markup_as_text(
    app_server: AppServer, page: Page, payload_file: Path, dialogs: list[str]
) -> None:
    """Load the record on the staff page and open it: text as typed, nothing runs."""
    open_staff(page, app_server.url)
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(payload_file)
    J.settle(page)
    choose = page.get_by_test_id("stSelectbox").filter(has_text="Open a record")
    wait_idle(page, choose)
    choose.locator("input").click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_idle(page, page.get_by_text(f"name: {NAME}", exact=False))
    page.get_by_role("tab", name="Answers").click()
    J.settle(page)
    assert (
        _no_markup_from_payload(page),
        dialogs,
        foreign_requests(page.requests_seen, app_server.url),  # type: ignore[attr-defined]
    ) == ([], [], [])
