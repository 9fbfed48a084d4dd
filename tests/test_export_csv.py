"""CSV export: stable columns, Excel-safe cells, and a lossless read back."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.errors import RecordError
from screening.exports.csv import (
    CSV_COLUMNS,
    FORMULA_STARTS,
    columns_markdown,
    escape_cell,
    records_to_csv,
    unescape_cell,
)
from screening.exports.csv_read import read_csv
from screening.questionnaire import load_questionnaire
from screening.record import LoadedRecord, build_record, record_from_object
from screening.review import FileProblem
from tests.export_data import ANSWERS, VIGNETTE_IDS, VIGNETTES, WHEN, record, vignette_record

ROOT = Path(__file__).resolve().parent.parent
QN_VERSION = load_questionnaire().version
GOLDEN = ROOT / "tests" / "data" / "golden" / "csv_header.txt"
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cells(data: bytes) -> list[list[str]]:
    """Every row of CSV bytes, header included."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def one_row(answers: dict[str, Any]) -> dict[str, str]:
    """The data row of a one-record CSV, by column."""
    header, row = cells(records_to_csv([record(answers)]))
    return dict(zip(header, row, strict=True))


def read_one(data: bytes) -> LoadedRecord:
    """The single record read back from CSV bytes (fails on a problem)."""
    (item,) = read_csv(data, "export.csv")
    assert isinstance(item, LoadedRecord), item
    return item


def test_header_matches_the_golden_file() -> None:
    """The column set is stable: it equals tests/data/golden/csv_header.txt."""
    assert list(CSV_COLUMNS) == GOLDEN.read_text(encoding="utf-8").split()


def test_written_header_is_the_column_list() -> None:
    """The first row of the file is exactly CSV_COLUMNS."""
    assert cells(records_to_csv([]))[0] == list(CSV_COLUMNS)


def test_file_starts_with_a_bom() -> None:
    """UTF-8 with a byte-order mark, so spreadsheet programs pick the right encoding."""
    assert records_to_csv([]).startswith(b"\xef\xbb\xbfrecord,")


def test_rows_end_with_crlf() -> None:
    """Rows end with CRLF (RFC 4180)."""
    assert records_to_csv([]).endswith(b"\r\n")


def test_fifteen_trial_groups() -> None:
    """Trials take 15 numbered column groups."""
    assert [c for c in CSV_COLUMNS if c.endswith("_medication")][-1] == "trial15_medication"


def test_docs_are_current() -> None:
    """docs/csv-columns.md is what columns_markdown() generates (regenerate it if not)."""
    path = ROOT / "docs" / "csv-columns.md"
    assert path.read_text(encoding="utf-8") == columns_markdown()


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_vignette_round_trips(v: dict[str, Any]) -> None:
    """Export then import gives back the same answers."""
    rec = vignette_record(v)
    assert read_one(records_to_csv([rec])).answers == rec.answers


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_vignette_reads_back_without_mismatch(v: dict[str, Any]) -> None:
    """The result columns agree with the recomputed result on import."""
    assert read_one(records_to_csv([vignette_record(v)])).mismatches == ()


def test_metadata_round_trips() -> None:
    """Status, time and versions come back from their columns."""
    back = read_one(records_to_csv([vignette_record(VIGNETTES[0])]))
    assert (back.status, back.created_at, back.app_version, back.questionnaire_version) == (
        "completed",
        "2026-11-27T09:30:00Z",
        "0.1.0",
        QN_VERSION,
    )


def test_multi_none_is_written_as_none(base: dict[str, Any]) -> None:
    """An empty multi answer (none of these) is the word none."""
    assert one_row(base)["heart_conditions"] == "none"


def test_multi_codes_are_joined(base: dict[str, Any]) -> None:
    """A multi answer joins its codes with semicolons, in order."""
    base["current_meds"] = ["opioid", "antidepressant"]
    assert one_row(base)["current_meds"] == "opioid;antidepressant"


def test_no_trials_is_a_zero_count(base: dict[str, Any]) -> None:
    """ad_trials = [] is written as a count of 0."""
    base["ad_trials"] = []
    assert one_row(base)["ad_trials_count"] == "0"


def test_empty_trial_entry_round_trips(base: dict[str, Any]) -> None:
    """An entry with nothing filled in still counts as an entry."""
    base["ad_trials"] = [{}, {"medication": "other", "medication_other": "Zoloft XR"}]
    rec = record(base)
    assert read_one(records_to_csv([rec])).answers["ad_trials"] == rec.answers["ad_trials"]


