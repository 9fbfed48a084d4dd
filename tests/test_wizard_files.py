"""Saving, resuming, downloading and clearing in the self-screening wizard (AppTest)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from screening.answers import prune
from screening.record import build_record, dump_record, read_record
from screening.rules import OUTCOMES
from tests.conftest import spy_downloads, vignette
from tests.wizard_driver import (
    QN,
    click,
    complete,
    go_to_step,
    new_app,
    outcome_title,
    run,
    start,
    state_answers,
    step,
    view,
)
from ui.common import md_escape
from ui.wizard import downloads
from ui.wizard import state as S
from ui.wizard.start import UPLOAD_KEY

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Callable[[], Any]]]:
    """The download callables registered on the page, by file name (latest wins)."""
    seen: dict[str, Callable[[], Any]] = {}
    spy_downloads(monkeypatch, seen.__setitem__)
    yield seen


def progress_file(
    answers: dict[str, Any], step_id: str | None, status: str = "in_progress"
) -> bytes:
    """A saved file as the app writes it."""
    record = build_record(
        answers, created_at=NOW, app_version="test", status=status, progress_step=step_id
    )  # type: ignore[arg-type]
    return dump_record(record)


def upload(at: Any, name: str, data: bytes) -> Any:
    """Put a file in the start page's uploader and rerun."""
    key = UPLOAD_KEY.format(n=at.session_state.get(S.UPLOADER, 0))
    next(u for u in at.file_uploader if u.key == key).set_value((name, data, "application/json"))
    return run(at)


def test_resume_restores_every_answer() -> None:
    """A progress file brings back every answer, trials included."""
    answers = vignette("item9-passive")
    at = upload(new_app(), "progress.json", progress_file(answers, "medical"))
    assert state_answers(at) == prune(answers, QN)


def test_resume_restores_the_step() -> None:
    """A progress file opens the step it was saved on."""
    at = upload(new_app(), "progress.json", progress_file(vignette("typical-trd"), "medical"))
    assert (view(at), step(at)) == ("step", "medical")


def test_resume_restores_widgets() -> None:
    """Resumed answers are in the widgets of their step."""
    answers = vignette("typical-trd")
    at = upload(new_app(), "progress.json", progress_file(answers, "treatment"))
    rows = at.session_state[S.TRIALS]
    assert at.selectbox(key=S.trial_key(rows[1], "medication")).value == "venlafaxine"
    assert at.text_input(key=S.trial_key(rows[0], "weeks")).value == "8"


def test_resume_then_finish_reaches_the_outcome() -> None:
    """A resumed session can go on to the results with the expected outcome."""
    answers = vignette("aneurysm")
    at = upload(new_app(), "progress.json", progress_file(answers, "medical"))
    complete(at, answers)
    assert outcome_title(at) == OUTCOMES["clinician_review_first"].title


def test_resume_completed_record_opens_the_review() -> None:
    """A completed record file (no step) opens the review."""
    at = upload(new_app(), "record.json", progress_file(vignette("bipolar"), None, "completed"))
    assert view(at) == "review"


def test_resume_says_where_the_answers_came_from() -> None:
    """After a resume, a message names the file and where the person is."""
    at = upload(new_app(), "my-answers.json", progress_file(vignette("typical-trd"), "medical"))
    assert md_escape("my-answers.json") in at.success[0].value
    assert "step where you stopped" in at.success[0].value


def test_incomplete_record_shows_what_is_missing() -> None:
    """A record with a gap leads to the "more answers needed" outcome with the missing list."""
    at = upload(new_app(), "r.json", progress_file(vignette("incomplete-phq9"), None, "completed"))
    click(at, "wiz:results")
    assert outcome_title(at) == OUTCOMES["incomplete"].title
    assert any("Feeling tired or having little energy" in m.value for m in at.markdown)


def test_bad_file_error_names_the_file() -> None:
    """A file that is not JSON is refused with a message naming it; nothing changes."""
    at = upload(new_app(), "holiday-notes.json", b"these are not answers")
    assert view(at) == "start"
    assert md_escape("holiday-notes.json") in at.error[0].value
    assert "not a saved questionnaire" in at.error[0].value


def test_other_json_is_refused() -> None:
    """A JSON file that is not a record is refused in plain words, naming the file."""
    at = upload(new_app(), "data.json", json.dumps({"hello": 1}).encode())
    assert view(at) == "start"
    assert at.error[0].value == md_escape(
        "data.json: this file is not a saved questionnaire from this app. Choose the file you "
        "saved with “Save my progress to a file” or “Your answers file (JSON)”."
    )


