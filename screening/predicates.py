"""Small named predicates the finding catalogue is built from.

Each predicate reads facts (pruned answers plus scores) and returns the evidence
that made it true (``{question id: value}``) or None. Each can describe itself in
words for docs/RULES.md and name the ids it reads. Plain Python, no expression
language: a reviewer reads ``Is("aneurysm_or_avm", "yes")``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
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


# --------------------------------------------------------------------------- one function

# Evidence while generating source: the (key literal, local name) pairs of a dict display
# still to be built, or the name of a local that holds a dict already.
_Pairs = list[tuple[str, str]]
_LITERAL_TYPES = (str, int, bool)


class _Source:
    """Python source of one function that tests many predicates in order (``compile_all``).

    Each fact a predicate reads is looked up once, into a local; the predicates the
    generator knows (Is, Compare, Has, SumAtLeast, AnyOf, AllOf, Always) become inline
    tests; any other predicate is called with the facts.
    """

    def __init__(self) -> None:
        self.names: dict[str, object] = {}  # global name -> object the source refers to
        self.locals: dict[str, str] = {}  # fact key -> local name
        self.body: list[str] = []
        self.count = 0

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def constant(self, value: object) -> str:
        """A literal for str/int/bool values (tuples of them too), else a global name."""
        if type(value) in _LITERAL_TYPES:
            return repr(value)
        if type(value) is tuple and all(type(v) in _LITERAL_TYPES for v in value):
            return repr(value)
        return self.name(value)

    def name(self, value: object) -> str:
        """A global name for ``value`` in the generated source."""
        name = f"_k{len(self.names)}"
        self.names[name] = value
        return name

    def fact(self, key: str) -> str:
        name = self.locals.get(key)
        if name is None:
            name = self.locals[key] = f"f{len(self.locals)}"
        return name

    def line(self, indent: int, text: str) -> None:
        self.body.append("    " * indent + text)

    def evidence(self, ev: _Pairs | str) -> str:
        if isinstance(ev, str):
            return ev
        return "{" + ", ".join(f"{key}: {value}" for key, value in ev) + "}"

    def merge(self, indent: int, target: str, ev: _Pairs | str) -> None:
        """``target.update(ev)``: items assigned one by one keep the same order."""
        if isinstance(ev, str):
            self.line(indent, f"{target}.update({ev})")
        else:
            for key, value in ev:
                self.line(indent, f"{target}[{key}] = {value}")

    def test(
        self, predicate: Predicate, indent: int, then: Callable[[int, _Pairs | str], None]
    ) -> None:
        """Source that runs ``then(indent, evidence)`` exactly when ``predicate`` holds."""
        if isinstance(predicate, Is):
            v = self.fact(predicate.key)
            values = predicate.values
            if len(values) == 1 and values[0] is not None:
                self.line(indent, f"if {v} == {self.constant(values[0])}:")
            elif all(x is not None for x in values):  # then None is never in values
                self.line(indent, f"if {v} in {self.constant(values)}:")
            else:
                self.line(indent, f"if {v} is not None and {v} in {self.constant(values)}:")
            then(indent + 1, [(repr(predicate.key), v)])
        elif isinstance(predicate, Compare) and type(predicate.threshold) is int:
            _OPERATORS[predicate.op]  # an unknown operator fails here, as it would when called
            v = self.fact(predicate.key)
            self.line(indent, f"if type({v}) is int and {v} {predicate.op} {predicate.threshold}:")
            then(indent + 1, [(repr(predicate.key), v)])
        elif isinstance(predicate, Has):
            v = self.fact(predicate.key)
            hits = self.fresh("h")
            if predicate.codes:
                # the list scans first: most lists hold none of the codes
                scans = " or ".join(f"{self.constant(c)} in {v}" for c in predicate.codes)
                self.line(indent, f"if isinstance({v}, list) and ({scans}):")
                codes = self.constant(predicate.codes)
                self.line(indent + 1, f"{hits} = [c for c in {v} if c in {codes}]")
                self.line(indent + 1, f"if {hits}:")
                then(indent + 2, [(repr(predicate.key), hits)])
            else:
                self.line(indent, f"if isinstance({v}, list) and {v}:")
                then(indent + 1, [(repr(predicate.key), f"list({v})")])
        elif isinstance(predicate, SumAtLeast) and type(predicate.threshold) is int:
            vs = [self.fact(k) for k in predicate.keys]
            ints = [f"type({v}) is int" for v in vs]
            total = " + ".join(vs) or "0"
            self.line(indent, f"if {' and '.join([*ints, f'{total} >= {predicate.threshold}'])}:")
            then(indent + 1, [(repr(k), v) for k, v in zip(predicate.keys, vs, strict=True)])
        elif isinstance(predicate, AnyOf):
            found = self.fresh("e")
            self.line(indent, f"{found} = {{}}")
            for part in predicate.parts:
                self.test(part, indent, lambda i, ev: self.merge(i, found, ev))
            self.line(indent, f"if {found}:")
            then(indent + 1, found)
        elif isinstance(predicate, AllOf):
            found = self.fresh("e")
            self.line(indent, f"{found} = {{}}")
            self._all(list(predicate.parts), found, indent, then)
        elif isinstance(predicate, Always):
            then(indent, [])
        else:
            e = self.fresh("e")
            self.line(indent, f"{e} = {self.constant(compile_predicate(predicate))}(facts)")
            self.line(indent, f"if {e} is not None:")
            then(indent + 1, e)

    def _all(
        self,
        parts: list[Predicate],
        found: str,
        indent: int,
        then: Callable[[int, _Pairs | str], None],
    ) -> None:
        if not parts:
            then(indent, found)
            return

        def next_part(i: int, ev: _Pairs | str) -> None:
            self.merge(i, found, ev)
            self._all(parts[1:], found, i, then)

        self.test(parts[0], indent, next_part)


def compile_all(
    entries: Sequence[tuple[Predicate, tuple[Any, ...]]], cls: type[tuple[Any, ...]] = tuple
) -> Callable[[Facts], list[Any]]:
    """One function doing, for facts, what this loop does (only faster)::

        [cls((*prefix, e)) for predicate, prefix in entries if (e := predicate(facts)) is not None]

    (``cls`` built from the tuple directly, as ``tuple.__new__(cls, ...)`` does). Its
    Python source is the function's ``source`` attribute.
    """
    src = _Source()

    def finding(head: str) -> Callable[[int, _Pairs | str], None]:
        def emit(indent: int, evidence: _Pairs | str) -> None:
            src.line(indent, f"append(new(cls, {head} + ({src.evidence(evidence)},)))")

        return emit

    for predicate, prefix in entries:
        head = src.name(tuple(prefix))
        src.line(1, f"# {head}: {prefix[0] if prefix else ''!r}")
        src.test(predicate, 1, finding(head))
    lines = ["def test_all(facts):", "    get = facts.get"]
    lines += [f"    {name} = get({key!r})" for key, name in src.locals.items()]
    lines += ["    found = []", "    append = found.append", *src.body, "    return found"]
    source = "\n".join(lines) + "\n"
    namespace: dict[str, Any] = {**src.names, "new": tuple.__new__, "cls": cls}
    exec(compile(source, "<screening.predicates.compile_all>", "exec"), namespace)  # noqa: S102
    function: Callable[[Facts], list[Any]] = namespace["test_all"]
    function.source = source  # type: ignore[attr-defined]
    return function
