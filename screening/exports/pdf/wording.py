"""Words shared by the pages of the summary PDF: labels of scores and bands, answers and
evidence in words, dates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from screening.errors import AnswerPath
from screening.exports._common import label
from screening.questionnaire import Questionnaire
from screening.rules import Finding
from screening.scoring import PHQ9_ITEMS

SCORE_LABELS: dict[str, str] = {
    "phq9_total": "PHQ-9 total",
    "phq9_band": "PHQ-9 band",
    "failed_adequate_trials": "Failed adequate antidepressant trials",
    "possibly_adequate_trials": "Possibly adequate failed trials",
    "msm_total": "Approximate MSM total",
    "msm_band": "Approximate MSM band",
    "auditc_total": "AUDIT-C total",
    "auditc_positive": "AUDIT-C at or above the cut-off",
    "partial_response_trials": "Full trials with moderate (partial) benefit",
}
BANDS = {
    "minimal": "minimal",
    "mild": "mild",
    "moderate": "moderate",
    "moderately_severe": "moderately severe",
    "severe": "severe",
}
ANSWER_SECTIONS = (
    ("about", "About the respondent", ("age_years", "sex_at_birth", "pregnancy_status")),
    ("history", "Depression history", None),
    ("treatment", "Other treatment this episode", None),
    ("medical", "Medical history", None),
    (
        "substances",
        "Alcohol and drugs",
        ("drug_use_times", "substance_problem_history", "ketamine_nonmedical"),
    ),
    ("medicines", "Medicines taken now", None),
    (
        "practical",
        "Practical matters and preferences",
        ("ride_home", "attend_twice_weekly", "route_interest"),
    ),
)


def when(moment: datetime) -> str:
    zone = moment.tzname() or ""
    zone = "UTC" if moment.utcoffset() is not None and not moment.utcoffset() else zone
    return f"{moment.day} {moment:%b %Y, %H:%M} {zone}".strip()


def as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def stored_when(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return when(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC))
    except ValueError:
        return text


def short(key: str, qn: Questionnaire) -> str:
    if key in SCORE_LABELS:
        return SCORE_LABELS[key]
    q = qn.by_id.get(key)
    return q.short_label if q else key


def value_words(key: str, value: Any, qn: Questionnaire) -> str:
    q = qn.by_id.get(key)
    if q is not None:
        return label(q, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key.endswith("_band") and isinstance(value, str):
        return BANDS.get(value, value)
    return str(value)


def evidence_words(f: Finding, qn: Questionnaire) -> str:
    if not f.evidence:
        return "Shown with every summary."
    return "; ".join(f"{short(k, qn)}: {value_words(k, v, qn)}" for k, v in f.evidence.items())


def missing_label(path: AnswerPath, qn: Questionnaire) -> str:
    q = qn.by_id[path.question]
    if path.entry is not None:
        sub = q.item_by_id.get(path.sub or "")
        return f"{q.item_label or 'Entry'} {path.entry + 1}: {sub.text if sub else path.sub}"
    if path.question in PHQ9_ITEMS:
        return f"PHQ-9 item {path.question[5:]}: {q.text}"
    return q.short_label
