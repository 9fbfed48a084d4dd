"""Staff review: many files in → one record per respondent, plus a problem per refused file.

Content is sniffed, never trusted from a file name: JSON records (format 1, or just
``{"answers": ...}``), FHIR QuestionnaireResponse JSON, and this product's CSV (one or many
rows). Every result is recomputed from its answers; a stored result that differs is kept
as a mismatch. Each refused file becomes a ``FileProblem`` with a stable code and a plain
sentence that names the file; every good file still loads.

    review = load_files([("a.json", data), ...])      # Review(entries, problems, files)
    rows = sort_rows(triage_rows(review.entries))     # crisis and urgent first
    shown = filter_rows(rows, outcomes={"discuss_ketamine"}, search="jo")

Pure: no Streamlit, no pandas, no clock. ``screening.review_table`` turns rows into a
DataFrame (pandas imported there, lazily).
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from screening.errors import ScreeningError
from screening.questionnaire import Questionnaire, load_questionnaire
from screening.record import LoadedRecord, parse_json, record_from_object
from screening.rules import KIND_TITLES, OUTCOMES, RULE_BY_ID
from screening.safety import crisis_flag

if TYPE_CHECKING:
    from datetime import datetime

    from screening.settings import ClinicSettings

# --------------------------------------------------------------------------- limits

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 2_000
MAX_CSV_ROWS = 5_000
MAX_CSV_COLUMNS = 300
MAX_RECORDS = 20_000
MAX_NAME_CHARS = 200


@dataclass(frozen=True, slots=True)
class Limits:
    """What one review accepts. The defaults are the ones stated on the staff page."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_files: int = MAX_FILES
    max_csv_rows: int = MAX_CSV_ROWS
    max_csv_columns: int = MAX_CSV_COLUMNS
    max_records: int = MAX_RECORDS
    # JSON nesting is limited by screening.record.parse_json (MAX_DEPTH levels).


LIMITS = Limits()

# Problem codes, stable: tests, the CLI and the page rely on them.
PROBLEM_CODES = (
    "review.too_large",
    "review.too_many_files",
    "review.too_many_records",
    "review.archive",
    "review.binary",
    "review.empty",
    "review.not_utf8",
    "review.not_json",
    "review.too_deep",
    "review.not_a_record",
    "review.wrong_format",
    "review.wrong_questionnaire",
    "review.unsupported_version",
    "review.no_answers",
    "review.invalid_answers",
    "review.invalid_field",
    "review.not_fhir_response",
    "review.invalid_fhir",
    "review.invalid_csv",
    "review.csv_too_many_rows",
    "review.csv_too_many_columns",
    "review.unsupported",
    "review.not_found",
    "review.unreadable",
    "review.failed",
)

Kind = Literal["record", "fhir", "csv"]
KIND_LABELS: dict[str, str] = {"record": "Record JSON", "fhir": "FHIR JSON", "csv": "CSV"}


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A file (or a CSV row) that was refused: a stable code and a sentence naming it.

    ``crisis`` is True when the refused content still showed crisis answers (PHQ-9 item 9
    above zero or a safety answer yes / prefer not to say): staff must see that anyway.
    """

    name: str
    code: str
    message: str
    crisis: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    """One loaded record: its number in this review, where it came from, what it holds."""

    number: int
    kind: Kind
    record: LoadedRecord
    file: str = ""

    @property
    def source(self) -> str:
        """The file name, with the row for a CSV row."""
        return self.record.name


@dataclass(frozen=True, slots=True)
class Review:
    """Everything one load produced: records in load order, and the refused files."""

    entries: tuple[Entry, ...] = ()
    problems: tuple[FileProblem, ...] = ()
    files: int = 0

    @property
    def records(self) -> tuple[LoadedRecord, ...]:
        """The loaded records, in load order."""
        return tuple(e.record for e in self.entries)

    @property
    def loaded_files(self) -> int:
        """How many distinct files gave at least one record."""
        return len({e.file or e.source for e in self.entries})


class _Refused(Exception):
    def __init__(self, code: str, message: str, crisis: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.crisis = crisis


# --------------------------------------------------------------------------- sniffing

PDF = "a PDF document"
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "a GZIP archive"),
    (b"%PDF-", PDF),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an XZ archive"),
)
_BZIP2 = re.compile(rb"^BZh[1-9]1AY&SY")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")

Sniffed = Literal["archive", "binary", "empty", "json", "csv", "text"]


def sniff(data: bytes) -> tuple[Sniffed, str]:
    """What the bytes are, from their content only: (kind, description)."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return "archive", what
    if _BZIP2.match(data):
        return "archive", "a BZIP2 archive"
    head = data[:4096]
    if b"\x00" in head:
        return "binary", "a binary file"
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        return "empty", "an empty file"
    if stripped[:1] in (b"{", b"["):
        return "json", "JSON"
    first_line = stripped.split(b"\n", 1)[0]
    if any(sep in first_line for sep in (b",", b";", b"\t")):
        return "csv", "CSV"
    return "text", "text"


