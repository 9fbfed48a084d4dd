"""Triage: one plain row per record (crisis and urgent first), filters, counts, and the
detail a clinician reads (every answer in words, the clinician text of each finding).

    rows = sort_rows(triage_rows(review.entries))     # urgent, then crisis, then the rest
    shown = filter_rows(rows, outcomes={"discuss_ketamine"}, search="jo")

Pure: no Streamlit, no pandas, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from screening.questionnaire import Questionnaire, load_questionnaire
from screening.record import LoadedRecord
from screening.review.files import Entry
from screening.rules import KIND_TITLES, OUTCOMES, RULE_BY_ID

# --------------------------------------------------------------------------- rows

OUTCOME_ORDER = (
    "seek_help_now",
    "incomplete",
    "clinician_review_first",
    "discuss_ketamine",
    "discuss_other_options",
)
OUTCOME_LABELS: dict[str, str] = {
    "seek_help_now": "Seek help now",
    "incomplete": "Incomplete",
    "clinician_review_first": "Clinician review first",
    "discuss_ketamine": "Discuss ketamine",
    "discuss_other_options": "Discuss other options",
}
BAND_ORDER = ("minimal", "mild", "moderate", "moderately_severe", "severe")
NOT_SCORED = "not scored"
CRISIS_MARK = "⚠ CRISIS"
URGENT_MARK = "⚠ URGENT"
RISK_UNKNOWN_MARK = "⚠ risk not assessed"
CHANGED_MARK = "⚠ answer changed"
MISMATCH_MARK = "⚠ differs"
NO_MARK = "no"

# Display columns of the triage table, in order: key → heading.
TABLE_COLUMNS: dict[str, str] = {
    "number": "#",
    "crisis": "Crisis",
    "urgent": "Urgent",
    "name": "Name",
    "outcome": "Outcome",
    "phq9_total": "PHQ-9",
    "phq9_band": "PHQ-9 band",
    "failed_trials": "Failed adequate trials",
    "msm": "MSM (approx.)",
    "review_count": "Review findings",
    "caution_count": "Caution findings",
    "mismatch": "Stored result",
    "status": "Status",
    "date": "Date",
    "source": "File",
}


def band_label(band: object) -> str:
    """``moderately_severe`` → ``moderately severe``; missing → ``not scored``."""
    return band.replace("_", " ") if isinstance(band, str) else NOT_SCORED


def triage_row(entry: Entry) -> dict[str, Any]:
    """One plain row: display values (``TABLE_COLUMNS``) and raw values for filtering."""
    record = entry.record
    result = record.result
    scores = result.scores
    msm_total = scores.get("msm_total")
    msm = f"{msm_total} ({band_label(scores.get('msm_band'))})" if msm_total is not None else ""
    name = record.display_name or ""
    unknown = "F-RISK-NOT-ASSESSED" in result.finding_ids  # prefer not to say: never a no
    changed = bool(record.answer_changes)
    return {
        "number": entry.number,
        "name": name,
        "date": (record.created_at or "")[:10],
        "status": "completed" if record.status == "completed" else "in progress",
        "outcome": OUTCOME_LABELS.get(result.outcome, result.outcome),
        "crisis": CRISIS_MARK if result.crisis else CHANGED_MARK if changed else NO_MARK,
        "urgent": URGENT_MARK if result.urgent else RISK_UNKNOWN_MARK if unknown else NO_MARK,
        "phq9_total": scores.get("phq9_total"),
        "phq9_band": band_label(scores.get("phq9_band")),
        "failed_trials": scores.get("failed_adequate_trials"),
        "msm": msm,
        "review_count": len(result.by_kind("review")),
        "caution_count": len(result.by_kind("caution")),
        "mismatch": MISMATCH_MARK if record.mismatches else "",
        "source": entry.source,
        # raw values, for filters and sorting (not displayed)
        "kind": entry.kind,
        "outcome_code": result.outcome,
        "band_code": scores.get("phq9_band"),
        "is_crisis": result.crisis,
        "is_urgent": result.urgent,
        "is_risk_unknown": unknown,
        "has_changed_answers": changed,
        "has_mismatch": bool(record.mismatches),
        "finding_ids": result.finding_ids,
    }


def triage_rows(entries: Iterable[Entry | LoadedRecord]) -> list[dict[str, Any]]:
    """One plain row per record, in the given order (plain LoadedRecords are numbered 1…)."""
    return [
        triage_row(item if isinstance(item, Entry) else Entry(i, "record", item))
        for i, item in enumerate(entries, start=1)
    ]


def sort_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Urgent first, then risk not assessed, then crisis, then safety answers changed back,
    then the rest; load order within each group."""

    def key(r: dict[str, Any]) -> tuple[bool, bool, bool, bool, int]:
        flags = (r["is_urgent"], r["is_risk_unknown"], r["is_crisis"], r["has_changed_answers"])
        return (*(not f for f in flags), r["number"])

    return sorted(rows, key=key)


