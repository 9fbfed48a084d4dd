"""Staff review core: loading many files, problems per file, triage rows, filters, exports."""

from __future__ import annotations

import gc
import io
import json
import zipfile

import pytest

from screening.review import (
    CRISIS_MARK,
    MISMATCH_MARK,
    PROBLEM_CODES,
    TABLE_COLUMNS,
    URGENT_MARK,
    Entry,
    Limits,
    ReviewBuilder,
    answer_lines,
    clean_name,
    clinician_notes,
    count_by_band,
    count_by_outcome,
    export_name,
    filter_rows,
    findings_present,
    load_files,
    pdf_zip,
    row_line,
    sniff,
    sort_rows,
    triage_rows,
)
from screening.rules import RULE_BY_ID
from tests.staff_data import (
    BROKEN,
    NAMES,
    answers_of,
    good_files,
    mixed_upload,
    record_bytes,
    vignettes,
    zip_bytes,
)


@pytest.fixture(scope="module")
def mixed():
    """The review of the mixed upload."""
    return load_files(mixed_upload())


@pytest.fixture(scope="module")
def rows(mixed):
    """Its triage rows in the default order."""
    return sort_rows(triage_rows(mixed.entries))


def by_source(rows, source):
    """The row of one file."""
    (row,) = [r for r in rows if r["source"] == source]
    return row


# ----------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"PK\x03\x04rest", "archive"),
        (b"\x1f\x8b\x08\x00", "archive"),
        (b"%PDF-1.4", "archive"),
        (b"BZh91AY&SYxx", "archive"),
        (b'\xef\xbb\xbf  {"answers": {}}', "json"),
        (b"[1, 2]", "json"),
        (b"age_years,sex_at_birth\n40,female\n", "csv"),
        (b"hello there\n", "text"),
        (b" \n\t", "empty"),
        (b"ab\x00cd", "binary"),
    ],
    ids=["zip", "gzip", "pdf", "bzip2", "json-bom", "json-list", "csv", "text", "empty", "nul"],
)
def test_sniff_reads_content_not_names(data, kind):
    """sniff() classifies bytes by their content."""
    assert sniff(data)[0] == kind


def test_clean_name_removes_control_characters():
    """File names lose control and bidi characters before they are shown."""
    assert clean_name("a\nb\u202ec.json") == "a?b?c.json"


def test_clean_name_shortens_long_names():
    """Very long file names are cut to 200 characters."""
    assert len(clean_name("x" * 5000)) == 200


# ----------------------------------------------------------------------------- loading


def test_every_good_file_loads_from_a_mixed_upload(mixed):
    """All vignette records and the tampered one load despite the broken files."""
    expected = {name for name, _ in good_files()} | {"tampered.json"}
    assert {e.source for e in mixed.entries} == expected


def test_each_broken_file_gets_its_code(mixed):
    """Every broken file is reported once, with the expected stable code."""
    assert {p.name: p.code for p in mixed.problems} == BROKEN


def test_problem_messages_name_the_file(mixed):
    """Each problem sentence starts with the file's name."""
    assert all(p.message.startswith(p.name + ":") for p in mixed.problems)


def test_problem_codes_are_known(mixed):
    """Every problem code is one of PROBLEM_CODES."""
    assert {p.code for p in mixed.problems} <= set(PROBLEM_CODES)


def test_files_counts_every_file(mixed):
    """Review.files counts good and refused files alike."""
    assert mixed.files == len(mixed_upload())


def test_outcomes_are_recomputed_for_each_vignette(mixed):
    """Each vignette record's outcome is the one the vignette expects."""
    expected = {f"{v['id']}.json": v["expect"]["outcome"] for v in vignettes()}
    got = {e.source: e.record.result.outcome for e in mixed.entries if e.source in expected}
    assert got == expected


def test_tampered_record_is_recomputed_as_crisis(mixed):
    """A stored result claiming no crisis does not hide the recomputed crisis."""
    (entry,) = [e for e in mixed.entries if e.source == "tampered.json"]
    assert entry.record.result.crisis is True