def test_crisis_column_is_true_for_item9(base: dict[str, Any]) -> None:
    """The crisis flag is in its own column."""
    base.update(phq9_9=1, si_plan="no", si_intent="no", self_harm_recent="no")
    assert one_row(base)["crisis"] == "true"


def test_urgent_column_is_true_for_a_plan(base: dict[str, Any]) -> None:
    """A plan makes the row urgent (and crisis); item 9 alone is crisis, not urgent."""
    base.update(phq9_9=1, si_plan="no", si_intent="no", self_harm_recent="no")
    assert (one_row(base)["crisis"], one_row(base)["urgent"]) == ("true", "false")
    base["si_plan"] = "yes"
    assert (one_row(base)["crisis"], one_row(base)["urgent"]) == ("true", "true")


def test_differs_column_flags_a_stored_result_that_differs(base: dict[str, Any]) -> None:
    """A record whose saved result is not the recomputed one says so in ``differs``."""
    obj = build_record(base, created_at=WHEN, app_version="0.1.0")
    assert one_csv_row(record_from_object(obj, "same.json"))["differs"] == "false"
    obj["result"]["outcome"] = "discuss_other_options"
    assert one_csv_row(record_from_object(obj, "edited.json"))["differs"] == "true"


def one_csv_row(rec: LoadedRecord) -> dict[str, str]:
    """The data row of a one-record CSV of a loaded record, by column."""
    header, row = cells(records_to_csv([rec]))
    return dict(zip(header, row, strict=True))


def test_formula_in_an_answer_is_escaped(base: dict[str, Any]) -> None:
    """A display name that is a formula starts with an apostrophe in the file."""
    base["display_name"] = '=HYPERLINK("http://x.example","y")'
    assert one_row(base)["display_name"] == '\'=HYPERLINK("http://x.example","y")'


def test_formula_in_an_answer_reads_back_exactly(base: dict[str, Any]) -> None:
    """The importer removes exactly the apostrophe it added."""
    base["notes_for_clinician"] = "'=already quoted"
    rec = record(base)
    assert read_one(records_to_csv([rec])).answers["notes_for_clinician"] == "'=already quoted"


def test_record_name_is_escaped_too() -> None:
    """Metadata cells are escaped like answers (a file name can be a formula)."""
    rec = record(VIGNETTES[0]["answers"], "=cmd|' /C calc'!A0.json")
    assert cells(records_to_csv([rec]))[1][0] == "'=cmd|' /C calc'!A0.json"


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_escape_adds_an_apostrophe(start: str) -> None:
    """Each dangerous first character gets a leading apostrophe."""
    assert escape_cell(start + "1") == "'" + start + "1"


def test_plain_text_is_not_escaped() -> None:
    """Ordinary text and an apostrophe alone are left as they are."""
    assert [escape_cell("O'Brien"), escape_cell("'quoted'"), escape_cell("")] == [
        "O'Brien",
        "'quoted'",
        "",
    ]


@PROPERTY
@given(st.text())
def test_unescape_inverts_escape(text: str) -> None:
    """Escaping is lossless for any text."""
    assert unescape_cell(escape_cell(text)) == text


@PROPERTY
@given(st.text())
def test_escaped_cells_never_start_a_formula(text: str) -> None:
    """No escaped cell starts with = + - @ tab or CR."""
    assert escape_cell(text)[:1] not in FORMULA_STARTS


@PROPERTY
@given(ANSWERS)
def test_no_cell_starts_a_formula(answers: dict[str, Any]) -> None:
    """In a whole export of any answers, no cell starts with = + - @ tab or CR."""
    rows = cells(records_to_csv([record(answers)]))
    assert [c for row in rows for c in row if c[:1] in FORMULA_STARTS] == []


@PROPERTY
@given(ANSWERS)
def test_any_answers_round_trip(answers: dict[str, Any]) -> None:
    """CSV → import gives back the same (validated, pruned) answers for any answers."""
    rec = record(answers)
    assert read_one(records_to_csv([rec])).answers == rec.answers


def test_many_records_keep_their_order() -> None:
    """One row per record, in the order given, named by spreadsheet row."""
    recs = [vignette_record(v) for v in VIGNETTES]
    back = read_csv(records_to_csv(recs), "all.csv")
    assert [(b.name, b.answers) for b in back if isinstance(b, LoadedRecord)] == [
        (f"all.csv row {i}", r.answers) for i, r in enumerate(recs, 2)
    ]


