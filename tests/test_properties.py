"""Properties that hold for any valid answers (hypothesis)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.answers import prune
from screening.questionnaire import Question, load_questionnaire
from screening.record import build_record, dump_record, read_record
from screening.rules import OUTCOMES, evaluate
from screening.safety import crisis_flag

QN = load_questionnaire()
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def value_of(q: Question) -> st.SearchStrategy[Any]:
    """Any valid value for one (sub-)question."""
    if q.type == "integer":
        assert q.min is not None and q.max is not None
        return st.integers(q.min, q.max)
    if q.type == "text":
        assert q.max_length is not None
        return (
            st.text(min_size=1, max_size=min(q.max_length, 40))
            .map(str.strip)
            .filter(lambda s: bool(s) and "\x00" not in s)
        )
    if q.type == "multi":
        return st.lists(st.sampled_from(q.codes_in_order), unique=True)
    if q.type == "repeat":
        entry = st.fixed_dictionaries({}, optional={s.id: value_of(s) for s in q.items})
        return st.lists(entry, max_size=5)
    return st.sampled_from(q.codes_in_order)


ANSWERS = st.fixed_dictionaries({}, optional={q.id: value_of(q) for q in QN.questions})


def spec_crisis(answers: dict[str, Any]) -> bool:
    """Spec §5, written independently of the rules module."""
    kept = prune(answers, QN)
    if kept.get("phq9_9", 0) >= 1:
        return True
    return any(
        kept.get(k) in ("yes", "prefer_not_to_say")
        for k in ("si_plan", "si_intent", "self_harm_recent")
    )


@SETTINGS
@given(ANSWERS)
def test_evaluate_gives_exactly_one_known_outcome(answers: dict[str, Any]) -> None:
    """evaluate never raises and gives one of the five outcomes."""
    assert evaluate(answers, QN).outcome in OUTCOMES


@SETTINGS
@given(ANSWERS)
def test_crisis_exactly_when_spec_says(answers: dict[str, Any]) -> None:
    """crisis is true exactly when PHQ-9 item 9 ≥ 1 or a shown safety answer is yes/prefer not."""
    assert evaluate(answers, QN).crisis is spec_crisis(answers)


@SETTINGS
@given(ANSWERS)
def test_display_flag_never_misses_a_crisis(answers: dict[str, Any]) -> None:
    """The page's raw-answers crisis flag is true whenever the result's crisis is."""
    if evaluate(answers, QN).crisis:
        assert crisis_flag(answers)


@SETTINGS
@given(ANSWERS, st.integers(1, 9))
def test_raising_a_phq9_item_never_lowers_the_total(answers: dict[str, Any], item: int) -> None:
    """Raising one PHQ-9 item by one never lowers the total."""
    key = f"phq9_{item}"
    before = evaluate(answers, QN).scores["phq9_total"]
    if answers.get(key, 3) < 3 and before is not None:
        after = evaluate({**answers, key: answers[key] + 1}, QN).scores["phq9_total"]
        assert after is not None and after >= before


@SETTINGS
@given(ANSWERS, ANSWERS)
def test_hidden_answers_never_change_the_result(
    answers: dict[str, Any], noise: dict[str, Any]
) -> None:
    """Adding answers to questions that are hidden leaves the result unchanged."""
    kept = prune(answers, QN)
    hidden = {k: v for k, v in noise.items() if k not in answers}
    merged = {**answers, **hidden}
    if prune(merged, QN) == kept:
        assert evaluate(merged, QN) == evaluate(answers, QN)


@SETTINGS
@given(ANSWERS)
def test_pruned_answers_evaluate_the_same(answers: dict[str, Any]) -> None:
    """Evaluating the pruned answers gives the same result as the raw ones."""
    assert evaluate(prune(answers, QN), QN) == evaluate(answers, QN)


@SETTINGS
@given(ANSWERS)
def test_record_write_read_is_lossless(answers: dict[str, Any]) -> None:
    """write → read of a record gives back the pruned answers, the result and no mismatch."""
    record = build_record(
        answers,
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        app_version="test",
        questionnaire=QN,
    )
    loaded = read_record(dump_record(record), "r.json", QN)
    assert loaded.answers == prune(answers, QN)
    assert loaded.result.to_dict() == record["result"]
    assert loaded.mismatches == ()
    assert json.loads(dump_record(record)) == record


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 600),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.sampled_from(["yes", "no", "x", "opioid"]), max_size=3),
    st.just([{"medication": "other", "weeks": 8}]),
    st.just({"a": 1}),
)
NOISY = st.tuples(
    ANSWERS,
    st.dictionaries(st.sampled_from([q.id for q in QN.questions] + ["bogus"]), JUNK, max_size=3),
).map(lambda t: {**t[0], **t[1]})


def _two_step(raw: dict[str, Any]) -> tuple[str, Any]:
    from screening.answers import prune_and_find_missing, validate_answers
    from screening.errors import AnswersInvalid

    try:
        return "ok", prune_and_find_missing(validate_answers(raw, QN), QN)
    except AnswersInvalid as exc:
        return "invalid", [str(p) for p in exc.problems]


def _one_pass(raw: dict[str, Any]) -> tuple[str, Any]:
    from screening.answers import validate_and_prune
    from screening.errors import AnswersInvalid

    try:
        return "ok", validate_and_prune(raw, QN)
    except AnswersInvalid as exc:
        return "invalid", [str(p) for p in exc.problems]


@SETTINGS
@given(NOISY)
def test_fast_path_equals_validate_then_prune(raw: dict[str, Any]) -> None:
    """The one-pass reader gives exactly what validation then pruning gives, problems included."""
    assert _one_pass(raw) == _two_step(raw)
