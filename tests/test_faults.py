"""Faults: scoring, PDF building, the DataFrame and the CSV code raise in turn (monkeypatched
under AppTest). The crisis panel still shows, a plain message replaces the failed part, no
traceback reaches the page, the rest of the page works, and a record saved before the
fault still loads. A failed download carries no respondent data into the server log.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from screening.record import build_record, dump_record, read_record
from tests.conftest import spy_downloads, staff_app
from tests.hostile import CREATED
from tests.staff_data import answers_of, mixed_upload
from tests.wizard_driver import crisis_first, state_answers, view

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "streamlit_app.py")
STAFF = str(REPO / "ui" / "staff.py")
SENTINEL = "Sentinel Q7Z"  # respondent text that must never reach an error or a log


class Fault(RuntimeError):
    """The injected failure. Its message quotes respondent data, as real errors can."""


def crisis_answers() -> dict[str, Any]:
    """Complete answers with PHQ-9 item 9 above zero, the sentinel name and notes."""
    answers = answers_of("item9-passive")
    answers["display_name"] = SENTINEL
    answers["notes_for_clinician"] = f"{SENTINEL} notes"
    return answers


def crisis_record_bytes() -> bytes:
    """The record file of those answers, as saved before any fault."""
    return dump_record(build_record(crisis_answers(), created_at=CREATED, app_version="0.1.0"))


def boom(*args: Any, **kwargs: Any) -> Any:
    """Raise a fault whose message holds respondent data (as a real error could)."""
    raise Fault(f"cannot handle {SENTINEL}: {args!r:.200}")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """file name → the deferred callable of each download button rendered."""
    seen: dict[str, Callable[[], Any]] = {}
    spy_downloads(monkeypatch, seen.__setitem__)
    return seen


def failure_text(build: Callable[[], Any]) -> str:
    """Everything a server log would print for a failed download: message, chain, traceback."""
    with pytest.raises(Exception) as caught:
        build()
    return "".join(traceback.format_exception(caught.value))


def resumed(answers_file: bytes) -> AppTest:
    """A wizard session resumed from a record file (it opens on the review)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.file_uploader[0].set_value([("saved.json", answers_file, "application/json")])
    at.run()
    assert not at.exception
    return at


def results(at: AppTest) -> AppTest:
    """Press "See my summary"."""
    at.button(key="wiz:results").click()
    at.run()
    return at


def errors(at: AppTest) -> list[str]:
    """The error messages on the page."""
    return [str(e.value) for e in at.error]


# --------------------------------------------------------------------------- scoring


