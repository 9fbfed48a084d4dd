"""Our own cases, each a small change to the typical-trd answers: every finding, every
outcome and the boundaries (PHQ-9 9/10, 4/6 weeks, 140/90, AUDIT-C by sex, distinct
medications, pruning, missing answers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from screening.answers import validate_answers
from screening.rules import CATALOGUE, OUTCOMES, Result, evaluate
from tests.conftest import load_vignettes, vignette

DROP = object()


def trial(med: str, weeks: int, took: str = "yes", benefit: str = "none", **extra: Any) -> dict:
    """One antidepressant trial entry."""
    return {
        "medication": med,
        "weeks": weeks,
        "took_as_prescribed": took,
        "benefit": benefit,
        "status": "stopped_not_helping",
        **extra,
    }


PHQ_8 = {f"phq9_{i}": (1 if i <= 8 else 0) for i in range(1, 10)}  # total 8
PHQ_9 = {**PHQ_8, "phq9_1": 2}  # total 9
PHQ_10 = {**PHQ_8, "phq9_1": 2, "phq9_2": 2}  # total 10


@dataclass
class Case:
    """A story, the change to the base answers, and what must follow."""

    id: str
    story: str
    change: dict[str, Any]
    outcome: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    scores: dict[str, Any] = field(default_factory=dict)
    crisis: bool | None = None
    missing: tuple[str, ...] | None = None


CASES = [
    Case(
        "phq9-9",
        "PHQ-9 total 9 is mild.",
        PHQ_9,
        "discuss_other_options",
        ("F-SYMPTOMS-LOW",),
        ("F-SYMPTOMS-MODERATE",),
        {"phq9_total": 9, "phq9_band": "mild"},
    ),
    Case(
        "phq9-10",
        "PHQ-9 total 10 is moderate.",
        PHQ_10,
        "discuss_ketamine",
        ("F-SYMPTOMS-MODERATE",),
        ("F-SYMPTOMS-LOW",),
        {"phq9_total": 10, "phq9_band": "moderate"},
    ),
    Case(
        "weeks-6",
        "Six weeks at dose, as prescribed, is adequate.",
        {"ad_trials": [trial("sertraline", 6), trial("bupropion", 6)]},
        "discuss_ketamine",
        ("F-TRD-PATTERN",),
        scores={"failed_adequate_trials": 2},
    ),
    Case(
        "weeks-5",
        "Five weeks is only possibly adequate.",
        {"ad_trials": [trial("sertraline", 5), trial("bupropion", 8)]},
        "discuss_other_options",
        ("F-FEW-TRIALS", "F-TRIALS-UNCLEAR"),
        ("F-TRD-PATTERN",),
        {"failed_adequate_trials": 1, "possibly_adequate_trials": 1},
    ),
    Case(
        "weeks-4",
        "Four weeks is the lower edge of possibly adequate.",
        {"ad_trials": [trial("sertraline", 4), trial("bupropion", 4)]},
        include=("F-TRIALS-UNCLEAR",),
        scores={"failed_adequate_trials": 0, "possibly_adequate_trials": 2},
    ),
    Case(
        "weeks-3",
        "Trials under 4 weeks never count.",
        {"ad_trials": [trial("sertraline", 3), trial("bupropion", 3)]},
        include=("F-FEW-TRIALS",),
        exclude=("F-TRIALS-UNCLEAR",),
        scores={"failed_adequate_trials": 0, "possibly_adequate_trials": 0},
    ),
    Case(
        "adherence-unsure",
        "Unsure about adherence is never counted as yes.",
        {"ad_trials": [trial("sertraline", 10, "unsure"), trial("bupropion", 10, "unsure")]},
        include=("F-TRIALS-UNCLEAR", "F-FEW-TRIALS"),
        scores={"failed_adequate_trials": 0, "possibly_adequate_trials": 2},
    ),
    Case(
        "responded",
        "A trial that helped a lot is not a failure.",
        {"ad_trials": [trial("sertraline", 10, benefit="a_lot"), trial("bupropion", 10)]},
        include=("F-FEW-TRIALS",),
        scores={"failed_adequate_trials": 1},
    ),
    Case(
        "same-medication",
        "Two trials of one medication count once.",
        {"ad_trials": [trial("sertraline", 8), trial("sertraline", 12)]},
        include=("F-FEW-TRIALS",),
        scores={"failed_adequate_trials": 1},
    ),
    Case(
        "other-same-name",
        "Two 'other' entries with the same name, in any case, count once.",
        {
            "ad_trials": [
                trial("other", 8, medication_other="Reboxetine"),
                trial("other", 8, medication_other="  reboxetine "),
            ]
        },
        scores={"failed_adequate_trials": 1},
    ),
    Case(
        "other-two-names",
        "Two different 'other' medications count twice.",
        {
            "ad_trials": [
                trial("other", 8, medication_other="Reboxetine"),
                trial("other", 8, medication_other="Milnacipran"),
            ]
        },
        include=("F-TRD-PATTERN",),
        scores={"failed_adequate_trials": 2},
    ),
    Case(
        "no-trials",
        "No antidepressant yet: [] is an answer.",
        {"ad_trials": []},
        "discuss_other_options",
        ("F-FEW-TRIALS",),
        ("F-TRIALS-UNCLEAR",),
        {"failed_adequate_trials": 0, "msm_total": None},
    ),
    Case(
        "trials-missing",
        "Trials not answered: no trial finding, incomplete.",
        {"ad_trials": DROP},
        "incomplete",
        (),
        ("F-FEW-TRIALS", "F-TRD-PATTERN"),
        {"failed_adequate_trials": None},
        missing=("ad_trials",),
    ),
    Case(
        "trial-half",
        "A trial missing its benefit counts for nothing.",
        {
            "ad_trials": [
                trial("sertraline", 8),
                {k: v for k, v in trial("bupropion", 8).items() if k != "benefit"},
            ]
        },
        "incomplete",
        ("F-FEW-TRIALS",),
        scores={"failed_adequate_trials": 1},
        missing=("ad_trials[1].benefit",),
    ),
    Case(
        "other-unnamed",
        "An 'other' trial needs its name.",
        {"ad_trials": [trial("sertraline", 8), trial("other", 8)]},
        "incomplete",
        scores={"failed_adequate_trials": 1},
        missing=("ad_trials[1].medication_other",),
    ),
    Case(
        "bp-140-90",
        "140/90 is at the label's 140/90 guide: blood pressure to check (rules 1.1).",
        {"bp_systolic": 140, "bp_diastolic": 90},
        "discuss_ketamine",
        ("F-BP-HIGH",),
        ("F-BP-CRISIS-READING",),
    ),
    Case(
        "bp-139-89",
        "139/89 is below the 140/90 guide.",
        {"bp_systolic": 139, "bp_diastolic": 89},
        "discuss_ketamine",
        exclude=("F-BP-HIGH", "F-BP-CRISIS-READING"),
    ),
    Case(
        "bp-179-119",
        "179/119 is high but below the crisis band.",
        {"bp_systolic": 179, "bp_diastolic": 119},
        "discuss_ketamine",
        ("F-BP-HIGH",),
        ("F-BP-CRISIS-READING",),
    ),
    Case(
        "bp-180-systolic",
        "A systolic of 180 is in the AHA crisis band: review first.",
        {"bp_systolic": 180, "bp_diastolic": 95},
        "clinician_review_first",
        ("F-BP-CRISIS-READING", "F-BP-HIGH"),
    ),
    Case(
        "bp-120-diastolic",
        "A diastolic of 120 is in the AHA crisis band: review first.",
        {"bp_systolic": 150, "bp_diastolic": 120},
        "clinician_review_first",
        ("F-BP-CRISIS-READING",),
    ),
    Case(
        "bp-141",
        "A systolic of 141 is high.",
        {"bp_systolic": 141, "bp_diastolic": 80},
        include=("F-BP-HIGH",),
    ),
    Case(
        "bp-91",
        "A diastolic of 91 is high.",
        {"bp_systolic": 120, "bp_diastolic": 91},
        include=("F-BP-HIGH",),
    ),
    Case(
        "bp-half",
        "A systolic reading needs its diastolic.",
        {"bp_systolic": 150},
        "incomplete",
        ("F-BP-HIGH",),
        missing=("bp_diastolic",),
    ),
    Case(
        "bp-controlled",
        "Controlled hypertension is a point to raise.",
        {"high_blood_pressure": "yes_controlled", "bp_encephalopathy": "no"},
        "discuss_ketamine",
        ("F-BP-HIGH",),
    ),
    Case(
        "encephalopathy-unsure",
        "Unsure about hypertensive encephalopathy is a point to check, not a no.",
        {"high_blood_pressure": "yes_controlled", "bp_encephalopathy": "unsure"},
        "discuss_ketamine",
        ("F-HYPERTENSIVE-ENCEPHALOPATHY-UNSURE",),
    ),
    Case(
        "encephalopathy-missing",
        "With high blood pressure, the encephalopathy question must be answered.",
        {"high_blood_pressure": "yes_controlled"},
        "incomplete",
        missing=("bp_encephalopathy",),
    ),
    Case(
        "bp-unsure",
        "Unsure about blood pressure is never 'no'.",
        {"high_blood_pressure": "unsure", "bp_encephalopathy": "no"},
        include=("F-BP-HIGH",),
    ),
    Case(
        "bp-uncontrolled",
        "Uncontrolled hypertension needs review.",
        {"high_blood_pressure": "yes_not_controlled", "bp_encephalopathy": "no"},
        "clinician_review_first",
        ("F-BP-UNCONTROLLED",),
    ),
    Case(
        "auditc-female-3",
        "AUDIT-C 3 is positive for a woman: alcohol, not a history of substance problems.",
        {"auditc_1": 1, "auditc_2": 1, "auditc_3": 1},
        include=("F-ALCOHOL",),
        exclude=("F-SUBSTANCE",),
        scores={"auditc_total": 3, "auditc_positive": True},
    ),
    Case(
        "auditc-male-3",
        "AUDIT-C 3 is negative for a man.",
        {
            "sex_at_birth": "male",
            "pregnancy_status": DROP,
            "auditc_1": 1,
            "auditc_2": 1,
            "auditc_3": 1,
        },
        exclude=("F-SUBSTANCE", "F-ALCOHOL"),
        scores={"auditc_total": 3, "auditc_positive": False},
    ),
    Case(
        "auditc-male-4",
        "AUDIT-C 4 is positive for a man.",
        {
            "sex_at_birth": "male",
            "pregnancy_status": DROP,
            "auditc_1": 2,
            "auditc_2": 1,
            "auditc_3": 1,
        },
        include=("F-ALCOHOL",),
        exclude=("F-SUBSTANCE",),
        scores={"auditc_total": 4, "auditc_positive": True},
    ),
    Case(
        "auditc-never",
        "Never drinking hides items 2–3; their answers are pruned.",
        {"auditc_1": 0, "auditc_2": 4, "auditc_3": 4},
        exclude=("F-SUBSTANCE",),
        scores={"auditc_total": 0, "auditc_positive": False},
    ),
    Case(
        "male-pregnancy-pruned",
        "A pregnancy answer from a man is hidden and pruned.",
        {"sex_at_birth": "male", "pregnancy_status": "pregnant"},
        "discuss_ketamine",
        exclude=("F-PREGNANCY",),
    ),
    Case(
        "pregnancy-unsure",
        "Unsure about pregnancy.",
        {"pregnancy_status": "unsure"},
        "discuss_ketamine",
        ("F-PREGNANCY-UNSURE",),
    ),
    Case(
        "breastfeeding",
        "Breastfeeding needs review.",
        {"pregnancy_status": "breastfeeding"},
        "clinician_review_first",
        ("F-PREGNANCY",),
    ),
    Case(
        "age-17",
        "Under 18 needs review.",
        {"age_years": 17},
        "clinician_review_first",
        ("F-UNDER-18",),
    ),
    Case(
        "age-18",
        "Eighteen is not under 18.",
        {"age_years": 18},
        "discuss_ketamine",
        exclude=("F-UNDER-18",),
    ),
    Case("age-65", "Aged 65.", {"age_years": 65}, "discuss_ketamine", ("F-AGE-65",)),
    Case("age-64", "Aged 64.", {"age_years": 64}, exclude=("F-AGE-65",)),
    Case(
        "vascular-unsure",
        "Unsure about an aneurysm.",
        {"aneurysm_or_avm": "unsure"},
        "clinician_review_first",
        ("F-VASCULAR-UNSURE",),
        ("F-VASCULAR",),
    ),
    Case(
        "brain-bleed",
        "A past brain bleed.",
        {"brain_bleed": "yes"},
        "clinician_review_first",
        ("F-BRAIN-BLEED",),
    ),
    Case(
        "brain-bleed-unsure",
        "Unsure about a brain bleed.",
        {"brain_bleed": "unsure"},
        "clinician_review_first",
        ("F-BRAIN-BLEED-UNSURE",),
    ),
    Case(
        "allergy",
        "Allergic to ketamine.",
        {"ketamine_allergy": "yes"},
        "clinician_review_first",
        ("F-ALLERGY",),
    ),
    Case(
        "allergy-unsure",
        "Unsure about an allergy.",
        {"ketamine_allergy": "unsure"},
        "clinician_review_first",
        ("F-ALLERGY-UNSURE",),
    ),
    Case(
        "bipolar-unsure",
        "Unsure about high moods.",
        {"dx_bipolar": "unsure"},
        "clinician_review_first",
        ("F-BIPOLAR-UNSURE",),
    ),
    Case(
        "psychosis",
        "Past psychosis, not in this episode.",
        {"psychosis_history": "yes", "psychosis_current": "no"},
        "clinician_review_first",
        ("F-PSYCHOSIS",),
        scores={"msm_total": 6},
    ),
    Case(
        "psychosis-current",
        "Psychotic features now raise MSM severity to 5, and need review first.",
        {"psychosis_history": "unsure", "psychosis_current": "yes"},
        "clinician_review_first",
        ("F-PSYCHOSIS-UNSURE", "F-PSYCHOSIS-CURRENT"),
        scores={"msm_total": 8, "msm_band": "moderate"},
    ),
    Case(
        "psychosis-current-missing",
        "Unsure history asks about now; missing is not 'no'.",
        {"psychosis_history": "unsure"},
        "incomplete",
        scores={"msm_total": None},
        missing=("psychosis_current",),
    ),
    Case(
        "psychosis-current-pruned",
        "No psychosis history hides the current question.",
        {"psychosis_history": "no", "psychosis_current": "yes"},
        "discuss_ketamine",
        scores={"msm_total": 6},
    ),
    Case(
        "heart",
        "A heart condition needs review.",
        {"heart_conditions": ["angina"]},
        "clinician_review_first",
        ("F-HEART",),
    ),
    Case(
        "intracranial",
        "A brain tumour needs review.",
        {"brain_conditions": ["brain_tumor"]},
        "clinician_review_first",
        ("F-INTRACRANIAL",),
        ("F-SEIZURES",),
    ),
    Case(
        "seizures",
        "Seizures alone are a caution.",
        {"brain_conditions": ["seizures"]},
        "discuss_ketamine",
        ("F-SEIZURES",),
        ("F-INTRACRANIAL",),
    ),
    Case(
        "other-conditions",
        "Glaucoma, liver, bladder, breathing are cautions.",
        {
            "other_conditions": [
                "glaucoma",
                "liver_disease",
                "bladder_problems",
                "breathing_problems",
            ]
        },
        "discuss_ketamine",
        ("F-GLAUCOMA", "F-LIVER", "F-BLADDER", "F-BREATHING"),
    ),
    Case(
        "ketamine-misuse",
        "Non-medical ketamine use needs review.",
        {"ketamine_nonmedical": "yes"},
        "clinician_review_first",
        ("F-KETAMINE-MISUSE",),
    ),
    Case(
        "drug-once",
        "Any drug use in the past year.",
        {"drug_use_times": 1},
        include=("F-SUBSTANCE",),
    ),
    Case(
        "substance-history",
        "A past substance problem.",
        {"substance_problem_history": "yes"},
        include=("F-SUBSTANCE",),
    ),
    Case(
        "sedatives",
        "Benzodiazepine and opioid.",
        {"current_meds": ["benzodiazepine", "opioid"]},
        "discuss_ketamine",
        ("F-SEDATIVES", "F-BENZO-EFFECT"),
    ),
    Case(
        "sleep-medicine",
        "A sleeping tablet alone is a sedative but not a benzodiazepine.",
        {"current_meds": ["sleep_medicine"]},
        include=("F-SEDATIVES",),
        exclude=("F-BENZO-EFFECT",),
    ),
    Case(
        "bp-meds",
        "Stimulant and MAOI.",
        {"current_meds": ["stimulant", "maoi"]},
        include=("F-BP-MEDS",),
    ),
    Case(
        "prior-helped",
        "Ketamine helped before.",
        {"prior_ketamine": ["iv_ketamine"], "prior_ketamine_benefit": "helped"},
        include=("F-PRIOR-KETAMINE-HELPED",),
    ),
    Case(
        "prior-none-pruned",
        "No prior ketamine hides its benefit question.",
        {"prior_ketamine": [], "prior_ketamine_benefit": "helped"},
        exclude=("F-PRIOR-KETAMINE-HELPED",),
    ),
    Case(
        "no-dx-unsure",
        "Unsure about a confirmed depression is never 'yes'.",
        {"dx_depression": "unsure"},
        "discuss_other_options",
        ("F-NO-DIAGNOSIS",),
        ("F-DIAGNOSED",),
    ),
    Case(
        "no-therapy",
        "No talking therapy yet.",
        {"psychotherapy": "none"},
        "discuss_ketamine",
        ("F-NO-PSYCHOTHERAPY",),
    ),
    Case(
        "ride-unsure",
        "Unsure about a ride home.",
        {"ride_home": "unsure"},
        "discuss_ketamine",
        ("F-RIDE",),
    ),
    Case(
        "schedule-no",
        "Cannot attend twice weekly.",
        {"attend_twice_weekly": "no"},
        "discuss_ketamine",
        ("F-SCHEDULE",),
    ),
    Case(
        "augmentation-ect",
        "Augmentation and ECT add to MSM.",
        {"augmentation": "yes", "ect": "yes", "episode_duration": "gt_24m"},
        scores={"msm_total": 9, "msm_band": "moderate"},
    ),
    Case(
        "msm-severe",
        "Many failures, long episode, severe symptoms.",
        {
            **{f"phq9_{i}": 3 for i in range(1, 9)},
            "episode_duration": "gt_24m",
            "augmentation": "yes",
            "ect": "yes",
            "ad_trials": [
                trial(m, 8)
                for m in (
                    "citalopram",
                    "escitalopram",
                    "fluoxetine",
                    "paroxetine",
                    "sertraline",
                    "duloxetine",
                    "venlafaxine",
                    "bupropion",
                    "mirtazapine",
                    "vortioxetine",
                    "nortriptyline",
                )
            ],
        },
        scores={
            "phq9_total": 24,
            "failed_adequate_trials": 11,
            "msm_total": 14,
            "msm_band": "severe",
        },
    ),
    Case(
        "item9-prefer-not",
        "Prefer not to say on a safety question is crisis, not urgent.",
        {"phq9_9": 1, "si_plan": "prefer_not_to_say", "si_intent": "no", "self_harm_recent": "no"},
        crisis=True,
        include=("F-CRISIS-RESOURCES",),
        exclude=("F-URGENT",),
    ),
    Case(
        "safety-hidden",
        "Safety answers with item 9 at 0 are hidden and pruned.",
        {"phq9_9": 0, "si_plan": "yes", "si_intent": "yes", "self_harm_recent": "yes"},
        "discuss_ketamine",
        crisis=False,
        exclude=("F-CRISIS-RESOURCES", "F-URGENT"),
    ),
    Case(
        "safety-missing",
        "Item 9 positive with safety questions unanswered is incomplete.",
        {"phq9_9": 2},
        "incomplete",
        ("F-CRISIS-RESOURCES",),
        crisis=True,
        missing=("si_plan", "si_intent", "self_harm_recent"),
    ),
    Case(
        "urgent-incomplete",
        "Recent self-harm wins over missing answers.",
        {
            "phq9_9": 1,
            "si_plan": "no",
            "si_intent": "no",
            "self_harm_recent": "yes",
            "age_years": DROP,
        },
        "seek_help_now",
        ("F-URGENT",),
        crisis=True,
        missing=("age_years",),
    ),
    Case(
        "half-finished-crisis",
        "A half-finished form with item 9 positive still raises crisis.",
        dict.fromkeys(
            (
                "dx_depression",
                "episode_duration",
                "dx_bipolar",
                "psychosis_history",
                "ad_trials",
                "augmentation",
            ),
            DROP,
        )
        | {"phq9_9": 3},
        "incomplete",
        ("F-CRISIS-RESOURCES",),
        crisis=True,
    ),
    Case(
        "phq9-missing-item",
        "A missing PHQ-9 item is never zero.",
        {"phq9_5": DROP},
        "incomplete",
        exclude=("F-SYMPTOMS-LOW", "F-SYMPTOMS-MODERATE"),
        scores={"phq9_total": None, "phq9_band": None, "msm_total": None},
    ),
]


def apply(change: dict[str, Any]) -> dict[str, Any]:
    """The typical-trd answers with ``change`` applied (DROP removes a key)."""
    answers = vignette("typical-trd")
    for key, value in change.items():
        if value is DROP:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


def run(case: Case, qn) -> Result:  # type: ignore[no-untyped-def]
    """Validate and evaluate a case."""
    return evaluate(validate_answers(apply(case.change), qn), qn)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, qn) -> None:  # type: ignore[no-untyped-def]
    """The case's outcome, findings, scores, crisis and missing ids are as the spec says."""
    result = run(case, qn)
    fired = set(result.finding_ids)
    if case.outcome is not None:
        assert result.outcome == case.outcome
    assert set(case.include) - fired == set()
    assert set(case.exclude) & fired == set()
    assert {k: result.scores[k] for k in case.scores} == case.scores
    if case.crisis is not None:
        assert result.crisis is case.crisis
    if case.missing is not None:
        assert result.missing == case.missing


def test_every_finding_and_outcome_is_exercised(qn) -> None:  # type: ignore[no-untyped-def]
    """Together, the vignettes and these cases fire every finding and reach every outcome."""
    results = [run(c, qn) for c in CASES] + [
        evaluate(validate_answers(v["answers"], qn), qn) for v in load_vignettes()
    ]
    fired = {f for r in results for f in r.finding_ids}
    assert {r.id for r in CATALOGUE} - fired == set()
    assert set(OUTCOMES) - {r.outcome for r in results} == set()


def test_evidence_names_the_triggering_answers(qn) -> None:  # type: ignore[no-untyped-def]
    """A finding's evidence holds the answers that made it fire, and only those."""
    result = run(next(c for c in CASES if c.id == "bp-141"), qn)
    bp = next(f for f in result.findings if f.id == "F-BP-HIGH")
    assert bp.evidence == {"bp_systolic": 141}
