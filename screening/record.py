"""The record file, format 1 (content spec §7): write, read, recompute, report mismatches.

Readers accept a file with only ``answers``; they recompute ``result`` from the answers
and never trust a stored one. A stored result that differs is reported as mismatches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from screening.answers import AnswerValue, prune_and_find_missing, validate_and_prune
from screening.errors import AnswersInvalid, RecordError, summary
from screening.errors import ErrorCode as E
from screening.i18n import LANGUAGES
from screening.questionnaire import Questionnaire, load_questionnaire
from screening.rules import Result, evaluate_pruned
from screening.safety import AnswerChange, is_safety_positive
from screening.scoring import SCORE_KEYS
from screening.strict_json import MAX_DEPTH, MAX_RECORD_BYTES, parse_json

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_DEPTH",
    "MAX_RECORD_BYTES",
    "LoadedRecord",
    "build_record",
    "compare_results",
    "describe_change",
    "dump_record",
    "parse_json",
    "read_record",
    "record_from_object",
]

FORMAT = "ketamine-screening-record"
FORMAT_VERSION = 1
TOP_LEVEL_KEYS = frozenset(
    (
        "format",
        "format_version",
        "questionnaire_id",
        "questionnaire_version",
        "status",
        "created_at",
        "app_version",
        "language",
        "progress",
        "answer_changes",
        "answers",
        "result",
    )
)
Status = Literal["completed", "in_progress"]
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")


class LoadedRecord(NamedTuple):
    """A record read back: validated answers, the recomputed result, any mismatch."""

    name: str
    answers: dict[str, AnswerValue]
    result: Result
    status: Status
    created_at: str | None = None
    app_version: str | None = None
    questionnaire_version: str | None = None
    progress_step: str | None = None
    stored_result: dict[str, Any] | None = None
    mismatches: tuple[str, ...] = ()
    answer_changes: tuple[AnswerChange, ...] = ()
    language: str = "en"  # the language the person answered in; records without one: "en"

    @property
    def display_name(self) -> str | None:
        """The name or initials the respondent chose, if any."""
        value = self.answers.get("display_name")
        return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- writing


def build_record(
    answers: Mapping[str, Any],
    *,
    created_at: datetime,
    app_version: str,
    questionnaire: Questionnaire | None = None,
    status: Status | None = None,
    progress_step: str | None = None,
    result: Result | None = None,
    answer_changes: Sequence[AnswerChange] = (),
    language: str | None = None,
) -> dict[str, Any]:
    """The record object for validated answers (hidden answers pruned, result included).

    ``language`` is the language the person answered in (``"en"``, ``"es"``); a record
    without it is read as English. The answers are codes whatever the language.

    ``status`` defaults to completed when nothing required is missing. ``answer_changes``
    are safety answers that were positive and then changed back: staff see them.
    """
    qn = questionnaire or load_questionnaire()
    kept, missing = prune_and_find_missing(answers, qn)
    res = result if result is not None else evaluate_pruned(kept, missing)
    record: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "questionnaire_id": qn.id,
        "questionnaire_version": qn.version,
        "status": status or ("in_progress" if res.missing else "completed"),
        "created_at": _iso_utc(created_at),
        "app_version": app_version,
    }
    if language is not None:
        record["language"] = language
    if progress_step is not None:
        record["progress"] = {"step": progress_step}
    if answer_changes:
        record["answer_changes"] = [c.to_dict() for c in answer_changes]
    record["answers"] = kept
    record["result"] = res.to_dict()
    return record


def dump_record(record: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON bytes of a record (stable key order, readable)."""
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second."""
    if moment.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- reading


def read_record(
    data: bytes | str, name: str = "record", questionnaire: Questionnaire | None = None
) -> LoadedRecord:
    """Read a record file's bytes; raises RecordError with a message naming ``name``."""
    return record_from_object(parse_json(data, name), name, questionnaire)