def test_tampered_record_is_flagged_as_mismatch(rows):
    """The tampered record's row carries the mismatch marker."""
    assert by_source(rows, "tampered.json")["mismatch"] == MISMATCH_MARK


def test_untampered_records_carry_no_mismatch(rows):
    """Records written by the app show no mismatch."""
    assert [r["source"] for r in rows if r["has_mismatch"]] == ["tampered.json"]


def test_answers_only_object_loads():
    """A file with only {"answers": ...} is a record."""
    data = json.dumps({"answers": answers_of("typical-trd")}).encode()
    review = load_files([("plain.json", data)])
    assert review.entries[0].record.result.outcome == "discuss_ketamine"


def test_extension_is_not_trusted_for_records():
    """A record named .txt is still read as a record."""
    review = load_files([("record.txt", record_bytes("typical-trd"))])
    assert [e.kind for e in review.entries] == ["record"]


def test_archive_named_json_is_refused():
    """A ZIP named .json is refused as an archive."""
    review = load_files([("looks-fine.json", zip_bytes())])
    assert review.problems[0].code == "review.archive"


def test_too_large_file_is_refused():
    """A file over the size limit is refused with review.too_large."""
    review = load_files([("big.json", b" " * 2000 + record_bytes("typical-trd"))],
                        Limits(max_file_bytes=2000))  # fmt: skip
    assert review.problems[0].code == "review.too_large"


def test_file_at_size_limit_loads():
    """A file exactly at the size limit is read."""
    data = record_bytes("typical-trd")
    review = load_files([("ok.json", data)], Limits(max_file_bytes=len(data)))
    assert len(review.entries) == 1


def test_files_beyond_the_count_limit_are_refused():
    """Files past max_files are refused with review.too_many_files; the first ones load."""
    files = [(f"r{i}.json", record_bytes("typical-trd")) for i in range(4)]
    review = load_files(files, Limits(max_files=3))
    assert ([e.source for e in review.entries], [(p.name, p.code) for p in review.problems]) == (
        ["r0.json", "r1.json", "r2.json"],
        [("r3.json", "review.too_many_files")],
    )


def test_records_beyond_the_record_limit_are_refused():
    """Records past max_records are refused with review.too_many_records."""
    files = [(f"r{i}.json", record_bytes("typical-trd")) for i in range(3)]
    review = load_files(files, Limits(max_records=2))
    assert [p.code for p in review.problems] == ["review.too_many_records"]


def test_too_deep_json_is_refused():
    """JSON nested past the depth limit is refused with review.too_deep."""
    data = b'{"answers": ' + b"[" * 100 + b"]" * 100 + b"}"
    assert load_files([("deep.json", data)]).problems[0].code == "review.too_deep"


def test_not_utf8_text_is_refused():
    """Text that is not UTF-8 is refused with review.not_utf8."""
    data = "age_years,name\n40,Zoë\n".encode("latin-1")
    assert load_files([("latin.csv", data)]).problems[0].code == "review.not_utf8"


def test_binary_file_is_refused():
    """A file with NUL bytes is refused as binary."""
    assert load_files([("x.json", b"\x00\x01\x02{")]).problems[0].code == "review.binary"


def test_json_list_is_not_a_record():
    """A JSON list is refused as not a record."""
    assert load_files([("l.json", b"[{}]")]).problems[0].code == "review.not_a_record"


def test_invalid_answers_message_lists_first_problems(mixed):
    """The invalid-answers sentence names the offending answers."""
    (problem,) = [p for p in mixed.problems if p.code == "review.invalid_answers"]
    assert "age_years" in problem.message and "sex_at_birth" in problem.message


def test_refused_file_with_crisis_answers_is_marked_crisis():
    """A record refused for invalid answers still shows that item 9 was positive."""
    answers = answers_of("item9-passive")
    answers["age_years"] = -5
    review = load_files([("crisis-bad.json", json.dumps({"answers": answers}).encode())])
    assert review.problems[0].crisis is True


