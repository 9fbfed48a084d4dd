"""Answers: strict validation against the questionnaire, enabled_when, pruning, missing.

Answers are one JSON object keyed by question id (content spec §2). Validation is
strict: ``true`` is not an integer, ``40.5`` is not an integer, NaN is refused,
unknown ids and codes are refused, a multi answer may not repeat a code. ``null``
and blank text mean "not answered". Answers to hidden questions are valid but
are pruned before anything reads them.

    valid = validate_answers(raw, qn)               # AnswersInvalid lists every problem
    kept, missing = prune_and_find_missing(valid, qn)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from screening.errors import AnswerPath, AnswersInvalid, ErrorCode, Problem
from screening.questionnaire import Condition, Question, Questionnaire

AnswerValue = Any  # int | str | list[str] | list[dict[str, int | str]]
Answers = dict[str, AnswerValue]

_TYPE_WORDS = {
    "integer": "a whole number",
    "multi": "a list of codes",
    "text": "text",
    "repeat": "a list of entries",
    "entry": "an object",
}


def describe(value: object) -> str:
    """A short, safe rendering of a bad value for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else repr(value)
    if isinstance(value, int):
        return "a very large number" if abs(value) > 10**12 else str(value)
    if isinstance(value, str):
        return repr(value[:40] + "…") if len(value) > 40 else repr(value)
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# --------------------------------------------------------------------------- validation


def validate_answers(raw: object, questionnaire: Questionnaire) -> Answers:
    """Check raw answers strictly and return them normalised (text trimmed, blanks dropped).

    Raises AnswersInvalid listing every problem with its path.
    """
    if not isinstance(raw, Mapping):
        error = ErrorCode.ANSWERS_NOT_AN_OBJECT
        problem = Problem(AnswerPath("answers"), error, error.message(found=describe(raw)))
        raise AnswersInvalid([problem])
    problems: list[Problem] = []
    out: Answers = {}
    for key, value in raw.items():
        question = questionnaire.by_id.get(key) if isinstance(key, str) else None
        if question is None:
            _refuse(problems, (str(key)[:60],), ErrorCode.ANSWER_UNKNOWN)
        elif value is not None:
            checked = _checked(question, value, (key,), problems)
            if checked is not None:
                out[key] = checked
    if problems:
        raise AnswersInvalid(problems)
    return out


Where = tuple[str] | tuple[str, int] | tuple[str, int, str]  # the parts of an AnswerPath


def _refuse(problems: list[Problem], where: Where, error: ErrorCode, **fields: Any) -> None:
    problems.append(Problem(AnswerPath(*where), error, error.message(**fields)))


def _checked(q: Question, value: object, path: Where, problems: list[Problem]) -> Any:
    """The normalised value of one answer (None for blank text), or None with a problem
    at ``path`` (the parts of its AnswerPath, built only when there is a problem)."""
    if q.is_choice and q.type != "multi":
        if type(value) in (str, int) and value in q.codes:
            return value
        _refuse(problems, path, ErrorCode.ANSWER_NOT_A_CODE, found=describe(value), codes=_codes(q))
        return None
    expected = _TYPE_WORDS[q.type]
    if q.type == "integer":
        if type(value) is not int:
            _refuse(
                problems,
                path,
                ErrorCode.ANSWER_WRONG_TYPE,
                expected=expected,
                found=describe(value),
            )
            return None
        assert q.min is not None and q.max is not None
        if not q.min <= value <= q.max:
            error = ErrorCode.ANSWER_OUT_OF_RANGE
            _refuse(problems, path, error, found=describe(value), minimum=q.min, maximum=q.max)
            return None
        return value
    if q.type == "text":
        if not isinstance(value, str):
            _refuse(
                problems,
                path,
                ErrorCode.ANSWER_WRONG_TYPE,
                expected=expected,
                found=describe(value),
            )
            return None
        text = value.strip()
        assert q.max_length is not None
        if "\x00" in text:
            _refuse(problems, path, ErrorCode.ANSWER_NUL)
        elif len(text) > q.max_length:
            _refuse(problems, path, ErrorCode.ANSWER_TOO_LONG, length=len(text), limit=q.max_length)
        else:
            return text or None
        return None
    if not isinstance(value, list):
        _refuse(
            problems, path, ErrorCode.ANSWER_WRONG_TYPE, expected=expected, found=describe(value)
        )
        return None
    if q.type == "multi":
        return _checked_codes(q, value, path, problems)
    if q.max_items is not None and len(value) > q.max_items:
        _refuse(problems, path, ErrorCode.ANSWER_TOO_MANY, count=len(value), limit=q.max_items)
        return None
    entries = [_checked_entry(q, entry, i, problems) for i, entry in enumerate(value)]
    return [entry for entry in entries if entry is not None]


def _checked_codes(
    q: Question, value: list[Any], path: Where, problems: list[Problem]
) -> list[str] | None:
    seen: set[object] = set()
    for code in value:
        if type(code) is not str or code not in q.codes:
            _refuse(
                problems, path, ErrorCode.ANSWER_NOT_A_CODE, found=describe(code), codes=_codes(q)
            )
            return None
        if code in seen:
            _refuse(problems, path, ErrorCode.ANSWER_REPEATED_CODE, code=code)
            return None
        seen.add(code)
    return list(value)


