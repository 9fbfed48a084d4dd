"""The errors of the core, in one tree, and the catalogue of their codes.

    ScreeningError                 anything the core refuses, with a message for people
    ├── QuestionnaireError         a questions/*.toml file is broken (names file and place)
    ├── AnswersInvalid             answers do not fit the questionnaire (carries .problems)
    ├── RecordError                a file cannot be read as a record (carries .code)
    ├── SettingsError              the clinic settings file cannot be used (screening.settings)
    └── CrisisDataError            the crisis-resources file is broken (screening.crisis)

Every code a door can see is one member of ``ErrorCode``: a stable dotted string (tests,
the CLI and the staff page rely on it) and the sentence it says, with the file name and
the details filled in. Every message says where, what, and how to fix it. None of them
is meant to reach a person as a traceback: the doors (pages, CLI) print ``str(error)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class ErrorCode(Enum):
    """A stable ``code`` and its message ``template`` (``str.format`` fields in braces).

    Several members may share a code when the same problem is worded for a different
    case (a PDF and a ZIP are both ``review.archive``).
    """

    def __init__(self, code: str, template: str) -> None:
        self.code = code
        self.template = template

    def message(self, **fields: Any) -> str:
        """The sentence of this code with its fields filled in."""
        return self.template.format(**fields)

    # --- one answer (the path is printed before the message)
    ANSWERS_NOT_AN_OBJECT = ("answers.not_an_object", "expected an object, found {found}")
    ANSWER_UNKNOWN = ("answer.unknown", "is not a question of this questionnaire")
    ANSWER_UNKNOWN_PART = ("answer.unknown_part", "is not part of an entry")
    ANSWER_WRONG_TYPE = ("answer.wrong_type", "expected {expected}, found {found}")
    ANSWER_OUT_OF_RANGE = (
        "answer.out_of_range",
        "{found} is out of range; expected {minimum} to {maximum}",
    )
    ANSWER_NOT_A_CODE = ("answer.not_a_code", "{found} is not one of the codes; expected {codes}")
    ANSWER_REPEATED_CODE = ("answer.repeated_code", "{code!r} is listed twice; list each code once")
    ANSWER_TOO_LONG = ("answer.too_long", "is {length} characters long; the limit is {limit}")
    ANSWER_NUL = ("answer.nul", "contains a NUL character; remove it")
    ANSWER_TOO_MANY = ("answer.too_many", "has {count} entries; the limit is {limit}")

    # --- a record file (read_record, the CLI, the wizard's resume)
    RECORD_EMPTY = ("record.empty", "{name}: the file is empty")
    RECORD_TOO_LARGE = (
        "record.too_large",
        "{name}: the file is {size:,} bytes; the limit is {limit:,} bytes",
    )
    RECORD_NOT_UTF8 = ("record.not_utf8", "{name}: not UTF-8 text (byte {at:,}); {hint}")
    RECORD_LONE_SURROGATE = (
        "record.not_utf8",
        "{name}: holds text that is not valid Unicode (a lone surrogate such as \\ud800)",
    )
    RECORD_NOT_JSON = (
        "record.not_json",
        "{name}: not valid JSON at line {line}, column {column}: {reason}",
    )
    RECORD_BAD_JSON_VALUE = ("record.not_json", "{name}: {reason}")
    RECORD_TOO_DEEP = (
        "record.too_deep",
        "{name}: the JSON is nested more than {limit} levels deep",
    )
    RECORD_NOT_A_RECORD = ("record.not_a_record", "{name}: not a screening record ({why})")
    RECORD_WRONG_FORMAT = (
        "record.wrong_format",
        "{name}: format is {found}; expected {expected!r}",
    )
    RECORD_UNSUPPORTED_VERSION = (
        "record.unsupported_version",
        "{name}: format_version {found} is not supported; this version of the app reads "
        "format_version {supported}",
    )
    RECORD_WRONG_QUESTIONNAIRE = (
        "record.wrong_questionnaire",
        "{name}: questionnaire_id is {found}; expected {expected!r}",
    )
    RECORD_NO_ANSWERS = ("record.no_answers", "{name}: has no 'answers' object")
    RECORD_INVALID_ANSWERS = ("record.invalid_answers", "{name}: invalid answers: {problems}")
    RECORD_INVALID_FIELD = ("record.invalid_field", "{name}: {why}")
    RECORD_IS_FOLDER = ("record.is_folder", "{name}: is a folder, not a file")
    RECORD_NOT_FOUND = ("record.not_found", "{name}: no such file")
    RECORD_UNREADABLE = ("record.unreadable", "{name}: cannot be read ({why})")

    # --- a CSV export read back, a FHIR QuestionnaireResponse read back
    CSV_TOO_LARGE = (
        "csv.too_large",
        "{name}: the file is {size:,} bytes; the limit is {limit:,} bytes",
    )
    CSV_UNREADABLE = ("csv.unreadable", "{name}: not a readable CSV file ({why})")
    CSV_WRONG_HEADER = (
        "csv.wrong_header",
        "{name}: not a CSV export of this questionnaire: columns {why}. Export the records "
        "again from this app.",
    )
    FHIR_INVALID = ("fhir.invalid_response", "{name}: {why}")

    # --- one file of a staff review (the staff page, ``python -m screening review``)
    REVIEW_TOO_LARGE = (
        "review.too_large",
        "{name}: too large ({size:,} bytes); the limit is {limit:,} bytes per file.",
    )
    REVIEW_TOO_MANY_FILES = (
        "review.too_many_files",
        "{name}: not read: at most {limit:,} files can be reviewed at once. Review the rest in "
        "another batch.",
    )
    REVIEW_TOO_MANY_RECORDS = (
        "review.too_many_records",
        "{name}: not loaded: at most {limit:,} records can be reviewed at once.",
    )
    REVIEW_PDF = (
        "review.archive",
        "{name}: is a PDF document. PDFs are not accepted: upload the record file (.json or "
        ".csv) the app saved, not the printed summary.",
    )
    REVIEW_ARCHIVE = (
        "review.archive",
        "{name}: is {what}. Archives are not accepted: unpack it and upload the record files "
        "(.json or .csv) inside.",
    )
    REVIEW_BINARY = (
        "review.binary",
        "{name}: is a binary file, not a screening record (.json or .csv).",
    )
    REVIEW_EMPTY = ("review.empty", "{name}: the file is empty.")
    REVIEW_EMPTY_FOLDER = ("review.empty", "{name}: the folder holds no files")
    REVIEW_NOT_UTF8 = (
        "review.not_utf8",
        "{name}: not UTF-8 text (byte {at:,}); save it as UTF-8 and upload it again.",
    )
    REVIEW_EMPTY_FROM_READER = ("review.empty", "{message}")
    REVIEW_NOT_UTF8_FROM_READER = ("review.not_utf8", "{message}")
    REVIEW_TOO_LARGE_FROM_READER = ("review.too_large", "{message}")
    REVIEW_NOT_JSON = ("review.not_json", "{message}")
    REVIEW_TOO_DEEP = ("review.too_deep", "{message}")
    REVIEW_NOT_A_RECORD = ("review.not_a_record", "{message}")
    REVIEW_NEITHER = (
        "review.not_a_record",
        "{name}: not a screening record: the content is neither JSON nor a CSV file from this app.",
    )
    REVIEW_JSON_LIST = (
        "review.not_a_record",
        "{name}: not a screening record: the file holds a JSON list; a record is one JSON "
        "object with its answers.",
    )
    REVIEW_WRONG_FORMAT = ("review.wrong_format", "{message}")
    REVIEW_WRONG_QUESTIONNAIRE = ("review.wrong_questionnaire", "{message}")
    REVIEW_UNSUPPORTED_VERSION = ("review.unsupported_version", "{message}")
    REVIEW_NO_ANSWERS = ("review.no_answers", "{message}")
    REVIEW_INVALID_ANSWERS = ("review.invalid_answers", "{message}")
    REVIEW_INVALID_FIELD = ("review.invalid_field", "{message}")
    REVIEW_NOT_FHIR_RESPONSE = (
        "review.not_fhir_response",
        "{name}: a FHIR resource of type {found!r}; only a QuestionnaireResponse from this "
        "questionnaire can be reviewed.",
    )
    REVIEW_INVALID_FHIR = ("review.invalid_fhir", "{message}")
    REVIEW_INVALID_CSV = ("review.invalid_csv", "{message}")
    REVIEW_CSV_UNREADABLE = ("review.invalid_csv", "{name}: not a readable CSV file ({why}).")
    REVIEW_CSV_NO_ROWS = ("review.empty", "{name}: the CSV has a header but no rows.")
    REVIEW_CSV_ROW_SHAPE = (
        "review.invalid_csv",
        "{name}: has {cells} cells; the header has {expected}",
    )
    REVIEW_CSV_BAD_CELL = ("review.invalid_csv", "{name}: column {column}: {why}")
    REVIEW_CSV_TOO_MANY_ROWS = (
        "review.csv_too_many_rows",
        "{name}: the CSV has {rows:,} rows; the limit is {limit:,}. Split it into smaller files.",
    )
    REVIEW_CSV_TOO_MANY_COLUMNS = (
        "review.csv_too_many_columns",
        "{name}: the CSV has {columns:,} columns; the limit is {limit:,}.",
    )
    REVIEW_NOT_FOUND = ("review.not_found", "{name}: {why}")
    REVIEW_UNREADABLE = ("review.unreadable", "{name}: {why}")
    REVIEW_UNREADABLE_FROM_READER = ("review.unreadable", "{message}")
    REVIEW_FAILED = (
        "review.failed",
        "{name}: could not be read because of an error in this app; the other files are not "
        "affected. Open this file on its own, or report the problem.",
    )

    # --- deployment data
    SETTINGS_INVALID = ("settings.invalid", "{problems}")
    CRISIS_DATA_INVALID = ("crisis.invalid", "{problems}")


#: How the staff review names a file the record, CSV or FHIR reader refused (the reader's
#: own sentence is kept). A code not listed is reported as ``fallback`` by the caller.
REVIEW_CODE_OF: dict[str, ErrorCode] = {
    "record.empty": ErrorCode.REVIEW_EMPTY_FROM_READER,
    "record.not_utf8": ErrorCode.REVIEW_NOT_UTF8_FROM_READER,
    "record.not_json": ErrorCode.REVIEW_NOT_JSON,
    "record.too_deep": ErrorCode.REVIEW_TOO_DEEP,
    "record.too_large": ErrorCode.REVIEW_TOO_LARGE_FROM_READER,
    "record.not_a_record": ErrorCode.REVIEW_NOT_A_RECORD,
    "record.wrong_format": ErrorCode.REVIEW_WRONG_FORMAT,
    "record.unsupported_version": ErrorCode.REVIEW_UNSUPPORTED_VERSION,
    "record.wrong_questionnaire": ErrorCode.REVIEW_WRONG_QUESTIONNAIRE,
    "record.no_answers": ErrorCode.REVIEW_NO_ANSWERS,
    "record.invalid_answers": ErrorCode.REVIEW_INVALID_ANSWERS,
    "record.invalid_field": ErrorCode.REVIEW_INVALID_FIELD,
    "csv.wrong_header": ErrorCode.REVIEW_NOT_A_RECORD,
    "csv.too_large": ErrorCode.REVIEW_TOO_LARGE_FROM_READER,
    "csv.unreadable": ErrorCode.REVIEW_UNREADABLE_FROM_READER,
}


class ScreeningError(Exception):
    """Base of every error the core raises on purpose."""


class QuestionnaireError(ScreeningError):
    """A questionnaire file is broken."""


class AnswerPath(str):
    """Where an answer is: a question id (``age_years``), an entry of a repeat question
    (``ad_trials[2]``) or a sub-question of one entry (``ad_trials[2].weeks``; 0-based).

    It is the string the record file stores (``result.missing``), and it keeps its parts,
    so nobody has to parse it back.
    """

    question: str
    entry: int | None
    sub: str | None

    def __new__(cls, question: str, entry: int | None = None, sub: str | None = None) -> AnswerPath:
        text = question
        if entry is not None:
            text += f"[{entry}]" + (f".{sub}" if sub is not None else "")
        path = super().__new__(cls, text)
        path.question, path.entry, path.sub = question, entry, sub
        return path

    def __reduce__(self) -> tuple[Any, ...]:
        return (AnswerPath, (self.question, self.entry, self.sub))


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one answer: where, which code, and the sentence."""

    path: AnswerPath
    error: ErrorCode
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class AnswersInvalid(ScreeningError):
    """Answers that do not fit the questionnaire; ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} invalid answer(s): {summary(problems)}")


def summary(problems: list[Problem], shown: int = 3) -> str:
    """The first few problems in one line, and how many more."""
    text = "; ".join(str(p) for p in problems[:shown])
    if len(problems) > shown:
        text += f" (and {len(problems) - shown} more)"
    return text


class RecordError(ScreeningError):
    """A file that cannot be read as a record: ``error`` (an ``ErrorCode``), its stable
    ``code`` string (``record.not_json``) and its sentence."""

    def __init__(self, error: ErrorCode, **fields: Any) -> None:
        self.error = error
        self.code = error.code
        super().__init__(error.message(**fields))
