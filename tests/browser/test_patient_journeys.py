"""Three people complete the questionnaire in Chromium, keep their files, then clear.

Each journey is driven once (a module fixture) and what the browser showed and saved is
checked by the tests below: the outcome, the record, PDF and CSV files, resuming from a
saved progress file, and "Finish and clear my answers". The free-text answers carry the
session's sentinel string, searched for afterwards by test_privacy.py.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from screening.answers import prune, validate_answers
from screening.rules import OUTCOMES, Result, evaluate

from . import journeys as J
from .conftest import Journal
from .harness import AppServer, open_app

RECORD = "wiz:download_record"
PDF = "wiz:download:screening-summary.pdf"
CSV = "wiz:download:screening-summary.csv"
SAVE_PROGRESS = "wiz:save_progress"
RESUME_AT = "treatment"  # the "resumed" journey saves its progress here, then starts afresh
CLEARED = "Your answers have been cleared from this session."


@dataclass
class Journey:
    """What one journey answered, saw and saved."""

    name: str
    answers: dict[str, Any]
    expected: Result
    outcome_title: str = ""
    crisis_panel: bool = False
    prepared_for: str = ""
    files: dict[str, Path] = field(default_factory=dict)
    progress: dict[str, Any] | None = None
    resumed_notice: str = ""
    resumed_title: str = ""
    resumed_values: dict[str, str] = field(default_factory=dict)
    cleared_notice: str = ""
    cleared_title: str = ""
    asked_before_clearing: bool = False
    blank_after_clear: dict[str, str] = field(default_factory=dict)


def _pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _drive(
    name: str,
    make_page: Callable[..., Page],
    url: str,
    sentinel: str,
    folder: Path,
    journal: Journal,
) -> Journey:
    answers = J.story(name, sentinel)
    qn = J.QN
    journey = Journey(name, answers, evaluate(validate_answers(answers, qn), qn))
    page = make_page()
    began = time.monotonic()
    open_app(page, url)
    opened = time.monotonic()
    J.start(page, answers)
    journal.time("open app until the start page is idle", opened - began)
    journal.time("Start pressed until the first question shows", time.monotonic() - opened)

    if name == "resumed":
        J.complete(page, answers, until=RESUME_AT)
        J.wait_trial_notes(page, len(answers["ad_trials"]))
        saved = J.save_download(page, J.download_button(page, SAVE_PROGRESS), folder)
        journey.progress = json.loads(saved.read_text(encoding="utf-8"))
        page.context.close()
        page = make_page()
        open_app(page, url)
        J.upload_progress(page, saved)
        J.wait_title(page, J.step_title(RESUME_AT, answers))
        expect(J.trial_boxes(page)).to_have_count(len(answers["ad_trials"]))
        J.settle(page)
        journey.resumed_title = J.current_title(page)
        journey.resumed_notice = J.notice_text(page)
        journey.resumed_values = J.trial_values(page, "medication_other")
        J.next_step(page, answers, RESUME_AT)
        J.complete(page, answers, from_step=J.step_after(RESUME_AT, answers))
    else:
        J.complete(page, answers)
    journal.typed.update(J.free_text_ids(answers))

    J.to_results(page)
    journey.outcome_title = J.outcome_heading(page).inner_text().strip()
    journey.crisis_panel = page.locator(J.CRISIS_PANEL).is_visible()
    prepared = J.main(page).get_by_text("Prepared for:")
    journey.prepared_for = prepared.inner_text().strip() if prepared.count() else ""
    for key, stem in ((RECORD, "record.json"), (PDF, "summary.pdf"), (CSV, "summary.csv")):
        journey.files[stem] = J.save_download(page, J.download_button(page, key), folder, stem)

    J.keyed(page, "wiz:finish").get_by_role("button").click()
    confirm = J.keyed(page, "wiz:clear_yes").get_by_role("button")
    confirm.wait_for()
    journey.asked_before_clearing = J.current_title(page) == "Your summary"
    confirm.click()
    J.wait_title(page, J.START_TITLE)
    journey.cleared_title = J.current_title(page)
    journey.cleared_notice = J.notice_text(page)
    J.start(page)
    journey.blank_after_clear = {
        "age_years": J.keyed(page, "q:age_years").get_by_role("textbox").input_value(),
        "display_name": J.keyed(page, "q:display_name").get_by_role("textbox").input_value(),
        "sex_at_birth checked": str(
            J.keyed(page, "q:sex_at_birth").locator("input:checked").count()
        ),
    }
    page.context.close()
    return journey


_DRIVEN: dict[str, Journey] = {}  # each story is driven once per session


@pytest.fixture(scope="module")
def drive(
    app_server: AppServer,
    open_page: Callable[..., Page],
    sentinel: str,
    downloads: Path,
    journal: Journal,
) -> Callable[[str], Journey]:
    """``drive(name)``: the journey of that story, driven the first time it is asked for."""

    def get(name: str) -> Journey:
        if name not in _DRIVEN:
            _DRIVEN[name] = _drive(
                name, open_page, app_server.url, sentinel, downloads / name, journal
            )
        return _DRIVEN[name]

    return get


@pytest.fixture(params=J.STORIES)
def journey(request: pytest.FixtureRequest, drive: Callable[[str], Journey]) -> Journey:
    """One person's whole journey (each story driven once, shared by the tests)."""
    return drive(str(request.param))