def _checked_entry(
    q: Question, entry: object, index: int, problems: list[Problem]
) -> dict[str, Any] | None:
    if not isinstance(entry, Mapping):
        error = ErrorCode.ANSWER_WRONG_TYPE
        _refuse(problems, (q.id, index), error, expected="an object", found=describe(entry))
        return None
    clean: dict[str, Any] = {}
    for key, sub_value in entry.items():
        sub = q.item_by_id.get(key) if isinstance(key, str) else None
        if sub is None:
            _refuse(problems, (q.id, index, str(key)[:60]), ErrorCode.ANSWER_UNKNOWN_PART)
        elif sub_value is not None:
            checked = _checked(sub, sub_value, (q.id, index, key), problems)
            if checked is not None:
                clean[key] = checked
    return clean


def _codes(q: Question) -> str:
    codes = ", ".join(repr(c) if isinstance(c, str) else str(c) for c in q.codes_in_order)
    return codes if len(codes) <= 120 else codes[:117] + "…"


# --------------------------------------------------------------------------- enabled_when


def condition_holds(c: Condition, answers: Mapping[str, Any]) -> bool:
    """FHIR enableWhen semantics for one condition (see questions/*.toml header).

    On a multi answer (a list), ``=`` means "has the code", ``!=`` "has not", and an
    ordering holds when any code holds.
    """
    v = answers.get(c.question)
    if c.operator == "exists":
        return (v is not None) is c.value
    if v is None:
        return c.operator == "!="
    if isinstance(v, list):
        if c.operator == "=":
            return c.value in v
        if c.operator == "!=":
            return c.value not in v
        return any(_compare(c.operator, x, c.value) for x in v)
    return _compare(c.operator, v, c.value)


def _compare(op: str, left: object, right: object) -> bool:
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if not (type(left) is int and type(right) is int):
        return False
    return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]


def conditions_hold(
    conditions: Sequence[Condition], behavior: str, answers: Mapping[str, Any]
) -> bool:
    """All (or any) of the conditions hold; no conditions means always."""
    if not conditions:
        return True
    if behavior == "any":
        return any(condition_holds(c, answers) for c in conditions)
    return all(condition_holds(c, answers) for c in conditions)


def is_enabled(q: Question, answers: Mapping[str, Any], questionnaire: Questionnaire) -> bool:
    """Whether a top-level question is shown, given the answers so far (its section too)."""
    if q.section is not None and not section_enabled(q.section, answers, questionnaire):
        return False
    return conditions_hold(q.enabled_when, q.enabled_behavior, answers)


def section_enabled(section_id: str, answers: Mapping[str, Any], qn: Questionnaire) -> bool:
    """Whether a whole section (step) is shown."""
    section = qn.section_by_id[section_id]
    return conditions_hold(section.enabled_when, section.enabled_behavior, answers)


def is_required(q: Question, answers: Mapping[str, Any]) -> bool:
    """Required when enabled, or when its required_when conditions hold."""
    if q.required:
        return True
    return bool(q.required_when) and conditions_hold(q.required_when, "all", answers)


# --------------------------------------------------------------------------- pruning


def prune_and_find_missing(
    answers: Mapping[str, Any], questionnaire: Questionnaire
) -> tuple[Answers, list[AnswerPath]]:
    """One pass in questionnaire order: the pruned answers and the missing required paths.

    Questions only depend on earlier ones (checked at load), so the answers kept so far
    decide whether a question is shown; a sub-question likewise reads only earlier
    sub-questions of its own entry.
    """
    kept: Answers = {}
    missing: list[AnswerPath] = []
    shown: dict[str, bool] = {}  # each section decided when first reached
    for q in questionnaire.questions:
        section = q.section or ""
        if section not in shown:
            shown[section] = not q.section or section_enabled(q.section, kept, questionnaire)
        if not (shown[section] and conditions_hold(q.enabled_when, q.enabled_behavior, kept)):
            continue
        value = answers.get(q.id)
        if value is None:
            if is_required(q, kept):
                missing.append(AnswerPath(q.id))
            continue
        if q.type == "repeat" and isinstance(value, list):
            value = [_prune_entry(q, i, entry, missing) for i, entry in enumerate(value)]
        kept[q.id] = value
    return kept, missing


def _prune_entry(
    q: Question, index: int, entry: Mapping[str, Any], missing: list[AnswerPath]
) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for sub in q.items:
        if not conditions_hold(sub.enabled_when, sub.enabled_behavior, kept):
            continue
        value = entry.get(sub.id)
        if value is not None:
            kept[sub.id] = value
        elif is_required(sub, kept):
            missing.append(AnswerPath(q.id, index, sub.id))
    return kept


def prune(answers: Mapping[str, Any], questionnaire: Questionnaire) -> Answers:
    """Drop answers to hidden questions (and hidden sub-answers inside repeat entries)."""
    return prune_and_find_missing(answers, questionnaire)[0]


def missing_answers(
    answers: Mapping[str, Any], questionnaire: Questionnaire, section: str | None = None
) -> list[AnswerPath]:
    """Paths of required, enabled questions without an answer (``ad_trials[0].weeks``
    inside entries), in questionnaire order; limited to one section when given."""
    missing = prune_and_find_missing(answers, questionnaire)[1]
    if section is None:
        return missing
    return [m for m in missing if questionnaire.by_id[m.question].section == section]


def validate_and_prune(
    raw: object, questionnaire: Questionnaire
) -> tuple[Answers, list[AnswerPath]]:
    """``prune_and_find_missing(validate_answers(raw, qn), qn)``."""
    return prune_and_find_missing(validate_answers(raw, questionnaire), questionnaire)
