"""Reading this product's CSV export back: one record per good row (answers validated,
result recomputed, the result columns compared as a stored result) and one problem per
bad row. The format is described in ``screening.exports.csv``.

A file saved again by a spreadsheet is read too: LibreOffice and Excel write the flags as
``TRUE`` / ``FALSE``, drop the byte-order mark, quote every cell, may write ``None`` for
``none`` and a time without its ``T`` and ``Z`` (``2026-11-27 09:30:00``, which this
export only ever writes in UTC). A header spoiled by the wrong character set is named as
such, with the fix.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from typing import Any

from screening.errors import ErrorCode as E
from screening.errors import RecordError, ScreeningError
from screening.exports._common import TRIALS
from screening.exports.csv import (
    BOM,
    CSV_COLUMNS,
    EMPTY_LIST,
    FALSE,
    LIST_SEPARATOR,
    MAX_CSV_BYTES,
    TRIAL_COUNT,
    TRUE,
    unescape_cell,
)
from screening.problems import FileProblem, problem, refused_by_reader
from screening.questionnaire import Question, Questionnaire, load_questionnaire
from screening.record import LoadedRecord, record_from_object
from screening.safety import crisis_flag
from screening.scoring import SCORE_KEYS

_INTEGER = re.compile(r"^[0-9]{1,9}$")
_SPREADSHEET_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2})?)$")
_MOJIBAKE_BOM = "\u00ef\u00bb\u00bf"  # the byte-order mark read as Latin-1 or Windows-1252


class _BadCell(ValueError):
    """A cell that cannot be an answer: ``why``, and the ``column`` once known."""

    def __init__(self, why: str, column: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.column = column


def _decode_value(q: Question, cell: str) -> Any:
    """A cell back to the answer value (not yet validated against the questionnaire)."""
    if cell == "":
        return None
    if q.type == "integer":
        if not _INTEGER.match(cell):
            raise _BadCell(f"{cell[:40]!r} is not a whole number")
        return int(cell)
    if q.type == "multi":
        return [] if cell.lower() == EMPTY_LIST else cell.split(LIST_SEPARATOR)
    if q.type == "single" and any(isinstance(c, int) for c in q.codes_in_order):
        if not _INTEGER.match(cell):
            raise _BadCell(
                f"{cell[:40]!r} is not one of the codes "
                + ", ".join(str(c) for c in q.codes_in_order)
            )
        return int(cell)
    return cell


def _row_answers(cells: Mapping[str, str], qn: Questionnaire) -> dict[str, Any]:
    """Raw answers of one row; raises _BadCell naming the column."""
    answers: dict[str, Any] = {}
    for q in qn.questions:
        if q.type == "repeat":
            continue
        try:
            value = _decode_value(q, cells[q.id])
        except _BadCell as exc:
            raise _BadCell(exc.why, q.id) from None
        if value is not None:
            answers[q.id] = value
    trials_q = qn.by_id[TRIALS]
    count_cell = cells[TRIAL_COUNT]
    if count_cell != "":
        max_items = trials_q.max_items or 0
        if not _INTEGER.match(count_cell) or int(count_cell) > max_items:
            raise _BadCell(
                f"{count_cell[:40]!r} is not a number from 0 to {max_items}", TRIAL_COUNT
            )
        entries: list[dict[str, Any]] = []
        for n in range(1, int(count_cell) + 1):
            entry: dict[str, Any] = {}
            for sub in trials_q.items:
                col = f"trial{n}_{sub.id}"
                try:
                    value = _decode_value(sub, cells[col])
                except _BadCell as exc:
                    raise _BadCell(exc.why, col) from None
                if value is not None:
                    entry[sub.id] = value
            entries.append(entry)
        answers[TRIALS] = entries
    return answers


def _stored_result(cells: Mapping[str, str]) -> dict[str, Any]:
    """The result columns as a stored result, so differences show as mismatches."""

    def scalar(text: str) -> Any:
        if text == "":
            return None
        if text.lower() in (TRUE, FALSE):  # TRUE / FALSE after a spreadsheet
            return text.lower() == TRUE
        return int(text) if _INTEGER.match(text) else text

    ids = cells["finding_ids"]
    return {
        "outcome": cells["outcome"],
        "crisis": scalar(cells["crisis"]),
        "scores": {k: scalar(cells[k]) for k in SCORE_KEYS},
        "findings": [{"id": i} for i in ids.split(LIST_SEPARATOR)] if ids else [],
    }


def _utc_moment(text: str) -> str:
    """``2026-11-27 09:30:00`` (a spreadsheet's re-save of a UTC time) → ISO 8601 with Z."""
    found = _SPREADSHEET_TIME.match(text)
    if found is None:
        return text
    clock = found[2] if found[3] else found[2] + ":00"
    return f"{found[1]}T{clock}Z"


def _rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells) of each non-blank data row; the header is row 1."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, 1):
            if any(c != "" for c in cells):
                yield number, cells
    except csv.Error as exc:
        raise RecordError(E.CSV_UNREADABLE, name=name, why=exc) from None


