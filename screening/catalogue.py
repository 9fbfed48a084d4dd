"""When each finding fires: its kind and a small named predicate, in display order.

The words of each finding (title, patient and clinician text, source) are data, in
``screening/data/findings.toml``; ``screening.rules`` joins the two into one frozen record
per finding, and docs/RULES.md is generated from those records. Plain Python, no
expression language: a reviewer reads ``Is("aneurysm_or_avm", "yes")``.
"""

from __future__ import annotations

from typing import Literal

from screening.predicates import (
    AllOf,
    Always,
    AnyOf,
    Has,
    Is,
    PartialResponse,
    Predicate,
    SumAtLeast,
    at_least,
    below,
)
from screening.safety import CRISIS_RULE

Kind = Literal["crisis", "review", "caution", "supports", "other_options", "practical", "info"]
KINDS: tuple[Kind, ...] = (
    "crisis",
    "review",
    "caution",
    "supports",
    "other_options",
    "practical",
    "info",
)

LOGIC: tuple[tuple[str, Kind, Predicate], ...] = (
    ("F-CRISIS-RESOURCES", "crisis", CRISIS_RULE),
    (
        "F-URGENT",
        "crisis",
        AnyOf(Is("si_plan", "yes"), Is("si_intent", "yes"), Is("self_harm_recent", "yes")),
    ),
    (
        "F-RISK-NOT-ASSESSED",
        "crisis",
        AnyOf(Is("si_plan", "prefer_not_to_say"), Is("si_intent", "prefer_not_to_say")),
    ),
    ("F-UNDER-18", "review", below("age_years", 18)),
    ("F-VASCULAR", "review", Is("aneurysm_or_avm", "yes")),
    ("F-VASCULAR-UNSURE", "review", Is("aneurysm_or_avm", "unsure")),
    ("F-BRAIN-BLEED", "review", Is("brain_bleed", "yes")),
    ("F-BRAIN-BLEED-UNSURE", "review", Is("brain_bleed", "unsure")),
    ("F-ALLERGY", "review", Is("ketamine_allergy", "yes")),
    ("F-ALLERGY-UNSURE", "review", Is("ketamine_allergy", "unsure")),
    ("F-PREGNANCY", "review", Is("pregnancy_status", "pregnant", "planning", "breastfeeding")),
    ("F-PREGNANCY-UNSURE", "caution", Is("pregnancy_status", "unsure")),
    ("F-BIPOLAR", "review", Is("dx_bipolar", "yes")),
    ("F-BIPOLAR-UNSURE", "review", Is("dx_bipolar", "unsure")),
    ("F-PSYCHOSIS", "review", Is("psychosis_history", "yes")),
    ("F-PSYCHOSIS-UNSURE", "caution", Is("psychosis_history", "unsure")),
    ("F-PSYCHOSIS-CURRENT", "review", Is("psychosis_current", "yes", "unsure")),
    ("F-BP-UNCONTROLLED", "review", Is("high_blood_pressure", "yes_not_controlled")),
    (
        "F-BP-CRISIS-READING",
        "review",
        AnyOf(at_least("bp_systolic", 180), at_least("bp_diastolic", 120)),
    ),
    (
        "F-BP-HIGH",
        "caution",
        AnyOf(
            Is("high_blood_pressure", "yes_controlled", "unsure"),
            at_least("bp_systolic", 140),
            at_least("bp_diastolic", 90),
        ),
    ),
    ("F-HYPERTENSIVE-ENCEPHALOPATHY", "review", Is("bp_encephalopathy", "yes")),
    (
        "F-HYPERTENSIVE-ENCEPHALOPATHY-UNSURE",
        "caution",
        Is("bp_encephalopathy", "unsure"),
    ),
    ("F-HEART", "review", Has("heart_conditions")),
    (
        "F-INTRACRANIAL",
        "review",
        Has("brain_conditions", "head_injury", "raised_intracranial_pressure", "brain_tumor"),
    ),
    ("F-SEIZURES", "caution", Has("brain_conditions", "seizures")),
    ("F-KETAMINE-MISUSE", "review", Is("ketamine_nonmedical", "yes")),
    ("F-KETAMINE-USE-NOT-SAID", "caution", Is("ketamine_nonmedical", "prefer_not_to_say")),
    (
        "F-SUBSTANCE",
        "caution",
        AnyOf(Is("substance_problem_history", "yes"), at_least("drug_use_times", 1)),
    ),
    ("F-SUBSTANCE-NOT-SAID", "caution", Is("substance_problem_history", "prefer_not_to_say")),
    ("F-ALCOHOL", "caution", Is("auditc_positive", True)),
    ("F-BLADDER", "caution", Has("other_conditions", "bladder_problems")),
    ("F-GLAUCOMA", "caution", Has("other_conditions", "glaucoma")),
    ("F-LIVER", "caution", Has("other_conditions", "liver_disease")),
    ("F-BREATHING", "caution", Has("other_conditions", "breathing_problems")),
    ("F-SEDATIVES", "caution", Has("current_meds", "benzodiazepine", "sleep_medicine", "opioid")),
    ("F-BENZO-EFFECT", "info", Has("current_meds", "benzodiazepine")),
    ("F-BP-MEDS", "caution", Has("current_meds", "stimulant", "maoi")),
    ("F-AGE-65", "caution", at_least("age_years", 65)),
    ("F-TRD-PATTERN", "supports", at_least("failed_adequate_trials", 2)),
    ("F-SYMPTOMS-MODERATE", "supports", at_least("phq9_total", 10)),
    ("F-DIAGNOSED", "supports", Is("dx_depression", "yes")),
    ("F-PRIOR-KETAMINE-HELPED", "supports", Is("prior_ketamine_benefit", "helped")),
    (
        "F-PRIOR-KETAMINE-SIDE-EFFECTS",
        "caution",
        Is("prior_ketamine_benefit", "stopped_side_effects"),
    ),
    ("F-FEW-TRIALS", "other_options", below("failed_adequate_trials", 2)),
    (
        "F-TRIALS-UNCLEAR",
        "info",
        AllOf(
            below("failed_adequate_trials", 2),
            SumAtLeast(("failed_adequate_trials", "possibly_adequate_trials"), 2),
        ),
    ),
    ("F-PARTIAL-RESPONSE", "info", PartialResponse()),
    ("F-SYMPTOMS-LOW", "other_options", below("phq9_total", 10)),
    ("F-NO-DIAGNOSIS", "other_options", Is("dx_depression", "no", "unsure")),
    ("F-NO-PSYCHOTHERAPY", "info", Is("psychotherapy", "none")),
    ("F-RIDE", "practical", Is("ride_home", "no", "unsure")),
    ("F-SCHEDULE", "practical", Is("attend_twice_weekly", "no", "unsure")),
    ("F-LOGISTICS", "info", Always()),
)