def test_text_without_bom_reads_too(base: dict[str, Any]) -> None:
    """A file saved without the byte-order mark (or passed as text) still reads."""
    text = records_to_csv([record(base)]).decode("utf-8-sig")
    (item,) = read_csv(text, "t.csv")
    assert isinstance(item, LoadedRecord)


def test_blank_rows_are_skipped(base: dict[str, Any]) -> None:
    """Empty rows (as spreadsheets add at the end) are not records."""
    data = records_to_csv([record(base)]) + b",,,\r\n\r\n"
    assert len(read_csv(data, "t.csv")) == 1


def _edit(data: bytes, column: str, value: str) -> bytes:
    rows = cells(data)
    rows[1][rows[0].index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def test_edited_outcome_is_a_mismatch(base: dict[str, Any]) -> None:
    """A result column that disagrees with the answers is reported, not trusted."""
    data = _edit(records_to_csv([record(base)]), "outcome", "discuss_other_options")
    assert read_one(data).mismatches == (
        'outcome: stored "discuss_other_options", recomputed "discuss_ketamine"',
    )


def test_bad_number_is_a_row_problem(base: dict[str, Any]) -> None:
    """A cell that is not a number names the row and the column."""
    data = _edit(records_to_csv([record(base)]), "age_years", "forty")
    (problem,) = read_csv(data, "t.csv")
    assert isinstance(problem, FileProblem)
    assert (problem.name, problem.code, problem.message) == (
        "t.csv row 2",
        "review.invalid_csv",
        "t.csv row 2: column age_years: 'forty' is not a whole number",
    )


def test_out_of_range_answer_is_a_row_problem(base: dict[str, Any]) -> None:
    """An answer the questionnaire refuses becomes an invalid-answers problem for that row."""
    data = _edit(records_to_csv([record(base)]), "age_years", "300")
    (problem,) = read_csv(data, "t.csv")
    assert isinstance(problem, FileProblem)
    assert (problem.code, problem.message.startswith("t.csv row 2: invalid answers")) == (
        "review.invalid_answers",
        True,
    )


def test_bad_row_with_crisis_answers_is_flagged(base: dict[str, Any]) -> None:
    """A refused row that still shows a positive item 9 is marked crisis for staff."""
    base.update(phq9_9=2, si_plan="no", si_intent="no", self_harm_recent="no")
    data = _edit(records_to_csv([record(base)]), "age_years", "300")
    (problem,) = read_csv(data, "t.csv")
    assert isinstance(problem, FileProblem) and problem.crisis


def test_a_bad_row_does_not_stop_the_others(base: dict[str, Any]) -> None:
    """Good rows load around a bad one."""
    data = _edit(records_to_csv([record(base), record(base)]), "age_years", "x")
    assert [type(i).__name__ for i in read_csv(data, "t.csv")] == ["FileProblem", "LoadedRecord"]


def test_short_row_is_a_problem(base: dict[str, Any]) -> None:
    """A row with fewer cells than the header is refused with its row number."""
    data = records_to_csv([record(base)]) + b"only,three,cells\r\n"
    problem = read_csv(data, "t.csv")[1]
    assert isinstance(problem, FileProblem) and problem.name == "t.csv row 3"


def test_wrong_header_is_refused() -> None:
    """A CSV from elsewhere is refused as a whole, naming missing columns."""
    with pytest.raises(RecordError, match=r"^t.csv: not a CSV export of this questionnaire"):
        read_csv(b"age_years,sex_at_birth\r\n40,female\r\n", "t.csv")


def test_not_utf8_is_refused() -> None:
    """Bytes that are not UTF-8 are refused with the byte offset."""
    with pytest.raises(RecordError, match="not UTF-8"):
        read_csv("record,café".encode("latin-1"), "t.csv")


def test_empty_file_is_refused() -> None:
    """An empty file is refused."""
    with pytest.raises(RecordError, match="empty"):
        read_csv(b"\xef\xbb\xbf", "t.csv")


def test_an_export_from_questionnaire_1_0_still_reads() -> None:
    """A CSV written before 1.1 (without the columns added then) reads, those answers blank."""
    from screening.exports.csv_read import ADDED_IN_1_1

    typical = vignette_record(next(v for v in VIGNETTES if v["id"] == "typical-trd"))
    data = records_to_csv([typical]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    keep = [i for i, col in enumerate(rows[0]) if col not in ADDED_IN_1_1]
    old = "\r\n".join(",".join(row[i] for i in keep) for row in rows) + "\r\n"
    (item,) = read_csv(old, "old.csv")
    assert isinstance(item, LoadedRecord)
    assert item.answers == typical.answers
