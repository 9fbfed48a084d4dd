"""Records as a CSV that REDCap's Data Import Tool takes, for a project built from our data
dictionary (``screening.exports.redcap``).

* ``record_id`` first: a fingerprint of the record (16 hex digits of the SHA-256 of its
  answers and time), so the same record always gets the same id and a re-import updates
  it instead of adding a copy; records that are the same are written once;
* then every dictionary field that holds an answer, in dictionary order: a checkbox as
  one ``field___code`` column per choice with ``1`` (checked) or ``0``, ``none`` being
  "None of these"; a radio or dropdown as its code; a number as digits; text as typed;
* calc fields (REDCap computes them), descriptive fields and the form status columns are
  not written: every column and code is one of the dictionary's.

Text is written exactly as typed, with no formula escaping, because REDCap stores what
the cell holds: this file is for REDCap, not for a spreadsheet (the spreadsheet export is
``screening.exports.csv``). UTF-8 without a byte-order mark, CRLF line ends.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from screening.exports._common import TRIALS, RecordLike, as_loaded
from screening.exports.fhir_codes import NONE_CODE
from screening.exports.redcap import RECORD_ID, TRIAL_COUNT, dictionary_rows
from screening.questionnaire import Questionnaire, load_questionnaire
from screening.record import LoadedRecord

__all__ = ["record_id", "redcap_columns", "redcap_records_csv"]

_SKIPPED_TYPES = frozenset({"calc", "descriptive"})


def _fields(qn: Questionnaire) -> Iterator[tuple[str, list[str]]]:
    """(field, its columns) for every dictionary field that holds an answer."""
    for row in dictionary_rows(qn):
        field, kind = row["Variable / Field Name"], row["Field Type"]
        if kind in _SKIPPED_TYPES or field == RECORD_ID:
            continue
        if kind == "checkbox":
            choices = row["Choices, Calculations, OR Slider Labels"].split(" | ")
            yield field, [f"{field}___{c.split(', ', 1)[0]}" for c in choices]
        else:
            yield field, [field]


def redcap_columns(questionnaire: Questionnaire | None = None) -> list[str]:
    """The header row: ``record_id`` and every answer column, in dictionary order."""
    qn = questionnaire or load_questionnaire()
    return [RECORD_ID] + [c for _, cols in _fields(qn) for c in cols]


def record_id(record: LoadedRecord) -> str:
    """16 hex digits of the SHA-256 of the record's answers and time: the same record gives
    the same id; different answers give different ids."""
    payload = {"answers": record.answers, "created_at": record.created_at}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _flat(record: LoadedRecord) -> dict[str, Any]:
    """Answers by dictionary field: trials numbered, ``ad_trials_count`` from the entries."""
    out: dict[str, Any] = {k: v for k, v in record.answers.items() if k != TRIALS}
    trials = record.answers.get(TRIALS)
    if isinstance(trials, list):
        out[TRIAL_COUNT] = len(trials)
        for n, entry in enumerate(trials, 1):
            out.update({f"trial{n}_{k}": v for k, v in entry.items()})
    return out


def _cells(record: LoadedRecord, qn: Questionnaire) -> list[str]:
    values = _flat(record)
    cells = [record_id(record)]
    for field, columns in _fields(qn):
        value = values.get(field)
        if len(columns) > 1 or columns[0] != field:  # a checkbox
            chosen = {NONE_CODE} if value == [] else {str(c) for c in value or ()}
            cells += ["1" if c.split("___", 1)[1] in chosen else "0" for c in columns]
        else:
            cells.append("" if value is None else str(value))
    return cells


def redcap_records_csv(
    records: Iterable[RecordLike], questionnaire: Questionnaire | None = None
) -> bytes:
    """UTF-8 CSV bytes: the header and one row per distinct record, in order."""
    qn = questionnaire or load_questionnaire()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(redcap_columns(qn))
    seen: set[str] = set()
    for i, record in enumerate(records, 1):
        loaded = as_loaded(record, f"record {i}", qn)
        cells = _cells(loaded, qn)
        if cells[0] not in seen:
            seen.add(cells[0])
            writer.writerow(cells)
    return out.getvalue().encode("utf-8")
