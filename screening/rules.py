"""The finding catalogue (content spec §5) and ``evaluate()`` (spec §6).

One frozen record per finding: id, kind, title, the text a patient reads, the text a
clinician reads, the source, and a small named predicate (``screening.predicates``)
that also names the ids it reads. docs/RULES.md is generated from this catalogue.

Texts never say eligible, ineligible, qualifies, candidate or diagnosis: the outcome
is information to discuss with a clinician, not a decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, NamedTuple

from screening.answers import prune_and_find_missing
from screening.predicates import (
    AllOf,
    Always,
    AnyOf,
    Has,
    Is,
    Predicate,
    SumAtLeast,
    above,
    at_least,
    below,
    compile_all,
)
from screening.questionnaire import Questionnaire, load_questionnaire
from screening.safety import CRISIS_RULE
from screening.scoring import Scores, compute_scores

RULES_VERSION = "1.0.0"

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
KIND_TITLES: dict[str, str] = {
    "crisis": "Your safety",
    "review": "Needs a clinician’s careful review",
    "caution": "Points to raise with a clinician",
    "supports": "Features clinicians look for",
    "other_options": "Other options may come first",
    "practical": "Practical matters",
    "info": "Good to know",
}

Outcome = Literal[
    "seek_help_now",
    "incomplete",
    "clinician_review_first",
    "discuss_ketamine",
    "discuss_other_options",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """One reviewable finding rule."""

    id: str
    kind: Kind
    title: str
    patient: str
    clinician: str
    source: str
    when: Predicate

    @property
    def reads(self) -> tuple[str, ...]:
        """Question ids and score keys this rule reads."""
        return self.when.reads()


@dataclass(frozen=True, slots=True)
class OutcomeText:
    """How an outcome is said to the person."""

    code: Outcome
    title: str
    text: str
    when: str


class Finding(NamedTuple):
    """A rule that fired, with the answers that made it fire (a tuple: cheap to build)."""

    id: str
    kind: Kind
    title: str
    detail: str
    source: str
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The record-file form (spec §7)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "detail": self.detail,
            "source": self.source,
            "evidence": self.evidence,
        }


class Result(NamedTuple):
    """Everything the answers mean: outcome, crisis, scores, findings, missing ids, and the
    pruned answers they were computed from."""

    outcome: Outcome
    crisis: bool
    scores: Scores
    findings: tuple[Finding, ...]
    missing: tuple[str, ...]
    answers: dict[str, Any]
    rules_version: str = RULES_VERSION

    @property
    def urgent(self) -> bool:
        """F-URGENT fired: a plan, intent or recent self-harm was reported."""
        return any(f.id == "F-URGENT" for f in self.findings)

    @property
    def finding_ids(self) -> tuple[str, ...]:
        """Ids of the findings, in display order."""
        return tuple(f.id for f in self.findings)

    def by_kind(self, kind: str) -> tuple[Finding, ...]:
        """The findings of one kind."""
        return tuple(f for f in self.findings if f.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        """The ``result`` object of the record file (spec §7)."""
        return {
            "outcome": self.outcome,
            "crisis": self.crisis,
            "scores": dict(self.scores),
            "findings": [f.to_dict() for f in self.findings],
            "missing": list(self.missing),
            "rules_version": self.rules_version,
        }


LABEL = "Spravato (esketamine) US prescribing information"

CATALOGUE: tuple[Rule, ...] = (
    CRISIS_RULE_RECORD := Rule(
        "F-CRISIS-RESOURCES",
        "crisis",
        "Support is available now",
        "You said you have had thoughts of being better off dead or of hurting yourself. "
        "You deserve support with these thoughts. The crisis lines shown are free, "
        "confidential and open day and night. Please also tell your doctor or clinician.",
        "PHQ-9 item 9 positive or a safety follow-up answered yes / prefer not to say. "
        "Complete a suicide risk assessment before any treatment planning.",
        "PHQ-9 item 9 guidance (Kroenke 2001); Simon et al., Psychiatr Serv 2013",
        CRISIS_RULE,
    ),
    Rule(
        "F-URGENT",
        "crisis",
        "Please reach out for support today",
        "You said you have thought about how you might end your life, might act on these "
        "thoughts, or have recently hurt yourself. Please contact a crisis line or emergency "
        "services now, or ask someone you trust to help you do so. This summary can wait.",
        "Self-reported suicidal plan, intent or self-harm in the past 3 months. Urgent "
        "same-day risk assessment. Ketamine trials excluded recent suicidal intent.",
        "Safe-messaging practice; TRANSFORM-2 exclusion criteria (Popova et al., "
        "Am J Psychiatry 2019)",
        AnyOf(Is("si_plan", "yes"), Is("si_intent", "yes"), Is("self_harm_recent", "yes")),
    ),
    Rule(
        "F-UNDER-18",
        "review",
        "Under 18",
        "Esketamine is not approved for people under 18, and ketamine for depression has "
        "been studied very little at your age. A clinician who works with young people can "
        "talk through the options.",
        "Age under 18: esketamine safety and effectiveness not established in paediatric patients.",
        f"{LABEL} §8.4 (Pediatric use)",
        below("age_years", 18),
    ),
    Rule(
        "F-VASCULAR",
        "review",
        "Aneurysm or arteriovenous malformation",
        "Ketamine and esketamine raise blood pressure for a few hours. With an aneurysm or "
        "an arteriovenous malformation, that rise could be dangerous, so a clinician must "
        "look at this carefully first.",
        "Reported aneurysmal vascular disease or AVM: a listed contraindication to esketamine.",
        f"{LABEL} §4 (Contraindications)",
        Is("aneurysm_or_avm", "yes"),
    ),
    Rule(
        "F-VASCULAR-UNSURE",
        "caution",
        "Not sure about an aneurysm or AVM",
        "You were not sure whether you have had an aneurysm or an arteriovenous "
        "malformation. A clinician can check your records, because this matters for "
        "ketamine and esketamine.",
        "Unsure about aneurysmal vascular disease or AVM (a contraindication); confirm from "
        "records.",
        f"{LABEL} §4 (Contraindications)",
        Is("aneurysm_or_avm", "unsure"),
    ),
    Rule(
        "F-BRAIN-BLEED",
        "review",
        "Past bleeding in the brain",
        "A past bleed in the brain is a reason not to use esketamine, because it raises "
        "blood pressure. A clinician must review this first.",
        "History of intracerebral haemorrhage: a listed contraindication to esketamine.",
        f"{LABEL} §4 (Contraindications)",
        Is("brain_bleed", "yes"),
    ),
    Rule(
        "F-BRAIN-BLEED-UNSURE",
        "caution",
        "Not sure about bleeding in the brain",
        "You were not sure whether you have had bleeding in the brain. A clinician can check "
        "your records.",
        "Unsure about prior intracerebral haemorrhage (a contraindication); confirm.",
        f"{LABEL} §4 (Contraindications)",
        Is("brain_bleed", "unsure"),
    ),
    Rule(
        "F-ALLERGY",
        "review",
        "Allergic reaction to ketamine or esketamine",
        "You have had an allergic reaction to ketamine or esketamine before. A clinician "
        "needs to know the details before considering it again.",
        "Reported hypersensitivity to esketamine, ketamine or excipients: contraindicated.",
        f"{LABEL} §4 (Contraindications)",
        Is("ketamine_allergy", "yes"),
    ),
    Rule(
        "F-ALLERGY-UNSURE",
        "caution",
        "Not sure about a ketamine allergy",
        "You were not sure whether you have reacted badly to ketamine or esketamine. Tell "
        "the clinician what happened, if you can.",
        "Unsure about prior hypersensitivity; clarify the reaction.",
        f"{LABEL} §4 (Contraindications)",
        Is("ketamine_allergy", "unsure"),
    ),
    Rule(
        "F-PREGNANCY",
        "review",
        "Pregnancy, planning a pregnancy or breastfeeding",
        "Esketamine is not recommended during pregnancy or breastfeeding, and animal studies "
        "suggest possible harm. A clinician can talk through safer options for now.",
        "Pregnant, planning pregnancy or breastfeeding: esketamine not recommended; "
        "discuss contraception and alternatives.",
        f"{LABEL} §8.1–8.3 (Pregnancy, Lactation, Females of reproductive potential)",
        Is("pregnancy_status", "pregnant", "planning", "breastfeeding"),
    ),
    Rule(
        "F-PREGNANCY-UNSURE",
        "caution",
        "Not sure about pregnancy",
        "You were not sure whether you might be pregnant. A clinician may suggest a test first.",
        "Pregnancy status uncertain; confirm before treatment.",
        f"{LABEL} §8.1 (Pregnancy)",
        Is("pregnancy_status", "unsure"),
    ),
    Rule(
        "F-BIPOLAR",
        "review",
        "Bipolar disorder or periods of very high mood",
        "Ketamine and esketamine have mainly been studied for depression without bipolar "
        "disorder, and treatments for depression can sometimes trigger high mood. A "
        "clinician needs to look at this carefully.",
        "History of bipolar disorder or mania/hypomania: the esketamine indication is MDD; "
        "TRD definitions and the pivotal trials excluded bipolar disorder.",
        f"{LABEL} §1 (Indications); Sforzini et al., Mol Psychiatry 2022 (Delphi TRD definition)",
        Is("dx_bipolar", "yes"),
    ),
    Rule(
        "F-BIPOLAR-UNSURE",
        "caution",
        "Not sure about periods of very high mood",
        "You were not sure about bipolar disorder or times of unusually high mood. It is "
        "worth describing those times to a clinician.",
        "Possible bipolar spectrum history; screen for mania/hypomania.",
        f"{LABEL} §1 (Indications); Sforzini et al., Mol Psychiatry 2022",
        Is("dx_bipolar", "unsure"),
    ),
    Rule(
        "F-PSYCHOSIS",
        "review",
        "Past psychosis",
        "Ketamine can briefly cause unusual experiences, and people with psychosis were "
        "not included in the main studies. A clinician needs to review this carefully.",
        "History of psychosis or a psychotic disorder: assess risk carefully; pivotal trials "
        "excluded psychotic features.",
        f"{LABEL} §5.2 (Abuse/psychiatric risk); TRANSFORM trial exclusion criteria",
        Is("psychosis_history", "yes"),
    ),
    Rule(
        "F-PSYCHOSIS-UNSURE",
        "caution",
        "Not sure about psychosis",
        "You were not sure whether you have had psychosis. Describing those experiences "
        "to a clinician will help.",
        "Possible psychotic symptoms; clarify history and current features.",
        f"{LABEL} §5.2; TRANSFORM trial exclusion criteria",
        Is("psychosis_history", "unsure"),
    ),
    Rule(
        "F-BP-UNCONTROLLED",
        "review",
        "Blood pressure not under control",
        "Ketamine and esketamine raise blood pressure for a few hours after each dose. "
        "With blood pressure that is not under control, a clinician will usually want it "
        "treated first.",
        "Self-reported uncontrolled hypertension: do not give where a BP rise poses a "
        "serious risk; optimise BP control first.",
        f"{LABEL} §5.5 (Increase in blood pressure)",
        Is("high_blood_pressure", "yes_not_controlled"),
    ),
    Rule(
        "F-BP-HIGH",
        "caution",
        "Blood pressure to check",
        "Your answers suggest your blood pressure needs checking before and after any "
        "dose. This is routine, and the clinic will measure it.",
        "Hypertension (controlled or uncertain) or a recent reading above 140/90: label "
        "advises weighing risk when baseline BP exceeds 140/90.",
        f"{LABEL} §2.1 and §5.5 (Blood pressure assessment)",
        AnyOf(
            Is("high_blood_pressure", "yes_controlled", "unsure"),
            above("bp_systolic", 140),
            above("bp_diastolic", 90),
        ),
    ),
    Rule(
        "F-HEART",
        "review",
        "Heart or circulation problems",
        "Because ketamine and esketamine raise blood pressure and heart rate for a while, a "
        "clinician needs to weigh the heart or circulation problems you listed first.",
        "Cardiovascular or cerebrovascular condition reported: assess before prescribing; "
        "consider cardiology input.",
        f"{LABEL} §5.5 (Increase in blood pressure)",
        Has("heart_conditions"),
    ),
    Rule(
        "F-INTRACRANIAL",
        "review",
        "Head injury, raised pressure in the skull or brain tumour",
        "Ketamine can raise the pressure inside the skull. With the condition you listed, a "
        "clinician must look at this carefully first.",
        "Head injury, raised intracranial pressure or brain tumour: do not give where an ICP "
        "rise poses a serious risk.",
        f"{LABEL} §5.5; Ketalar (ketamine) US prescribing information §5",
        Has("brain_conditions", "head_injury", "raised_intracranial_pressure", "brain_tumor"),
    ),
    Rule(
        "F-SEIZURES",
        "caution",
        "Seizures or epilepsy",
        "You listed seizures or epilepsy. Tell the clinician how well controlled they are "
        "and which medicines you take for them.",
        "Seizure disorder reported; clinical assessment of control and interactions.",
        "Clinician assessment",
        Has("brain_conditions", "seizures"),
    ),
    Rule(
        "F-KETAMINE-MISUSE",
        "review",
        "Past ketamine or similar drug use outside medical care",
        "Ketamine can be habit-forming, and using it outside medical care can harm the "
        "bladder. A clinician will talk this through openly and without judgement.",
        "Non-medical ketamine/PCP-type use: abuse and misuse risk; ketamine-associated cystitis.",
        f"{LABEL} §5.3 (Abuse and misuse) and §5.9 (Ulcerative or interstitial cystitis)",
        Is("ketamine_nonmedical", "yes"),
    ),
    Rule(
        "F-SUBSTANCE",
        "caution",
        "Alcohol or drug use",
        "Your answers about alcohol or drugs are worth discussing. A history of substance "
        "problems needs careful thought with ketamine, which can be misused.",
        "Substance-use history, positive AUDIT-C or any past-year drug use: label advises "
        "careful consideration with a history of substance use disorder.",
        f"{LABEL} §5.3 (Abuse and misuse); AUDIT-C (Bush 1998); Smith et al., Arch Intern Med 2010",
        AnyOf(
            Is("substance_problem_history", "yes"),
            Is("auditc_positive", True),
            at_least("drug_use_times", 1),
        ),
    ),
    Rule(
        "F-BLADDER",
        "caution",
        "Bladder problems",
        "Ketamine can irritate the bladder. Mention your bladder symptoms so they can be "
        "checked before and during any treatment.",
        "Urinary symptoms reported: monitor for ulcerative or interstitial cystitis.",
        f"{LABEL} §5.9 (Ulcerative or interstitial cystitis)",
        Has("other_conditions", "bladder_problems"),
    ),
    Rule(
        "F-GLAUCOMA",
        "caution",
        "Glaucoma or raised eye pressure",
        "Ketamine can raise the pressure inside the eye. Tell the clinician about your glaucoma.",
        "Glaucoma: ketamine may raise intraocular pressure.",
        "Ketalar (ketamine) US prescribing information",
        Has("other_conditions", "glaucoma"),
    ),
    Rule(
        "F-LIVER",
        "caution",
        "Liver disease",
        "The liver clears esketamine from the body. With liver disease, a clinician may "
        "need to adjust the plan.",
        "Hepatic impairment: increased esketamine exposure; moderate impairment may need "
        "longer monitoring; severe not recommended.",
        f"{LABEL} §8.7 (Hepatic impairment)",
        Has("other_conditions", "liver_disease"),
    ),
    Rule(
        "F-BREATHING",
        "caution",
        "Breathing problems",
        "Ketamine-type medicines can slow breathing in rare cases, so the clinic needs to "
        "know about sleep apnoea, COPD or other breathing problems.",
        "Respiratory condition reported: boxed warning for respiratory depression; monitor "
        "pulse oximetry.",
        f"{LABEL} Boxed warning and §5.4 (Respiratory depression)",
        Has("other_conditions", "breathing_problems"),
    ),
    Rule(
        "F-SEDATIVES",
        "caution",
        "Medicines that make you drowsy",
        "You take a medicine that can make you drowsy. Combined with ketamine or esketamine "
        "it can add to sleepiness, so the clinician will want to know doses and timing.",
        "Concomitant benzodiazepine, hypnotic or opioid: CNS depressants may increase "
        "sedation; monitor.",
        f"{LABEL} §7 (Drug interactions: CNS depressants)",
        Has("current_meds", "benzodiazepine", "sleep_medicine", "opioid"),
    ),
    Rule(
        "F-BENZO-EFFECT",
        "info",
        "Benzodiazepines and ketamine",
        "Some small studies suggest that high doses of benzodiazepines may make ketamine "
        "work less well. The evidence is weak. Do not change your medicine without your "
        "prescriber.",
        "Low-quality evidence that high-dose benzodiazepines attenuate ketamine response; "
        "consider dose review.",
        "Andrashko et al., Front Psychiatry 2020",
        Has("current_meds", "benzodiazepine"),
    ),
    Rule(
        "F-BP-MEDS",
        "caution",
        "Medicines that can raise blood pressure",
        "Stimulants and MAOI antidepressants can raise blood pressure. Together with "
        "ketamine or esketamine, blood pressure needs closer watching.",
        "Concomitant psychostimulant or MAOI: may increase blood pressure; monitor closely.",
        f"{LABEL} §7 (Drug interactions: psychostimulants, MAOIs)",
        Has("current_meds", "stimulant", "maoi"),
    ),
    Rule(
        "F-AGE-65",
        "caution",
        "Aged 65 or over",
        "In people aged 65 and over, the main esketamine study did not show a clear benefit, "
        "and blood pressure rose more. A clinician can weigh this with you.",
        "Age ≥65: TRANSFORM-3 missed its primary endpoint; larger BP increases in older patients.",
        f"Ochs-Ross et al., Am J Geriatr Psychiatry 2020 (TRANSFORM-3); {LABEL} §8.5 and Table 6",
        at_least("age_years", 65),
    ),
    Rule(
        "F-TRD-PATTERN",
        "supports",
        "Two or more antidepressants tried without enough benefit",
        "You have taken at least two different antidepressants, each long enough and as "
        "prescribed, without getting well. Clinicians call this pattern "
        "treatment-resistant depression, which is what esketamine is approved for.",
        "≥2 distinct antidepressants with an adequate trial (≥6 weeks at dose, adherent) "
        "and less than a clear response in this episode, by self-report: meets the "
        "usual TRD definition pending confirmation.",
        f"{LABEL} §1 (Indications); Sforzini et al., Mol Psychiatry 2022 (Delphi TRD definition)",
        at_least("failed_adequate_trials", 2),
    ),
    Rule(
        "F-SYMPTOMS-MODERATE",
        "supports",
        "Depression symptoms at least moderate",
        "Your answers about the last two weeks add up to moderate or more severe symptoms.",
        "PHQ-9 ≥10 (moderate or higher).",
        "Kroenke et al., J Gen Intern Med 2001 (PHQ-9 cut-off 10)",
        at_least("phq9_total", 10),
    ),
    Rule(
        "F-DIAGNOSED",
        "supports",
        "Depression confirmed by a health professional",
        "A health professional has told you that you have depression.",
        "Self-reported clinician-confirmed major depressive disorder.",
        f"{LABEL} §1 (Indications: MDD)",
        Is("dx_depression", "yes"),
    ),
    Rule(
        "F-PRIOR-KETAMINE-HELPED",
        "supports",
        "Ketamine treatment helped before",
        "You said a previous ketamine or esketamine treatment helped. Bring any details "
        "you have, such as where, when and how many sessions.",
        "Prior response to ketamine/esketamine reported.",
        "Clinician assessment",
        Is("prior_ketamine_benefit", "helped"),
    ),
    Rule(
        "F-FEW-TRIALS",
        "other_options",
        "Fewer than two full antidepressant trials",
        "Fewer than two antidepressants have been tried fully in this episode. Clinicians "
        "usually try other treatments, such as another antidepressant or talking therapy, "
        "before ketamine or esketamine.",
        "<2 failed adequate trials by self-report: TRD criteria not met; ketamine and "
        "esketamine are later-line options.",
        "Sforzini et al., Mol Psychiatry 2022; CANMAT 2023 update (Lam et al., Can J "
        "Psychiatry 2024)",
        below("failed_adequate_trials", 2),
    ),
    Rule(
        "F-TRIALS-UNCLEAR",
        "info",
        "Some trials may count, once the details are checked",
        "Some of your antidepressant trials may have been shorter than 6 weeks at the full "
        "dose, or you were not sure you took them as prescribed. A clinician can check the "
        "doses and dates with you.",
        "<2 adequate failed trials but ≥2 including possibly adequate ones (4–5 weeks, or "
        "adherence unsure): confirm dose, duration and adherence.",
        "Sforzini et al., Mol Psychiatry 2022; clinician to confirm dose and duration",
        AllOf(
            below("failed_adequate_trials", 2),
            SumAtLeast(("failed_adequate_trials", "possibly_adequate_trials"), 2),
        ),
    ),
    Rule(
        "F-SYMPTOMS-LOW",
        "other_options",
        "Symptoms currently mild",
        "Your answers about the last two weeks add up to mild or minimal symptoms. "
        "Ketamine-based treatments have been studied in people with more severe symptoms.",
        "PHQ-9 <10.",
        "Kroenke et al., J Gen Intern Med 2001",
        below("phq9_total", 10),
    ),
    Rule(
        "F-NO-DIAGNOSIS",
        "other_options",
        "Depression not yet confirmed by a professional",
        "A full assessment by a health professional usually comes first, to confirm what "
        "is going on and which treatments fit.",
        "No clinician-confirmed MDD reported (no or unsure): a psychiatric evaluation comes first.",
        "Standard of care: evaluation before treatment selection",
        Is("dx_depression", "no", "unsure"),
    ),
    Rule(
        "F-NO-PSYCHOTHERAPY",
        "info",
        "Talking therapy",
        "You have not had talking therapy for depression. It is a standard, effective "
        "option, on its own or together with medicine.",
        "No psychotherapy trial reported.",
        "CANMAT 2023 update (Lam et al., Can J Psychiatry 2024)",
        Is("psychotherapy", "none"),
    ),
    Rule(
        "F-RIDE",
        "practical",
        "Getting home after a session",
        "After each dose you must not drive until the next day, after a night’s sleep. You "
        "would need someone to take you home, or another safe way to get there.",
        "No reliable ride home: patients must not drive until the next day after a restful sleep.",
        f"{LABEL} §5.8 and §17 (Patient counselling)",
        Is("ride_home", "no", "unsure"),
    ),
    Rule(
        "F-SCHEDULE",
        "practical",
        "Time for clinic visits",
        "Treatment usually starts with two visits a week for about a month, each lasting "
        "2 hours or more. It helps to plan time off or support.",
        "Twice-weekly induction with ≥2 h post-dose monitoring may be hard to attend.",
        f"{LABEL} §2 (Dosing: induction twice weekly); Spravato REMS",
        Is("attend_twice_weekly", "no", "unsure"),
    ),
    Rule(
        "F-LOGISTICS",
        "info",
        "How treatment is given",
        "Esketamine is only given in a certified clinic, where staff watch you for at least "
        "2 hours after each dose. It is never taken at home. IV ketamine is also given in a "
        "clinic with monitoring.",
        "Spravato REMS: certified healthcare setting, ≥2 h post-dose monitoring, never "
        "dispensed for home use.",
        f"{LABEL} §5.1 and Spravato REMS",
        Always(),
    ),
)

RULE_BY_ID: dict[str, Rule] = {r.id: r for r in CATALOGUE}
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
_CATALOGUE_ORDER = sorted(range(len(CATALOGUE)), key=lambda i: (_KIND_ORDER[CATALOGUE[i].kind], i))
ORDERED_CATALOGUE: tuple[Rule, ...] = tuple(CATALOGUE[i] for i in _CATALOGUE_ORDER)

OUTCOMES: dict[str, OutcomeText] = {
    o.code: o
    for o in (
        OutcomeText(
            "seek_help_now",
            "Please get support now",
            "Your answers say you may be in danger of harming yourself. Please contact one "
            "of the crisis lines above or emergency services now, or ask someone you trust "
            "to help you. The rest of your summary follows below and can wait.",
            "F-URGENT fired (even if answers are missing)",
        ),
        OutcomeText(
            "incomplete",
            "A few more answers are needed",
            "Some questions still need an answer before a full summary can be given. The "
            "list below shows which. Anything about your safety is still shown.",
            "a required answer is missing",
        ),
        OutcomeText(
            "clinician_review_first",
            "Some answers need a clinician’s careful review",
            "Some of your answers need a clinician’s careful review before ketamine-based "
            "treatment could be considered. That does not rule anything out. Bring this "
            "summary so you can go through these points together.",
            "any `review` finding",
        ),
        OutcomeText(
            "discuss_ketamine",
            "Worth discussing ketamine or esketamine with a clinician",
            "Your answers share features that clinicians look for when they discuss "
            "ketamine or esketamine for depression. Only a clinician can say whether it "
            "suits you. Bring this summary to the conversation.",
            "F-TRD-PATTERN and F-SYMPTOMS-MODERATE and F-DIAGNOSED",
        ),
        OutcomeText(
            "discuss_other_options",
            "Discuss your treatment options with a clinician",
            "From your answers, clinicians would usually consider other treatments first, "
            "such as another antidepressant, a combination, or talking therapy. Bring this "
            "summary to talk through what could help you.",
            "otherwise",
        ),
    )
}

DISCLAIMER = (
    "This summary is information to discuss with a clinician. It is not a diagnosis and "
    "not medical advice, and it does not decide whether any treatment is right for you."
)


def evaluate(answers: Mapping[str, Any], questionnaire: Questionnaire | None = None) -> Result:
    """The result of validated answers: prune, score, fire findings, choose the outcome.

    Findings are evaluated even when answers are missing: a positive PHQ-9 item 9
    raises F-CRISIS-RESOURCES on a half-finished questionnaire.
    """
    qn = questionnaire or _default_questionnaire()
    kept, missing = prune_and_find_missing(answers, qn)
    return evaluate_pruned(kept, missing)


_default_questionnaire = cache(load_questionnaire)  # the bundled file, without re-resolving

# The findings that fire for given facts, in display order: one generated function that does
# what calling every rule's predicate does (see ``compile_all``); built once.
_fire = compile_all(
    [(r.when, (r.id, r.kind, r.title, r.patient, r.source)) for r in ORDERED_CATALOGUE], Finding
)
_new_tuple = tuple.__new__  # builds the named tuples without their Python-level __new__
_REVIEW_IDS = frozenset(r.id for r in CATALOGUE if r.kind == "review")  # any: review first


def evaluate_pruned(kept: dict[str, Any], missing: Sequence[str]) -> Result:
    """``evaluate`` of answers that are already pruned, given their missing required ids
    (as ``prune_and_find_missing`` or ``validate_and_prune`` return them)."""
    scores = compute_scores(kept)
    facts = {**kept, **scores}
    findings: list[Finding] = _fire(facts)
    fired = {f[0] for f in findings}
    outcome = choose_outcome(fired, bool(missing))
    return _new_tuple(
        Result,
        (
            outcome,
            "F-CRISIS-RESOURCES" in fired,
            scores,
            tuple(findings),
            tuple(missing),
            kept,
            RULES_VERSION,
        ),
    )


def choose_outcome(fired: set[str], incomplete: bool) -> Outcome:
    """Spec §6 from the ids of the findings that fired: first match wins."""
    if "F-URGENT" in fired:
        return "seek_help_now"
    if incomplete:
        return "incomplete"
    if not fired.isdisjoint(_REVIEW_IDS):
        return "clinician_review_first"
    if {"F-TRD-PATTERN", "F-SYMPTOMS-MODERATE", "F-DIAGNOSED"} <= fired:
        return "discuss_ketamine"
    return "discuss_other_options"