def clean_name(name: str) -> str:
    """A file name safe to show and print: no control characters, at most 200 characters."""
    text = _CONTROL.sub("?", str(name)).strip() or "(no name)"
    return text if len(text) <= MAX_NAME_CHARS else text[: MAX_NAME_CHARS - 1] + "…"


# --------------------------------------------------------------------------- loading


class ReviewBuilder:
    """Loads files one at a time, keeping every good record and a problem per refused file.

    The page and the CLI feed it; ``refuse`` lets a caller report a file it chose not to
    read (a folder entry over the size limit, say) with the same codes.
    """

    def __init__(self, limits: Limits = LIMITS, questionnaire: Questionnaire | None = None) -> None:
        self.limits = limits
        self.qn = questionnaire or load_questionnaire()
        self._entries: list[Entry] = []
        self._problems: list[FileProblem] = []
        self._files = 0
        self._accepted_files = 0

    @property
    def full(self) -> bool:
        """No more files can be accepted (the file limit is reached)."""
        return self._accepted_files >= self.limits.max_files

    def refuse(self, name: str, code: str, message: str, crisis: bool = False) -> None:
        """Record a refused file."""
        self._files += 1
        self._problems.append(FileProblem(clean_name(name), code, message, crisis))

    def refuse_too_many(self, name: str) -> None:
        """Refuse a file because the file limit is reached."""
        shown = clean_name(name)
        self.refuse(
            shown,
            "review.too_many_files",
            f"{shown}: not read: at most {self.limits.max_files:,} files can be reviewed at "
            "once. Review the rest in another batch.",
        )

    def refuse_too_large(self, name: str, size: int) -> None:
        """Refuse a file because it is over the size limit (without reading it)."""
        shown = clean_name(name)
        self.refuse(
            shown,
            "review.too_large",
            f"{shown}: too large ({size:,} bytes); the limit is "
            f"{self.limits.max_file_bytes:,} bytes per file.",
        )

    def add(self, name: str, data: bytes) -> None:
        """Load one file's bytes: its records join the review, or a problem explains why not."""
        shown = clean_name(name)
        if self.full:
            self.refuse_too_many(shown)
            return
        self._accepted_files += 1
        if len(data) > self.limits.max_file_bytes:
            self.refuse_too_large(shown, len(data))
            return
        self._files += 1
        try:
            loaded = self._load(shown, data)
        except _Refused as exc:
            self._problems.append(FileProblem(shown, exc.code, exc.message, exc.crisis))
            return
        except Exception:  # a fault in this app costs one file, never the whole batch
            self._problems.append(
                FileProblem(
                    shown,
                    "review.failed",
                    f"{shown}: could not be read because of an error in this app; the other "
                    "files are not affected. Open this file on its own, or report the problem.",
                    _crisis_in(data),
                )
            )
            return
        for kind, record in loaded:
            if len(self._entries) >= self.limits.max_records:
                self._problems.append(
                    FileProblem(
                        record.name,
                        "review.too_many_records",
                        f"{record.name}: not loaded: at most {self.limits.max_records:,} "
                        "records can be reviewed at once.",
                        record.result.crisis,
                    )
                )
                continue
            self._entries.append(Entry(len(self._entries) + 1, kind, record, shown))

    def add_row_problem(self, problem: FileProblem) -> None:
        """A problem with one row of a file that otherwise loaded."""
        self._problems.append(problem)

    def result(self) -> Review:
        """The review so far; problems with crisis answers first, then in file order."""
        problems = sorted(self._problems, key=lambda p: not p.crisis)
        return Review(tuple(self._entries), tuple(problems), self._files)

    # ----------------------------------------------------------------- by content

    def _load(self, name: str, data: bytes) -> list[tuple[Kind, LoadedRecord]]:
        kind, what = sniff(data)
        if kind == "archive" and what == PDF:
            raise _Refused(
                "review.archive",
                f"{name}: is a PDF document. PDFs are not accepted: upload the record file "
                "(.json or .csv) the app saved, not the printed summary.",
            )
        if kind == "archive":
            raise _Refused(
                "review.archive",
                f"{name}: is {what}. Archives are not accepted: unpack it and upload the "
                "record files (.json or .csv) inside.",
            )
        if kind == "binary":
            raise _Refused(
                "review.binary",
                f"{name}: is a binary file, not a screening record (.json or .csv).",
            )
        if kind == "empty":
            raise _Refused("review.empty", f"{name}: the file is empty.")
        if kind == "json":
            return [self._load_json(name, data)]
        text = _decode(name, data)
        if kind == "csv":
            return self._load_csv(name, text)
        raise _Refused(
            "review.not_a_record",
            f"{name}: not a screening record: the content is neither JSON nor a CSV "
            "file from this app.",
        )

    def _load_json(self, name: str, data: bytes) -> tuple[Kind, LoadedRecord]:
        try:
            obj = parse_json(data, name, max_bytes=self.limits.max_file_bytes)
        except ScreeningError as exc:
            raise _refused_from(exc, False) from None
        if isinstance(obj, dict) and "resourceType" in obj:
            return "fhir", self._load_fhir(name, obj)
        if isinstance(obj, list):
            raise _Refused(
                "review.not_a_record",
                f"{name}: not a screening record: the file holds a JSON list; a record is "
                "one JSON object with its answers.",
            )
        try:
            return "record", record_from_object(obj, name, self.qn)
        except ScreeningError as exc:
            answers = obj.get("answers") if isinstance(obj, dict) else None
            raise _refused_from(exc, crisis_flag(answers)) from None

    def _load_fhir(self, name: str, obj: dict[str, Any]) -> LoadedRecord:
        resource = obj.get("resourceType")
        if resource != "QuestionnaireResponse":
            shown = str(resource)[:40] if isinstance(resource, str) else "not text"
            raise _Refused(
                "review.not_fhir_response",
                f"{name}: a FHIR resource of type {shown!r}; only a QuestionnaireResponse "
                "from this questionnaire can be reviewed.",
            )
        try:
            answers = _fhir_reader()(obj, self.qn, name)
        except ScreeningError as exc:
            raise _refused_from(exc, False, default="review.invalid_fhir") from None
        record: dict[str, Any] = {"answers": answers}
        authored = obj.get("authored")
        if isinstance(authored, str) and _ISO_MOMENT.match(authored):
            record["created_at"] = authored
        status = obj.get("status")
        if status == "in-progress":
            record["status"] = "in_progress"
        elif status == "completed":
            record["status"] = "completed"
        try:
            return record_from_object(record, name, self.qn)
        except ScreeningError as exc:
            raise _refused_from(exc, crisis_flag(answers)) from None

    def _load_csv(self, name: str, text: str) -> list[tuple[Kind, LoadedRecord]]:
        rows, columns = _csv_shape(name, text)
        if columns > self.limits.max_csv_columns:
            raise _Refused(
                "review.csv_too_many_columns",
                f"{name}: the CSV has {columns:,} columns; the limit is "
                f"{self.limits.max_csv_columns:,}.",
            )
        if rows > self.limits.max_csv_rows:
            raise _Refused(
                "review.csv_too_many_rows",
                f"{name}: the CSV has {rows:,} rows; the limit is "
                f"{self.limits.max_csv_rows:,}. Split it into smaller files.",
            )
        try:
            loaded = _csv_reader()(text, name, self.qn)
        except ScreeningError as exc:
            if getattr(exc, "code", None) == "csv.wrong_header":
                raise _Refused("review.not_a_record", str(exc)) from None
            raise _refused_from(exc, False, default="review.invalid_csv") from None
        out: list[tuple[Kind, LoadedRecord]] = []
        for item in loaded:
            if isinstance(item, LoadedRecord):
                out.append(("csv", item))
            else:
                self._problems.append(item)
        if not out and not any(isinstance(i, FileProblem) for i in loaded):
            raise _Refused("review.empty", f"{name}: the CSV has a header but no rows.")
        return out


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")