@pytest.fixture
def resumed(drive: Callable[[str], Journey]) -> Journey:
    """The journey that saved its progress mid-way and went on in a new session."""
    return drive("resumed")


def test_three_stories_reach_three_outcomes() -> None:
    """The journeys cover three different outcomes, one of them with crisis answers."""
    results = [J.expected_result(name) for name in J.STORIES]
    assert (len({r.outcome for r in results}), sum(r.crisis for r in results)) == (3, 1)


def test_outcome_title_is_shown(journey: Journey) -> None:
    """The results page heads the summary with the outcome the rules give for the answers."""
    assert journey.outcome_title == OUTCOMES[journey.expected.outcome].title


def test_crisis_panel_only_with_crisis_answers(journey: Journey) -> None:
    """The crisis panel is on the results page exactly when the answers raise the crisis flag."""
    assert journey.crisis_panel == journey.expected.crisis


def test_name_is_shown_as_typed(journey: Journey) -> None:
    """The name typed on step 1 is shown literally (no markdown or HTML) on the summary."""
    assert journey.prepared_for == f"Prepared for: {journey.answers['display_name']}"


def test_record_file_holds_the_answers(journey: Journey) -> None:
    """The downloaded record file holds exactly the answers given, and the same outcome."""
    record = json.loads(journey.files["record.json"].read_text(encoding="utf-8"))
    expected = prune(validate_answers(journey.answers, J.QN), J.QN)
    assert (record["status"], record["answers"], record["result"]["outcome"]) == (
        "completed",
        expected,
        journey.expected.outcome,
    )


def test_pdf_names_the_outcome_and_the_person(journey: Journey) -> None:
    """The downloaded PDF is readable and carries the outcome title and the name typed."""
    text = _pdf_text(journey.files["summary.pdf"])
    title = OUTCOMES[journey.expected.outcome].title
    assert (title in text, journey.answers["display_name"] in text) == (True, True)


def test_pdf_puts_crisis_support_first(journey: Journey) -> None:
    """With crisis answers the PDF lists crisis support before the outcome; without, not at all."""
    text = _pdf_text(journey.files["summary.pdf"])
    support = text.find("Crisis support")
    outcome = text.find("Outcome:")
    if journey.expected.crisis:
        assert 0 <= support < outcome, text[:400]
    else:
        assert support == -1, text[:400]


def _formula_safe(text: str) -> str:
    """A cell as docs/csv-columns.md says it is written: formula starters get an apostrophe."""
    return "'" + text if text.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def test_csv_is_one_row_with_the_answers(journey: Journey) -> None:
    """The downloaded CSV parses to one row with the outcome, crisis flag and free text."""
    text = journey.files["summary.csv"].read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    got = [(r["outcome"], r["crisis"], r["display_name"], r["notes_for_clinician"]) for r in rows]
    assert got == [
        (
            journey.expected.outcome,
            "true" if journey.expected.crisis else "false",
            _formula_safe(journey.answers["display_name"]),
            _formula_safe(journey.answers["notes_for_clinician"]),
        )
    ]


def test_finish_asks_before_clearing(journey: Journey) -> None:
    """ "Finish and clear my answers" asks first: the summary stays until the person confirms."""
    assert journey.asked_before_clearing


def test_finish_and_clear_returns_to_start(journey: Journey) -> None:
    """ "Finish and clear my answers" goes back to the start page and says the answers are gone."""
    assert (journey.cleared_title, journey.cleared_notice) == (J.START_TITLE, CLEARED)


def test_finish_and_clear_leaves_step_one_blank(journey: Journey) -> None:
    """After clearing, Start shows step 1 with nothing filled in."""
    assert journey.blank_after_clear == {
        "age_years": "",
        "display_name": "",
        "sex_at_birth checked": "0",
    }


def test_progress_file_names_the_step(resumed: Journey) -> None:
    """The saved progress file is in progress, at the step where it was saved."""
    assert resumed.progress is not None
    assert (resumed.progress["status"], resumed.progress["progress"]) == (
        "in_progress",
        {"step": RESUME_AT},
    )


def test_resume_opens_the_saved_step(resumed: Journey) -> None:
    """Opening the progress file in a new session shows the step where it was saved."""
    assert resumed.resumed_title == J.step_title(RESUME_AT, resumed.answers)


def test_resume_says_the_answers_are_back(resumed: Journey) -> None:
    """The start of the resumed session says where the answers came from and where we are."""
    assert resumed.resumed_notice == (
        f"Your answers from {J.PROGRESS_FILE} are back. You are on the step where you stopped."
    )


def test_resume_restores_free_text_of_trials(resumed: Journey) -> None:
    """The antidepressant typed as "other" is back in its box after resuming."""
    typed = [t.get("medication_other") for t in resumed.answers["ad_trials"]]
    assert list(resumed.resumed_values.values()) == [t for t in typed if t]


def test_first_question_shows(app_server: AppServer, page: Page, journal: Journal) -> None:
    """Opening the app and pressing Start shows the first question (time noted, not asserted)."""
    began = time.monotonic()
    page.goto(app_server.url, wait_until="commit")
    J.main(page).get_by_role("button", name="Start", exact=True).click()
    expect(J.keyed(page, "q:age_years").get_by_role("textbox")).to_be_visible()
    journal.time(
        "warm server: open the app, press Start, first question visible", time.monotonic() - began
    )
