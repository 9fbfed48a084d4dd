"""The staff review page (ui/staff.py) under AppTest: uploads, table, filters, detail, isolation."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import spy_downloads, staff_app
from tests.staff_data import BROKEN, mixed_upload, record_bytes

PAGE = str(Path(__file__).resolve().parents[1] / "ui" / "staff.py")


def new_page() -> AppTest:
    """A fresh session on the staff page, run once."""
    at = staff_app(30)
    at.run()
    return at


def upload(at: AppTest, files: list[tuple[str, bytes]], uploader: int = 0) -> AppTest:
    """Put files in one of the uploaders and rerun."""
    at.file_uploader[uploader].set_value([(name, data, "application/json") for name, data in files])
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def loaded() -> AppTest:
    """A session with the mixed upload loaded."""
    return upload(new_page(), mixed_upload())


def records(at: AppTest):
    """The triage table (the dataframe with a File and a Crisis column)."""
    for frame in at.dataframe:
        value = frame.value
        if "Crisis" in value.columns and "Outcome" in value.columns:
            return value
    raise AssertionError("no triage table on the page")


def problems(at: AppTest):
    """The table of files not loaded."""
    for frame in at.dataframe:
        value = frame.value
        if "Problem" in value.columns:
            return value
    raise AssertionError("no problems table on the page")


def test_empty_page_states_the_limits():
    """Before any upload the page states the file, size and CSV limits."""
    at = new_page()
    text = " ".join(m.value for m in at.markdown)
    assert all(limit in text for limit in ("2,000 files", "1 MB", "5,000 rows", "300 columns"))


def test_page_has_files_and_folder_uploaders():
    """One uploader takes many files, the other a folder."""
    at = new_page()
    kinds = [(u.accept_multiple_files, u.accept_directory) for u in at.file_uploader]
    assert kinds == [(True, False), (True, True)]


def test_mixed_upload_gives_one_row_per_good_record(loaded):
    """The table has a row for each of the 12 good records."""
    assert len(records(loaded)) == 12


def test_urgent_then_crisis_rows_come_first(loaded):
    """The urgent record is first, then the crisis ones."""
    frame = records(loaded)
    assert frame["File"].tolist()[:3] == ["urgent-intent.json", "item9-passive.json",
                                          "tampered.json"]  # fmt: skip


def test_crisis_is_written_in_the_table(loaded):
    """Crisis rows say ⚠ CRISIS in words."""
    frame = records(loaded)
    assert frame["Crisis"].tolist()[:3] == ["⚠ CRISIS"] * 3


def test_tampered_record_is_flagged(loaded):
    """The tampered record's row is marked as a stored result that differs."""
    frame = records(loaded)
    flagged = frame.loc[frame["Stored result"] != "", "File"].tolist()
    assert flagged == ["tampered.json"]


def test_every_broken_file_is_reported(loaded):
    """Each broken file is listed with its code."""
    frame = problems(loaded)
    assert dict(zip(frame["File"], frame["Code"], strict=True)) == BROKEN


def test_crisis_banner_counts_crisis_records(loaded):
    """A banner says how many records show crisis answers, in words."""
    assert any("⚠ CRISIS: 3 record(s)" in e.value for e in loaded.error)


def test_filter_by_outcome(loaded):
    """Choosing an outcome keeps only its rows."""
    loaded.multiselect(key="staff_outcomes").set_value(["clinician_review_first"]).run()
    assert sorted(records(loaded)["File"]) == [
        "aneurysm.json",
        "bipolar.json",
        "item9-passive.json",
        "pregnant.json",
        "tampered.json",
    ]


def test_filter_by_finding(loaded):
    """Choosing a finding keeps only rows that have it."""
    loaded.multiselect(key="staff_findings").set_value(["F-BIPOLAR"]).run()
    assert records(loaded)["File"].tolist() == ["bipolar.json"]


def test_filter_by_crisis(loaded):
    """The crisis checkbox keeps the crisis and urgent rows."""
    loaded.checkbox(key="staff_crisis_only").check().run()
    assert len(records(loaded)) == 3


def test_search_by_name(loaded):
    """Searching part of a name keeps that record."""
    loaded.text_input(key="staff_search").set_value("gina").run()
    assert records(loaded)["Name"].tolist() == ["Gina H."]


def test_detail_shows_the_clinician_text(loaded):
    """Opening a record shows the clinician-facing text of its findings."""
    from screening.rules import RULE_BY_ID

    loaded.selectbox(key="staff_open").set_value(5).run()
    texts = [m.value for m in loaded.markdown]
    assert RULE_BY_ID["F-VASCULAR"].clinician in texts


