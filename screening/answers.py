"""Answers: strict validation against the questionnaire, enabled_when, pruning, missing.

Answers are one JSON object keyed by question id (content spec §2). Validation is
strict: ``true`` is not an integer, ``40.5`` is not an integer, NaN is refused,
unknown ids and codes are refused, a multi answer may not repeat a code. ``null``
and blank text mean "not answered". Answers to hidden questions are valid but
are pruned before anything reads them.

    valid = validate_answers(raw, qn)               # AnswersInvalid lists every problem
    kept, missing = prune_and_find_missing(valid, qn)

Each questionnaire is compiled once into an ``AnswerPlan``: per question, one ``Check``
(the validator of its answer) and its enabled_when and required_when conditions as
gates (``screening.conditions``, which the wizard's ``is_enabled`` and friends use too).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from screening.conditions import Gate, compile_conditions
from screening.errors import AnswerPath, AnswersInvalid, ErrorCode, Problem
from screening.questionnaire import Question, Questionnaire

AnswerValue = Any  # int | str | list[str] | list[dict[str, int | str]]
Answers = dict[str, AnswerValue]

Where = tuple[str] | tuple[str, int] | tuple[str, int, str]  # the parts of an AnswerPath
#: Normalises one answer (None for blank text), or returns None and adds a problem at
#: ``where`` (the parts of its AnswerPath, built only when there is a problem).
Check = Callable[[object, Where, list[Problem]], Any]

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


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class PlannedQuestion:
    """One question (or sub-question) compiled: its check and its gates."""

    id: str
    check: Check
    shown: Gate | None  # enabled_when; None: always
    required: bool
    required_when: Gate | None
    section: str | None = None
    section_shown: Gate | None = None  # the section's enabled_when; None: always
    items: tuple[PlannedQuestion, ...] = ()  # sub-questions of a repeat
    is_repeat: bool = False


@dataclass(frozen=True, slots=True)
class AnswerPlan:
    """A questionnaire compiled for validating and pruning answers."""

    questions: tuple[PlannedQuestion, ...]
    checks: dict[str, Check] = field(default_factory=dict)


def answer_plan(questionnaire: Questionnaire) -> AnswerPlan:
    """The compiled plan of ``questionnaire``, built once per questionnaire object."""
    return _plan(_Same(questionnaire))


@dataclass(frozen=True, slots=True, eq=False)
class _Same:
    """A questionnaire as a cache key: this very object (questionnaires are not hashable,
    and an edited copy must not share the plan of the original)."""

    questionnaire: Questionnaire

    def __hash__(self) -> int:
        return id(self.questionnaire)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.questionnaire is self.questionnaire


@lru_cache(maxsize=32)  # the key holds its questionnaire, so its id is not reused meanwhile
def _plan(questionnaire: _Same) -> AnswerPlan:
    return _compile(questionnaire.questionnaire)


def _compile(qn: Questionnaire) -> AnswerPlan:
    sections = {s.id: compile_conditions(s.enabled_when, s.enabled_behavior) for s in qn.sections}
    questions = tuple(
        _planned(q, section=q.section, section_shown=sections.get(q.section or ""))
        for q in qn.questions
    )
    return AnswerPlan(questions, {p.id: p.check for p in questions})


def _planned(
    q: Question, section: str | None = None, section_shown: Gate | None = None
) -> PlannedQuestion:
    items = tuple(_planned(sub) for sub in q.items)
    return PlannedQuestion(
        id=q.id,
        check=_repeat_check(q, {p.id: p.check for p in items}) if q.type == "repeat" else _check(q),
        shown=compile_conditions(q.enabled_when, q.enabled_behavior),
        required=q.required,
        required_when=compile_conditions(q.required_when, "all"),
        section=section,
        section_shown=section_shown,
        items=items,
        is_repeat=q.type == "repeat",
    )


# --------------------------------------------------------------------------- validation


def validate_answers(raw: object, questionnaire: Questionnaire) -> Answers:
    """Check raw answers strictly and return them normalised (text trimmed, blanks dropped).

    Raises AnswersInvalid listing every problem with its path.
    """
    if not isinstance(raw, Mapping):
        error = ErrorCode.ANSWERS_NOT_AN_OBJECT
        problem = Problem(AnswerPath("answers"), error, error.message(found=describe(raw)))
        raise AnswersInvalid([problem])
    checks = answer_plan(questionnaire).checks
    problems: list[Problem] = []
    out: Answers = {}
    for key, value in raw.items():
        check = checks.get(key) if isinstance(key, str) else None
        if check is None:
            _refuse(problems, (str(key)[:60],), ErrorCode.ANSWER_UNKNOWN)
        elif value is not None:
            checked = check(value, (key,), problems)
            if checked is not None:
                out[key] = checked
    if problems:
        raise AnswersInvalid(problems)
    return out


def _refuse(problems: list[Problem], where: Where, error: ErrorCode, **fields: Any) -> None:
    problems.append(Problem(AnswerPath(*where), error, error.message(**fields)))


def _wrong_type(problems: list[Problem], where: Where, expected: str, value: object) -> None:
    _refuse(problems, where, ErrorCode.ANSWER_WRONG_TYPE, expected=expected, found=describe(value))


def _check(q: Question) -> Check:
    """The check of one answer of a question that is not a repeat."""
    if q.type == "multi":
        return _codes_check(q)
    if q.is_choice:
        codes = q.codes

        def code(value: object, where: Where, problems: list[Problem]) -> Any:
            if type(value) in (str, int) and value in codes:
                return value
            error = ErrorCode.ANSWER_NOT_A_CODE
            _refuse(problems, where, error, found=describe(value), codes=_codes(q))
            return None

        return code
    if q.type == "integer":
        assert q.min is not None and q.max is not None
        low, high = q.min, q.max

        def integer(value: object, where: Where, problems: list[Problem]) -> Any:
            if type(value) is not int:
                _wrong_type(problems, where, _TYPE_WORDS["integer"], value)
            elif not low <= value <= high:
                error = ErrorCode.ANSWER_OUT_OF_RANGE
                _refuse(problems, where, error, found=describe(value), minimum=low, maximum=high)
            else:
                return value
            return None

        return integer
    assert q.type == "text" and q.max_length is not None
    limit = q.max_length

    def text(value: object, where: Where, problems: list[Problem]) -> Any:
        if not isinstance(value, str):
            _wrong_type(problems, where, _TYPE_WORDS["text"], value)
            return None
        trimmed = value.strip()
        if "\x00" in trimmed:
            _refuse(problems, where, ErrorCode.ANSWER_NUL)
        elif len(trimmed) > limit:
            _refuse(problems, where, ErrorCode.ANSWER_TOO_LONG, length=len(trimmed), limit=limit)
        else:
            return trimmed or None
        return None

    return text


def _codes_check(q: Question) -> Check:
    codes = q.codes

    def multi(value: object, where: Where, problems: list[Problem]) -> Any:
        if not isinstance(value, list):
            _wrong_type(problems, where, _TYPE_WORDS["multi"], value)
            return None
        seen: set[object] = set()
        for code in value:
            if type(code) is not str or code not in codes:
                error = ErrorCode.ANSWER_NOT_A_CODE
                _refuse(problems, where, error, found=describe(code), codes=_codes(q))
                return None
            if code in seen:
                _refuse(problems, where, ErrorCode.ANSWER_REPEATED_CODE, code=code)
                return None
            seen.add(code)
        return list(value)

    return multi


def _repeat_check(q: Question, parts: dict[str, Check]) -> Check:
    limit = q.max_items

    def repeat(value: object, where: Where, problems: list[Problem]) -> Any:
        if not isinstance(value, list):
            _wrong_type(problems, where, _TYPE_WORDS["repeat"], value)
            return None
        if limit is not None and len(value) > limit:
            _refuse(problems, where, ErrorCode.ANSWER_TOO_MANY, count=len(value), limit=limit)
            return None
        entries = []
        for index, entry in enumerate(value):
            if not isinstance(entry, Mapping):
                _wrong_type(problems, (q.id, index), _TYPE_WORDS["entry"], entry)
                continue
            clean: dict[str, Any] = {}
            for key, sub_value in entry.items():
                check = parts.get(key) if isinstance(key, str) else None
                if check is None:
                    _refuse(problems, (q.id, index, str(key)[:60]), ErrorCode.ANSWER_UNKNOWN_PART)
                elif sub_value is not None:
                    checked = check(sub_value, (q.id, index, key), problems)
                    if checked is not None:
                        clean[key] = checked
            entries.append(clean)
        return entries

    return repeat


def _codes(q: Question) -> str:
    codes = ", ".join(repr(c) if isinstance(c, str) else str(c) for c in q.codes_in_order)
    return codes if len(codes) <= 120 else codes[:117] + "…"


# --------------------------------------------------------------------------- pruning


def prune_and_find_missing(
    answers: Mapping[str, Any], questionnaire: Questionnaire
) -> tuple[Answers, list[AnswerPath]]:
    """One pass in questionnaire order: the pruned answers and the missing required paths.

    Questions only depend on earlier ones (checked at load), so the answers kept so far
    decide whether a question is shown; a sub-question likewise reads only earlier
    sub-questions of its own entry. A section is decided when its first question is
    reached.
    """
    kept: Answers = {}
    missing: list[AnswerPath] = []
    sections: dict[str, bool] = {}
    for q in answer_plan(questionnaire).questions:
        if q.section_shown is not None:
            assert q.section is not None
            shown = sections.get(q.section)
            if shown is None:
                shown = sections[q.section] = q.section_shown(kept)
            if not shown:
                continue
        if q.shown is not None and not q.shown(kept):
            continue
        value = answers.get(q.id)
        if value is None:
            if q.required or (q.required_when is not None and q.required_when(kept)):
                missing.append(AnswerPath(q.id))
            continue
        if q.is_repeat and isinstance(value, list):
            value = [_prune_entry(q, i, entry, missing) for i, entry in enumerate(value)]
        kept[q.id] = value
    return kept, missing


def _prune_entry(
    q: PlannedQuestion, index: int, entry: Mapping[str, Any], missing: list[AnswerPath]
) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for sub in q.items:
        if sub.shown is not None and not sub.shown(kept):
            continue
        value = entry.get(sub.id)
        if value is not None:
            kept[sub.id] = value
        elif sub.required or (sub.required_when is not None and sub.required_when(kept)):
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
