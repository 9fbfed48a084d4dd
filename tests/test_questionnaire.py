"""The questionnaire file matches the content contract, and broken files give located messages."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from screening.errors import QuestionnaireError
from screening.questionnaire import DEFAULT_PATH, load_questionnaire, parse_questionnaire

YNU, YNP = ("yes", "no", "unsure"), ("yes", "no", "prefer_not_to_say")
PHQ = (0, 1, 2, 3)
AUDIT = (0, 1, 2, 3, 4)

# Spec §3: id → (section, type, codes or (min, max) or max length, required)
SPEC: dict[str, tuple[str, str, Any, bool]] = {
    "age_years": ("about", "integer", (10, 120), True),
    "sex_at_birth": ("about", "single", ("female", "male", "intersex", "prefer_not_to_say"), True),
    "pregnancy_status": (
        "about",
        "single",
        ("no", "pregnant", "planning", "breastfeeding", "unsure"),
        True,
    ),
    "display_name": ("about", "text", 100, False),
    **{f"phq9_{i}": ("phq9", "single", PHQ, True) for i in range(1, 10)},
    "phq9_difficulty": ("phq9", "single", ("not_difficult", "somewhat", "very", "extremely"), True),
    "si_plan": ("safety", "ynp", YNP, True),
    "si_intent": ("safety", "ynp", YNP, True),
    "self_harm_recent": ("safety", "ynp", YNP, True),
    "dx_depression": ("history", "ynu", YNU, True),
    "episode_duration": ("history", "single", ("lt_6m", "6_to_12m", "13_to_24m", "gt_24m"), True),
    "dx_bipolar": ("history", "ynu", YNU, True),
    "psychosis_history": ("history", "ynu", YNU, True),
    "psychosis_current": ("history", "ynu", YNU, True),
    "ad_trials": ("treatment", "repeat", None, True),
    "augmentation": ("treatment", "ynu", YNU, True),
    "psychotherapy": ("treatment", "single", ("none", "past", "current"), True),
    "ect": ("treatment", "ynu", YNU, True),
    "tms": ("treatment", "ynu", YNU, True),
    "prior_ketamine": (
        "treatment",
        "multi",
        ("iv_ketamine", "esketamine_nasal", "other_ketamine"),
        True,
    ),
    "prior_ketamine_benefit": (
        "treatment",
        "single",
        ("helped", "did_not_help", "stopped_side_effects", "unsure"),
        True,
    ),
    "aneurysm_or_avm": ("medical", "ynu", YNU, True),
    "brain_bleed": ("medical", "ynu", YNU, True),
    "ketamine_allergy": ("medical", "ynu", YNU, True),
    "high_blood_pressure": (
        "medical",
        "single",
        ("no", "yes_controlled", "yes_not_controlled", "unsure"),
        True,
    ),
    "bp_systolic": ("medical", "integer", (60, 260), False),
    "bp_diastolic": ("medical", "integer", (30, 160), False),
    "bp_encephalopathy": ("medical", "ynu", YNU, True),  # rules 1.1 (label §5.6)
    "heart_conditions": (
        "medical",
        "multi",
        (
            "heart_attack",
            "heart_failure",
            "valve_disease",
            "irregular_heartbeat",
            "angina",
            "ischemic_stroke_or_tia",
        ),
        True,
    ),
    "brain_conditions": (
        "medical",
        "multi",
        ("head_injury", "raised_intracranial_pressure", "brain_tumor", "seizures"),
        True,
    ),
    "other_conditions": (
        "medical",
        "multi",
        ("glaucoma", "liver_disease", "bladder_problems", "breathing_problems"),
        True,
    ),
    "auditc_1": ("substances", "single", AUDIT, True),
    "auditc_2": ("substances", "single", AUDIT, True),
    "auditc_3": ("substances", "single", AUDIT, True),
    "drug_use_times": ("substances", "integer", (0, 365), True),
    "substance_problem_history": ("substances", "ynp", YNP, True),
    "ketamine_nonmedical": ("substances", "ynp", YNP, True),
    "current_meds": (
        "medicines",
        "multi",
        (
            "antidepressant",
            "benzodiazepine",
            "sleep_medicine",
            "opioid",
            "stimulant",
            "maoi",
            "lamotrigine",
            "antipsychotic",
            "lithium",
        ),
        True,
    ),
    "ride_home": ("practical", "ynu", YNU, True),
    "attend_twice_weekly": ("practical", "ynu", YNU, True),
    "route_interest": ("practical", "multi", ("iv", "nasal", "oral", "no_preference"), False),
    "notes_for_clinician": ("practical", "text", 1000, False),
}

MEDICATIONS = {
    "SSRI": ("citalopram", "escitalopram", "fluoxetine", "fluvoxamine", "paroxetine", "sertraline"),
    "SNRI": ("desvenlafaxine", "duloxetine", "levomilnacipran", "venlafaxine"),
    "NDRI": ("bupropion",),
    "Other": (
        "mirtazapine",
        "trazodone",
        "nefazodone",
        "vilazodone",
        "vortioxetine",
        "agomelatine",
    ),
    "TCA": (
        "amitriptyline",
        "clomipramine",
        "desipramine",
        "doxepin",
        "imipramine",
        "nortriptyline",
        "protriptyline",
    ),
    "MAOI": ("isocarboxazid", "phenelzine", "selegiline_transdermal", "tranylcypromine"),
}


def test_questions_are_exactly_the_spec(qn) -> None:  # type: ignore[no-untyped-def]
    """Every spec id exists, in spec order, and nothing else."""
    assert [q.id for q in qn.questions] == list(SPEC)


@pytest.mark.parametrize("qid", list(SPEC))
def test_question_matches_spec(qid: str, qn) -> None:  # type: ignore[no-untyped-def]
    """Section, type, codes or range, and requirement match the spec."""
    section, qtype, shape, required = SPEC[qid]
    q = qn.by_id[qid]
    assert (q.section, q.type, q.required) == (section, qtype, required)
    if qtype == "integer":
        assert (q.min, q.max) == shape
    elif qtype == "text":
        assert q.max_length == shape
    elif shape is not None:
        assert q.codes_in_order == shape


def test_trial_sub_questions(qn) -> None:  # type: ignore[no-untyped-def]
    """The trial entry has the spec's sub-ids, range and codes, with 0–15 entries."""
    trials = qn.by_id["ad_trials"]
    subs = trials.item_by_id
    assert list(subs) == [
        "medication",
        "medication_other",
        "weeks",
        "dose_mg_per_day",
        "took_as_prescribed",
        "benefit",
        "status",
    ]
    assert (trials.min_items, trials.max_items) == (0, 15)
    assert (subs["weeks"].min, subs["weeks"].max) == (0, 1040)
    assert subs["medication_other"].max_length == 60
    assert subs["benefit"].codes_in_order == ("none", "a_little", "moderate", "a_lot")
    assert subs["status"].codes_in_order == (
        "still_taking",
        "stopped_not_helping",
        "stopped_side_effects",
        "stopped_other",
    )