def test_detail_shows_the_summary_outcome(loaded):
    """Opening a record shows its outcome as the respondent saw it."""
    from screening.rules import OUTCOMES

    loaded.selectbox(key="staff_open").set_value(5).run()
    assert OUTCOMES["clinician_review_first"].title in [h.value for h in loaded.subheader]


def test_detail_lists_every_answer(loaded):
    """The answers tab lists each answer in words."""
    loaded.selectbox(key="staff_open").set_value(5).run()
    answers = next(f.value for f in loaded.dataframe if "Question" in f.value.columns)
    assert "Gina H." in answers["Answer"].tolist() and len(answers) > 30


def test_detail_of_tampered_record_lists_differences(loaded):
    """The tampered record's detail shows what differs from the stored result."""
    loaded.selectbox(key="staff_open").set_value(12).run()
    assert any("crisis: stored false, recomputed true" in t.value for t in loaded.text)


def test_detail_of_crisis_record_starts_with_crisis(loaded):
    """A crisis record's detail shows the crisis panel in words."""
    loaded.selectbox(key="staff_open").set_value(4).run()
    assert any("⚠ CRISIS." in e.value and "URGENT" in e.value for e in loaded.error)


def test_folder_uploader_loads_records():
    """Files given to the folder uploader load too."""
    at = upload(new_page(), [("clinic/day1/a.json", record_bytes("typical-trd"))], uploader=1)
    assert records(at)["File"].tolist() == ["clinic/day1/a.json"]


def test_clear_forgets_everything(loaded):
    """Clear empties the uploaders and the table."""
    loaded.button[0].click().run()
    assert (loaded.file_uploader[0].value, [i.value for i in loaded.info]) == (
        [],
        ["No files loaded yet."],
    )


def test_two_sessions_never_see_each_others_uploads(loaded):
    """A second session starts empty and its upload does not reach the first."""
    other = new_page()
    empty = [i.value for i in other.info]
    upload(other, [("mine.json", record_bytes("mild-symptoms"))])
    loaded.run()
    assert (empty, records(other)["File"].tolist(), len(records(loaded))) == (
        ["No files loaded yet."],
        ["mine.json"],
        12,
    )


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """file name → the deferred callable of each download button rendered."""
    seen: dict = {}
    spy_downloads(monkeypatch, seen.__setitem__)
    return seen


def test_csv_download_holds_the_filtered_rows(loaded, downloads):
    """The CSV download holds exactly the rows shown, crisis first."""
    import csv
    import io

    loaded.checkbox(key="staff_crisis_only").check().run()
    data = downloads["screening-review.csv"]()
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert [row["record"] for row in rows] == [
        "urgent-intent.json",
        "item9-passive.json",
        "tampered.json",
    ]


def test_download_names_hold_no_respondent_data(loaded, downloads):
    """Download file names are fixed or numbered, never a name or a file name."""
    loaded.selectbox(key="staff_open").set_value(5).run()
    assert all(
        name.startswith(("screening-review", "screening-summar")) and "gina" not in name.lower()
        for name in downloads
    )


def test_zip_download_holds_one_pdf_per_shown_row(loaded, downloads):
    """The ZIP download holds a PDF for each row shown, named by row number."""
    import io
    import zipfile

    loaded.multiselect(key="staff_outcomes").set_value(["clinician_review_first"]).run()
    with zipfile.ZipFile(io.BytesIO(downloads["screening-summaries.zip"]())) as archive:
        names = sorted(archive.namelist())
        first = archive.read(names[0])[:5]
    assert (names, first) == (
        [
            "screening-summary-0003.pdf",
            "screening-summary-0005.pdf",
            "screening-summary-0006.pdf",
            "screening-summary-0010.pdf",
            "screening-summary-0012.pdf",
        ],
        b"%PDF-",
    )


def test_record_pdf_download_is_the_opened_record(loaded, downloads):
    """The detail's PDF download is the summary of the opened record."""
    import io

    from pypdf import PdfReader

    loaded.selectbox(key="staff_open").set_value(5).run()
    data = downloads["screening-summary-0005.pdf"]()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Gina H." in text


def test_triage_frame_keeps_missing_scores_missing():
    """A record that could not be scored has an empty PHQ-9 cell, never 0."""
    from screening.review import load_files, triage_rows
    from ui.staff_view import triage_frame

    rows = triage_rows(load_files([("i.json", record_bytes("incomplete-phq9"))]).entries)
    frame = triage_frame(rows)
    assert (str(frame["PHQ-9"].dtype), frame["PHQ-9"].isna().tolist()) == ("Int64", [True])