def filter_rows(
    rows: Iterable[dict[str, Any]],
    *,
    outcomes: Iterable[str] | None = None,
    findings: Iterable[str] | None = None,
    crisis_only: bool = False,
    mismatch_only: bool = False,
    search: str = "",
) -> list[dict[str, Any]]:
    """Rows that pass every filter given.

    ``outcomes``: outcome codes to keep (None or empty: all). ``findings``: keep rows with
    any of these finding ids. ``search``: case-insensitive part of the name or file name.
    """
    wanted_outcomes = set(outcomes or ())
    wanted_findings = set(findings or ())
    needle = search.strip().casefold()
    out = []
    for row in rows:
        if wanted_outcomes and row["outcome_code"] not in wanted_outcomes:
            continue
        if wanted_findings and not wanted_findings.intersection(row["finding_ids"]):
            continue
        if crisis_only and not (row["is_crisis"] or row["is_urgent"]):
            continue
        if mismatch_only and not row["has_mismatch"]:
            continue
        if (
            needle
            and needle not in row["name"].casefold()
            and needle not in row["source"].casefold()
        ):
            continue
        out.append(row)
    return out


def count_by_outcome(rows: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    """(outcome label, count) for every outcome, in the outcome order."""
    counts = dict.fromkeys(OUTCOME_ORDER, 0)
    for row in rows:
        counts[row["outcome_code"]] = counts.get(row["outcome_code"], 0) + 1
    return [(OUTCOME_LABELS.get(code, code), n) for code, n in counts.items()]


def count_by_band(rows: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    """(PHQ-9 band label, count) from minimal to severe, then ``not scored``."""
    counts: dict[str, int] = {band_label(b): 0 for b in BAND_ORDER}
    counts[NOT_SCORED] = 0
    for row in rows:
        counts[row["phq9_band"]] = counts.get(row["phq9_band"], 0) + 1
    return list(counts.items())


def findings_present(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """(finding id, "id — title") for findings that occur in the rows, in catalogue order."""
    present: set[str] = set()
    for row in rows:
        present.update(row["finding_ids"])
    return [(rid, f"{rid} — {rule.title}") for rid, rule in RULE_BY_ID.items() if rid in present]


def outcome_choices() -> list[tuple[str, str]]:
    """(code, short label) of every outcome."""
    return [(code, OUTCOME_LABELS[code]) for code in OUTCOME_ORDER if code in OUTCOMES]


# --------------------------------------------------------------------------- detail


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One answer as shown to staff: section title, question text, answer in words."""

    section: str
    question: str
    answer: str


def answer_lines(answers: Mapping[str, Any], qn: Questionnaire | None = None) -> list[AnswerLine]:
    """Every answer in questionnaire order, codes turned into their labels."""
    qn = qn or load_questionnaire()
    out: list[AnswerLine] = []
    for q in qn.questions:
        if q.id not in answers:
            continue
        section = qn.section_by_id[q.section].title if q.section in qn.section_by_id else ""
        value = answers[q.id]
        if q.type == "repeat":
            entries = value if isinstance(value, list) else []
            if not entries:
                out.append(AnswerLine(section, q.text, q.none_label or "None"))
            for i, item in enumerate(entries, start=1):
                label = f"{q.item_label or 'Entry'} {i}"
                for sub in q.items:
                    if isinstance(item, dict) and sub.id in item:
                        out.append(
                            AnswerLine(
                                section, f"{label}: {sub.text}", _answer_text(sub, item[sub.id])
                            )
                        )
            continue
        out.append(AnswerLine(section, q.text, _answer_text(q, value)))
    return out


def _answer_text(q: Any, value: object) -> str:
    if isinstance(value, list):
        if not value:
            return str(q.none_label or "None of these")
        return "; ".join(q.label_of(v) for v in value)
    if q.is_choice:
        return str(q.label_of(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return f"{text} {q.unit}" if q.unit and isinstance(value, int) else text


@dataclass(frozen=True, slots=True)
class ClinicianNote:
    """A finding as a clinician reads it."""

    id: str
    kind: str
    kind_title: str
    title: str
    clinician: str
    source: str


def clinician_notes(record: LoadedRecord) -> list[ClinicianNote]:
    """The clinician-facing text of every finding of a record, in display order."""
    notes = []
    for finding in record.result.findings:
        rule = RULE_BY_ID.get(finding.id)
        notes.append(
            ClinicianNote(
                finding.id,
                finding.kind,
                KIND_TITLES.get(finding.kind, finding.kind),
                finding.title,
                rule.clinician if rule else "",
                finding.source,
            )
        )
    return notes