def _crisis_in(data: bytes) -> bool:
    """Whether a record file that failed to load shows crisis answers; never raises."""
    try:
        obj = json.loads(data)
        return crisis_flag(obj.get("answers") if isinstance(obj, dict) else None)
    except Exception:
        return False


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Refused(
            "review.not_utf8",
            f"{name}: not UTF-8 text (byte {exc.start:,}); save it as UTF-8 and upload it again.",
        ) from None


def _csv_shape(name: str, text: str) -> tuple[int, int]:
    """(data rows, widest row) without building the records; raises on a broken CSV."""
    rows = 0
    columns = 0
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            if not row:
                continue
            rows += 1
            columns = max(columns, len(row))
    except csv.Error as exc:
        raise _Refused("review.invalid_csv", f"{name}: not a readable CSV file ({exc}).") from None
    return max(rows - 1, 0), columns


def _refused_from(
    exc: ScreeningError, crisis: bool, default: str = "review.not_a_record"
) -> _Refused:
    """A core error as a review problem: ``record.x`` becomes ``review.x``."""
    code = getattr(exc, "code", None)
    if isinstance(code, str) and "." in code:
        mapped = "review." + code.split(".", 1)[1]
        code = mapped if mapped in PROBLEM_CODES else default
    else:
        code = default
    return _Refused(code, str(exc), crisis)


