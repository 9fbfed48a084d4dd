"""The checks a questionnaire must pass after its shape is valid: unique ids, sections in
order, options where they belong, conditions only on earlier questions and with values
that exist. Kept apart from the loader (``screening.questionnaire``); each problem is one
sentence that says where, what, and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: the loader imports this module
    from screening.questionnaire import Condition, Question, Questionnaire


def check(q: Questionnaire) -> Iterator[str]:
    section_ids = [s.id for s in q.sections]
    yield from _duplicates("sections", section_ids)
    yield from _duplicates("questions", [x.id for x in q.questions])
    yield from _duplicates("medications", [m.code for m in q.medications])
    order = {s: i for i, s in enumerate(section_ids)}
    last_section = -1
    earlier: dict[str, Question] = {}
    checked_sections: set[str] = set()
    for i, question in enumerate(q.questions):
        where = f"questions[{i}] ({question.id})"
        if question.section is None:
            yield f"{where}: section is missing; add section = one of {', '.join(section_ids)}"
        elif question.section not in order:
            yield f"{where}.section: '{question.section}' is not a section; use one of " + (
                ", ".join(section_ids)
            )
        else:
            if order[question.section] < last_section:
                yield f"{where}: comes after a later section; keep questions in section order"
            last_section = max(last_section, order[question.section])
            if question.section not in checked_sections:
                checked_sections.add(question.section)
                sec = q.section_by_id[question.section]
                yield from _check_conditions(
                    f"sections ({sec.id}).enabled_when", sec.enabled_when, earlier
                )
        yield from _check_question(where, question, earlier)
        earlier[question.id] = question
        if question.type == "repeat":
            siblings: dict[str, Question] = {}
            yield from _duplicates(f"{where}.items", [s.id for s in question.items])
            for j, sub in enumerate(question.items):
                sub_where = f"{where}.items[{j}] ({sub.id})"
                if sub.type == "repeat":
                    yield f"{sub_where}: a repeat cannot contain another repeat"
                yield from _check_question(sub_where, sub, siblings)
                siblings[sub.id] = sub


def _duplicates(where: str, ids: list[str], noun: str = "id") -> Iterator[str]:
    seen: set[str] = set()
    for x in ids:
        if x in seen:
            yield f"{where}: '{x}' is listed twice; every {noun} must be unique"
        seen.add(x)


def _check_question(where: str, q: Question, earlier: dict[str, Question]) -> Iterator[str]:
    t = q.type
    has_options = bool(q.options)
    if t in ("single", "multi") and not has_options:
        yield f"{where}: a {t} question needs options; add options = [{{ code = …, label = … }}]"
    if t not in ("single", "multi") and has_options:
        yield f"{where}.options: a {t} question has no options of its own; remove them"
    if t == "integer" and (q.min is None or q.max is None or q.min > q.max):
        yield f"{where}: an integer question needs min <= max; add min and max"
    if t == "text" and q.max_length is None:
        yield f"{where}: a text question needs max_length; add max_length = 100 (for example)"
    if t == "repeat" and not q.items:
        yield f"{where}: a repeat question needs items; add [[questions.items]] tables"
    if t != "repeat" and q.items:
        yield f"{where}.items: only a repeat question has items; remove them"
    if has_options and not isinstance(q.options, str):
        codes = [o.code for o in q.options]
        yield from _duplicates(f"{where}.options", [str(c) for c in codes], "code")
        if len({type(c) for c in codes}) > 1:
            yield f"{where}.options: codes mix numbers and text; use one kind"
    yield from _check_conditions(f"{where}.enabled_when", q.enabled_when, earlier)
    yield from _check_conditions(f"{where}.required_when", q.required_when, earlier)


def _check_conditions(
    where: str, conditions: tuple[Condition, ...], earlier: dict[str, Question]
) -> Iterator[str]:
    for k, c in enumerate(conditions):
        at = f"{where}[{k}]"
        target = earlier.get(c.question)
        if target is None:
            yield (
                f"{at}.question: '{c.question}' is not an earlier question; a condition "
                "may only depend on questions asked before it"
            )
            continue
        if c.operator == "exists":
            if not isinstance(c.value, bool):
                yield f"{at}.value: 'exists' takes true or false"
            continue
        if isinstance(c.value, bool):
            yield f"{at}.value: true/false only goes with 'exists'"
        elif target.is_choice:
            if c.value not in target.codes:
                codes = ", ".join(str(x) for x in sorted(target.codes, key=str))
                yield f"{at}.value: {c.value!r} is not a code of '{c.question}'; expected {codes}"
            if c.operator not in ("=", "!=") and not isinstance(c.value, int):
                yield f"{at}.operator: '{c.operator}' needs a number code"
        elif target.type == "integer" and not isinstance(c.value, int):
            yield f"{at}.value: '{c.question}' is a number; compare it with a number"
        elif target.type in ("text", "repeat"):
            yield f"{at}: conditions on {target.type} questions only support 'exists'"