def read_csv(
    data: bytes | str, name: str = "export.csv", questionnaire: Questionnaire | None = None
) -> list[LoadedRecord | FileProblem]:
    """Read an export CSV back: one ``LoadedRecord`` per good row (named ``<name> row <n>``,
    answers validated, result recomputed, result columns compared as a stored result) and
    one ``screening.problems.FileProblem`` per bad row, in file order.

    Raises RecordError when the file as a whole cannot be read (size, encoding, header).
    """
    qn = questionnaire or load_questionnaire()
    if len(data) > MAX_CSV_BYTES:
        raise RecordError(E.CSV_TOO_LARGE, name=name, size=len(data), limit=MAX_CSV_BYTES)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            hint = "save it as CSV UTF-8"
            raise RecordError(E.RECORD_NOT_UTF8, name=name, at=exc.start, hint=hint) from None
    else:
        text = data.removeprefix(BOM)
    rows = _rows(text, name)
    first = next(rows, None)
    if first is None:
        raise RecordError(E.RECORD_EMPTY, name=name)
    header = [unescape_cell(c).strip() for c in first[1]]
    _check_header(header, name)
    out: list[LoadedRecord | FileProblem] = []
    for number, raw in rows:
        where = f"{name} row {number}"
        if len(raw) != len(header):
            out.append(problem(where, E.REVIEW_CSV_ROW_SHAPE, cells=len(raw), expected=len(header)))
            continue
        cells = dict.fromkeys(ADDED_IN_1_1, "")  # absent from older exports: not answered
        cells["language"] = ""  # absent from exports before Spanish: English
        cells.update({col: unescape_cell(c) for col, c in zip(header, raw, strict=True)})
        try:
            answers = _row_answers(cells, qn)
        except _BadCell as exc:
            out.append(problem(where, E.REVIEW_CSV_BAD_CELL, column=exc.column, why=exc.why))
            continue
        obj: dict[str, Any] = {"answers": answers, "result": _stored_result(cells)}
        for key in ("status", "created_at", "app_version", "questionnaire_version", "language"):
            if cells[key]:
                obj[key] = cells[key]
        if "created_at" in obj:
            obj["created_at"] = _utc_moment(obj["created_at"])
        try:
            out.append(record_from_object(obj, where, qn))
        except ScreeningError as exc:
            crisis = crisis_flag(answers)
            out.append(refused_by_reader(where, exc, crisis=crisis, fallback=E.REVIEW_INVALID_CSV))
    return out


#: Columns added in questionnaire 1.1 (questions, and the urgent and differs flags): an
#: export from 1.0 lacks them (blank).
ADDED_IN_1_1 = frozenset(
    ["bp_encephalopathy", "urgent", "differs"]
    + [c for c in CSV_COLUMNS if c.endswith("_dose_mg_per_day")]
)


def _check_header(header: list[str], name: str) -> None:
    if header and header[0].startswith(_MOJIBAKE_BOM):
        why = (
            "were read in the wrong character set (open the original file with the character "
            "set Unicode (UTF-8), then save it as CSV UTF-8)"
        )
        raise RecordError(E.CSV_WRONG_HEADER, name=name, why=why)
    optional = ADDED_IN_1_1 | {"language"}  # older exports lack these columns
    missing = [c for c in CSV_COLUMNS if c not in header and c not in optional]
    unexpected = [c for c in header if c not in CSV_COLUMNS]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if not (missing or unexpected or duplicated):
        return
    parts = []
    if missing:
        parts.append(
            f"{len(missing)} missing ({', '.join(missing[:5])}{'…' if len(missing) > 5 else ''})"
        )
    if unexpected:
        shown = ", ".join(repr(c[:30]) for c in unexpected[:5])
        parts.append(f"{len(unexpected)} unexpected ({shown}{'…' if len(unexpected) > 5 else ''})")
    if duplicated:
        parts.append("repeated: " + ", ".join(duplicated[:5]))
    raise RecordError(E.CSV_WRONG_HEADER, name=name, why="; ".join(parts))
