"""Server-side checks of a step with the core, and the messages people read.

Widget-side limits run in the browser only; every answer is checked again here with
``validate_answers`` and ``missing_answers(section=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from screening.answers import missing_answers, prune, validate_answers
from screening.errors import AnswersInvalid, Problem
from screening.questionnaire import Question, Questionnaire

_ENTRY_PATH = re.compile(r"^(?P<id>[a-z0-9_]+)\[(?P<index>\d+)\](?:\.(?P<sub>[a-z0-9_]+))?$")


def top_id(path: str) -> str:
    """The top-level question id of a problem path (``ad_trials[1].weeks`` -> ``ad_trials``)."""
    return re.split(r"[\[.]", path, maxsplit=1)[0]


def question_at(path: str, qn: Questionnaire) -> Question | None:
    """The question (or sub-question) a path points to."""
    match = _ENTRY_PATH.match(path)
    if match:
        parent = qn.by_id.get(match["id"])
        if parent is None:
            return None
        return parent.item_by_id.get(match["sub"]) if match["sub"] else parent
    return qn.by_id.get(path)


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
        match = _ENTRY_PATH.match(problem.path)
        if match and match["sub"] and isinstance(kept.get(match["id"]), list):
            entries = [dict(e) if isinstance(e, Mapping) else e for e in kept[match["id"]]]
            index = int(match["index"])
            if index < len(entries) and isinstance(entries[index], dict):
                entries[index].pop(match["sub"], None)
            kept[match["id"]] = entries
        else:
            kept.pop(top_id(problem.path), None)
    try:
        return validate_answers(kept, qn), problems
    except AnswersInvalid as exc:  # should not happen; keep only what passes alone
        problems += exc.problems
        bad = {top_id(p.path) for p in exc.problems}
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
        return "Please enter a number."
    if q.type == "text":
        return "Please type an answer."
    return "Please choose an answer."


def invalid_message(q: Question | None, problem: Problem) -> str:
    """What to say when an answer has the wrong form (rare: widgets limit most input)."""
    if q is not None and q.type == "integer" and q.min is not None and q.max is not None:
        return f"Please enter a whole number from {q.min} to {q.max}."
    if q is not None and q.type == "text" and q.max_length is not None:
        return f"Please shorten this to {q.max_length} characters or fewer."
    if q is not None and q.is_choice:
        return "Please choose one of the answers shown."
    return "This answer could not be used. Please change it."


def step_problems(raw: Mapping[str, Any], qn: Questionnaire, section_id: str) -> dict[str, str]:
    """Problems of one step by path (``age_years``, ``ad_trials[0].weeks``), in order."""
    valid, invalid = clean_answers(raw, qn)
    problems: dict[str, str] = {}
    for problem in invalid:
        q = question_at(problem.path, qn)
        owner = qn.by_id.get(top_id(problem.path))
        if owner is not None and owner.section == section_id:
            problems.setdefault(problem.path, invalid_message(q, problem))
    for path in missing_answers(prune(valid, qn), qn, section=section_id):
        problems.setdefault(path, missing_message(question_at(path, qn)))
    return problems
