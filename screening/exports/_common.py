"""What every export shares: accepting a record in any of its forms, and answer wording."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening.questionnaire import OTHER_MEDICATION, Question, Questionnaire
from screening.record import LoadedRecord, record_from_object
from screening.rules import Result

#: A record as a loaded record, a record object (``build_record(...)``), or a bare result.
RecordLike = LoadedRecord | Result | Mapping[str, Any]

#: Trials live in the repeat question ``ad_trials``.
TRIALS = "ad_trials"


def as_loaded(
    record: RecordLike, name: str = "record", questionnaire: Questionnaire | None = None
) -> LoadedRecord:
    """A ``LoadedRecord`` for any accepted form (a record object is checked and recomputed)."""
    if isinstance(record, LoadedRecord):
        return record
    if isinstance(record, Result):
        return LoadedRecord(
            name=name,
            answers=dict(record.answers),
            result=record,
            status="in_progress" if record.missing else "completed",
        )
    return record_from_object(dict(record), name, questionnaire)


def label(q: Question, value: Any, *, none: str = "None of these") -> str:
    """An answer as people read it: option labels, numbers with their unit, text as is."""
    if value is None:
        return ""
    if q.type == "multi":
        if not value:
            return q.none_label or none
        return "; ".join(q.label_of(code) for code in value)
    if q.is_choice:
        return q.label_of(value)
    if q.type == "integer" and q.unit:
        return f"{value} {q.unit}"
    return str(value)


def medication_name(trial: Mapping[str, Any], qn: Questionnaire) -> str:
    """The medication of a trial entry: generic name, or the respondent's own words."""
    code = trial.get("medication")
    if code is None:
        return ""
    if code == OTHER_MEDICATION:
        other = trial.get("medication_other")
        return str(other) if other else "Other (name not given)"
    med = qn.medication_by_code.get(str(code))
    return med.name if med else str(code)


def medication_class(trial: Mapping[str, Any], qn: Questionnaire) -> str:
    """The drug class of a trial's medication (blank for other or unknown)."""
    med = qn.medication_by_code.get(str(trial.get("medication")))
    return med.drug_class if med else ""
