"""Scores (content spec §4): PHQ-9, antidepressant-trial adequacy, approximate MSM, AUDIT-C.

Every score is ``None`` when an input it needs is missing: missing is never zero.
All functions read pruned, validated answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

PHQ9_ITEMS = tuple(f"phq9_{i}" for i in range(1, 10))
TRIAL_FIELDS = ("medication", "weeks", "took_as_prescribed", "benefit", "status")
FAILED_BENEFITS = frozenset({"none", "a_little", "moderate"})

SCORE_KEYS = (
    "phq9_total",
    "phq9_band",
    "failed_adequate_trials",
    "possibly_adequate_trials",
    "msm_total",
    "msm_band",
    "auditc_total",
    "auditc_positive",
)
#: Every score a finding's evidence can name: the stored scores and the count of full
#: trials that helped moderately (evidence only, not stored).
EVIDENCE_SCORE_KEYS = (*SCORE_KEYS, "partial_response_trials")

Scores = dict[str, int | str | bool | None]


def phq9_total(answers: Mapping[str, Any]) -> int | None:
    """Sum of items 1–9 (0–27), or None when any item is missing."""
    total = 0
    for item in PHQ9_ITEMS:
        value = answers.get(item)
        if value is None:
            return None
        total += value
    return total


def phq9_band(total: int | None) -> str | None:
    """Severity band (Kroenke 2001)."""
    if total is None:
        return None
    if total <= 4:
        return "minimal"
    if total <= 9:
        return "mild"
    if total <= 14:
        return "moderate"
    if total <= 19:
        return "moderately_severe"
    return "severe"


class TrialAssessment(NamedTuple):
    """What one antidepressant trial counts for (Delphi TRD definition; MGH staging)."""

    position: int
    medication: str | None  # distinct-medication key: code, or "other:<lower-cased text>"
    complete: bool
    adequate: bool
    possibly_adequate: bool
    failed: bool


def assess_trial(index: int, trial: Mapping[str, Any]) -> TrialAssessment:
    """Adequacy of one trial; a trial missing a sub-answer counts for nothing."""
    medication = trial.get("medication")
    key: str | None = medication
    complete = True
    for f in TRIAL_FIELDS:
        if trial.get(f) is None:
            complete = False
            break
    if medication == "other":
        other = trial.get("medication_other")
        if other is None:
            complete = False
            key = None
        else:
            key = "other:" + " ".join(str(other).lower().split())
    if not complete:
        return TrialAssessment(index, key, False, False, False, False)
    weeks = trial["weeks"]
    as_prescribed = trial["took_as_prescribed"]
    adequate = weeks >= 6 and as_prescribed == "yes"
    possibly = not adequate and (
        (4 <= weeks < 6 and as_prescribed == "yes") or (weeks >= 6 and as_prescribed == "unsure")
    )
    failed = trial["benefit"] in FAILED_BENEFITS
    return TrialAssessment(index, key, True, adequate, possibly, failed)


def assess_trials(answers: Mapping[str, Any]) -> list[TrialAssessment]:
    """Assessment of every trial entry, in order (empty when not answered)."""
    trials = answers.get("ad_trials") or []
    return [assess_trial(i, t) for i, t in enumerate(trials)]


def trial_counts(answers: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """(failed_adequate_trials, possibly_adequate_trials): distinct medications; None when
    ``ad_trials`` is unanswered (``[]`` is an answer: no trials)."""
    if answers.get("ad_trials") is None:
        return None, None
    adequate: set[str] = set()
    possible: set[str] = set()
    for trial in assess_trials(answers):
        if trial.medication is None or not (trial.complete and trial.failed):
            continue
        if trial.adequate:
            adequate.add(trial.medication)
        elif trial.possibly_adequate:
            possible.add(trial.medication)
    return len(adequate), len(possible - adequate)


_DURATION_POINTS = {"lt_6m": 1, "6_to_12m": 1, "13_to_24m": 2, "gt_24m": 3}


def msm_parts(
    answers: Mapping[str, Any], phq9: int | None, failed: int | None
) -> dict[str, int] | None:
    """Parts of the approximate Maudsley Staging Method score, or None when an input is
    missing or there is no failed adequate trial (Fekadu 2009; BMC Psychiatry 2018 Table 3)."""
    if failed is None or failed == 0 or phq9 is None:
        return None
    duration = answers.get("episode_duration")
    augmentation = answers.get("augmentation")
    ect = answers.get("ect")
    psychosis_history = answers.get("psychosis_history")
    psychosis_current = answers.get("psychosis_current")
    if duration is None or augmentation is None or ect is None or psychosis_history is None:
        return None
    if psychosis_history in ("yes", "unsure") and psychosis_current is None:
        return None
    if psychosis_current == "yes":
        severity = 5
    elif phq9 <= 4:
        severity = 1
    elif phq9 <= 9:
        severity = 2
    elif phq9 <= 19:
        severity = 3
    else:
        severity = 4
    if failed <= 2:
        failures = 1
    elif failed <= 4:
        failures = 2
    elif failed <= 6:
        failures = 3
    elif failed <= 10:
        failures = 4
    else:
        failures = 5
    return {
        "duration": _DURATION_POINTS[duration],
        "severity": severity,
        "failures": failures,
        "augmentation": 1 if augmentation == "yes" else 0,
        "ect": 1 if ect == "yes" else 0,
    }


def msm_band(total: int | None) -> str | None:
    """mild 3–6, moderate 7–10, severe 11–15."""
    if total is None:
        return None
    if total <= 6:
        return "mild"
    if total <= 10:
        return "moderate"
    return "severe"


def auditc_total(answers: Mapping[str, Any]) -> int | None:
    """AUDIT-C total 0–12; items 2–3 count 0 when item 1 is 0."""
    first = answers.get("auditc_1")
    if first is None:
        return None
    if first == 0:
        return 0
    second, third = answers.get("auditc_2"), answers.get("auditc_3")
    if second is None or third is None:
        return None
    return int(first + second + third)


def auditc_positive(total: int | None, sex_at_birth: str | None) -> bool | None:
    """≥4 for men, ≥3 otherwise (Bush 1998; Bradley 2003); None only when it depends on a
    missing answer."""
    if total is None:
        return None
    if sex_at_birth is None:
        if total >= 4:
            return True
        if total < 3:
            return False
        return None
    return total >= (4 if sex_at_birth == "male" else 3)


def compute_scores(answers: Mapping[str, Any]) -> Scores:
    """Every score of spec §4 from pruned answers."""
    phq9 = phq9_total(answers)
    failed, possible = trial_counts(answers)
    parts = msm_parts(answers, phq9, failed)
    msm = sum(parts.values()) if parts is not None else None
    audit = auditc_total(answers)
    return {
        "phq9_total": phq9,
        "phq9_band": phq9_band(phq9),
        "failed_adequate_trials": failed,
        "possibly_adequate_trials": possible,
        "msm_total": msm,
        "msm_band": msm_band(msm),
        "auditc_total": audit,
        "auditc_positive": auditc_positive(audit, answers.get("sex_at_birth")),
    }