def test_problems_with_crisis_come_first():
    """Refused files with crisis answers are listed before other problems."""
    answers = answers_of("item9-passive")
    answers["age_years"] = -5
    files = [("a.json", b"{"), ("b.json", json.dumps({"answers": answers}).encode())]
    assert [p.name for p in load_files(files).problems] == ["b.json", "a.json"]


def test_other_fhir_resource_is_refused():
    """A FHIR resource other than a QuestionnaireResponse is refused."""
    data = json.dumps({"resourceType": "Patient", "id": "x"}).encode()
    assert load_files([("p.json", data)]).problems[0].code == "review.not_fhir_response"


def test_csv_with_too_many_columns_is_refused():
    """A CSV wider than the column limit is refused before it is parsed into records."""
    data = (",".join(f"c{i}" for i in range(301)) + "\n" + ",".join("1" * 301) + "\n").encode()
    assert load_files([("wide.csv", data)]).problems[0].code == "review.csv_too_many_columns"


def test_csv_with_too_many_rows_is_refused():
    """A CSV longer than the row limit is refused."""
    data = b"age_years,sex_at_birth\n" + b"40,female\n" * 11
    review = load_files([("long.csv", data)], Limits(max_csv_rows=10))
    assert review.problems[0].code == "review.csv_too_many_rows"


def test_builder_refuses_on_request():
    """ReviewBuilder.refuse_too_large reports a file the caller did not read."""
    builder = ReviewBuilder()
    builder.refuse_too_large("huge.json", 5_000_000)
    assert builder.result().problems[0].message.startswith("huge.json: too large (5,000,000")


# ----------------------------------------------------------------------------- rows


def test_rows_put_urgent_then_crisis_first(rows):
    """Default order: urgent rows, then crisis rows, then the rest in load order."""
    flags = [(r["is_urgent"], r["is_crisis"]) for r in rows]
    assert flags == sorted(flags, reverse=True) and flags[0] == (True, True)


def test_crisis_is_shown_in_words(rows):
    """Crisis and urgent cells are words with a symbol, not only a colour."""
    row = by_source(rows, "urgent-intent.json")
    assert (row["crisis"], row["urgent"]) == (CRISIS_MARK, URGENT_MARK)


def test_row_values_for_typical_record(rows):
    """A typical record's row shows its name, scores and counts."""
    row = by_source(rows, "typical-trd.json")
    got = {k: row[k] for k in ("name", "date", "status", "outcome", "phq9_total", "phq9_band",
                               "failed_trials", "msm", "review_count", "crisis")}  # fmt: skip
    assert got == {
        "name": "A.B.",
        "date": "2026-11-20",
        "status": "completed",
        "outcome": "Discuss ketamine",
        "phq9_total": 16,
        "phq9_band": "moderately severe",
        "failed_trials": 2,
        "msm": "6 (mild)",
        "review_count": 0,
        "crisis": "no",
    }


def test_incomplete_record_is_in_progress(rows):
    """A record with missing answers shows status in progress and PHQ-9 not scored."""
    row = by_source(rows, "incomplete-phq9.json")
    assert (row["status"], row["phq9_total"], row["phq9_band"]) == (
        "in progress",
        None,
        "not scored",
    )


def test_review_findings_are_counted(rows):
    """The aneurysm record counts one review finding."""
    assert by_source(rows, "aneurysm.json")["review_count"] == 1


def test_rows_have_every_table_column(rows):
    """Every row has a value for every displayed column."""
    assert all(set(TABLE_COLUMNS) <= set(r) for r in rows)


def test_triage_rows_accepts_plain_records(mixed):
    """triage_rows numbers plain LoadedRecords from 1."""
    assert [r["number"] for r in triage_rows(mixed.records[:2])] == [1, 2]