def test_medication_list_and_classes(qn) -> None:  # type: ignore[no-untyped-def]
    """The picker lists the spec's medications with their classes, then 'other'."""
    by_class: dict[str, list[str]] = {}
    for m in qn.medications:
        by_class.setdefault(m.drug_class, []).append(m.code)
    assert {k: tuple(v) for k, v in by_class.items()} == MEDICATIONS
    assert qn.by_id["ad_trials"].item_by_id["medication"].codes_in_order[-1] == "other"


def test_every_medication_shows_a_brand(qn) -> None:  # type: ignore[no-untyped-def]
    """People know brands: each picker label shows at least one."""
    assert all(m.brands and "(" in m.picker_label for m in qn.medications)


def test_phq9_is_verbatim(qn) -> None:  # type: ignore[no-untyped-def]
    """PHQ-9 stem, first and ninth items, options and attribution are the published text."""
    assert qn.section_by_id["phq9"].intro == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert qn.by_id["phq9_1"].text == "Little interest or pleasure in doing things"
    assert qn.by_id["phq9_9"].text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert [o.label for o in qn.by_id["phq9_4"].choices] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert "Spitzer, Janet B.W. Williams, Kurt Kroenke" in (
        qn.section_by_id["phq9"].attribution or ""
    )


def test_version_is_semver(qn) -> None:  # type: ignore[no-untyped-def]
    """The questionnaire carries id and a semantic version."""
    assert qn.id == "ketamine-candidacy"
    assert qn.version.count(".") == 2


# --------------------------------------------------------------------------- broken files


def broken(edit: Any) -> str:
    """The message for the bundled questionnaire after ``edit(raw)``."""
    raw = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    edit(raw)
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(raw, "questions/x.toml")
    return str(info.value)


def _q(raw: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in raw["questions"] if q["id"] == qid)


def test_unknown_key_is_located() -> None:
    """A misspelt key names the question index and id."""
    msg = broken(lambda r: _q(r, "age_years").update(requried=True))
    assert msg.startswith("questions/x.toml › questions[0] (age_years) › requried: Extra inputs")
    assert "remove it or check its spelling" in msg


def test_bad_type_is_located() -> None:
    """An unknown question type lists the allowed ones."""
    msg = broken(lambda r: _q(r, "ect").update(type="yesno"))
    assert "questions[25] (ect) › type" in msg and "'ynu'" in msg


def test_duplicate_code_is_reported() -> None:
    """A code listed twice is named."""

    def edit(r: dict[str, Any]) -> None:
        _q(r, "psychotherapy")["options"].append({"code": "past", "label": "Again"})

    assert (
        "questions[24] (psychotherapy).options: 'past' is listed twice; every code must be unique"
        in broken(edit)
    )


def test_condition_on_unknown_code_says_what_is_expected() -> None:
    """A condition value that is not a code of its question lists the codes."""

    def edit(r: dict[str, Any]) -> None:
        _q(r, "pregnancy_status")["enabled_when"][0]["value"] = "males"

    msg = broken(edit)
    assert (
        "questions[2] (pregnancy_status).enabled_when[0].value: 'males' is not a code of 'sex_at_birth'"
        in msg
    )
    assert "expected female, intersex, male, prefer_not_to_say" in msg


def test_condition_on_a_later_question_is_refused() -> None:
    """A question may only depend on questions asked before it."""

    def edit(r: dict[str, Any]) -> None:
        _q(r, "age_years")["enabled_when"] = [{"question": "ect", "operator": "=", "value": "yes"}]

    assert "'ect' is not an earlier question" in broken(edit)


def test_unknown_option_set_is_named() -> None:
    """options = "name" must name a known set."""
    msg = broken(lambda r: _q(r, "phq9_1").update(options="phq_freq"))
    assert "questions[4].options: 'phq_freq' is not an option set" in msg


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    """A TOML syntax error names the file and where."""
    bad = tmp_path / "broken.toml"
    bad.write_text('id = "x"\nversion = \n', encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(bad)
    assert "broken.toml: not valid TOML" in str(info.value) and "line 2" in str(info.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    """A missing file is named."""
    with pytest.raises(QuestionnaireError, match=r"nope\.toml: file not found"):
        load_questionnaire(tmp_path / "nope.toml")
