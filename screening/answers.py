"""Answers: strict validation against the questionnaire, enabled_when, pruning, missing.

Answers are one JSON object keyed by question id (content spec §2). Validation is
strict: ``true`` is not an integer, ``40.5`` is not an integer, NaN is refused,
unknown ids and codes are refused, a multi answer may not repeat a code. ``null``
and blank text mean "not answered". Answers to hidden questions are valid but
are pruned before anything reads them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from screening.errors import AnswersInvalid, Problem
from screening.questionnaire import Condition, Question, Questionnaire

AnswerValue = Any  # int | str | list[str] | list[dict[str, int | str]]
Answers = dict[str, AnswerValue]

_TYPE_WORDS = {
    "integer": "a whole number",
    "single": "one code",
    "multi": "a list of codes",
    "ynu": '"yes", "no" or "unsure"',
    "ynp": '"yes", "no" or "prefer_not_to_say"',
    "text": "text",
    "repeat": "a list of entries",
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
        raise AnswersInvalid([Problem("answers", f"expected an object, found {describe(raw)}")])
    problems: list[Problem] = []
    out: Answers = {}
    by_id = questionnaire.by_id
    for key, value in raw.items():
        question = by_id.get(key) if isinstance(key, str) else None
        if question is None:
            problems.append(Problem(str(key)[:60], "is not a question of this questionnaire"))
            continue
        if value is None:
            continue
        if question.type == "repeat":
            entries = _validate_repeat(question, value, problems)
            if entries is not None:
                out[key] = entries
            continue
        checked = _validate_value(question, value, key, problems)
        if checked is not None:
            out[key] = checked
    if problems:
        raise AnswersInvalid(problems)
    return out


def _validate_value(q: Question, value: object, path: str, problems: list[Problem]) -> Any:
    t = q.type
    if t == "integer":
        if type(value) is not int:
            problems.append(Problem(path, f"expected {_TYPE_WORDS[t]}, found {describe(value)}"))
            return None
        assert q.min is not None and q.max is not None
        if not q.min <= value <= q.max:
            problems.append(
                Problem(path, f"{describe(value)} is out of range; expected {q.min} to {q.max}")
            )
            return None
        return value
    if t == "text":
        if not isinstance(value, str):
            problems.append(Problem(path, f"expected text, found {describe(value)}"))
            return None
        text = value.strip()
        if "\x00" in text:
            problems.append(Problem(path, "contains a NUL character; remove it"))
            return None
        assert q.max_length is not None
        if len(text) > q.max_length:
            problems.append(
                Problem(path, f"is {len(text)} characters long; the limit is {q.max_length}")
            )
            return None
        return text or None
    if t == "multi":
        if not isinstance(value, list):
            problems.append(Problem(path, f"expected {_TYPE_WORDS[t]}, found {describe(value)}"))
            return None
        seen: set[object] = set()
        for code in value:
            if type(code) is not str or code not in q.codes:
                problems.append(Problem(path, _bad_code(q, code)))
                return None
            if code in seen:
                problems.append(Problem(path, f"{code!r} is listed twice; list each code once"))
                return None
            seen.add(code)
        return list(value)
    # single, ynu, ynp
    if type(value) not in (str, int) or value not in q.codes:
        problems.append(Problem(path, _bad_code(q, value)))
        return None
    return value


def _bad_code(q: Question, value: object) -> str:
    codes = ", ".join(repr(c) if isinstance(c, str) else str(c) for c in q.codes_in_order)
    if len(codes) > 120:
        codes = codes[:117] + "…"
    return f"{describe(value)} is not one of the codes; expected {codes}"


def _validate_repeat(
    q: Question, value: object, problems: list[Problem]
) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        problems.append(Problem(q.id, f"expected a list of entries, found {describe(value)}"))
        return None
    if q.max_items is not None and len(value) > q.max_items:
        problems.append(Problem(q.id, f"has {len(value)} entries; the limit is {q.max_items}"))
        return None
    entries: list[dict[str, Any]] = []
    subs = q.item_by_id
    for i, entry in enumerate(value):
        where = f"{q.id}[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(Problem(where, f"expected an object, found {describe(entry)}"))
            continue
        clean: dict[str, Any] = {}
        for key, sub_value in entry.items():
            sub = subs.get(key) if isinstance(key, str) else None
            if sub is None:
                problems.append(Problem(f"{where}.{str(key)[:60]}", "is not part of an entry"))
                continue
            if sub_value is None:
                continue
            checked = _validate_value(sub, sub_value, f"{where}.{key}", problems)
            if checked is not None:
                clean[key] = checked
        entries.append(clean)
    return entries


# --------------------------------------------------------------------------- enabled_when


def condition_holds(c: Condition, answers: Mapping[str, Any]) -> bool:
    """FHIR enableWhen semantics for one condition (see questions/*.toml header)."""
    v = answers.get(c.question)
    op = c.operator
    if op == "exists":
        return (v is not None) is c.value
    if v is None:
        return op == "!="
    if isinstance(v, list):
        if op == "=":
            return c.value in v
        if op == "!=":
            return c.value not in v
        return any(_compare(op, x, c.value) for x in v)
    return _compare(op, v, c.value)


def _compare(op: str, left: object, right: object) -> bool:
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if not (type(left) is int and type(right) is int):
        return False
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    if op == "<":
        return left < right
    return left <= right


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
    if q.section is not None:
        section = questionnaire.section_by_id[q.section]
        if not conditions_hold(section.enabled_when, section.enabled_behavior, answers):
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


def prune(answers: Mapping[str, Any], questionnaire: Questionnaire) -> Answers:
    """Drop answers to hidden questions (and hidden sub-answers inside repeat entries).

    Questions only depend on earlier ones, so one pass in order is enough.
    """
    kept: Answers = {}
    for q in questionnaire.questions:
        if q.id not in answers:
            continue
        if not is_enabled(q, kept, questionnaire):
            continue
        value = answers[q.id]
        if q.type == "repeat" and isinstance(value, list):
            value = [_prune_entry(q, entry) for entry in value]
        kept[q.id] = value
    return kept


def _prune_entry(q: Question, entry: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for sub in q.items:
        if sub.id in entry and conditions_hold(sub.enabled_when, sub.enabled_behavior, kept):
            kept[sub.id] = entry[sub.id]
    return kept


# --------------------------------------------------------------------------- missing


def missing_answers(
    answers: Mapping[str, Any], questionnaire: Questionnaire, section: str | None = None
) -> list[str]:
    """Ids of required, enabled questions without an answer (``ad_trials[0].weeks`` inside
    entries), in questionnaire order; limited to one section when given.

    ``answers`` should already be pruned.
    """
    missing: list[str] = []
    for q in questionnaire.questions:
        if section is not None and q.section != section:
            continue
        if not is_enabled(q, answers, questionnaire):
            continue
        value = answers.get(q.id)
        if value is None:
            if is_required(q, answers):
                missing.append(q.id)
            continue
        if q.type == "repeat" and isinstance(value, list):
            for i, entry in enumerate(value):
                missing.extend(f"{q.id}[{i}].{sub}" for sub in missing_in_entry(q, entry))
    return missing


def missing_in_entry(q: Question, entry: Mapping[str, Any]) -> list[str]:
    """Required sub-answers of one repeat entry that are missing."""
    return [
        sub.id
        for sub in q.items
        if sub.id not in entry
        and conditions_hold(sub.enabled_when, sub.enabled_behavior, entry)
        and is_required(sub, entry)
    ]
