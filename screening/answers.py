"""Answers: strict validation against the questionnaire, enabled_when, pruning, missing.

Answers are one JSON object keyed by question id (content spec §2). Validation is
strict: ``true`` is not an integer, ``40.5`` is not an integer, NaN is refused,
unknown ids and codes are refused, a multi answer may not repeat a code. ``null``
and blank text mean "not answered". Answers to hidden questions are valid but
are pruned before anything reads them.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from screening.errors import AnswersInvalid, Problem
from screening.questionnaire import Condition, Question, Questionnaire

AnswerValue = Any  # int | str | list[str] | list[dict[str, int | str]]
Answers = dict[str, AnswerValue]

_TYPE_WORDS = {
    "integer": "a whole number",
    "single": "one code",
    "multi": "a list of codes",
    "ynu": '"yes", "no" or "unsure"',
    "ynp": '"yes", "no" or "prefer_not_to_say"',
    "text": "text",
    "repeat": "a list of entries",
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


# --------------------------------------------------------------------------- validation


def validate_answers(raw: object, questionnaire: Questionnaire) -> Answers:
    """Check raw answers strictly and return them normalised (text trimmed, blanks dropped).

    Raises AnswersInvalid listing every problem with its path.
    """
    if not isinstance(raw, Mapping):
        raise AnswersInvalid([Problem("answers", f"expected an object, found {describe(raw)}")])
    problems: list[Problem] = []
    out: Answers = {}
    by_id = questionnaire.by_id
    choice_codes = _choice_codes(questionnaire)
    for key, value in raw.items():
        codes = choice_codes.get(key)
        if codes is not None and value.__class__ in _STR_INT and value in codes:
            out[key] = value  # fast path: a valid single/ynu/ynp code
            continue
        question = by_id.get(key) if isinstance(key, str) else None
        if question is None:
            problems.append(Problem(str(key)[:60], "is not a question of this questionnaire"))
            continue
        if value is None:
            continue
        if question.type == "repeat":
            entries = _validate_repeat(question, value, problems)
            if entries is not None:
                out[key] = entries
            continue
        checked = _validate_value(question, value, key, problems)
        if checked is not None:
            out[key] = checked
    if problems:
        raise AnswersInvalid(problems)
    return out


def _validate_value(q: Question, value: object, path: str, problems: list[Problem]) -> Any:
    t = q.type
    if t in _CODE_TYPES:  # the common case first: single, ynu, ynp
        if value.__class__ in (str, int) and value in q.codes:
            return value
        problems.append(Problem(path, _bad_code(q, value)))
        return None
    if t == "integer":
        if type(value) is not int:
            problems.append(Problem(path, f"expected {_TYPE_WORDS[t]}, found {describe(value)}"))
            return None
        assert q.min is not None and q.max is not None
        if not q.min <= value <= q.max:
            problems.append(
                Problem(path, f"{describe(value)} is out of range; expected {q.min} to {q.max}")
            )
            return None
        return value
    if t == "text":
        if not isinstance(value, str):
            problems.append(Problem(path, f"expected text, found {describe(value)}"))
            return None
        text = value.strip()
        if "\x00" in text:
            problems.append(Problem(path, "contains a NUL character; remove it"))
            return None
        assert q.max_length is not None
        if len(text) > q.max_length:
            problems.append(
                Problem(path, f"is {len(text)} characters long; the limit is {q.max_length}")
            )
            return None
        return text or None
    if t == "multi":
        if not isinstance(value, list):
            problems.append(Problem(path, f"expected {_TYPE_WORDS[t]}, found {describe(value)}"))
            return None
        seen: set[object] = set()
        for code in value:
            if type(code) is not str or code not in q.codes:
                problems.append(Problem(path, _bad_code(q, code)))
                return None
            if code in seen:
                problems.append(Problem(path, f"{code!r} is listed twice; list each code once"))
                return None
            seen.add(code)
        return list(value)
    raise AssertionError(f"unhandled question type {t}")  # pragma: no cover


_CODE_TYPES = frozenset({"single", "ynu", "ynp"})
_STR_INT = (str, int)


def _choice_codes(questionnaire: Questionnaire) -> dict[str, frozenset[Any]]:
    """Codes of every single/ynu/ynp question by id (derived once per questionnaire)."""
    cached: dict[str, frozenset[Any]] | None = questionnaire.__dict__.get("_choice_codes")
    if cached is None:
        cached = {q.id: q.codes for q in questionnaire.questions if q.type in _CODE_TYPES}
        questionnaire.__dict__["_choice_codes"] = cached
    return cached


def _bad_code(q: Question, value: object) -> str:
    codes = ", ".join(repr(c) if isinstance(c, str) else str(c) for c in q.codes_in_order)
    if len(codes) > 120:
        codes = codes[:117] + "…"
    return f"{describe(value)} is not one of the codes; expected {codes}"


def _validate_repeat(
    q: Question, value: object, problems: list[Problem]
) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        problems.append(Problem(q.id, f"expected a list of entries, found {describe(value)}"))
        return None
    if q.max_items is not None and len(value) > q.max_items:
        problems.append(Problem(q.id, f"has {len(value)} entries; the limit is {q.max_items}"))
        return None
    entries: list[dict[str, Any]] = []
    subs = q.item_by_id
    for i, entry in enumerate(value):
        where = f"{q.id}[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(Problem(where, f"expected an object, found {describe(entry)}"))
            continue
        clean: dict[str, Any] = {}
        for key, sub_value in entry.items():
            sub = subs.get(key) if isinstance(key, str) else None
            if sub is None:
                problems.append(Problem(f"{where}.{str(key)[:60]}", "is not part of an entry"))
                continue
            if sub_value is None:
                continue
            checked = _validate_value(sub, sub_value, f"{where}.{key}", problems)
            if checked is not None:
                clean[key] = checked
        entries.append(clean)
    return entries


# --------------------------------------------------------------------------- enabled_when


def condition_holds(c: Condition, answers: Mapping[str, Any]) -> bool:
    """FHIR enableWhen semantics for one condition (see questions/*.toml header)."""
    v = answers.get(c.question)
    op = c.operator
    if op == "exists":
        return (v is not None) is c.value
    if v is None:
        return op == "!="
    if isinstance(v, list):
        if op == "=":
            return c.value in v
        if op == "!=":
            return c.value not in v
        return any(_compare(op, x, c.value) for x in v)
    return _compare(op, v, c.value)


def _compare(op: str, left: object, right: object) -> bool:
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if not (type(left) is int and type(right) is int):
        return False
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    if op == "<":
        return left < right
    return left <= right


def conditions_hold(
    conditions: Sequence[Condition], behavior: str, answers: Mapping[str, Any]
) -> bool:
    """All (or any) of the conditions hold; no conditions means always."""
    if not conditions:
        return True
    if behavior == "any":
        for c in conditions:
            if condition_holds(c, answers):
                return True
        return False
    for c in conditions:
        if not condition_holds(c, answers):
            return False
    return True


def is_enabled(q: Question, answers: Mapping[str, Any], questionnaire: Questionnaire) -> bool:
    """Whether a top-level question is shown, given the answers so far (its section too)."""
    if q.section is not None:
        section = questionnaire.section_by_id[q.section]
        if not conditions_hold(section.enabled_when, section.enabled_behavior, answers):
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


# --------------------------------------------------------------------------- pruning

Test = Callable[[Mapping[str, Any]], bool]
Step = tuple[str, Test | None, bool, tuple[Condition, ...], bool, Question]


def compile_condition(c: Condition) -> Test:
    """A fast test equivalent to ``condition_holds(c, answers)``."""
    key, value = c.question, c.value
    if c.operator == "=":

        def equal(answers: Mapping[str, Any]) -> bool:
            v = answers.get(key)
            return value in v if v.__class__ is list else v == value

        return equal
    if c.operator == "!=":

        def differ(answers: Mapping[str, Any]) -> bool:
            v = answers.get(key)
            return value not in v if v.__class__ is list else v != value

        return differ
    if c.operator == "exists":

        def exists(answers: Mapping[str, Any]) -> bool:
            return (answers.get(key) is not None) is value

        return exists
    holds = _ORDERINGS.get(c.operator)
    if holds is not None and type(value) is int:

        def ordered(answers: Mapping[str, Any]) -> bool:
            v = answers.get(key)
            if v.__class__ is int:
                return holds(v, value)
            if isinstance(v, list):
                for x in v:
                    if type(x) is int and holds(x, value):
                        return True
            return False

        return ordered
    return lambda answers: condition_holds(c, answers)


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def compile_conditions(conditions: Sequence[Condition], behavior: str) -> Test | None:
    """A fast test equivalent to ``conditions_hold``; None when there are no conditions."""
    if not conditions:
        return None
    tests = tuple(compile_condition(c) for c in conditions)
    if len(tests) == 1:
        return tests[0]
    if behavior == "any":

        def any_holds(answers: Mapping[str, Any]) -> bool:
            for t in tests:
                if t(answers):
                    return True
            return False

        return any_holds

    def all_hold(answers: Mapping[str, Any]) -> bool:
        for t in tests:
            if not t(answers):
                return False
        return True

    return all_hold


def _gates(questionnaire: Questionnaire) -> tuple[Step, ...]:
    """Each question as (id, gate, required, required_when, is_repeat, question); the gate
    tests the section's conditions and then the question's own. Derived once."""
    cached: tuple[Step, ...] | None = questionnaire.__dict__.get("_gates")
    if cached is not None:
        return cached
    plan: list[Step] = []
    for q in questionnaire.questions:
        tests: list[Test] = []
        if q.section is not None:
            section = questionnaire.section_by_id[q.section]
            t = compile_conditions(section.enabled_when, section.enabled_behavior)
            if t is not None:
                tests.append(t)
        t = compile_conditions(q.enabled_when, q.enabled_behavior)
        if t is not None:
            tests.append(t)
        gate: Test | None
        if not tests:
            gate = None
        elif len(tests) == 1:
            gate = tests[0]
        else:
            first, second = tests
            gate = lambda answers, a=first, b=second: a(answers) and b(answers)  # noqa: E731
        plan.append((q.id, gate, q.required, q.required_when, q.type == "repeat", q))
    result = tuple(plan)
    questionnaire.__dict__["_gates"] = result  # static data derived from a frozen model
    return result


def prune_and_find_missing(
    answers: Mapping[str, Any], questionnaire: Questionnaire
) -> tuple[Answers, list[str]]:
    """One pass in questionnaire order: the pruned answers and the missing required ids.

    Questions only depend on earlier ones, so the answers kept so far decide.
    """
    kept: Answers = {}
    missing: list[str] = []
    for qid, gate, required, required_when, is_repeat, q in _gates(questionnaire):
        if gate is not None and not gate(kept):
            continue
        value = answers.get(qid)
        if value is None:
            if required or (required_when and conditions_hold(required_when, "all", kept)):
                missing.append(qid)
            continue
        if is_repeat and isinstance(value, list):
            entries = [_prune_entry(q, entry) for entry in value]
            for i, entry in enumerate(entries):
                missing.extend(f"{qid}[{i}].{sub}" for sub in missing_in_entry(q, entry))
            value = entries
        kept[qid] = value
    return kept, missing


def prune(answers: Mapping[str, Any], questionnaire: Questionnaire) -> Answers:
    """Drop answers to hidden questions (and hidden sub-answers inside repeat entries)."""
    return prune_and_find_missing(answers, questionnaire)[0]


def _prune_entry(q: Question, entry: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for sub in q.items:
        if sub.id in entry and conditions_hold(sub.enabled_when, sub.enabled_behavior, kept):
            kept[sub.id] = entry[sub.id]
    return kept


# --------------------------------------------------------------------------- missing


def missing_answers(
    answers: Mapping[str, Any], questionnaire: Questionnaire, section: str | None = None
) -> list[str]:
    """Ids of required, enabled questions without an answer (``ad_trials[0].weeks`` inside
    entries), in questionnaire order; limited to one section when given.
    """
    missing = prune_and_find_missing(answers, questionnaire)[1]
    if section is None:
        return missing
    in_section = {q.id for q in questionnaire.questions if q.section == section}
    return [m for m in missing if m.split("[", 1)[0] in in_section]


def missing_in_entry(q: Question, entry: Mapping[str, Any]) -> list[str]:
    """Required sub-answers of one repeat entry that are missing."""
    return [
        sub.id
        for sub in q.items
        if sub.id not in entry
        and conditions_hold(sub.enabled_when, sub.enabled_behavior, entry)
        and is_required(sub, entry)
    ]


# --------------------------------------------------------------------------- one pass

_CODE, _INTEGER, _TEXT, _MULTI, _REPEAT = range(5)
_BAD = object()  # a value the one pass does not accept (validate_answers says why)
# (id, gate, required, required_when, kind, spec, question); spec: codes, (min, max),
# max_length, or for a repeat (max_items, {sub id: (kind, spec)}, sub steps)
FastStep = tuple[str, Test | None, bool, tuple[Condition, ...], int, Any, Question]
# a repeat's sub-question: (id, enabled test, required, required_when)
SubStep = tuple[str, Test | None, bool, tuple[Condition, ...]]


def _kind_and_spec(q: Question) -> tuple[int, Any]:
    if q.type in _CODE_TYPES:
        return _CODE, q.codes
    if q.type == "integer":
        return _INTEGER, (q.min, q.max)
    if q.type == "text":
        return _TEXT, q.max_length
    if q.type == "multi":
        return _MULTI, q.codes
    subs = {sub.id: _kind_and_spec(sub) for sub in q.items}
    steps = tuple(
        (
            sub.id,
            compile_conditions(sub.enabled_when, sub.enabled_behavior),
            sub.required,
            sub.required_when,
        )
        for sub in q.items
    )
    return _REPEAT, (q.max_items, subs, steps)


# Consecutive questions that need nothing but a code check (one of a few codes, always
# shown, required) are checked in a tight inner loop; the others go through a full step.
SimpleRun = tuple[tuple[str, frozenset[Any]], ...]
FastPlan = tuple[frozenset[str], tuple[tuple[SimpleRun, FastStep | None], ...]]


def _fast_plan(questionnaire: Questionnaire) -> FastPlan:
    """The top-level ids and, in questionnaire order, what the one-pass check needs: runs of
    simple questions, each followed by one full step. Derived once."""
    cached: FastPlan | None = questionnaire.__dict__.get("_fast_plan")
    if cached is not None:
        return cached
    items: list[tuple[SimpleRun, FastStep | None]] = []
    run: list[tuple[str, frozenset[Any]]] = []
    for qid, gate, required, required_when, _is_repeat, q in _gates(questionnaire):
        kind, spec = _kind_and_spec(q)
        if kind == _CODE and gate is None and required:
            run.append((qid, spec))
            continue
        items.append((tuple(run), (qid, gate, required, required_when, kind, spec, q)))
        run = []
    if run:
        items.append((tuple(run), None))
    cached = (frozenset(q.id for q in questionnaire.questions), tuple(items))
    questionnaire.__dict__["_fast_plan"] = cached  # static data derived from a frozen model
    return cached


def _checked(kind: int, spec: Any, value: Any) -> Any:
    """``_validate_value`` for a value that is not None, without messages: the normalised
    value (None for blank text), or _BAD when validate_answers would report a problem."""
    if kind == _CODE:
        return value if value.__class__ in _STR_INT and value in spec else _BAD
    if kind == _INTEGER:
        return value if value.__class__ is int and spec[0] <= value <= spec[1] else _BAD
    if kind == _TEXT:
        if not isinstance(value, str):
            return _BAD
        text = value.strip()
        if "\x00" in text or len(text) > spec:
            return _BAD
        return text or None
    if kind == _MULTI:
        if not isinstance(value, list):
            return _BAD
        if not value:  # most multi answers: none of the options
            return []
        for code in value:
            if code.__class__ is not str or code not in spec:
                return _BAD
        if len(set(value)) != len(value):
            return _BAD
        return list(value)
    max_items, subs, _steps = spec  # a repeat: the entries, each cleaned
    if not isinstance(value, list) or (max_items is not None and len(value) > max_items):
        return _BAD
    entries: list[dict[str, Any]] = []
    for entry in value:
        if entry.__class__ is not dict and not isinstance(entry, Mapping):
            return _BAD
        clean: dict[str, Any] = {}
        for key, sub_value in entry.items():
            sub = subs.get(key) if key.__class__ is str else None
            if sub is None:
                return _BAD
            if sub_value is None:
                continue
            sub_kind, sub_spec = sub
            if sub_kind == _CODE:
                if sub_value.__class__ not in _STR_INT or sub_value not in sub_spec:
                    return _BAD
                clean[key] = sub_value
                continue
            checked = _checked(sub_kind, sub_spec, sub_value)
            if checked is _BAD:
                return _BAD
            if checked is not None:
                clean[key] = checked
        entries.append(clean)
    return entries


def validate_and_prune(raw: object, questionnaire: Questionnaire) -> tuple[Answers, list[str]]:
    """``prune_and_find_missing(validate_answers(raw, qn), qn)``, in one pass when it can.

    Same result and the same ``AnswersInvalid`` (problems in the same order) as the two
    steps: anything the single pass does not accept is handed to them.
    """
    if isinstance(raw, dict) and raw.__class__ is dict:
        fast = _fast_function(questionnaire)(raw)
        if fast is not None:
            return fast
    return prune_and_find_missing(validate_answers(raw, questionnaire), questionnaire)


def _validate_and_prune_fast(
    raw: dict[Any, Any], questionnaire: Questionnaire
) -> tuple[Answers, list[str]] | None:
    """The one pass for answers without any problem; None as soon as anything is off."""
    ids, plan = _fast_plan(questionnaire)
    if not raw.keys() <= ids:
        return None
    kept: Answers = {}
    missing: list[str] = []
    for run, step in plan:
        for qid, codes in run:
            value: Any = raw.get(qid)
            if value is None:
                missing.append(qid)
            elif value.__class__ in _STR_INT and value in codes:
                kept[qid] = value
            else:
                return None
        if step is None:
            continue
        qid, gate, required, required_when, kind, spec, _q = step
        value = raw.get(qid)
        if value is not None:
            # Validate every answer, shown or hidden, exactly as validate_answers does.
            if kind == _CODE:
                if value.__class__ not in _STR_INT or value not in spec:
                    return None
            elif kind == _INTEGER:
                if value.__class__ is not int or not spec[0] <= value <= spec[1]:
                    return None
            else:
                value = _checked(kind, spec, value)
                if value is _BAD:
                    return None
        if gate is not None and not gate(kept):
            continue
        if value is None:
            if required or (required_when and conditions_hold(required_when, "all", kept)):
                missing.append(qid)
            continue
        if kind == _REPEAT:
            steps = spec[2]
            value = [
                _prune_entry_fast(steps, entry, qid, i, missing) for i, entry in enumerate(value)
            ]
        kept[qid] = value
    return kept, missing


def _prune_entry_fast(
    steps: tuple[SubStep, ...], entry: Mapping[str, Any], qid: str, index: int, missing: list[str]
) -> dict[str, Any]:
    """``_prune_entry`` and ``missing_in_entry`` of a checked entry (no None values) in one
    pass with compiled tests; missing ids are added to ``missing``. A sub-question's
    conditions read only earlier sub-questions, so the answers kept so far decide."""
    kept: dict[str, Any] = {}
    for sub_id, test, required, required_when in steps:
        if test is not None and not test(kept):
            continue
        value = entry.get(sub_id)
        if value is not None:
            kept[sub_id] = value
        elif required or (required_when and conditions_hold(required_when, "all", kept)):
            missing.append(f"{qid}[{index}].{sub_id}")
    return kept


# --------------------------------------------------------------------------- one function


class _FastSource:
    """Python source of ``_validate_and_prune_fast`` for one questionnaire, with the plan's
    loops unrolled: one block per question, the checks of its kind written out inline."""

    def __init__(self) -> None:
        self.names: dict[str, object] = {}
        self.lines: list[str] = []

    def name(self, value: object) -> str:
        """A global name for ``value`` in the generated source."""
        name = f"_k{len(self.names)}"
        self.names[name] = value
        return name

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def literal(self, value: object) -> str:
        return repr(value) if type(value) in (str, int, bool) else self.name(value)

    def condition(self, c: Condition, answers: str) -> str:
        """An expression with the truth of ``compile_condition(c)(answers)``."""
        key, value = repr(c.question), self.literal(c.value)
        x = f"(x := {answers}.get({key}))"
        if c.operator == "=":
            return f"({value} in x if {x}.__class__ is list else x == {value})"
        if c.operator == "!=":
            return f"({value} not in x if {x}.__class__ is list else x != {value})"
        if c.operator == "exists":
            return f"(({answers}.get({key}) is not None) is {value})"
        test = self.name(compile_condition(c))
        if c.operator in _ORDERINGS and type(c.value) is int:  # lists: the compiled test
            return f"(x {c.operator} {value} if {x}.__class__ is int else {test}({answers}))"
        return f"{test}({answers})"

    def conditions(self, conditions: Sequence[Condition], behavior: str, answers: str) -> str:
        """``compile_conditions`` as an expression ("" for no conditions)."""
        parts = [self.condition(c, answers) for c in conditions]
        if len(parts) <= 1:
            return "".join(parts)
        return "(" + (" or " if behavior == "any" else " and ").join(parts) + ")"

    def gate(self, q: Question, questionnaire: Questionnaire, answers: str) -> str:
        """The gate of ``_gates`` as an expression ("" when always shown)."""
        parts = []
        if q.section is not None:
            section = questionnaire.section_by_id[q.section]
            parts.append(self.conditions(section.enabled_when, section.enabled_behavior, answers))
        parts.append(self.conditions(q.enabled_when, q.enabled_behavior, answers))
        return " and ".join(p for p in parts if p)

    def check(self, indent: int, kind: int, spec: Any, v: str) -> None:
        """Source that leaves the normalised value of the non-None ``v`` in ``v`` (None for
        blank text) or returns None (as ``_checked`` returning _BAD)."""
        if kind == _CODE:
            self.line(indent, f"if {v}.__class__ not in _STR_INT or {v} not in {self.name(spec)}:")
            self.line(indent + 1, "return None")
        elif kind == _INTEGER and type(spec[0]) is int and type(spec[1]) is int:
            self.line(indent, f"if {v}.__class__ is not int or not {spec[0]} <= {v} <= {spec[1]}:")
            self.line(indent + 1, "return None")
        elif kind == _TEXT and type(spec) is int:
            self.line(indent, f"if not isinstance({v}, str):")
            self.line(indent + 1, "return None")
            self.line(indent, f"{v} = {v}.strip()")
            self.line(indent, f"if '\\x00' in {v} or len({v}) > {spec}:")
            self.line(indent + 1, "return None")
            self.line(indent, f"if not {v}:")
            self.line(indent + 1, f"{v} = None")
        elif kind == _MULTI:
            codes = self.name(spec)
            self.line(indent, f"if not isinstance({v}, list):")
            self.line(indent + 1, "return None")
            self.line(indent, f"if {v}:")
            self.line(indent + 1, f"for c in {v}:")
            self.line(indent + 2, f"if c.__class__ is not str or c not in {codes}:")
            self.line(indent + 3, "return None")
            self.line(indent + 1, f"if len(set({v})) != len({v}):")
            self.line(indent + 2, "return None")
            self.line(indent + 1, f"{v} = list({v})")
            self.line(indent, "else:")
            self.line(indent + 1, f"{v} = []")
        elif kind == _REPEAT:
            self.repeat(indent, spec, v)
        else:  # anything unusual: the general check
            self.line(indent, f"{v} = _checked({kind}, {self.name(spec)}, {v})")
            self.line(indent, f"if {v} is _BAD:")
            self.line(indent + 1, "return None")

    def repeat(self, indent: int, spec: Any, v: str) -> None:
        max_items, subs, _steps = spec
        too_many = f" or len({v}) > {max_items}" if type(max_items) is int else ""
        if max_items is not None and not too_many:
            too_many = f" or len({v}) > {self.name(max_items)}"
        self.line(indent, f"if not isinstance({v}, list){too_many}:")
        self.line(indent + 1, "return None")
        self.line(indent, "entries = []")
        self.line(indent, f"for entry in {v}:")
        self.line(indent + 1, "if entry.__class__ is not dict and not isinstance(entry, Mapping):")
        self.line(indent + 2, "return None")
        self.line(indent + 1, "clean = {}")
        self.line(indent + 1, "for key, x in entry.items():")
        self.line(indent + 2, "if key.__class__ is not str:")
        self.line(indent + 3, "return None")
        keyword = "if"
        for sub_id, (sub_kind, sub_spec) in subs.items():
            self.line(indent + 2, f"{keyword} key == {sub_id!r}:")
            self.line(indent + 3, "if x is None:")
            self.line(indent + 4, "continue")
            self.check(indent + 3, sub_kind, sub_spec, "x")
            if sub_kind == _TEXT:
                self.line(indent + 3, "if x is not None:")
                self.line(indent + 4, "clean[key] = x")
            else:
                self.line(indent + 3, "clean[key] = x")
            keyword = "elif"
        if keyword == "if":
            self.line(indent + 2, "return None")
        else:
            self.line(indent + 2, "else:")
            self.line(indent + 3, "return None")
        self.line(indent + 1, "entries.append(clean)")
        self.line(indent, f"{v} = entries")

    def prune_entries(self, indent: int, q: Question, steps: tuple[SubStep, ...], v: str) -> None:
        """``_prune_entry_fast`` of every entry of ``v``, written out."""
        self.line(indent, "pruned = []")
        self.line(indent, f"for i, entry in enumerate({v}):")
        self.line(indent + 1, "k = {}")
        for (sub_id, test, required, required_when), sub in zip(steps, q.items, strict=True):
            inner = indent + 1
            if test is not None:
                self.line(
                    inner, f"if {self.conditions(sub.enabled_when, sub.enabled_behavior, 'k')}:"
                )
                inner += 1
            self.line(inner, f"x = entry.get({sub_id!r})")
            self.line(inner, "if x is not None:")
            self.line(inner + 1, f"k[{sub_id!r}] = x")
            where = f'f"{q.id}[{{i}}].{sub_id}"'
            if required:
                self.line(inner, "else:")
                self.line(inner + 1, f"missing.append({where})")
            elif required_when:
                self.line(inner, f"elif conditions_hold({self.name(required_when)}, 'all', k):")
                self.line(inner + 1, f"missing.append({where})")
        self.line(indent + 1, "pruned.append(k)")
        self.line(indent, f"{v} = pruned")

    def step(self, step: FastStep, questionnaire: Questionnaire) -> None:
        qid, gate, required, required_when, kind, spec, q = step
        self.line(1, f"v = get({qid!r})")
        self.line(1, "if v is not None:")
        self.check(2, kind, spec, "v")
        indent = 1
        if gate is not None:
            self.line(1, f"if {self.gate(q, questionnaire, 'kept')}:")
            indent = 2
        self.line(indent, "if v is None:")
        if required:
            self.line(indent + 1, f"missing.append({qid!r})")
        elif required_when:
            self.line(indent + 1, f"if conditions_hold({self.name(required_when)}, 'all', kept):")
            self.line(indent + 2, f"missing.append({qid!r})")
        else:
            self.line(indent + 1, "pass")
        self.line(indent, "else:")
        if kind == _REPEAT:
            self.prune_entries(indent + 1, q, spec[2], "v")
        self.line(indent + 1, f"kept[{qid!r}] = v")


def _fast_function(
    questionnaire: Questionnaire,
) -> Callable[[dict[Any, Any]], tuple[Answers, list[str]] | None]:
    """``_validate_and_prune_fast`` for this questionnaire as one generated function (same
    answer for every input); its source is the function's ``source`` attribute. Derived once."""
    cached = questionnaire.__dict__.get("_fast_function")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    ids, plan = _fast_plan(questionnaire)
    src = _FastSource()
    for run, step in plan:
        for qid, codes in run:
            src.line(1, f"v = get({qid!r})")
            src.line(1, "if v is None:")
            src.line(2, f"missing.append({qid!r})")
            src.line(1, f"elif v.__class__ in _STR_INT and v in {src.name(codes)}:")
            src.line(2, f"kept[{qid!r}] = v")
            src.line(1, "else:")
            src.line(2, "return None")
        if step is not None:
            src.step(step, questionnaire)
    head = [
        "def validate_and_prune_fast(raw):",
        "    if not raw.keys() <= _ids:",
        "        return None",
        "    get = raw.get",
        "    kept = {}",
        "    missing = []",
    ]
    source = "\n".join([*head, *src.lines, "    return kept, missing"]) + "\n"
    namespace: dict[str, Any] = {
        **src.names,
        "_ids": ids,
        "_STR_INT": _STR_INT,
        "_BAD": _BAD,
        "_checked": _checked,
        "Mapping": Mapping,
        "conditions_hold": conditions_hold,
    }
    exec(compile(source, "<screening.answers._fast_function>", "exec"), namespace)  # noqa: S102
    function = namespace["validate_and_prune_fast"]
    function.source = source
    questionnaire.__dict__["_fast_function"] = function  # static data derived from a frozen model
    return function  # type: ignore[no-any-return]
