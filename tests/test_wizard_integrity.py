"""The patient journey loses nothing by accident (AppTest): typed numbers are kept and
checked, retracted safety answers leave a trace, clearing asks first, saving says what was
saved, and the downloads come in the order a person needs them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from screening.record import read_record
from tests.conftest import spy_downloads, vignette
from tests.wizard_driver import (
    click,
    complete,
    element_keys,
    fill_step,
    go_to_step,
    new_app,
    next_step,
    problem_after,
    run,
    start,
    step,
    view,
)
from ui.wizard import state as S


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Callable[[], Any]]]:
    """The download callables registered on the page, by file name (latest wins)."""
    seen: dict[str, Callable[[], Any]] = {}
    spy_downloads(monkeypatch, seen.__setitem__)
    yield seen


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("typed", ["150", "9", "abc", "45.5", "-3"])
def test_a_bad_age_is_kept_and_refused_with_the_range(typed: str) -> None:
    """An age out of range or not a whole number stays as typed, Next is refused, and the
    message next to the field gives the range."""
    at = start(new_app())
    fill_step(at, {k: v for k, v in vignette("typical-trd").items() if k != "age_years"})
    at.text_input(key="q:age_years").set_value(typed)
    next_step(run(at))
    assert (view(at), step(at)) == ("step", "about")
    assert at.text_input(key="q:age_years").value == typed
    message = problem_after(at, "q:age_years") or ""
    assert "enter an age from 10 to 120 years" in message


def test_the_range_is_shown_before_anyone_errs() -> None:
    """Each number question says its range under the field from the start."""
    at = start(new_app())
    assert any("A whole number from 10 to 120 years" in c.value for c in at.caption)


def test_a_corrected_age_is_accepted() -> None:
    """After a refused 150, typing 45 passes Next: the last typed value counts."""
    at = start(new_app())
    fill_step(at, {k: v for k, v in vignette("typical-trd").items() if k != "age_years"})
    at.text_input(key="q:age_years").set_value("150")
    next_step(run(at))
    at.text_input(key="q:age_years").set_value("45")
    next_step(run(at))
    assert step(at) == "phq9"
    assert at.session_state[S.ANSWERS]["age_years"] == 45


@pytest.mark.parametrize("weeks, passes", [(572, True), (1040, True), (9999, False)])
def test_weeks_on_one_medicine(weeks: int, passes: bool) -> None:
    """11 years on one medicine (572 weeks) can be entered; 9999 weeks is refused, kept."""
    answers = vignette("typical-trd")
    answers["ad_trials"][0]["weeks"] = weeks
    at = start(new_app())
    go_to_step(at, "treatment", answers)
    fill_step(at, answers)
    next_step(at)
    assert (step(at) != "treatment") is passes
    if not passes:
        row = at.session_state[S.TRIALS][0]
        assert at.text_input(key=S.trial_key(row, "weeks")).value == str(weeks)


def test_a_refused_number_counts_for_nothing_in_the_trial_note() -> None:
    """A row with 9999 weeks says nothing about what it counts for (the field says the
    range); with 8 weeks it is called a full trial again."""
    answers = vignette("typical-trd")
    at = start(new_app())
    go_to_step(at, "treatment", answers)
    fill_step(at, answers)
    full = "This counts as a full trial"
    notes = [c.value for c in at.caption if c.value.startswith(full)]
    assert len(notes) == len(answers["ad_trials"])
    row = at.session_state[S.TRIALS][0]
    at.text_input(key=S.trial_key(row, "weeks")).set_value("9999")
    run(at)
    assert len([c for c in at.caption if c.value.startswith(full)]) == len(notes) - 1
    at.text_input(key=S.trial_key(row, "weeks")).set_value("8")
    run(at)
    assert len([c for c in at.caption if c.value.startswith(full)]) == len(notes)


def test_a_blood_pressure_of_400_is_refused_not_replaced() -> None:
    """A systolic of 400 is refused next to its field; nothing replaces it."""
    answers = {**vignette("typical-trd"), "bp_systolic": 400, "bp_diastolic": 90}
    at = start(new_app())
    go_to_step(at, "medical", answers)
    fill_step(at, answers)
    next_step(at)
    assert step(at) == "medical"
    assert at.text_input(key="q:bp_systolic").value == "400"
    assert "from 60 to 260 mmHg" in (problem_after(at, "q:bp_systolic") or "")


# --------------------------------------------------------------------------- traces


def test_item9_taken_back_leaves_a_trace_in_the_record(deferred: dict[str, Any]) -> None:
    """Item 9 answered "Several days" and then "Not at all": the record file says so."""
    answers = vignette("typical-trd")
    at = start(new_app())
    go_to_step(at, "phq9", answers)
    at.radio(key="q:phq9_9").set_value(1)
    run(at)
    at.radio(key="q:phq9_9").set_value(0)
    run(at)
    complete(at, answers)
    record = json.loads(deferred["screening-record.json"]())
    assert record["answer_changes"] == [{"question": "phq9_9", "from": 1, "to": 0}]
    loaded = read_record(json.dumps(record), "r.json")
    assert [tuple(c) for c in loaded.answer_changes] == [("phq9_9", 1, 0)]


def test_a_negative_answer_changed_leaves_no_trace() -> None:
    """Changing between answers that raise nothing records nothing."""
    at = start(new_app())
    go_to_step(at, "phq9", vignette("typical-trd"))
    at.radio(key="q:phq9_1").set_value(1)
    run(at)
    at.radio(key="q:phq9_1").set_value(2)
    run(at)
    assert S.changes(at.session_state) == []


# --------------------------------------------------------------------------- nothing lost


def test_finish_and_clear_asks_first() -> None:
    """ "Finish and clear my answers" asks; the answers stay until "Yes" is pressed."""
    at = start(new_app())
    complete(at, vignette("typical-trd"))
    click(at, "wiz:finish")
    assert view(at) == "results" and at.session_state[S.ANSWERS]
    click(at, "wiz:clear_no")
    assert view(at) == "results" and at.session_state[S.ANSWERS]


def test_finish_and_clear_is_not_the_primary_button() -> None:
    """The primary button of the results page is the summary PDF, not clearing."""
    at = start(new_app())
    complete(at, vignette("typical-trd"))
    assert at.button(key="wiz:finish").proto.type != "primary"


def test_saving_progress_says_what_was_saved() -> None:
    """After "Save my progress", the page says how many answers the file holds and where."""
    at = start(new_app())
    go_to_step(at, "history", vignette("typical-trd"))
    count = len(at.session_state[S.ANSWERS])
    save = next(b for b in at.get("download_button") if b.key == "wiz:save_progress")
    save.click()
    run(at)
    notice = at.success[0].value
    assert f"holds {count} answers up to the step “Your depression”" in notice


def test_answers_held_marker_is_on_every_step() -> None:
    """With answers held, the page carries the marker the leave-page question looks for."""
    at = start(new_app())
    fill_step(at, vignette("typical-trd"))
    assert "answers-held" in element_keys(at)


# --------------------------------------------------------------------------- downloads


def test_downloads_come_pdf_first_then_the_record_then_staff_files() -> None:
    """The results page offers the PDF first, then the answers file, then CSV and FHIR."""
    at = start(new_app())
    complete(at, vignette("typical-trd"))
    keys = [k for k in element_keys(at) if k.startswith("wiz:download")]
    assert keys == [
        "wiz:download:screening-summary.pdf",
        "wiz:download_record",
        "wiz:download:screening-summary.csv",
        "wiz:download:screening-fhir.json",
    ]
    labels = [b.label for b in at.get("download_button")]
    assert labels[0] == "Summary to bring to your clinician (PDF)"