@pytest.fixture
def scoring_fault(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The results page of a crisis record while scoring raises."""
    at = resumed(crisis_record_bytes())
    monkeypatch.setattr("screening.rules.compute_scores", boom)
    return results(at)


def test_scoring_fault_keeps_the_crisis_panel_first(scoring_fault: AppTest) -> None:
    """Scoring fails: the crisis panel is still the first thing on the page."""
    assert crisis_first(scoring_fault)


def test_scoring_fault_shows_a_plain_message(scoring_fault: AppTest) -> None:
    """Scoring fails: a plain sentence says the summary could not be worked out."""
    from screening.i18n import t

    FAILED = t("results.failed")

    assert (errors(scoring_fault), list(scoring_fault.exception)) == ([FAILED], [])


def test_scoring_fault_message_holds_no_respondent_data(scoring_fault: AppTest) -> None:
    """Scoring fails: nothing on the page repeats the fault's text."""
    assert not any("cannot handle" in e for e in errors(scoring_fault))


def test_scoring_fault_still_lets_the_person_go_back(scoring_fault: AppTest) -> None:
    """Scoring fails: "Back to my answers" still works and the answers are all there."""
    scoring_fault.button(key="wiz:to_review").click()
    scoring_fault.run()
    assert (view(scoring_fault), state_answers(scoring_fault)["display_name"]) == (
        "review",
        SENTINEL,
    )


def test_scoring_fault_progress_file_still_downloads(
    downloads: dict[str, Callable[[], Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scoring fails: "Save my progress" still gives a file with every answer."""
    at = resumed(crisis_record_bytes())
    monkeypatch.setattr("screening.rules.compute_scores", boom)
    results(at)
    saved = json.loads(downloads["screening-progress.json"]())
    assert saved["answers"]["display_name"] == SENTINEL


def test_progress_file_saved_during_a_scoring_fault_loads_afterwards(
    downloads: dict[str, Callable[[], Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The progress file saved while scoring failed loads once scoring works again."""
    at = resumed(crisis_record_bytes())
    with monkeypatch.context() as patch:
        patch.setattr("screening.rules.compute_scores", boom)
        results(at)
        saved = downloads["screening-progress.json"]()
    assert read_record(saved, "saved.json").answers == read_record(crisis_record_bytes()).answers


def test_record_saved_before_a_scoring_fault_loads_afterwards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After the fault is gone, a record saved before it resumes to the same summary."""
    saved = crisis_record_bytes()
    at = resumed(saved)
    with monkeypatch.context() as patch:
        patch.setattr("screening.rules.compute_scores", boom)
        results(at)
    again = results(resumed(saved))
    assert (list(again.exception), crisis_first(again), errors(again)) == ([], True, [])


# --------------------------------------------------------------------------- PDF and CSV (wizard)

EXPORT_FAULTS = {
    "pdf": ("screening.exports.pdf.summary_pdf", "screening-summary.pdf"),
    "csv": ("screening.exports.csv.records_to_csv", "screening-summary.csv"),
}


@pytest.fixture(params=list(EXPORT_FAULTS), ids=list(EXPORT_FAULTS))
def export_fault(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    downloads: dict[str, Callable[[], Any]],
) -> tuple[str, AppTest, dict[str, Callable[[], Any]]]:
    """The results page of a crisis record while one export raises: (file name, app, downloads)."""
    target, file_name = EXPORT_FAULTS[request.param]
    monkeypatch.setattr(target, boom)
    return file_name, results(resumed(crisis_record_bytes())), downloads


def test_export_fault_leaves_the_results_page_whole(
    export_fault: tuple[str, AppTest, dict[str, Callable[[], Any]]],
) -> None:
    """An export that fails does not touch the page: crisis panel first, no error, no exception."""
    _, at, _ = export_fault
    assert (crisis_first(at), errors(at), list(at.exception)) == (True, [], [])


def test_failed_export_download_names_what_failed(
    export_fault: tuple[str, AppTest, dict[str, Callable[[], Any]]],
) -> None:
    """The failing download raises an error that says which file could not be made."""
    file_name, _, downloads = export_fault
    assert file_name in failure_text(downloads[file_name])


def test_failed_export_download_logs_no_respondent_data(
    export_fault: tuple[str, AppTest, dict[str, Callable[[], Any]]],
) -> None:
    """What the server would log for the failed download holds no respondent text."""
    file_name, _, downloads = export_fault
    assert SENTINEL not in failure_text(downloads[file_name])


def test_other_downloads_work_during_an_export_fault(
    export_fault: tuple[str, AppTest, dict[str, Callable[[], Any]]],
) -> None:
    """The record file and the other exports still build while one export fails."""
    file_name, _, downloads = export_fault
    built = {name: len(build()) > 0 for name, build in downloads.items() if name != file_name}
    assert built and all(built.values()), built


def test_record_saved_during_an_export_fault_loads(
    export_fault: tuple[str, AppTest, dict[str, Callable[[], Any]]],
) -> None:
    """The record file downloaded while an export fails loads with every answer."""
    _, _, downloads = export_fault
    loaded = read_record(downloads["screening-record.json"](), "saved.json")
    assert loaded.answers == read_record(crisis_record_bytes()).answers


# --------------------------------------------------------------------------- staff page


def staff_files() -> list[tuple[str, bytes]]:
    """The mixed upload (crisis and urgent records among them) and the sentinel record."""
    return [*mixed_upload(), ("saved-crisis.json", crisis_record_bytes())]


def staff_page(files: list[tuple[str, bytes]] | None = None) -> AppTest:
    """The staff page with those files uploaded (built before any fault is injected)."""
    files = staff_files() if files is None else files
    at = staff_app()
    at.run()
    at.file_uploader[0].set_value([(n, d, "application/json") for n, d in files])
    at.run()
    return at


STAFF_FAULTS: dict[str, tuple[str, Callable[..., Any]]] = {
    "triage-frame": ("ui.staff_view.triage_frame", boom),
    "every-dataframe": ("streamlit.dataframe", boom),
    "charts": ("ui.staff_view.show_charts", boom),
}


def crisis_banner(at: AppTest) -> bool:
    """The staff page's crisis banner is shown."""
    return any(e.startswith("⚠ CRISIS") for e in errors(at))


@pytest.fixture(params=list(STAFF_FAULTS), ids=list(STAFF_FAULTS))
def staff_fault(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The staff page with the mixed upload while one part raises."""
    target, replacement = STAFF_FAULTS[request.param]
    monkeypatch.setattr(target, replacement)
    return staff_page()


def test_staff_fault_keeps_the_crisis_banner(staff_fault: AppTest) -> None:
    """A failing part does not hide the crisis banner."""
    assert crisis_banner(staff_fault)


def test_staff_fault_shows_no_exception(staff_fault: AppTest) -> None:
    """A failing part shows a plain message, not an exception box."""
    assert list(staff_fault.exception) == []


def test_staff_fault_says_what_could_not_be_shown(staff_fault: AppTest) -> None:
    """A plain message replaces the failed part."""
    assert any("could not be shown" in e for e in errors(staff_fault))


def test_staff_fault_message_holds_no_respondent_data(staff_fault: AppTest) -> None:
    """No message on the page repeats the fault's text."""
    assert not any("cannot handle" in e or SENTINEL in e for e in errors(staff_fault))


def test_staff_fault_leaves_the_detail_working(staff_fault: AppTest) -> None:
    """The record detail still opens while another part fails."""
    staff_fault.selectbox(key="staff_open").set_value(1)
    staff_fault.run()
    assert list(staff_fault.exception) == [] and any(
        str(t.value).startswith("Record #1") for t in staff_fault.text
    )


def test_staff_scoring_fault_refuses_each_file_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scoring fails for every file: each is listed as not loaded; no exception."""
    files = staff_files()
    monkeypatch.setattr("screening.rules.compute_scores", boom)
    at = staff_page(files)
    problems = next(f.value for f in at.dataframe if "Problem" in f.value.columns)
    assert (list(at.exception), len(problems) >= 10) == ([], True)


def test_staff_scoring_fault_still_flags_crisis_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scoring fails: refused files with crisis answers are still called out."""
    files = staff_files()
    monkeypatch.setattr("screening.rules.compute_scores", boom)
    at = staff_page(files)
    assert any("contain crisis answers" in e for e in errors(at))


def test_staff_csv_reader_fault_refuses_only_the_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CSV reader fails: the CSV upload is refused; every JSON record still loads."""
    from tests.hostile import good_csv

    monkeypatch.setattr("screening.exports.csv_read.read_csv", boom)
    at = staff_app()
    at.run()
    files = [
        ("a.json", crisis_record_bytes()),
        ("b.csv", good_csv()),
        ("c.json", crisis_record_bytes()),
    ]
    at.file_uploader[0].set_value([(n, d, "text/plain") for n, d in files])
    at.run()
    table = next(f.value for f in at.dataframe if "Outcome" in f.value.columns)
    problems = next(f.value for f in at.dataframe if "Problem" in f.value.columns)
    assert (sorted(table["File"]), list(problems["File"])) == (["a.json", "c.json"], ["b.csv"])


STAFF_EXPORTS = {
    "pdf-zip": ("screening.exports.pdf.summary_pdf", "screening-summaries.zip"),
    "csv": ("screening.exports.csv.records_to_csv", "screening-review.csv"),
}


@pytest.mark.parametrize("key", list(STAFF_EXPORTS))
def test_staff_failed_download_logs_no_respondent_data(
    key: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, Callable[[], Any]]
) -> None:
    """A staff download that fails raises without respondent text in the log."""
    target, file_name = STAFF_EXPORTS[key]
    monkeypatch.setattr(target, boom)
    at = staff_page()
    assert list(at.exception) == []
    text = failure_text(downloads[file_name])
    assert (SENTINEL in text, "cannot handle" in text) == (False, False)


def test_staff_records_loaded_before_a_fault_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records loaded before a part starts failing are still in the session afterwards."""
    at = staff_page()
    before = len(next(f.value for f in at.dataframe if "Outcome" in f.value.columns))
    with monkeypatch.context() as patch:
        patch.setattr("ui.staff_view.triage_frame", boom)
        at.run()
    at.run()
    after = len(next(f.value for f in at.dataframe if "Outcome" in f.value.columns))
    assert before == after >= 12


def test_failed_record_download_logs_no_respondent_data(
    monkeypatch: pytest.MonkeyPatch, downloads: dict[str, Callable[[], Any]]
) -> None:
    """The record file download, failing, names the file and holds no respondent text."""
    results(resumed(crisis_record_bytes()))
    monkeypatch.setattr("ui.wizard.downloads.dump_record", boom)
    text = failure_text(downloads["screening-record.json"])
    assert ("screening-record.json" in text, SENTINEL in text) == (True, False)
