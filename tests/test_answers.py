"""Answer validation is strict; null and blank text mean unanswered; hidden answers are pruned."""

from __future__ import annotations

from typing import Any

import pytest

from screening.answers import missing_answers, prune, validate_answers
from screening.errors import AnswersInvalid


def problems(raw: Any, qn) -> list[str]:  # type: ignore[no-untyped-def]
    """The problems validation reports, as 'path: message' strings."""
    with pytest.raises(AnswersInvalid) as info:
        validate_answers(raw, qn)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"age_years": True}, "age_years: expected a whole number, found true"),
        ({"age_years": 40.5}, "age_years: expected a whole number, found 40.5"),
        ({"age_years": 40.0}, "age_years: expected a whole number, found 40.0"),
        ({"age_years": float("nan")}, "age_years: expected a whole number, found NaN"),
        ({"age_years": "40"}, "age_years: expected a whole number, found '40'"),
        ({"age_years": 121}, "age_years: 121 is out of range; expected 10 to 120"),
        (
            {"age_years": 10**100},
            "age_years: a very large number is out of range; expected 10 to 120",
        ),
        ({"phq9_1": "2"}, "phq9_1: '2' is not one of the codes; expected 0, 1, 2, 3"),
        ({"phq9_1": True}, "phq9_1: true is not one of the codes; expected 0, 1, 2, 3"),
        (
            {"dx_bipolar": "maybe"},
            "dx_bipolar: 'maybe' is not one of the codes; expected 'yes', 'no', 'unsure'",
        ),
        (
            {"si_plan": "unsure"},
            "si_plan: 'unsure' is not one of the codes; expected 'yes', 'no', 'prefer_not_to_say'",
        ),
        ({"current_meds": "opioid"}, "current_meds: expected a list of codes, found 'opioid'"),
        (
            {"current_meds": ["opioid", "opioid"]},
            "current_meds: 'opioid' is listed twice; list each code once",
        ),
        ({"nickname": "x"}, "nickname: is not a question of this questionnaire"),
        ({"display_name": "x" * 101}, "display_name: is 101 characters long; the limit is 100"),
        ({"display_name": "a\x00b"}, "display_name: contains a NUL character; remove it"),
        (
            {"ad_trials": {"medication": "sertraline"}},
            "ad_trials: expected a list of entries, found an object",
        ),
        ({"ad_trials": [{}] * 16}, "ad_trials: has 16 entries; the limit is 15"),
        ({"ad_trials": ["sertraline"]}, "ad_trials[0]: expected an object, found 'sertraline'"),
        ({"ad_trials": [{"dose_mg": 50}]}, "ad_trials[0].dose_mg: is not part of an entry"),
        (
            {"ad_trials": [{"weeks": 1041}]},
            "ad_trials[0].weeks: 1041 is out of range; expected 0 to 1040",
        ),
    ],
)
def test_refused(raw: dict[str, Any], expected: str, qn) -> None:  # type: ignore[no-untyped-def]
    """Each wrong value is refused with a message naming the place and the expectation."""
    assert problems(raw, qn) == [expected]


def test_answers_must_be_an_object(qn) -> None:  # type: ignore[no-untyped-def]
    """A list is not an answers object."""
    assert problems([1, 2], qn) == ["answers: expected an object, found a list of 2"]


def test_every_problem_is_listed(qn) -> None:  # type: ignore[no-untyped-def]
    """All problems are reported at once, not only the first."""
    assert len(problems({"age_years": -1, "phq9_1": 9, "x": 1}, qn)) == 3


def test_null_means_unanswered(qn) -> None:  # type: ignore[no-untyped-def]
    """null is accepted and treated as no answer."""
    assert validate_answers({"age_years": None, "phq9_1": 0}, qn) == {"phq9_1": 0}


def test_text_is_trimmed_and_blank_is_unanswered(qn) -> None:  # type: ignore[no-untyped-def]
    """Text is trimmed; blank text is no answer."""
    clean = validate_answers({"display_name": "  Sam  ", "notes_for_clinician": "   "}, qn)
    assert clean == {"display_name": "Sam"}


def test_empty_multi_is_an_answer(qn) -> None:  # type: ignore[no-untyped-def]
    """[] is the answer 'none of these', not a missing answer."""
    assert validate_answers({"heart_conditions": []}, qn) == {"heart_conditions": []}
    assert "heart_conditions" not in missing_answers({"heart_conditions": []}, qn, "medical")


def test_hidden_answers_are_pruned(qn) -> None:  # type: ignore[no-untyped-def]
    """Answers to questions whose enabled_when is false are dropped."""
    answers = {
        "sex_at_birth": "male",
        "pregnancy_status": "pregnant",
        "phq9_9": 0,
        "si_plan": "yes",
        "auditc_1": 0,
        "auditc_2": 3,
    }
    assert prune(answers, qn) == {"sex_at_birth": "male", "phq9_9": 0, "auditc_1": 0}


def test_hidden_sub_answer_is_pruned(qn) -> None:  # type: ignore[no-untyped-def]
    """medication_other is dropped unless the medication is 'other'."""
    kept = prune({"ad_trials": [{"medication": "sertraline", "medication_other": "x"}]}, qn)
    assert kept == {"ad_trials": [{"medication": "sertraline"}]}


def test_missing_lists_required_enabled_questions_in_order(qn) -> None:  # type: ignore[no-untyped-def]
    """An empty form misses every required, enabled question of a section, in order."""
    assert missing_answers({}, qn, "about") == ["age_years", "sex_at_birth", "pregnancy_status"]


def test_optional_questions_are_never_missing(qn) -> None:  # type: ignore[no-untyped-def]
    """Optional questions (display name, notes, routes) are never listed as missing."""
    missing = missing_answers({}, qn)
    assert {"display_name", "notes_for_clinician", "route_interest", "bp_systolic"} & set(
        missing
    ) == set()


def test_unanswered_sex_still_asks_about_pregnancy(qn) -> None:  # type: ignore[no-untyped-def]
    """'!=' on an unanswered question holds: pregnancy is asked until sex is known to be male."""
    assert "pregnancy_status" in missing_answers({}, qn, "about")


def test_each_questionnaire_is_checked_by_its_own_plan(qn) -> None:  # type: ignore[no-untyped-def]
    """The compiled plan belongs to one questionnaire object: a questionnaire with a
    narrower age range refuses an age the bundled one accepts, and the other way round."""
    age = qn.by_id["age_years"]
    narrow_age = age.model_copy(update={"max": 30})
    narrow = qn.model_copy(
        update={"questions": tuple(narrow_age if q.id == "age_years" else q for q in qn.questions)}
    )
    for _ in range(2):  # and again, once both plans are built
        assert validate_answers({"age_years": 40}, qn) == {"age_years": 40}
        assert problems({"age_years": 40}, narrow) == [
            "age_years: 40 is out of range; expected 10 to 30"
        ]
