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
from ui.lang import tr

#: Number questions named in their message ("Enter an age from 10 to 120"): checks.noun_<id>.
NUMBER_NOUNS = (
    "age_years",
    "weeks",
    "dose_mg_per_day",
    "bp_systolic",
    "bp_diastolic",
    "drug_use_times",
)


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
        return tr("checks.answer")
    if q.type == "repeat":
        return tr("checks.repeat")
    if q.type == "multi":
        return tr("checks.multi")
    if q.required_when and not q.required:
        return tr("checks.pair")
    if q.type == "integer":
        return tr("checks.number", range=_range(q))
    if q.type == "text":
        return tr("checks.text")
    return tr("checks.choose")


def _range(q: Question) -> str:
    """``enter an age from 10 to 120 years.``"""
    noun = tr(f"checks.noun_{q.id}" if q.id in NUMBER_NOUNS else "checks.noun_default")
    unit = f" {q.unit}" if q.unit and q.unit not in noun else ""
    return tr("checks.range", noun=noun, min=q.min, max=q.max, unit=unit)


def invalid_message(q: Question | None, problem: Problem) -> str:
    """What to say when an answer has the wrong form, by its code."""
    if q is not None and q.type == "integer":
        if problem.error is ErrorCode.ANSWER_OUT_OF_RANGE:
            return tr("checks.out_of_range", range=_range(q))
        return tr("checks.digits", range=_range(q))
    if q is not None and q.type == "text" and q.max_length is not None:
        return tr("checks.shorten", max=q.max_length)
    if q is not None and q.is_choice:
        return tr("checks.choose_shown")
    return tr("checks.unusable")


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
        return f"{owner.item_label or tr('checks.entry')} {path.entry + 1}: {text}"
    return text
