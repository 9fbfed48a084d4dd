"""Answers in words, as plain text (escape before putting any of it into markdown)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening import EVIDENCE_SCORE_KEYS
from screening.questionnaire import Question, Questionnaire
from ui.lang import tr


def answer_text(q: Question, value: Any) -> str | None:
    """One answer in words (None when unanswered). Repeat answers: see ``trial_lines``."""
    if value is None:
        return None
    if q.type == "integer":
        return f"{value} {q.unit}" if q.unit else str(value)
    if q.type == "multi":
        if not value:
            return q.none_label or tr("format.none")
        return "; ".join(q.label_of(code) for code in value)
    if q.type == "repeat":
        return tr("format.no_trials") if not value else tr("format.entered", count=len(value))
    if q.type == "text":
        return str(value)
    return q.label_of(value)


def trial_lines(q: Question, value: list[Mapping[str, Any]], qn: Questionnaire) -> list[str]:
    """One plain line per trial entry (it may hold free text: render with st.text)."""
    lines = []
    item = q.item_label or tr("trials.item")
    for index, entry in enumerate(value):
        parts = []
        med = entry.get("medication")
        if med == "other":
            other = entry.get("medication_other")
            parts.append(tr("format.other", name=other) if other else tr("format.other_unnamed"))
        elif med is not None:
            medication = qn.medication_by_code.get(str(med))
            parts.append(medication.picker_label if medication else str(med))
        else:
            parts.append(tr("format.not_chosen"))
        weeks = entry.get("weeks")
        if weeks is not None:
            parts.append(tr("format.weeks", weeks=weeks))
        for sub_id, words in (
            ("took_as_prescribed", tr("format.took")),
            ("benefit", tr("format.helped")),
            ("status", tr("format.now")),
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
    name = tr(f"format.score_{key}") if key in EVIDENCE_SCORE_KEYS else key
    if isinstance(value, bool):
        return f"{name}: {tr('format.yes') if value else tr('format.no')}"
    return f"{name}: {value}"
