"""enabled_when and required_when: FHIR enableWhen conditions compiled to ``Gate`` functions.

``compile_conditions`` is the one implementation of their meaning; the answer plan
(``screening.answers``) and the page helpers below (``is_enabled``, ``section_enabled``,
``is_required``, ``conditions_hold``) all use it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from screening.questionnaire import Condition, Question, Questionnaire

#: Whether conditions hold for the answers so far.
Gate = Callable[[Mapping[str, Any]], bool]

_ORDER: dict[str, Callable[[int, int], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def _never(answers: Mapping[str, Any]) -> bool:
    return False


def compile_condition(c: Condition) -> Gate:
    """FHIR enableWhen semantics for one condition (see questions/*.toml header).

    On a multi answer (a list), ``=`` means "has the code", ``!=`` "has not", and an
    ordering holds when any code holds. Orderings compare whole numbers only; an
    unanswered question holds only for ``!=``.
    """
    key, want = c.question, c.value
    if c.operator == "exists":
        if want is True:
            return lambda answers: answers.get(key) is not None
        if want is False:
            return lambda answers: answers.get(key) is None
        return _never

    if c.operator == "=":

        def equal(answers: Mapping[str, Any]) -> bool:
            v = answers.get(key)
            if v is None:
                return False
            return want in v if isinstance(v, list) else bool(v == want)

        return equal

    if c.operator == "!=":

        def differs(answers: Mapping[str, Any]) -> bool:
            v = answers.get(key)
            if v is None:
                return True
            return want not in v if isinstance(v, list) else bool(v != want)

        return differs

    order = _ORDER[c.operator]
    if type(want) is not int:
        return _never
    threshold: int = want

    def ordered(answers: Mapping[str, Any]) -> bool:
        v = answers.get(key)
        if isinstance(v, list):
            return any(type(x) is int and order(x, threshold) for x in v)
        return type(v) is int and order(v, threshold)

    return ordered


def compile_conditions(conditions: Sequence[Condition], behavior: str) -> Gate | None:
    """All (or any) of the conditions as one gate; None when there are none (always)."""
    gates = tuple(compile_condition(c) for c in conditions)
    if not gates:
        return None
    if len(gates) == 1:
        return gates[0]
    if behavior == "any":
        return lambda answers: any(gate(answers) for gate in gates)
    return lambda answers: all(gate(answers) for gate in gates)


@lru_cache(maxsize=4096)
def _cached_gate(conditions: tuple[Condition, ...], behavior: str) -> Gate | None:
    return compile_conditions(conditions, behavior)


def conditions_hold(
    conditions: Sequence[Condition], behavior: str, answers: Mapping[str, Any]
) -> bool:
    """All (or any) of the conditions hold; no conditions means always."""
    gate = _cached_gate(tuple(conditions), behavior)
    return gate is None or gate(answers)


def condition_holds(c: Condition, answers: Mapping[str, Any]) -> bool:
    """One condition holds (``compile_condition``)."""
    return conditions_hold((c,), "all", answers)


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
