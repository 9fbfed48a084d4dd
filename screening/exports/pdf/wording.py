"""Words shared by the pages of the summary PDF: labels of scores and bands, answers and
evidence in words, dates. Every word is from the string catalogue (``pdf.*`` keys of
``screening/data/strings``), in the summary's language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from screening.errors import AnswerPath
from screening.exports._common import label
from screening.i18n import t
from screening.questionnaire import Questionnaire
from screening.rules import Finding
from screening.scoring import EVIDENCE_SCORE_KEYS, PHQ9_ITEMS

BANDS = ("minimal", "mild", "moderate", "moderately_severe", "severe")
ANSWER_SECTIONS = (
    ("about", ("age_years", "sex_at_birth", "pregnancy_status")),
    ("history", None),
    ("treatment", None),
    ("medical", None),
    ("substances", ("drug_use_times", "substance_problem_history", "ketamine_nonmedical")),
    ("medicines", None),
    ("practical", ("ride_home", "attend_twice_weekly", "route_interest")),
)


def band_words(band: object, lang: str = "en") -> str:
    """A PHQ-9 or MSM band in words (``moderately severe``)."""
    return t(f"pdf.band_{band}", lang) if band in BANDS else str(band)


def when(moment: datetime, lang: str = "en") -> str:
    zone = moment.tzname() or ""
    zone = "UTC" if moment.utcoffset() is not None and not moment.utcoffset() else zone
    month = t("pdf.months", lang).split()[moment.month - 1]
    return f"{moment.day} {month} {moment:%Y, %H:%M} {zone}".strip()


def as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def stored_when(text: str | None, lang: str = "en") -> str | None:
    if not text:
        return None
    try:
        return when(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC), lang)
    except ValueError:
        return text


def short(key: str, qn: Questionnaire, lang: str = "en") -> str:
    if key in EVIDENCE_SCORE_KEYS:
        return t(f"pdf.score_{key}", lang)
    q = qn.by_id.get(key)
    return q.short_label if q else key


def value_words(key: str, value: Any, qn: Questionnaire, lang: str = "en") -> str:
    q = qn.by_id.get(key)
    if q is not None:
        return label(q, value, none=t("pdf.none", lang))
    if isinstance(value, bool):
        return t("pdf.yes", lang) if value else t("pdf.no", lang)
    if key.endswith("_band") and isinstance(value, str):
        return band_words(value, lang)
    return str(value)


def evidence_words(f: Finding, qn: Questionnaire, lang: str = "en") -> str:
    if not f.evidence:
        return t("pdf.every_summary", lang)
    return "; ".join(
        f"{short(k, qn, lang)}: {value_words(k, v, qn, lang)}" for k, v in f.evidence.items()
    )


def missing_label(path: AnswerPath, qn: Questionnaire, lang: str = "en") -> str:
    q = qn.by_id[path.question]
    if path.entry is not None:
        sub = q.item_by_id.get(path.sub or "")
        entry = q.item_label or t("pdf.entry", lang)
        return f"{entry} {path.entry + 1}: {sub.text if sub else path.sub}"
    if path.question in PHQ9_ITEMS:
        return t("pdf.phq9_item", lang, number=path.question[5:], text=q.text)
    return q.short_label
