"""Server-side checks of a step with the core, and the messages people read.

Widget-side limits run in the browser only; every answer is checked again here with
``validate_answers`` and the missing answers of the step. A problem carries its place
(question, entry, sub-question) and its code, so nothing here parses messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening import (
    AnswerPath,
    AnswersInvalid,
    ErrorCode,
    Problem,
    missing_answers,
    prune,
    validate_answers,
)
from screening.questionnaire import Question, Questionnaire

#: How a number question is named in its message ("Enter an age from 10 to 120").
NUMBER_NOUNS = {
    "age_years": "an age",
    "weeks": "a number of weeks",
    "dose_mg_per_day": "a daily dose",
    "bp_systolic": "the top number",
    "bp_diastolic": "the bottom number",
    "drug_use_times": "a number of times",
}


def question_at(path: AnswerPath, qn: Questionnaire) -> Question | None:
    """The question (or sub-question) a path points to."""
    parent = qn.by_id.get(path.question)
    if parent is None or path.sub is None:
        return parent
    return parent.item_by_id.get(path.sub)


def clean_answers(
    raw: Mapping[str, Any], qn: Questionnaire
) -> tuple[dict[str, Any], list[Problem]]:
    """Validated answers with every invalid value left out, and the problems found.

    Never raises on answer content: whatever cannot be validated is dropped.
    """
    try:
        return validate_answers(raw, qn), []
    except AnswersInvalid as exc:
        problems = list(exc.problems)
    kept: dict[str, Any] = dict(raw)
    for problem in problems:
        path = problem.path
        entries = kept.get(path.question)
        if path.sub is not None and path.entry is not None and isinstance(entries, list):
            entries = [dict(e) if isinstance(e, Mapping) else e for e in entries]
            if path.entry < len(entries) and isinstance(entries[path.entry], dict):
                entries[path.entry].pop(path.sub, None)
            kept[path.question] = entries
        else:
            kept.pop(path.question, None)
    try:
        return validate_answers(kept, qn), problems
    except AnswersInvalid as exc:  # should not happen; keep only what passes alone
        problems += exc.problems
        bad = {p.path.question for p in exc.problems}
        return validate_answers({k: v for k, v in kept.items() if k not in bad}, qn), problems


def missing_message(q: Question | None) -> str:
    """What to say when a required answer is missing."""
    if q is None:
        return "Please answer this question."
    if q.type == "repeat":
        return (
            "Please add each antidepressant you have taken during this episode, or tick "
            "“I have not taken any antidepressant during this episode”."
        )
    if q.type == "multi":
        return "Please choose at least one answer, or “None of these”."
    if q.required_when and not q.required:
        return "Please add this number too, or clear the number above."
    if q.type == "integer":
        return f"Please {_range(q)}"
    if q.type == "text":
        return "Please type an answer."
    return "Please choose an answer."


def _range(q: Question) -> str:
    """``enter an age from 10 to 120 years.``"""
    noun = NUMBER_NOUNS.get(q.id, "a whole number")
    unit = f" {q.unit}" if q.unit and q.unit not in noun else ""
    return f"enter {noun} from {q.min} to {q.max}{unit}."


def invalid_message(q: Question | None, problem: Problem) -> str:
    """What to say when an answer has the wrong form, by its code."""
    if q is not None and q.type == "integer":
        if problem.error is ErrorCode.ANSWER_OUT_OF_RANGE:
            return f"That number is outside the range of this question. Please {_range(q)}"
        return f"Please type digits only (no letters or decimals): {_range(q)}"
    if q is not None and q.type == "text" and q.max_length is not None:
        return f"Please shorten this to {q.max_length} characters or fewer."
    if q is not None and q.is_choice:
        return "Please choose one of the answers shown."
    return "This answer could not be used. Please change it."


def step_problems(
    raw: Mapping[str, Any], qn: Questionnaire, section_id: str
) -> dict[AnswerPath, str]:
    """Problems of one step by path (``age_years``, ``ad_trials[0].weeks``), in order."""
    valid, invalid = clean_answers(raw, qn)
    problems: dict[AnswerPath, str] = {}
    for problem in invalid:
        owner = qn.by_id.get(problem.path.question)
        if owner is not None and owner.section == section_id:
            problems.setdefault(
                problem.path, invalid_message(question_at(problem.path, qn), problem)
            )
    for path in missing_answers(prune(valid, qn), qn, section=section_id):
        problems.setdefault(path, missing_message(question_at(path, qn)))
    return problems


def problem_label(path: AnswerPath, qn: Questionnaire) -> str:
    """The question a problem is about, as the person read it (``Antidepressant 2: …``)."""
    q = question_at(path, qn)
    text = q.text if q is not None else str(path)
    owner = qn.by_id.get(path.question)
    if path.entry is not None and owner is not None:
        return f"{owner.item_label or 'Entry'} {path.entry + 1}: {text}"
    return text
