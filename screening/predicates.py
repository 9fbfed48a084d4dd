"""Small named predicates the finding catalogue is built from.

Each predicate reads facts (pruned answers plus scores) and returns the evidence
that made it true (``{question id: value}``) or None. Each can describe itself in
words for docs/RULES.md and name the ids it reads. Plain Python, no expression
language: a reviewer reads ``Is("aneurysm_or_avm", "yes")``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

Facts = Mapping[str, Any]
Evidence = dict[str, Any]


class Predicate(Protocol):
    """Returns the evidence when it holds, else None."""

    def __call__(self, facts: Facts) -> Evidence | None: ...

    def describe(self) -> str: ...

    def reads(self) -> tuple[str, ...]: ...


def _fmt(value: object) -> str:
    return f"`{value}`"


@dataclass(frozen=True, slots=True)
class Is:
    """The answer is one of the given codes."""

    key: str
    values: tuple[object, ...]

    def __init__(self, key: str, *values: object) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", values)

    def __call__(self, facts: Facts) -> Evidence | None:
        v = facts.get(self.key)
        if v is not None and v in self.values:
            return {self.key: v}
        return None

    def describe(self) -> str:
        if len(self.values) == 1:
            return f"`{self.key}` = {_fmt(self.values[0])}"
        return f"`{self.key}` in ({', '.join(_fmt(v) for v in self.values)})"

    def reads(self) -> tuple[str, ...]:
        return (self.key,)


_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True, slots=True)
class Compare:
    """A number answer or score compared with a threshold (missing never holds)."""

    key: str
    op: str
    threshold: int

    def __call__(self, facts: Facts) -> Evidence | None:
        v = facts.get(self.key)
        if type(v) is not int:
            return None
        return {self.key: v} if _OPERATORS[self.op](v, self.threshold) else None

    def describe(self) -> str:
        return f"`{self.key}` {self.op.replace('>=', '≥').replace('<=', '≤')} {self.threshold}"

    def reads(self) -> tuple[str, ...]:
        return (self.key,)


def at_least(key: str, n: int) -> Compare:
    """``key >= n``."""
    return Compare(key, ">=", n)


def above(key: str, n: int) -> Compare:
    """``key > n``."""
    return Compare(key, ">", n)


def below(key: str, n: int) -> Compare:
    """``key < n``."""
    return Compare(key, "<", n)


@dataclass(frozen=True, slots=True)
class Has:
    """A multi answer contains at least one of the codes (any code, when none given)."""

    key: str
    codes: tuple[str, ...]

    def __init__(self, key: str, *codes: str) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "codes", codes)

    def __call__(self, facts: Facts) -> Evidence | None:
        v = facts.get(self.key)
        if not isinstance(v, list) or not v:
            return None
        hits = [c for c in v if not self.codes or c in self.codes]
        return {self.key: hits} if hits else None

    def describe(self) -> str:
        if not self.codes:
            return f"`{self.key}` not empty"
        return f"`{self.key}` has {' or '.join(_fmt(c) for c in self.codes)}"

    def reads(self) -> tuple[str, ...]:
        return (self.key,)


@dataclass(frozen=True, slots=True)
class SumAtLeast:
    """The sum of several number facts is at least n (missing never holds)."""

    keys: tuple[str, ...]
    threshold: int

    def __call__(self, facts: Facts) -> Evidence | None:
        values = [facts.get(k) for k in self.keys]
        numbers = [v for v in values if type(v) is int]
        if len(numbers) != len(values):
            return None
        if sum(numbers) >= self.threshold:
            return dict(zip(self.keys, values, strict=True))
        return None

    def describe(self) -> str:
        return " + ".join(f"`{k}`" for k in self.keys) + f" ≥ {self.threshold}"

    def reads(self) -> tuple[str, ...]:
        return self.keys


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one holds; evidence from every one that holds."""

    parts: tuple[Predicate, ...]

    def __init__(self, *parts: Predicate) -> None:
        object.__setattr__(self, "parts", parts)

    def __call__(self, facts: Facts) -> Evidence | None:
        evidence: Evidence = {}
        for p in self.parts:
            e = p(facts)
            if e is not None:
                evidence.update(e)
        return evidence or None

    def describe(self) -> str:
        return " or ".join(p.describe() for p in self.parts)

    def reads(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for p in self.parts for k in p.reads()))


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every part holds; evidence from all."""

    parts: tuple[Predicate, ...]

    def __init__(self, *parts: Predicate) -> None:
        object.__setattr__(self, "parts", parts)

    def __call__(self, facts: Facts) -> Evidence | None:
        evidence: Evidence = {}
        for p in self.parts:
            e = p(facts)
            if e is None:
                return None
            evidence.update(e)
        return evidence

    def describe(self) -> str:
        return " and ".join(p.describe() for p in self.parts)

    def reads(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for p in self.parts for k in p.reads()))


@dataclass(frozen=True, slots=True)
class Always:
    """Always holds, with no evidence."""

    def __call__(self, facts: Facts) -> Evidence | None:
        return {}

    def describe(self) -> str:
        return "always"

    def reads(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class PartialResponse:
    """A full (adequate) antidepressant trial helped moderately: noticeably better but still
    depressed. Evidence: how many distinct medicines (``partial_response_trials``)."""

    def __call__(self, facts: Facts) -> Evidence | None:
        from screening.scoring import assess_trials

        medicines = {
            t.medication
            for t, entry in zip(assess_trials(facts), facts.get("ad_trials") or (), strict=True)
            if t.complete and t.adequate and entry.get("benefit") == "moderate"
        }
        return {"partial_response_trials": len(medicines)} if medicines else None

    def describe(self) -> str:
        return "an adequate trial in `ad_trials` with `benefit` = `moderate`"

    def reads(self) -> tuple[str, ...]:
        return ("ad_trials",)
