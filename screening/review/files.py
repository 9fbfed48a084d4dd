"""Reading many files for a staff review: one record per respondent, a problem per refusal.

Content is sniffed, never trusted from a file name: JSON records (format 1, or just
``{"answers": ...}``), FHIR QuestionnaireResponse JSON, and this product's CSV (one or many
rows). Every result is recomputed from its answers; a stored result that differs is kept
as a mismatch. Each refused file becomes a ``FileProblem`` that names it; every good file
still loads, and a fault in this app costs one file, never the batch.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from screening.errors import ErrorCode as E
from screening.errors import ScreeningError
from screening.problems import FileProblem, clean_name, problem, refused_by_reader
from screening.questionnaire import Questionnaire, load_questionnaire
from screening.record import LoadedRecord, parse_json, record_from_object
from screening.safety import crisis_flag

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 2_000
MAX_CSV_ROWS = 5_000
MAX_CSV_COLUMNS = 300
MAX_RECORDS = 20_000


@dataclass(frozen=True, slots=True)
class Limits:
    """What one review accepts; None means no limit. The defaults are the staff page's."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_files: int | None = MAX_FILES
    max_csv_rows: int = MAX_CSV_ROWS
    max_csv_columns: int = MAX_CSV_COLUMNS
    max_records: int | None = MAX_RECORDS
    # JSON nesting is limited by screening.record.parse_json (MAX_DEPTH levels).


LIMITS = Limits()

Kind = Literal["record", "fhir", "csv"]
KIND_LABELS: dict[str, str] = {"record": "Record JSON", "fhir": "FHIR JSON", "csv": "CSV"}


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
    def __init__(self, refusal: FileProblem) -> None:
        super().__init__(refusal.message)
        self.problem = refusal


# --------------------------------------------------------------------------- sniffing

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "a GZIP archive"),
    (b"%PDF-", "a PDF document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an XZ archive"),
)
_BZIP2 = re.compile(rb"^BZh[1-9]1AY&SY")

Sniffed = Literal["archive", "binary", "empty", "json", "csv", "text"]