# ----------------------------------------------------------------------------- filters


def test_filter_by_outcome(rows):
    """Only rows with the chosen outcomes remain."""
    got = filter_rows(rows, outcomes={"clinician_review_first"})
    assert sorted(r["source"] for r in got) == [
        "aneurysm.json",
        "bipolar.json",
        "item9-passive.json",  # crisis resources floor the outcome (rules 1.1)
        "pregnant.json",
        "tampered.json",
    ]


def test_filter_by_finding(rows):
    """Only rows with any of the chosen findings remain."""
    got = filter_rows(rows, findings={"F-VASCULAR", "F-BIPOLAR"})
    assert sorted(r["source"] for r in got) == ["aneurysm.json", "bipolar.json"]


def test_filter_crisis_only(rows):
    """The crisis filter keeps crisis and urgent rows, including the tampered one."""
    got = filter_rows(rows, crisis_only=True)
    assert sorted(r["source"] for r in got) == [
        "item9-passive.json",
        "tampered.json",
        "urgent-intent.json",
    ]


def test_filter_mismatch_only(rows):
    """The mismatch filter keeps the tampered record only."""
    assert [r["source"] for r in filter_rows(rows, mismatch_only=True)] == ["tampered.json"]


def test_search_by_name_ignores_case(rows):
    """Search finds a part of a name, whatever its case."""
    assert [r["name"] for r in filter_rows(rows, search="gina")] == [NAMES["aneurysm"]]


def test_search_by_file_name(rows):
    """Search also matches the file name."""
    assert [r["source"] for r in filter_rows(rows, search="BIPOLAR")] == ["bipolar.json"]


def test_filters_combine(rows):
    """Filters combine: crisis rows with a given finding."""
    got = filter_rows(rows, crisis_only=True, findings={"F-URGENT"})
    assert [r["source"] for r in got] == ["urgent-intent.json"]


def test_count_by_outcome_lists_every_outcome(rows):
    """Outcome counts cover every outcome, in the outcome order."""
    assert count_by_outcome(rows) == [
        ("Seek help now", 1),
        ("Incomplete", 1),
        ("Clinician review first", 5),
        ("Discuss ketamine", 2),
        ("Discuss other options", 3),
    ]


def test_count_by_band_includes_not_scored(rows):
    """PHQ-9 band counts end with the records that could not be scored."""
    assert count_by_band(rows)[-1] == ("not scored", 1)


def test_findings_present_follow_the_catalogue(rows):
    """Finding choices are the findings present, in catalogue order, with titles."""
    ids = [fid for fid, _ in findings_present(rows)]
    assert ids == [rid for rid in RULE_BY_ID if rid in ids] and "F-VASCULAR" in ids


# ----------------------------------------------------------------------------- CLI lines


def test_row_line_shows_flags(rows):
    """A terminal line carries URGENT/CRISIS/MISMATCH words."""
    line = row_line(by_source(rows, "urgent-intent.json"))
    assert line.split("\t")[1] == "URGENT,CRISIS"


def test_row_line_has_no_control_characters_from_names():
    """A name with a tab cannot break the tab-separated line."""
    row = triage_rows(load_files([("a\tb.json", record_bytes("typical-trd"))]).entries)[0]
    assert len(row_line(row).split("\t")) == 6


# ----------------------------------------------------------------------------- detail


def test_answer_lines_use_labels():
    """Answers are shown as their option labels, not codes."""
    lines = answer_lines(answers_of("typical-trd"))
    sex = [line for line in lines if line.question.lower().startswith("what sex")]
    assert sex and sex[0].answer == "Female"


def test_answer_lines_list_each_trial():
    """Each antidepressant trial shows its sub-answers."""
    lines = answer_lines(answers_of("typical-trd"))
    assert any(line.question.startswith("Antidepressant 2:") for line in lines)


