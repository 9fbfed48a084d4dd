"""The crisis rule, kept tiny and dependency-free so it can never be the part that fails.

``crisis_flag`` reads raw, unvalidated answers defensively: the pages call it first,
before validation, scoring or exports, so crisis resources show even when other
code fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

SAFETY_ITEMS = ("si_plan", "si_intent", "self_harm_recent")
CRISIS_ANSWERS = frozenset({"yes", "prefer_not_to_say"})


def _item9_positive(value: object) -> bool:
    return type(value) is int and value >= 1


def _crisis_answer(value: object) -> bool:
    return isinstance(value, str) and value in CRISIS_ANSWERS


def crisis_flag(answers: object) -> bool:
    """Spec §5 F-CRISIS-RESOURCES on any answers object, never raising.

    PHQ-9 item 9 above "Not at all", or any safety answer yes or prefer not to say
    (unless item 9 is 0, which hides the safety questions). Errs towards showing.
    """
    try:
        if not isinstance(answers, Mapping):
            return False
        item9 = answers.get("phq9_9")
        if _item9_positive(item9):
            return True
        if item9 == 0:  # safety questions are hidden: their answers are pruned
            return False
        return any(_crisis_answer(answers.get(k)) for k in SAFETY_ITEMS)
    except Exception:  # answers that cannot even be read: show the resources
        return True


def is_safety_positive(question_id: str, value: object) -> bool:
    """Whether this one answer raises crisis resources (item 9 above zero, or a safety
    answer yes or prefer not to say)."""
    if question_id == "phq9_9":
        return _item9_positive(value)
    return question_id in SAFETY_ITEMS and _crisis_answer(value)


class AnswerChange(NamedTuple):
    """A safety answer that was positive and then changed (staff see that it happened)."""

    question: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        """The record-file form: ``{"question": "phq9_9", "from": 1, "to": 0}``."""
        return {"question": self.question, "from": self.before, "to": self.after}


@dataclass(frozen=True, slots=True)
class _CrisisRule:
    """Predicate for F-CRISIS-RESOURCES (see screening.predicates)."""

    def __call__(self, facts: Mapping[str, Any]) -> dict[str, Any] | None:
        evidence: dict[str, Any] = {}
        item9 = facts.get("phq9_9")
        if _item9_positive(item9):
            evidence["phq9_9"] = item9
        for key in SAFETY_ITEMS:
            if _crisis_answer(facts.get(key)):
                evidence[key] = facts[key]
        return evidence or None

    def describe(self) -> str:
        return (
            "`phq9_9` ≥ 1, or any of `si_plan`, `si_intent`, `self_harm_recent` in "
            "(`yes`, `prefer_not_to_say`)"
        )

    def reads(self) -> tuple[str, ...]:
        return ("phq9_9", *SAFETY_ITEMS)


CRISIS_RULE = _CrisisRule()