def test_invalid_answers_are_refused() -> None:
    """A record whose answers do not fit the questionnaire is refused, naming the problem."""
    data = json.dumps({"answers": {"age_years": 400}}).encode()
    at = upload(new_app(), "old.json", data)
    assert view(at) == "start"
    assert "holds answers this questionnaire cannot use" in at.error[0].value


def test_file_name_with_markup_is_escaped() -> None:
    """A file name with markdown in it is shown escaped."""
    at = upload(new_app(), "**x**.json", b"{")
    assert at.error[0].value.startswith(md_escape("**x**.json"))


def test_save_progress_file_resumes_at_this_step(deferred: dict[str, Any]) -> None:
    """The progress file saved on a step is in progress, names the step and holds the answers."""
    answers = vignette("typical-trd")
    at = new_app()
    start(at)
    go_to_step(at, "substances", answers)
    record = read_record(deferred[downloads.PROGRESS_FILE](), "progress.json")
    assert (record.status, record.progress_step) == ("in_progress", "substances")
    assert record.answers == state_answers(at)


def test_progress_file_round_trip(deferred: dict[str, Any]) -> None:
    """Saving on a step and opening the file in a new session restores answers and step."""
    answers = vignette("typical-trd")
    first = new_app()
    start(first)
    go_to_step(first, "medicines", answers)
    saved = deferred[downloads.PROGRESS_FILE]()
    second = upload(new_app(), "screening-progress.json", saved)
    assert (step(second), state_answers(second)) == ("medicines", state_answers(first))


def test_record_download_matches_results(deferred: dict[str, Any]) -> None:
    """The record file from the results page is completed, with the same outcome."""
    at = new_app()
    start(at)
    complete(at, vignette("short-trials"))
    record = json.loads(deferred[downloads.RECORD_FILE]())
    assert (record["status"], record["result"]["outcome"]) == ("completed", "discuss_other_options")


def test_downloads_are_built_only_on_click(
    deferred: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reruns of the results page build no file; a click builds one."""
    calls = []
    real = downloads.build_record

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(downloads, "build_record", counting)
    at = new_app()
    start(at)
    complete(at, vignette("typical-trd"))
    run(at)
    assert calls == []
    deferred[downloads.RECORD_FILE]()
    assert calls == [1]


def test_file_names_hold_no_respondent_data(deferred: dict[str, Any]) -> None:
    """Download file names are fixed: the name given never appears in them."""
    at = new_app()
    start(at)
    complete(at, vignette("typical-trd") | {"display_name": "Jane Example"})
    assert deferred
    assert not any("jane" in name.lower() for name in deferred)


@pytest.mark.parametrize(
    "export", (downloads.SUMMARY, *downloads.FOR_STAFF), ids=lambda e: e.file_name
)
def test_each_export_builds(deferred: dict[str, Any], export: downloads.Export) -> None:
    """Every extra download on the results page builds non-empty bytes on click."""
    at = new_app()
    start(at)
    complete(at, vignette("typical-trd"))
    data = deferred[export.file_name]()
    assert isinstance(data, bytes) and len(data) > 100


def test_finish_and_clear_wipes_everything() -> None:
    """ "Finish and clear my answers" removes every answer and returns to the start page."""
    at = new_app()
    start(at)
    complete(at, vignette("typical-trd"))
    click(click(at, "wiz:finish"), "wiz:clear_yes")
    left = [k for k in at.session_state if k.startswith(("q:", "t:")) or k == S.TRIALS]
    assert (view(at), left) == ("start", [])


def test_after_clear_start_is_empty() -> None:
    """After clearing, starting again shows empty questions."""
    at = new_app()
    start(at)
    complete(at, vignette("typical-trd"))
    click(click(at, "wiz:finish"), "wiz:clear_yes")
    start(at)
    assert at.text_input(key="q:age_years").value == ""
    assert at.radio(key="q:sex_at_birth").value is None


def test_clear_on_a_step_asks_first() -> None:
    """ "Clear my answers" on a step asks to confirm and keeps the answers until then."""
    at = new_app()
    start(at)
    go_to_step(at, "history", vignette("typical-trd"))
    click(at, "wiz:clear")
    assert state_answers(at) != {}
    click(at, "wiz:clear_yes")
    assert (view(at), state_answers(at)) == ("start", {})


def test_clear_can_be_cancelled() -> None:
    """ "No, keep them" keeps every answer."""
    at = new_app()
    start(at)
    go_to_step(at, "history", vignette("typical-trd"))
    before = state_answers(at)
    click(at, "wiz:clear")
    click(at, "wiz:clear_no")
    assert state_answers(at) == before