def test_clinician_notes_use_the_clinician_text(mixed):
    """The detail notes carry RULE_BY_ID[id].clinician."""
    (entry,) = [e for e in mixed.entries if e.source == "aneurysm.json"]
    notes = {n.id: n.clinician for n in clinician_notes(entry.record)}
    assert notes["F-VASCULAR"] == RULE_BY_ID["F-VASCULAR"].clinician


# ----------------------------------------------------------------------------- exports


def test_export_names_hold_no_respondent_data():
    """Download names are fixed or numbered only."""
    assert [export_name("csv"), export_name("zip"), export_name("pdf", 7)] == [
        "screening-review.csv",
        "screening-summaries.zip",
        "screening-summary-0007.pdf",
    ]


def test_pdf_zip_has_one_file_per_entry(mixed):
    """The ZIP holds one numbered file per entry with the rendered bytes."""
    entries = mixed.entries[:3]
    data = pdf_zip(entries, lambda e: f"pdf {e.number}".encode())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        got = {n: archive.read(n) for n in archive.namelist()}
    assert got == {
        "screening-summary-0001.pdf": b"pdf 1",
        "screening-summary-0002.pdf": b"pdf 2",
        "screening-summary-0003.pdf": b"pdf 3",
    }


def test_entry_source_is_the_record_name(mixed):
    """Entry.source is the name the record was loaded under."""
    assert isinstance(mixed.entries[0], Entry) and mixed.entries[0].source == "typical-trd.json"


# ----------------------------------------------------------------------------- CSV


def csv_of(*vignette_ids: str) -> bytes:
    """This product's CSV export of some vignette records."""
    from screening.exports.csv import records_to_csv
    from tests.staff_data import record_obj

    return records_to_csv(record_obj(v) for v in vignette_ids)


def test_csv_rows_become_records():
    """Each row of an exported CSV is one record, named by file and row."""
    review = load_files([("day.csv", csv_of("typical-trd", "urgent-intent"))])
    assert [(e.kind, e.source, e.record.result.outcome) for e in review.entries] == [
        ("csv", "day.csv row 2", "discuss_ketamine"),
        ("csv", "day.csv row 3", "seek_help_now"),
    ]


def test_csv_named_json_is_read_as_csv():
    """A CSV export is recognised by its content, whatever its name."""
    review = load_files([("day.json", csv_of("typical-trd"))])
    assert [e.kind for e in review.entries] == ["csv"]


def test_csv_round_trip_has_no_mismatch():
    """Rows exported by the app carry no mismatch."""
    review = load_files([("day.csv", csv_of("typical-trd", "item9-passive", "aneurysm"))])
    assert [e.record.mismatches for e in review.entries] == [(), (), ()]


def test_csv_with_edited_crisis_cell_is_flagged():
    """A row whose crisis cell was changed to false is recomputed as crisis and flagged."""
    text = csv_of("item9-passive").decode("utf-8-sig")
    header, row = text.split("\r\n")[:2]
    cells = row.split(",")
    cells[header.split(",").index("crisis")] = "false"
    data = (header + "\r\n" + ",".join(cells) + "\r\n").encode()
    (row,) = triage_rows(load_files([("edited.csv", data)]).entries)
    assert (row["is_crisis"], row["has_mismatch"]) == (True, True)


def test_csv_bad_row_is_reported_and_others_load():
    """A bad row becomes a problem naming its row; the other rows load."""
    text = csv_of("typical-trd", "aneurysm").decode("utf-8-sig")
    header, first, second = text.split("\r\n")[:3]
    cells = first.split(",")
    cells[header.split(",").index("age_years")] = "old"
    data = "\r\n".join([header, ",".join(cells), second, ""]).encode()
    review = load_files([("day.csv", data)])
    assert ([e.source for e in review.entries], [p.name for p in review.problems]) == (
        ["day.csv row 3"],
        ["day.csv row 2"],
    )


def test_other_spreadsheet_is_not_a_record():
    """A CSV that is not this product's export is refused as not a record."""
    review = load_files([("list.csv", b"name,phone\nA,123\n")])
    assert review.problems[0].code == "review.not_a_record"


