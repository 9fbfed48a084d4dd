"""The generated functions (rules, one-pass validation, trial counts) against the reference
paths they replace: the predicates' own ``__call__``, ``_validate_and_prune_fast`` and
``assess_trials``. Same findings in the same order with the same evidence, same kept
answers in the same order, same missing ids, same errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.data import synthetic_records
from screening import rules, scoring
from screening.answers import (
    _fast_function,
    _validate_and_prune_fast,
    prune,
    prune_and_find_missing,
    validate_answers,
)
from screening.record import parse_json, read_record
from screening.rules import (
    ORDERED_CATALOGUE,
    Finding,
    Result,
    _fire,
    evaluate_pruned,
)
from screening.scoring import (
    assess_trials,
    compute_scores,
    trial_counts,
)
from tests.test_properties import ANSWERS, JUNK, NOISY, QN, SETTINGS

VIGNETTES = Path(__file__).parent / "data" / "vignettes.json"
SYNTHETIC = [
    record
    for seed, trials in ((20261127, None), (1, None), (2, 0), (3, 1), (4, 5), (5, 15))
    for record in synthetic_records(60, trials, seed)
]


def _vignette_answers() -> list[dict[str, Any]]:
    return [v["answers"] for v in json.loads(VIGNETTES.read_text(encoding="utf-8"))]


def _synthetic_answers() -> list[dict[str, Any]]:
    return [parse_json(record, "r.json")["answers"] for record in SYNTHETIC]


FIXED = _vignette_answers() + _synthetic_answers()


# --------------------------------------------------------------------------- references


def reference_findings(facts: dict[str, Any]) -> list[Finding]:
    """Every rule's predicate called as an object, in display order."""
    found = []
    for rule in ORDERED_CATALOGUE:
        evidence = rule.when(facts)
        if evidence is not None:
            found.append(
                Finding(rule.id, rule.kind, rule.title, rule.patient, rule.source, evidence)
            )
    return found


def reference_trial_counts(answers: dict[str, Any]) -> tuple[int | None, int | None]:
    """The counts read off ``assess_trials``."""
    if answers.get("ad_trials") is None:
        return None, None
    adequate: set[str] = set()
    possible: set[str] = set()
    for t in assess_trials(answers):
        if not t.complete or not t.failed or t.medication is None:
            continue
        if t.adequate:
            adequate.add(t.medication)
        elif t.possibly_adequate:
            possible.add(t.medication)
    return len(adequate), len(possible - adequate)


def reference_result(raw: dict[str, Any]) -> Result:
    """Validate, prune, score and fire rules with the reference paths only: the two-step
    validation, and ``evaluate_pruned`` with the reference trial counts and findings in
    place of the generated ones."""
    kept, missing = prune_and_find_missing(validate_answers(raw, QN), QN)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scoring, "trial_counts", reference_trial_counts)
        patch.setattr(rules, "_fire", reference_findings)
        return evaluate_pruned(kept, missing)


def exactly(value: Any) -> Any:
    """A value with the order of every dict's keys made visible to ``==``."""
    if isinstance(value, dict):
        return [(type(value), k, exactly(v)) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return (type(value), [exactly(v) for v in value])
    return (type(value), value)


def outcome(function: Any, facts: dict[str, Any]) -> Any:
    """What ``function(facts)`` gives, exactly, or the type of what it raises."""
    try:
        return exactly(function(facts))
    except Exception as exc:  # the kind of failure is what is compared
        return type(exc)


def facts_of(raw: dict[str, Any]) -> dict[str, Any]:
    kept = prune(raw, QN)
    return {**kept, **compute_scores(kept)}


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("raw", FIXED)
def test_generated_rules_match_the_predicates_on_fixed_answers(raw: dict[str, Any]) -> None:
    """On vignettes and synthetic records the generated rules fire what the predicates fire."""
    facts = facts_of(validate_answers(raw, QN))
    assert exactly(_fire(facts)) == exactly(reference_findings(facts))


@SETTINGS
@given(ANSWERS)
def test_generated_rules_match_the_predicates_on_any_answers(raw: dict[str, Any]) -> None:
    """On any valid answers the generated rules fire what the predicates fire."""
    facts = facts_of(raw)
    assert exactly(_fire(facts)) == exactly(reference_findings(facts))


FACT_KEYS = sorted({k for r in ORDERED_CATALOGUE for k in r.reads})


@SETTINGS
@given(st.dictionaries(st.sampled_from(FACT_KEYS), JUNK | st.integers(-3, 30), max_size=12))
def test_generated_rules_match_the_predicates_on_junk_facts(facts: dict[str, Any]) -> None:
    """Even facts no validation would let through fire the same findings (or raise alike)."""
    assert outcome(_fire, facts) == outcome(reference_findings, facts)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("raw", FIXED)
def test_generated_validation_matches_the_one_pass_on_fixed_answers(raw: dict[str, Any]) -> None:
    """On vignettes and synthetic records the generated check keeps and misses the same."""
    generated = _fast_function(QN)(raw)
    assert generated is not None
    assert exactly(generated) == exactly(_validate_and_prune_fast(raw, QN))
    assert exactly(generated) == exactly(prune_and_find_missing(validate_answers(raw, QN), QN))


@SETTINGS
@given(NOISY)
def test_generated_validation_matches_the_one_pass_on_noisy_answers(raw: dict[str, Any]) -> None:
    """On answers with junk mixed in, the generated check answers what the loop answers."""
    assert exactly(_fast_function(QN)(raw)) == exactly(_validate_and_prune_fast(raw, QN))


# --------------------------------------------------------------------------- scores


@SETTINGS
@given(ANSWERS)
def test_trial_counts_match_the_assessments(raw: dict[str, Any]) -> None:
    """Counting trials directly gives what counting their assessments gives."""
    kept = prune(raw, QN)
    assert trial_counts(kept) == reference_trial_counts(kept)


# --------------------------------------------------------------------------- whole result


@pytest.mark.parametrize("raw", FIXED)
def test_result_matches_the_reference_path_on_fixed_answers(raw: dict[str, Any]) -> None:
    """The whole result equals the one of the reference paths, evidence order included."""
    kept, missing = prune_and_find_missing(validate_answers(raw, QN), QN)
    assert exactly(evaluate_pruned(kept, missing)) == exactly(reference_result(raw))


@SETTINGS
@given(ANSWERS)
def test_result_matches_the_reference_path_on_any_answers(raw: dict[str, Any]) -> None:
    """On any valid answers the whole result equals the one of the reference paths."""
    kept, missing = prune_and_find_missing(validate_answers(raw, QN), QN)
    assert exactly(evaluate_pruned(kept, missing)) == exactly(reference_result(raw))


@pytest.mark.parametrize("record", SYNTHETIC[::7])
def test_read_record_matches_the_reference_path(record: bytes) -> None:
    """A synthetic record reads back with the reference result and no mismatch."""
    loaded = read_record(record, "r.json", QN)
    expected = reference_result(json.loads(record)["answers"])
    assert exactly(loaded.result) == exactly(expected)
    assert loaded.mismatches == ()