def record_from_object(
    obj: object, name: str = "record", questionnaire: Questionnaire | None = None
) -> LoadedRecord:
    """Check a parsed record object and recompute its result."""
    qn = questionnaire or load_questionnaire()
    if not isinstance(obj, dict):
        why = f"expected a JSON object, found {_json_type(obj)}"
        raise RecordError(E.RECORD_NOT_A_RECORD, name=name, why=why)
    unknown = [k for k in obj if k not in TOP_LEVEL_KEYS]
    if unknown:
        why = f"unexpected key {str(unknown[0])[:40]!r}; a record has format, answers and result"
        raise RecordError(E.RECORD_NOT_A_RECORD, name=name, why=why)
    fmt = obj.get("format", FORMAT)
    if fmt != FORMAT:
        raise RecordError(E.RECORD_WRONG_FORMAT, name=name, found=_short(fmt), expected=FORMAT)
    version = obj.get("format_version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:
        raise RecordError(
            E.RECORD_UNSUPPORTED_VERSION, name=name, found=_short(version), supported=FORMAT_VERSION
        )
    qid = obj.get("questionnaire_id", qn.id)
    if qid != qn.id:
        raise RecordError(
            E.RECORD_WRONG_QUESTIONNAIRE, name=name, found=_short(qid), expected=qn.id
        )
    if "answers" not in obj:
        raise RecordError(E.RECORD_NO_ANSWERS, name=name)
    try:
        kept, missing = validate_and_prune(obj["answers"], qn)
    except AnswersInvalid as exc:
        raise RecordError(
            E.RECORD_INVALID_ANSWERS, name=name, problems=summary(exc.problems)
        ) from None
    result = evaluate_pruned(kept, missing)
    status = obj.get("status")
    if status not in ("completed", "in_progress", None):
        why = f"status is {_short(status)}; expected 'completed' or 'in_progress'"
        raise RecordError(E.RECORD_INVALID_FIELD, name=name, why=why)
    derived: Status = "in_progress" if result.missing else "completed"
    stored = obj.get("result")
    mismatches = compare_results(stored, result) if "result" in obj else []
    if status == "completed" and derived == "in_progress":
        mismatches.append("status: stored completed, but required answers are missing")
    return LoadedRecord(
        name=name,
        answers=result.answers,
        result=result,
        status=status or derived,
        created_at=_optional_text(obj, "created_at", name, _ISO),
        app_version=_optional_text(obj, "app_version", name),
        questionnaire_version=_optional_text(obj, "questionnaire_version", name),
        progress_step=_progress_step(obj.get("progress"), name),
        stored_result=stored if isinstance(stored, dict) else None,
        mismatches=tuple(mismatches),
        answer_changes=_answer_changes(obj.get("answer_changes"), name, qn),
        language=_language(obj.get("language", "en"), name),
    )


def _language(value: object, name: str) -> str:
    if value not in LANGUAGES:
        why = f"language is {_short(value)}; expected one of {', '.join(LANGUAGES)}"
        raise RecordError(E.RECORD_INVALID_FIELD, name=name, why=why)
    return str(value)


def compare_results(stored: object, result: Result) -> list[str]:
    """Differences between a stored result and the recomputed one, in words."""
    if not isinstance(stored, dict):
        return [f"result: stored {_json_type(stored)}, expected an object"]
    out: list[str] = []
    for key, fresh in (("outcome", result.outcome), ("crisis", result.crisis)):  # as in to_dict()
        value = stored.get(key)
        if value != fresh:
            out.append(f"{key}: stored {_short(value)}, recomputed {_short(fresh)}")
    scores = stored.get("scores")
    fresh_scores = result.scores
    if isinstance(scores, dict) and scores != fresh_scores:  # equal: nothing to report
        for key in SCORE_KEYS:
            if key in scores and scores[key] != fresh_scores[key]:
                out.append(
                    f"scores.{key}: stored {_short(scores[key])}, recomputed "
                    f"{_short(fresh_scores[key])}"
                )
    findings = stored.get("findings")
    # An id that is not text is compared as text (it matches no finding; a list cannot
    # be in a set).
    stored_ids = (
        {
            x if type(x) is str else str(x)
            for x in [f.get("id") for f in findings if isinstance(f, dict)]
        }
        if isinstance(findings, list)
        else set()
    )
    fresh_ids = set(result.finding_ids)
    if stored_ids != fresh_ids:
        lacking = sorted(fresh_ids - stored_ids)
        extra = sorted(stored_ids - fresh_ids)
        parts = []
        if lacking:
            parts.append("not stored: " + ", ".join(lacking))
        if extra:
            parts.append("stored but not recomputed: " + ", ".join(e[:30] for e in extra[:5]))
        out.append("findings: " + "; ".join(parts))
    return out


def _optional_text(
    obj: Mapping[str, Any], key: str, name: str, pattern: re.Pattern[str] | None = None
) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 60 or (pattern and not pattern.match(value)):
        raise RecordError(
            E.RECORD_INVALID_FIELD, name=name, why=f"{key} is {_short(value)}, which is not valid"
        )
    return value


def _answer_changes(value: object, name: str, qn: Questionnaire) -> tuple[AnswerChange, ...]:
    """The safety answers taken back, checked: each one a positive answer of a safety
    question changed to another valid answer (or to none)."""
    if value is None:
        return ()
    why = 'answer_changes must be a list like [{"question": "phq9_9", "from": 1, "to": 0}]'
    if not isinstance(value, list) or len(value) > 100:
        raise RecordError(E.RECORD_INVALID_FIELD, name=name, why=why)
    out = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"question", "from", "to"}:
            raise RecordError(E.RECORD_INVALID_FIELD, name=name, why=why)
        question = qn.by_id.get(item["question"]) if isinstance(item["question"], str) else None
        before, after = item["from"], item["to"]
        if (
            question is None
            or before not in question.codes
            or not is_safety_positive(question.id, before)
            or (after is not None and after not in question.codes)
        ):
            raise RecordError(E.RECORD_INVALID_FIELD, name=name, why=why)
        out.append(AnswerChange(question.id, before, after))
    return tuple(out)


def describe_change(change: AnswerChange, qn: Questionnaire) -> str:
    """A safety answer taken back, in words: ``PHQ-9 item 9 … was answered “Several days”
    and then changed to “Not at all”.``"""
    q = qn.by_id[change.question]
    after = "left unanswered" if change.after is None else f"“{q.label_of(change.after)}”"
    verb = "then" if change.after is None else "then changed to"
    return f"{q.short_label} was answered “{q.label_of(change.before)}” and {verb} {after}."


def _progress_step(value: object, name: str) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or set(value) - {"step"}
        or not isinstance(value.get("step"), str)
        or len(value["step"]) > 40
    ):
        why = 'progress must be an object like {"step": "about"}'
        raise RecordError(E.RECORD_INVALID_FIELD, name=name, why=why)
    step: str = value["step"]
    return step


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if _is_json(value) else repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _is_json(value: object) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