# The FHIR and CSV readers live in screening.exports; imported only when a file needs them.
FhirReader = Callable[[Mapping[str, Any], Questionnaire, str], Mapping[str, Any]]
CsvReader = Callable[[str, str, Questionnaire], Sequence["LoadedRecord | FileProblem"]]


def _fhir_reader() -> FhirReader:
    from screening.exports.fhir import response_to_answers

    def read(obj: Mapping[str, Any], qn: Questionnaire, name: str) -> Mapping[str, Any]:
        return response_to_answers(obj, qn, name=name)

    return read


def _csv_reader() -> CsvReader:
    from screening.exports.csv import read_csv

    return read_csv


def load_files(
    files: Iterable[tuple[str, bytes]],
    limits: Limits = LIMITS,
    questionnaire: Questionnaire | None = None,
) -> Review:
    """Load (name, bytes) pairs; never raises for a bad file."""
    builder = ReviewBuilder(limits, questionnaire)
    with gc_paused():
        for name, data in files:
            builder.add(name, data)
    return builder.result()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch loads, then restore its state.

    Loading allocates many small objects that all stay alive, so the collector's runs
    find nothing to free (about a third of a batch's time); reference counting still frees
    everything else at once. Afterwards the objects kept go straight to the oldest
    generation (``freeze`` then ``unfreeze``: a list move, no traversal) instead of being
    traversed by a young collection and again by a middle one; a cycle among them is still
    found by the next full collection. Skipped when something else froze objects.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


# --------------------------------------------------------------------------- rows

OUTCOME_ORDER = (
    "seek_help_now",
    "incomplete",
    "clinician_review_first",
    "discuss_ketamine",
    "discuss_other_options",
)
OUTCOME_LABELS: dict[str, str] = {
    "seek_help_now": "Seek help now",
    "incomplete": "Incomplete",
    "clinician_review_first": "Clinician review first",
    "discuss_ketamine": "Discuss ketamine",
    "discuss_other_options": "Discuss other options",
}
BAND_ORDER = ("minimal", "mild", "moderate", "moderately_severe", "severe")
NOT_SCORED = "not scored"
CRISIS_MARK = "⚠ CRISIS"
URGENT_MARK = "⚠ URGENT"
MISMATCH_MARK = "⚠ differs"
NO_MARK = "no"

# Display columns of the triage table, in order: key → heading.
TABLE_COLUMNS: dict[str, str] = {
    "number": "#",
    "crisis": "Crisis",
    "urgent": "Urgent",
    "name": "Name",
    "outcome": "Outcome",
    "phq9_total": "PHQ-9",
    "phq9_band": "PHQ-9 band",
    "failed_trials": "Failed adequate trials",
    "msm": "MSM (approx.)",
    "review_count": "Review findings",
    "caution_count": "Caution findings",
    "mismatch": "Stored result",
    "status": "Status",
    "date": "Date",
    "source": "File",
}


def band_label(band: object) -> str:
    """``moderately_severe`` → ``moderately severe``; missing → ``not scored``."""
    return band.replace("_", " ") if isinstance(band, str) else NOT_SCORED


def triage_row(entry: Entry) -> dict[str, Any]:
    """One plain row: display values (``TABLE_COLUMNS``) and raw values for filtering."""
    record = entry.record
    result = record.result
    scores = result.scores
    msm_total = scores.get("msm_total")
    msm = f"{msm_total} ({band_label(scores.get('msm_band'))})" if msm_total is not None else ""
    name = record.display_name or ""
    return {
        "number": entry.number,
        "name": name,
        "date": (record.created_at or "")[:10],
        "status": "completed" if record.status == "completed" else "in progress",
        "outcome": OUTCOME_LABELS.get(result.outcome, result.outcome),
        "crisis": CRISIS_MARK if result.crisis else NO_MARK,
        "urgent": URGENT_MARK if result.urgent else NO_MARK,
        "phq9_total": scores.get("phq9_total"),
        "phq9_band": band_label(scores.get("phq9_band")),
        "failed_trials": scores.get("failed_adequate_trials"),
        "msm": msm,
        "review_count": len(result.by_kind("review")),
        "caution_count": len(result.by_kind("caution")),
        "mismatch": MISMATCH_MARK if record.mismatches else "",
        "source": entry.source,
        # raw values, for filters and sorting (not displayed)
        "kind": entry.kind,
        "outcome_code": result.outcome,
        "band_code": scores.get("phq9_band"),
        "is_crisis": result.crisis,
        "is_urgent": result.urgent,
        "has_mismatch": bool(record.mismatches),
        "finding_ids": result.finding_ids,
    }


def triage_rows(entries: Iterable[Entry | LoadedRecord]) -> list[dict[str, Any]]:
    """One plain row per record, in the given order (plain LoadedRecords are numbered 1…)."""
    rows = []
    with gc_paused():  # rows that all stay alive: collector runs would free nothing
        for i, item in enumerate(entries, start=1):
            entry = item if isinstance(item, Entry) else Entry(i, "record", item)
            rows.append(triage_row(entry))
    return rows


def sort_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Urgent first, then crisis, then the rest; load order within each group."""
    return sorted(rows, key=lambda r: (not r["is_urgent"], not r["is_crisis"], r["number"]))


def filter_rows(
    rows: Iterable[dict[str, Any]],
    *,
    outcomes: Iterable[str] | None = None,
    findings: Iterable[str] | None = None,
    crisis_only: bool = False,
    mismatch_only: bool = False,
    search: str = "",
) -> list[dict[str, Any]]:
    """Rows that pass every filter given.

    ``outcomes``: outcome codes to keep (None or empty: all). ``findings``: keep rows with
    any of these finding ids. ``search``: case-insensitive part of the name or file name.
    """
    wanted_outcomes = set(outcomes or ())
    wanted_findings = set(findings or ())
    needle = search.strip().casefold()
    out = []
    for row in rows:
        if wanted_outcomes and row["outcome_code"] not in wanted_outcomes:
            continue
        if wanted_findings and not wanted_findings.intersection(row["finding_ids"]):
            continue
        if crisis_only and not (row["is_crisis"] or row["is_urgent"]):
            continue
        if mismatch_only and not row["has_mismatch"]:
            continue
        if (
            needle
            and needle not in row["name"].casefold()
            and needle not in row["source"].casefold()
        ):
            continue
        out.append(row)
    return out


def count_by_outcome(rows: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    """(outcome label, count) for every outcome, in the outcome order."""
    counts = dict.fromkeys(OUTCOME_ORDER, 0)
    for row in rows:
        counts[row["outcome_code"]] = counts.get(row["outcome_code"], 0) + 1
    return [(OUTCOME_LABELS.get(code, code), n) for code, n in counts.items()]


def count_by_band(rows: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    """(PHQ-9 band label, count) from minimal to severe, then ``not scored``."""
    counts: dict[str, int] = {band_label(b): 0 for b in BAND_ORDER}
    counts[NOT_SCORED] = 0
    for row in rows:
        counts[row["phq9_band"]] = counts.get(row["phq9_band"], 0) + 1
    return list(counts.items())


def findings_present(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """(finding id, "id — title") for findings that occur in the rows, in catalogue order."""
    present: set[str] = set()
    for row in rows:
        present.update(row["finding_ids"])
    return [(rid, f"{rid} — {rule.title}") for rid, rule in RULE_BY_ID.items() if rid in present]


def outcome_choices() -> list[tuple[str, str]]:
    """(code, short label) of every outcome."""
    return [(code, OUTCOME_LABELS[code]) for code in OUTCOME_ORDER if code in OUTCOMES]


# --------------------------------------------------------------------------- lines (CLI)


def row_line(row: Mapping[str, Any]) -> str:
    """One tab-separated line for a terminal: flags, outcome, PHQ-9, file, name."""
    flags = ",".join(
        flag
        for flag, on in (
            ("URGENT", row["is_urgent"]),
            ("CRISIS", row["is_crisis"]),
            ("MISMATCH", row["has_mismatch"]),
        )
        if on
    )
    phq = "-" if row["phq9_total"] is None else f"{row['phq9_total']} {row['phq9_band']}"
    fields = (
        str(row["number"]),
        flags or "-",
        row["outcome_code"],
        f"PHQ-9 {phq}",
        row["source"],
        row["name"] or "-",
    )
    return "\t".join(_CONTROL.sub(" ", f) for f in fields)


# --------------------------------------------------------------------------- detail


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One answer as shown to staff: section title, question text, answer in words."""

    section: str
    question: str
    answer: str


def answer_lines(answers: Mapping[str, Any], qn: Questionnaire | None = None) -> list[AnswerLine]:
    """Every answer in questionnaire order, codes turned into their labels."""
    qn = qn or load_questionnaire()
    out: list[AnswerLine] = []
    for q in qn.questions:
        if q.id not in answers:
            continue
        section = qn.section_by_id[q.section].title if q.section in qn.section_by_id else ""
        value = answers[q.id]
        if q.type == "repeat":
            entries = value if isinstance(value, list) else []
            if not entries:
                out.append(AnswerLine(section, q.text, q.none_label or "None"))
            for i, item in enumerate(entries, start=1):
                label = f"{q.item_label or 'Entry'} {i}"
                for sub in q.items:
                    if isinstance(item, dict) and sub.id in item:
                        out.append(
                            AnswerLine(
                                section, f"{label}: {sub.text}", _answer_text(sub, item[sub.id])
                            )
                        )
            continue
        out.append(AnswerLine(section, q.text, _answer_text(q, value)))
    return out


def _answer_text(q: Any, value: object) -> str:
    if isinstance(value, list):
        if not value:
            return str(q.none_label or "None of these")
        return "; ".join(q.label_of(v) for v in value)
    if q.is_choice:
        return str(q.label_of(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return f"{text} {q.unit}" if q.unit and isinstance(value, int) else text


@dataclass(frozen=True, slots=True)
class ClinicianNote:
    """A finding as a clinician reads it."""

    id: str
    kind: str
    kind_title: str
    title: str
    clinician: str
    source: str


def clinician_notes(record: LoadedRecord) -> list[ClinicianNote]:
    """The clinician-facing text of every finding of a record, in display order."""
    notes = []
    for finding in record.result.findings:
        rule = RULE_BY_ID.get(finding.id)
        notes.append(
            ClinicianNote(
                finding.id,
                finding.kind,
                KIND_TITLES.get(finding.kind, finding.kind),
                finding.title,
                rule.clinician if rule else "",
                finding.source,
            )
        )
    return notes


# --------------------------------------------------------------------------- exports


def export_name(kind: Literal["csv", "pdf", "zip"], number: int | None = None) -> str:
    """Download file names: never any respondent data, only the row number."""
    if kind == "csv":
        return "screening-review.csv"
    if kind == "zip":
        return "screening-summaries.zip"
    return f"screening-summary-{number or 0:04d}.pdf"


def pdf_zip(entries: Iterable[Entry], render: Callable[[Entry], bytes]) -> bytes:
    """A ZIP holding one PDF per entry, named by row number only (stored, not compressed)."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(
                export_name("pdf", entry.number), date_time=(2000, 1, 1, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, render(entry))
    return buffer.getvalue()


def csv_writer() -> Callable[[Sequence[Entry]], bytes]:
    """Bytes of one CSV (this product's export format) holding the given records."""

    def write(entries: Sequence[Entry]) -> bytes:
        from screening.exports.csv import records_to_csv

        return records_to_csv(e.record for e in entries)

    return write


def pdf_renderer(
    generated_at: datetime, settings: ClinicSettings | None = None
) -> Callable[[Entry], bytes]:
    """A function giving one record's summary PDF, dated ``generated_at`` (timezone-aware)."""

    def render(entry: Entry) -> bytes:
        from screening.exports.pdf import summary_pdf

        return summary_pdf(entry.record, generated_at=generated_at, settings=settings)

    return render
