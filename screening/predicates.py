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
Test = Callable[[Facts], "Evidence | None"]


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

    def compile(self) -> Test:
        """A plain function doing what ``__call__`` does, without attribute look-ups."""
        key, values = self.key, self.values

        def test(facts: Facts) -> Evidence | None:
            v = facts.get(key)
            if v is not None and v in values:
                return {key: v}
            return None

        return test

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

    def compile(self) -> Test:
        """A plain function doing what ``__call__`` does, without attribute look-ups."""
        key, threshold, holds = self.key, self.threshold, _OPERATORS[self.op]

        def test(facts: Facts) -> Evidence | None:
            v = facts.get(key)
            if type(v) is not int or not holds(v, threshold):
                return None
            return {key: v}

        return test

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

    def compile(self) -> Test:
        """A plain function doing what ``__call__`` does, without attribute look-ups."""
        key, codes = self.key, self.codes

        def test(facts: Facts) -> Evidence | None:
            v = facts.get(key)
            if not isinstance(v, list) or not v:
                return None
            hits = [c for c in v if c in codes] if codes else list(v)
            return {key: hits} if hits else None

        return test

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

    def compile(self) -> Test:
        """A plain function doing what ``__call__`` does, with compiled parts."""
        parts = tuple(compile_predicate(p) for p in self.parts)

        def test(facts: Facts) -> Evidence | None:
            evidence: Evidence = {}
            for p in parts:
                e = p(facts)
                if e is not None:
                    evidence.update(e)
            return evidence or None

        return test

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

    def compile(self) -> Test:
        """A plain function doing what ``__call__`` does, with compiled parts."""
        parts = tuple(compile_predicate(p) for p in self.parts)

        def test(facts: Facts) -> Evidence | None:
            evidence: Evidence = {}
            for p in parts:
                e = p(facts)
                if e is None:
                    return None
                evidence.update(e)
            return evidence

        return test

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


def compile_predicate(predicate: Predicate) -> Test:
    """A fast function equivalent to calling ``predicate`` (the predicate itself when it has
    no ``compile``)."""
    compile_ = getattr(predicate, "compile", None)
    if compile_ is None:
        return predicate
    test: Test = compile_()
    return test