def test_csv_writer_round_trips_through_review(mixed):
    """The CSV written for entries loads back with the same outcomes."""
    from screening.review import csv_writer

    writer = csv_writer()
    assert writer is not None
    entries = mixed.entries
    back = load_files([("export.csv", writer(entries))])
    assert [e.record.result.outcome for e in back.entries] == [
        e.record.result.outcome for e in entries
    ]


# ----------------------------------------------------------------------------- FHIR


def fhir_of(vignette_id: str) -> dict:
    """A vignette record as a FHIR QuestionnaireResponse (dict)."""
    from screening.exports.fhir_response import questionnaire_response
    from tests.staff_data import record_obj

    return questionnaire_response(record_obj(vignette_id))


def test_fhir_response_becomes_a_record():
    """A QuestionnaireResponse loads as a record with its recomputed outcome and date."""
    data = json.dumps(fhir_of("urgent-intent")).encode()
    (entry,) = load_files([("qr.json", data)]).entries
    assert (entry.kind, entry.record.result.outcome, entry.record.created_at) == (
        "fhir",
        "seek_help_now",
        "2026-11-20T09:30:00Z",
    )


def test_fhir_response_keeps_every_answer():
    """The answers read from a QuestionnaireResponse are the record's answers."""
    data = json.dumps(fhir_of("typical-trd")).encode()
    (entry,) = load_files([("qr.json", data)]).entries
    assert entry.record.answers == answers_of("typical-trd")


def test_fhir_response_of_another_questionnaire_is_refused():
    """A response to a different questionnaire is refused as invalid FHIR, naming the file."""
    obj = fhir_of("typical-trd")
    obj["questionnaire"] = "http://example.org/Questionnaire/other"
    problem = load_files([("qr.json", json.dumps(obj).encode())]).problems[0]
    assert (problem.code, problem.message.startswith("qr.json:")) == ("review.invalid_fhir", True)


def test_fhir_response_with_bad_date_still_loads():
    """A date-only authored value is dropped, not a reason to refuse the answers."""
    obj = fhir_of("typical-trd")
    obj["authored"] = "2026-11-20"
    (entry,) = load_files([("qr.json", json.dumps(obj).encode())]).entries
    assert entry.record.created_at is None


def test_fhir_response_with_invalid_answers_keeps_the_crisis_mark():
    """Invalid answers in a crisis QuestionnaireResponse: refused, but marked crisis."""
    obj = fhir_of("item9-passive")
    about = next(group for group in obj["item"] if group["linkId"] == "about")
    age = next(item for item in about["item"] if item["linkId"] == "age_years")
    age["answer"] = [{"valueInteger": 300}]
    problem = load_files([("qr.json", json.dumps(obj).encode())]).problems[0]
    assert (problem.code, problem.crisis) == ("review.invalid_answers", True)


# ----------------------------------------------------------------------------- PDF


def test_pdf_renderer_gives_the_record_summary(mixed):
    """The renderer gives a PDF of the record, with its outcome in words."""
    from datetime import UTC, datetime

    from pypdf import PdfReader

    from screening.review import pdf_renderer
    from screening.rules import OUTCOMES

    entry = next(e for e in mixed.entries if e.source == "aneurysm.json")
    data = pdf_renderer(datetime(2026, 11, 27, tzinfo=UTC))(entry)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )
    assert OUTCOMES["clinician_review_first"].title in text


def test_loaded_files_counts_a_csv_once():
    """A CSV with several rows counts as one loaded file."""
    review = load_files([("day.csv", csv_of("typical-trd", "aneurysm")), *good_files()[:2]])
    assert (len(review.entries), review.loaded_files) == (4, 3)


def test_load_files_leaves_the_collector_alone():
    """Loading a batch changes no process-wide setting: the garbage collector stays on."""
    load_files(good_files()[:3])
    assert gc.isenabled()
