"""Answers in words, as plain text (escape before putting any of it into markdown)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening.questionnaire import Question, Questionnaire

NONE_OF_THESE = "None of these"
NO_TRIALS = "None during this episode"

SCORE_NAMES = {
    "phq9_total": "PHQ-9 total",
    "phq9_band": "PHQ-9 band",
    "failed_adequate_trials": "Full antidepressant trials without enough benefit",
    "possibly_adequate_trials": "Antidepressant trials that may count",
    "msm_total": "Approximate Maudsley staging score",
    "msm_band": "Approximate Maudsley staging band",
    "auditc_total": "AUDIT-C total",
    "auditc_positive": "AUDIT-C above the usual cut-off",
    "partial_response_trials": "Full trials that helped moderately",
}


def answer_text(q: Question, value: Any) -> str | None:
    """One answer in words (None when unanswered). Repeat answers: see ``trial_lines``."""
    if value is None:
        return None
    if q.type == "integer":
        return f"{value} {q.unit}" if q.unit else str(value)
    if q.type == "multi":
        if not value:
            return q.none_label or NONE_OF_THESE
        return "; ".join(q.label_of(code) for code in value)
    if q.type == "repeat":
        return NO_TRIALS if not value else f"{len(value)} entered"
    if q.type == "text":
        return str(value)
    return q.label_of(value)


def trial_lines(q: Question, value: list[Mapping[str, Any]], qn: Questionnaire) -> list[str]:
    """One plain line per trial entry (it may hold free text: render with st.text)."""
    lines = []
    item = q.item_label or "Antidepressant"
    for index, entry in enumerate(value):
        parts = []
        med = entry.get("medication")
        if med == "other":
            other = entry.get("medication_other")
            parts.append(f"Other: {other}" if other else "Other (name not given)")
        elif med is not None:
            medication = qn.medication_by_code.get(str(med))
            parts.append(medication.picker_label if medication else str(med))
        else:
            parts.append("Medicine not chosen")
        weeks = entry.get("weeks")
        if weeks is not None:
            parts.append(f"{weeks} weeks at the recommended dose")
        for sub_id, words in (
            ("took_as_prescribed", "Taken as prescribed"),
            ("benefit", "Helped"),
            ("status", "Now"),
        ):
            sub = q.item_by_id.get(sub_id)
            if sub is not None and entry.get(sub_id) is not None:
                parts.append(f"{words}: {sub.label_of(entry[sub_id])}")
        lines.append(f"{item} {index + 1}: " + ". ".join(parts) + ".")
    return lines


def evidence_text(key: str, value: Any, qn: Questionnaire) -> str:
    """``question: answer`` for one piece of a finding's evidence."""
    q = qn.by_id.get(key)
    if q is not None:
        return f"{q.text} — {answer_text(q, value)}"
    name = SCORE_NAMES.get(key, key)
    if isinstance(value, bool):
        return f"{name}: {'yes' if value else 'no'}"
    return f"{name}: {value}"