def sniff(data: bytes) -> tuple[Sniffed, str]:
    """What the bytes are, from their content only: (kind, description)."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return "archive", what
    if _BZIP2.match(data):
        return "archive", "a BZIP2 archive"
    if b"\x00" in data[:4096]:
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


# --------------------------------------------------------------------------- loading


class ReviewBuilder:
    """Loads files one at a time, keeping every good record and a problem per refused file.

    The page and the CLI feed it; ``refuse`` lets a caller report a file it chose not to
    read (a folder entry over the size limit, say).
    """

    def __init__(
        self,
        limits: Limits = LIMITS,
        questionnaire: Questionnaire | None = None,
        *,
        keep_records: bool = True,
    ) -> None:
        self.limits = limits
        self.qn = questionnaire or load_questionnaire()
        self.keep_records = keep_records  # False: ``add`` returns the entries, keeps none
        self._entries: list[Entry] = []
        self._count = 0
        self._problems: list[FileProblem] = []
        self._files = 0
        self._accepted_files = 0

    @property
    def full(self) -> bool:
        """No more files can be accepted (the file limit is reached)."""
        limit = self.limits.max_files
        return limit is not None and self._accepted_files >= limit

    def refuse(self, refusal: FileProblem) -> None:
        """Record a refused file."""
        self._files += 1
        self._problems.append(refusal)

    def refuse_too_many(self, name: str) -> None:
        """Refuse a file because the file limit is reached."""
        self.refuse(problem(clean_name(name), E.REVIEW_TOO_MANY_FILES, limit=self.limits.max_files))

    def refuse_too_large(self, name: str, size: int) -> None:
        """Refuse a file because it is over the size limit (without reading it)."""
        limit = self.limits.max_file_bytes
        self.refuse(problem(clean_name(name), E.REVIEW_TOO_LARGE, size=size, limit=limit))

    def add(self, name: str, data: bytes) -> list[Entry]:
        """Load one file's bytes: its records join the review (and are returned), or a
        problem explains why not."""
        shown = clean_name(name)
        if self.full:
            self.refuse_too_many(shown)
            return []
        self._accepted_files += 1
        if len(data) > self.limits.max_file_bytes:
            self.refuse_too_large(shown, len(data))
            return []
        self._files += 1
        try:
            loaded = self._load(shown, data)
        except _Refused as exc:
            self._problems.append(exc.problem)
            return []
        except Exception:  # a fault in this app costs one file, never the whole batch
            self._problems.append(problem(shown, E.REVIEW_FAILED, crisis=_crisis_in(data)))
            return []
        added = []
        for kind, record in loaded:
            limit = self.limits.max_records
            if limit is not None and self._count >= limit:
                crisis = record.result.crisis
                refusal = problem(
                    record.name, E.REVIEW_TOO_MANY_RECORDS, crisis=crisis, limit=limit
                )
                self._problems.append(refusal)
                continue
            self._count += 1
            entry = Entry(self._count, kind, record, shown)
            if self.keep_records:
                self._entries.append(entry)
            added.append(entry)
        return added

    def add_path(self, path: Path) -> list[Entry]:
        """Read one file from disk (refusing what cannot or should not be read) and add it."""
        name = str(path)
        if self.full:
            self.refuse_too_many(name)
            return []
        try:
            if not path.is_file():
                why = "not a regular file" if path.exists() else "no such file or folder"
                self.refuse(problem(clean_name(name), E.REVIEW_NOT_FOUND, why=why))
                return []
            size = path.stat().st_size
            if size > self.limits.max_file_bytes:
                self.refuse_too_large(name, size)
                return []
            with path.open("rb") as handle:
                data = handle.read(self.limits.max_file_bytes + 1)
        except PermissionError:
            self.refuse(problem(clean_name(name), E.REVIEW_UNREADABLE, why="permission denied"))
            return []
        except OSError as exc:
            why = f"cannot be read ({exc.strerror})"
            self.refuse(problem(clean_name(name), E.REVIEW_UNREADABLE, why=why))
            return []
        return self.add(name, data)

    def result(self) -> Review:
        """The review so far; problems with crisis answers first, then in file order."""
        problems = sorted(self._problems, key=lambda p: not p.crisis)
        return Review(tuple(self._entries), tuple(problems), self._files)

    # ----------------------------------------------------------------- by content

    def _load(self, name: str, data: bytes) -> list[tuple[Kind, LoadedRecord]]:
        kind, what = sniff(data)
        if kind == "archive":
            error = E.REVIEW_PDF if what == "a PDF document" else E.REVIEW_ARCHIVE
            raise _Refused(problem(name, error, what=what))
        if kind == "binary":
            raise _Refused(problem(name, E.REVIEW_BINARY))
        if kind == "empty":
            raise _Refused(problem(name, E.REVIEW_EMPTY))
        if kind == "json":
            return [self._load_json(name, data)]
        if kind == "csv":
            return self._load_csv(name, _decode(name, data))
        raise _Refused(problem(name, E.REVIEW_NEITHER))

    def _load_json(self, name: str, data: bytes) -> tuple[Kind, LoadedRecord]:
        try:
            obj = parse_json(data, name, max_bytes=self.limits.max_file_bytes)
        except ScreeningError as exc:
            fallback = E.REVIEW_NOT_A_RECORD
            raise _Refused(refused_by_reader(name, exc, crisis=False, fallback=fallback)) from None
        if isinstance(obj, dict) and "resourceType" in obj:
            return "fhir", self._load_fhir(name, obj)
        if isinstance(obj, list):
            raise _Refused(problem(name, E.REVIEW_JSON_LIST))
        return "record", self._record(
            name, obj, obj.get("answers") if isinstance(obj, dict) else None
        )

    def _record(self, name: str, obj: object, answers: object) -> LoadedRecord:
        try:
            return record_from_object(obj, name, self.qn)
        except ScreeningError as exc:
            crisis = crisis_flag(answers)
            fallback = E.REVIEW_NOT_A_RECORD
            raise _Refused(refused_by_reader(name, exc, crisis=crisis, fallback=fallback)) from None

    def _load_fhir(self, name: str, obj: dict[str, Any]) -> LoadedRecord:
        from screening.exports.fhir_response import response_metadata, response_to_answers

        resource = obj.get("resourceType")
        if resource != "QuestionnaireResponse":
            found = str(resource)[:40] if isinstance(resource, str) else "not text"
            raise _Refused(problem(name, E.REVIEW_NOT_FHIR_RESPONSE, found=found))
        try:
            answers = response_to_answers(obj, self.qn, name=name)
        except ScreeningError as exc:
            fallback = E.REVIEW_INVALID_FHIR
            raise _Refused(refused_by_reader(name, exc, crisis=False, fallback=fallback)) from None
        record: dict[str, Any] = {"answers": answers, **response_metadata(obj)}
        return self._record(name, record, answers)

    def _load_csv(self, name: str, text: str) -> list[tuple[Kind, LoadedRecord]]:
        from screening.exports.csv_read import read_csv

        rows, columns = _csv_shape(name, text)
        if columns > self.limits.max_csv_columns:
            limit = self.limits.max_csv_columns
            raise _Refused(
                problem(name, E.REVIEW_CSV_TOO_MANY_COLUMNS, columns=columns, limit=limit)
            )
        if rows > self.limits.max_csv_rows:
            limit = self.limits.max_csv_rows
            raise _Refused(problem(name, E.REVIEW_CSV_TOO_MANY_ROWS, rows=rows, limit=limit))
        try:
            loaded = read_csv(text, name, self.qn)
        except ScreeningError as exc:
            fallback = E.REVIEW_INVALID_CSV
            raise _Refused(refused_by_reader(name, exc, crisis=False, fallback=fallback)) from None
        out: list[tuple[Kind, LoadedRecord]] = []
        for item in loaded:
            if isinstance(item, LoadedRecord):
                out.append(("csv", item))
            else:
                self._problems.append(item)
        if not loaded:
            raise _Refused(problem(name, E.REVIEW_CSV_NO_ROWS))
        return out


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
        raise _Refused(problem(name, E.REVIEW_NOT_UTF8, at=exc.start)) from None


def _csv_shape(name: str, text: str) -> tuple[int, int]:
    """(data rows, widest row) without building the records; raises on a broken CSV."""
    rows = 0
    columns = 0
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            if row:
                rows += 1
                columns = max(columns, len(row))
    except csv.Error as exc:
        raise _Refused(problem(name, E.REVIEW_CSV_UNREADABLE, why=exc)) from None
    return max(rows - 1, 0), columns


def load_files(
    files: Iterable[tuple[str, bytes]],
    limits: Limits = LIMITS,
    questionnaire: Questionnaire | None = None,
) -> Review:
    """Load (name, bytes) pairs; never raises for a bad file."""
    builder = ReviewBuilder(limits, questionnaire)
    for name, data in files:
        builder.add(name, data)
    return builder.result()
