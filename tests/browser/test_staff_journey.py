"""Staff review in Chromium: several records and broken files uploaded together, the table
read back from its accessible grid (crisis first), and the ZIP of PDF summaries opened."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from screening.record import build_record, dump_record
from screening.review import outcome_choices
from screening.rules import OUTCOMES
from tests.staff_data import BROKEN, broken_files, record_bytes

from . import journeys as J
from .harness import RECORD_FILES_INPUT, AppServer, open_staff

# Upload order puts the crisis records last: the table must move them to the top.
GOOD = ("typical-trd", "aneurysm", "one-trial", "item9-passive", "urgent-intent")
CRISIS = {"item9-passive", "urgent-intent"}
URGENT = {"urgent-intent"}
REFUSED = ("broken.json", "notes.txt", "summary.pdf")
SENTINEL_FILE = "from-the-wizard.json"
LABELS = dict(outcome_choices())  # outcome code -> the staff table's short label
RECORDS_TABLE = '//div[@data-testid="stDataFrame"][not(ancestor::*[@data-testid="stExpander"])]'


@dataclass
class StaffView:
    """What the staff page showed and gave after the upload."""

    header: list[str]
    rows: list[dict[str, str]]
    problems: list[dict[str, str]]
    zip_path: Path
    pdf_texts: dict[str, str] = field(default_factory=dict)


def grid_rows(table: Locator) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of a st.dataframe, read from the grid's accessible table.

    The grid draws on a canvas; for assistive technology it keeps an off-screen table with
    the cells in view (enough rows here; the columns at the left).
    """
    lines = [
        [str(cell.text_content() or "").strip() for cell in row.locator("th, td").all()]
        for row in table.locator("table[role=grid] tr").all()
    ]
    header, body = lines[0], lines[1:]
    return header, [dict(zip(header, line, strict=False)) for line in body]


def _uploads(sentinel: str) -> list[tuple[str, bytes]]:
    story = J.story("review-first", sentinel)
    record = build_record(
        story, created_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC), app_version="test"
    )
    broken = dict(broken_files())
    files = [(f"{v}.json", record_bytes(v)) for v in GOOD]
    files.insert(1, (SENTINEL_FILE, dump_record(record)))
    files[3:3] = [(name, broken[name]) for name in REFUSED]
    return files


@pytest.fixture(scope="module")
def staff(
    app_server: AppServer, open_page: Callable[..., Page], sentinel: str, downloads: Path
) -> StaffView:
    """The staff page after one mixed upload, and its ZIP of PDFs saved and opened."""
    page = open_page()
    open_staff(page, app_server.url)
    files = _uploads(sentinel)
    page.locator(RECORD_FILES_INPUT).first.set_input_files(
        [{"name": n, "mimeType": "application/octet-stream", "buffer": b} for n, b in files]
    )
    problems_title = f"Files not loaded ({len(REFUSED)})"
    J.settle(page)
    expect(page.get_by_text(problems_title)).to_be_visible()
    table = page.locator(RECORDS_TABLE)
    expect(table.locator("table[role=grid] tr")).to_have_count(len(GOOD) + 2)
    header, rows = grid_rows(table)
    _, problems = grid_rows(page.get_by_test_id("stExpander").get_by_test_id("stDataFrame"))
    zip_path = J.save_download(page, J.download_button(page, "staff_zip"), downloads / "staff")
    view = StaffView(header, rows, problems, zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            reader = PdfReader(io.BytesIO(archive.read(name)))
            view.pdf_texts[name] = " ".join(
                " ".join((p.extract_text() or "").split()) for p in reader.pages
            )
    page.context.close()
    return view


def test_refused_files_are_listed_with_their_codes(staff: StaffView) -> None:
    """Every broken file is named in "Files not loaded" with the problem code it earned."""
    got = {p["File"]: p["Code"] for p in staff.problems}
    assert got == {name: BROKEN[name] for name in REFUSED}


def test_every_good_file_is_a_row(staff: StaffView) -> None:
    """The table has one row per readable record, and no row for a refused file."""
    assert len(staff.rows) == len(GOOD) + 1


def test_crisis_rows_come_first(staff: StaffView) -> None:
    """Rows with crisis answers are at the top, the urgent one first, whatever the upload order."""
    flags = [(r["Urgent"].startswith("⚠"), r["Crisis"].startswith("⚠")) for r in staff.rows]
    expected = [(True, True)] * len(URGENT) + [(False, True)] * len(CRISIS - URGENT)
    expected += [(False, False)] * (len(staff.rows) - len(CRISIS))
    assert flags == expected


def test_rows_show_the_recomputed_outcome(staff: StaffView) -> None:
    """The Outcome column of the urgent row reads "seek help now" (its short staff label)."""
    assert staff.rows[0]["Outcome"] == LABELS["seek_help_now"]


def test_zip_holds_one_pdf_per_row(staff: StaffView) -> None:
    """The ZIP holds one PDF per row, named by row number only (no respondent data)."""
    names = sorted(staff.pdf_texts)
    expected = sorted(f"screening-summary-{int(r['#']):04d}.pdf" for r in staff.rows)
    assert names == expected


def test_zip_pdfs_are_the_summaries(staff: StaffView) -> None:
    """Each PDF in the ZIP reads as the summary of its record: its outcome title is in it."""
    code = {label: code for code, label in LABELS.items()}
    by_number = {
        f"screening-summary-{int(r['#']):04d}.pdf": OUTCOMES[code[r["Outcome"]]].title
        for r in staff.rows
    }
    missing = [name for name, text in staff.pdf_texts.items() if by_number[name] not in text]
    assert (missing, len(staff.pdf_texts)) == ([], len(staff.rows))


def test_zip_pdfs_of_crisis_rows_list_support(staff: StaffView) -> None:
    """The PDFs of the crisis rows, and only those, list crisis support."""
    crisis = {
        f"screening-summary-{int(r['#']):04d}.pdf"
        for r in staff.rows
        if r["Crisis"].startswith("⚠")
    }
    with_support = {name for name, text in staff.pdf_texts.items() if "Crisis support" in text}
    assert (with_support, len(crisis)) == (crisis, len(CRISIS))
