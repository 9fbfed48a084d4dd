"""The clinician-ready summary PDF (fpdf2, bundled DejaVu Sans; no HTML rendering).

Page 1 begins with the crisis box when crisis resources apply, then the header (clinic,
date, versions, the name the respondent gave), the outcome, the findings by kind with
their reasons and sources, the scores (PHQ-9 items, approximate MSM with its parts,
AUDIT-C), the antidepressant trials as a table, the other answers, the respondent's
notes, and "For the clinician" with the clinician-facing text of each finding. Every page
ends with "page x of y", "informational, not a diagnosis", the crisis line of the region
and the PHQ-9 attribution.

Respondent text is data: it is drawn literally, never interpreted (no markdown, no
HTML, no page-number alias); characters the font cannot draw show as U+FFFD.
The same record and generation time give the same bytes. PDF/A-2B, title and language set.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from screening.exports import _pdf_fonts as fonts
from screening.exports._common import (
    TRIALS,
    RecordLike,
    as_loaded,
    label,
    medication_class,
    medication_name,
)
from screening.questionnaire import Questionnaire, load_questionnaire
from screening.record import LoadedRecord
from screening.rules import KIND_TITLES, KINDS, OUTCOMES, RULE_BY_ID, Finding
from screening.scoring import PHQ9_ITEMS, assess_trials, msm_parts

if TYPE_CHECKING:
    from fpdf import FPDF

    from screening.settings import ClinicSettings

TITLE = "Ketamine and esketamine pre-screening summary"
NOT_A_DIAGNOSIS = "Informational, not a diagnosis"
DEFAULT_CLINIC = "Your clinic"
CREATOR = "ketamine-screening"

Color = tuple[int, int, int]
INK: Color = (26, 26, 26)
MUTED: Color = (85, 85, 85)
NAVY: Color = (31, 58, 95)
RULE_GREY: Color = (200, 205, 212)
TABLE_HEAD: Color = (232, 236, 241)
ZEBRA: Color = (246, 247, 249)
CRISIS_RED: Color = (176, 0, 32)
CRISIS_BG: Color = (253, 236, 234)
OUTCOME_BG: Color = (238, 242, 247)

# Short topic names for answers and evidence (the question text is used when absent).
SHORT: dict[str, str] = {
    "age_years": "Age",
    "sex_at_birth": "Sex assigned at birth",
    "pregnancy_status": "Pregnancy or breastfeeding",
    "phq9_9": "PHQ-9 item 9 (thoughts of death or self-harm)",
    "phq9_difficulty": "Difficulty caused by these problems",
    "si_plan": "Thought about how to end their life (past month)",
    "si_intent": "Might act on these thoughts",
    "self_harm_recent": "Self-harm or suicide attempt (past 3 months)",
    "dx_depression": "Told they have depression",
    "episode_duration": "Length of this episode",
    "dx_bipolar": "Bipolar disorder, mania or hypomania",
    "psychosis_history": "Psychosis ever",
    "psychosis_current": "Psychotic experiences this episode",
    "augmentation": "Augmentation (added medicine) this episode",
    "psychotherapy": "Talking therapy",
    "ect": "ECT ever",
    "tms": "TMS ever",
    "prior_ketamine": "Ketamine or esketamine before",
    "prior_ketamine_benefit": "How that treatment went",
    "aneurysm_or_avm": "Aneurysm or AVM",
    "brain_bleed": "Bleeding in the brain",
    "ketamine_allergy": "Allergic reaction to ketamine or esketamine",
    "high_blood_pressure": "High blood pressure",
    "bp_systolic": "Blood pressure, systolic",
    "bp_diastolic": "Blood pressure, diastolic",
    "heart_conditions": "Heart or circulation",
    "brain_conditions": "Brain conditions",
    "other_conditions": "Other conditions",
    "drug_use_times": "Drug use, past year (times)",
    "substance_problem_history": "Problem with alcohol or drugs, or treatment for one",
    "ketamine_nonmedical": "Ketamine, PCP or similar outside medical care",
    "current_meds": "Medicines taken now",
    "ride_home": "Someone can take them home",
    "attend_twice_weekly": "Can attend twice weekly for a month",
    "route_interest": "Would like to know more about",
    "auditc_1": "AUDIT-C 1: how often a drink",
    "auditc_2": "AUDIT-C 2: drinks on a typical day",
    "auditc_3": "AUDIT-C 3: six or more on one occasion",
}
SCORE_LABELS: dict[str, str] = {
    "phq9_total": "PHQ-9 total",
    "phq9_band": "PHQ-9 band",
    "failed_adequate_trials": "Failed adequate antidepressant trials",
    "possibly_adequate_trials": "Possibly adequate failed trials",
    "msm_total": "Approximate MSM total",
    "msm_band": "Approximate MSM band",
    "auditc_total": "AUDIT-C total",
    "auditc_positive": "AUDIT-C at or above the cut-off",
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


# --------------------------------------------------------------------------- layout

_TOKENS = re.compile(r" +|[^ ]+")


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text to wrap: style ("" or "B"), size in pt, colour, space before (mm)."""

    text: str
    size: float = 9.0
    style: str = ""
    color: Color = INK
    before: float = 0.0
    indent: float = 0.0


@dataclass(slots=True)
class _Page:
    """Page geometry in mm."""

    width: float
    height: float
    left: float = 16.0
    right: float = 16.0
    top: float = 16.0
    bottom: float = 24.0

    @property
    def content_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def limit(self) -> float:
        return self.height - self.bottom


@dataclass(slots=True)
class _Layout:
    """A tiny flow layout over fpdf2: own line wrapping (fast, measurable), keep-together
    blocks, tables whose rows never split and whose header repeats on a new page."""

    pdf: FPDF
    page: _Page
    running_header: str
    y: float = 0.0
    _widths: dict[str, tuple[dict[int, float], float]] = field(default_factory=dict)
    _font_state: tuple[float, str, Color, int] | None = None

    # ---- measuring
    def width_of(self, text: str, size: float, style: str = "") -> float:
        if style not in self._widths:
            self._widths[style] = fonts.widths(style)
        table, default = self._widths[style]
        get = table.get
        return sum(get(ord(c), default) for c in text) * size / 1000 * 25.4 / 72

    def line_height(self, size: float) -> float:
        return size * 25.4 / 72 * 1.32

    def wrap(self, text: str, size: float, style: str, width: float) -> list[str]:
        """Greedy word wrap (widths added up once per word); words longer than a line
        are cut; line breaks kept."""
        table, default = fonts.widths(style)
        get = table.get
        limit = width / (size / 1000 * 25.4 / 72)  # in font units
        lines: list[str] = []
        for para in text.split("\n"):
            current, used = "", 0.0
            for token in _TOKENS.findall(para):
                w = sum(get(ord(c), default) for c in token)
                if used + w <= limit:
                    current, used = current + token, used + w
                    continue
                if token[0] == " ":
                    lines.append(current)
                    current, used = "", 0.0
                    continue
                if current.strip():
                    lines.append(current.rstrip(" "))
                while w > limit:
                    cut, total = 1, get(ord(token[0]), default)
                    while cut < len(token) and total + get(ord(token[cut]), default) <= limit:
                        total += get(ord(token[cut]), default)
                        cut += 1
                    lines.append(token[:cut])
                    token = token[cut:]
                    w -= total
                current, used = token, w
            lines.append(current.rstrip(" "))
        return lines

    def measure(self, runs: Sequence[Text], width: float) -> float:
        return sum(
            r.before
            + len(self.wrap(r.text, r.size, r.style, width - r.indent)) * self.line_height(r.size)
            for r in runs
        )

    # ---- pages
    def start(self) -> None:
        self.pdf.add_page()
        self.y = self.page.top

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = self.page.top
        self.set_font(7.5, "", MUTED)
        self.pdf.text(self.page.left, self.y + 2.5, self.running_header)
        self.y += 7

    def need(self, height: float) -> None:
        if self.y + height > self.page.limit and self.y > self.page.top + 8:
            self.new_page()

    def set_font(self, size: float, style: str, color: Color) -> None:
        state = (size, style, color, self.pdf.page)
        if state != self._font_state:
            self.pdf.set_font(fonts.FAMILY, style, size)
            self.pdf.set_text_color(*color)
            self._font_state = state

    # ---- drawing
    def draw_lines(
        self,
        lines: Sequence[str],
        x: float,
        size: float,
        style: str,
        color: Color,
        *,
        split: bool = True,
        align: str = "L",
        width: float = 0.0,
    ) -> None:
        lh = self.line_height(size)
        self.set_font(size, style, color)
        for line in lines:
            if split and self.y + lh > self.page.limit:
                self.new_page()
                self.set_font(size, style, color)
            left = x
            if align == "R" and width:
                left = x + width - self.width_of(line, size, style)
            self.pdf.text(left, self.y + lh * 0.76, line)
            self.y += lh

    def runs(
        self,
        runs: Sequence[Text],
        *,
        x: float | None = None,
        width: float | None = None,
        keep: bool = False,
    ) -> None:
        left = self.page.left if x is None else x
        w = self.page.content_width if width is None else width
        if keep:
            self.need(self.measure(runs, w))
        for r in runs:
            self.y += r.before
            lines = self.wrap(r.text, r.size, r.style, w - r.indent)
            self.draw_lines(lines, left + r.indent, r.size, r.style, r.color)

    def heading(self, text: str, *, keep_with: float = 22.0) -> None:
        self.y += 3.5
        self.need(9 + keep_with)
        self.draw_lines([text], self.page.left, 12, "B", NAVY)
        self.pdf.set_draw_color(*RULE_GREY)
        self.pdf.set_line_width(0.3)
        self.pdf.line(self.page.left, self.y + 0.6, self.page.width - self.page.right, self.y + 0.6)
        self.y += 2.4

    def subheading(self, text: str, *, keep_with: float = 14.0) -> None:
        self.y += 2.0
        self.need(6 + keep_with)
        self.draw_lines([text], self.page.left, 10, "B", INK)
        self.y += 0.8

    def column_widths(
        self,
        columns: Sequence[tuple[str, float, str]],
        rows: Sequence[Sequence[str]],
        size: float,
        pad: float,
    ) -> list[float]:
        """Widths from the shares, widened so no column is narrower than its longest word."""
        full = self.page.content_width
        total = sum(c[1] for c in columns)
        widths = [full * c[1] / total for c in columns]
        least = [
            max(
                self.width_of(word, size, "B") + 2 * pad
                for text in (col[0], *(row[i] for row in rows))
                for word in (text.split() or [""])
            )
            for i, col in enumerate(columns)
        ]
        short = sum(max(m - w, 0) for w, m in zip(widths, least, strict=True))
        spare = sum(max(w - m, 0) for w, m in zip(widths, least, strict=True))
        if short == 0 or spare < short:
            return widths
        return [
            m if m >= w else w - (w - m) / spare * short for w, m in zip(widths, least, strict=True)
        ]

    def box(
        self,
        runs: Sequence[Text],
        *,
        fill: Color,
        border: Color,
        border_width: float,
        pad: float = 3.5,
    ) -> None:
        inner = self.page.content_width - 2 * pad
        height = self.measure(runs, inner) + 2 * pad
        self.need(height)
        self.pdf.set_fill_color(*fill)
        self.pdf.set_draw_color(*border)
        self.pdf.set_line_width(border_width)
        self.pdf.rect(self.page.left, self.y, self.page.content_width, height, style="DF")
        self.y += pad
        self.runs(runs, x=self.page.left + pad, width=inner)
        self.y += pad

    def table(
        self,
        columns: Sequence[tuple[str, float, str]],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 8.3,
        bold_rows: frozenset[int] = frozenset(),
        keep: bool = False,
        title: str | None = None,
        group_rows: frozenset[int] = frozenset(),
    ) -> None:
        """Columns are (title, share of the width, align L/R). Rows never split; the title
        and header repeat on a new page; ``keep`` keeps a table that fits on a page whole;
        the title never stays behind without its table. A group row (its first cell spans
        the table) stays with the row after it."""
        pad_x, pad_y = 1.4, 1.0
        plain = [r for i, r in enumerate(rows) if i not in group_rows]
        widths = self.column_widths(columns, plain, size, pad_x)
        full = self.page.content_width
        lh = self.line_height(size)
        title_h = 2.0 + self.line_height(10) + 0.8 if title else 0.0

        def draw_title(suffix: str = "") -> None:
            if title:
                self.y += 2.0
                self.draw_lines([title + suffix], self.page.left, 10, "B", INK, split=False)
                self.y += 0.8

        def wrapped(cells: Sequence[str], style: str) -> list[list[str]]:
            return [
                self.wrap(cell, size, style, w - 2 * pad_x)
                for cell, w in zip(cells, widths, strict=True)
            ]

        def draw_row(cells: list[list[str]], style: str, fill: Color | None) -> None:
            height = max(len(c) for c in cells) * lh + 2 * pad_y
            if fill is not None:
                self.pdf.set_fill_color(*fill)
                self.pdf.rect(self.page.left, self.y, self.page.content_width, height, style="F")
            x = self.page.left
            top = self.y
            for lines, w, col in zip(cells, widths, columns, strict=True):
                self.y = top + pad_y
                self.draw_lines(
                    lines,
                    x + pad_x,
                    size,
                    style,
                    INK,
                    split=False,
                    align=col[2],
                    width=w - 2 * pad_x,
                )
                x += w
            self.y = top + height
            self.pdf.set_draw_color(*RULE_GREY)
            self.pdf.set_line_width(0.15)
            self.pdf.line(self.page.left, self.y, self.page.width - self.page.right, self.y)

        def draw_group(lines: list[str]) -> None:
            height = len(lines) * lh + 2 * pad_y
            self.pdf.set_fill_color(*OUTCOME_BG)
            self.pdf.rect(self.page.left, self.y, full, height, style="F")
            top = self.y
            self.y += pad_y
            self.draw_lines(lines, self.page.left + pad_x, size, "B", NAVY, split=False)
            self.y = top + height

        head = wrapped([c[0] for c in columns], "B")
        head_h = max(len(c) for c in head) * lh + 2 * pad_y
        body = [
            [self.wrap(row[0], size, "B", full - 2 * pad_x)]
            if i in group_rows
            else wrapped(row, "B" if i in bold_rows else "")
            for i, row in enumerate(rows)
        ]
        heights = [max(len(c) for c in cells) * lh + 2 * pad_y for cells in body]
        whole = title_h + head_h + sum(heights)
        fits = whole <= self.page.limit - self.page.top - 10
        self.need(whole if keep and fits else title_h + head_h + (heights[0] if heights else 0))
        draw_title()
        draw_row(head, "B", TABLE_HEAD)
        stripe = 0
        group: int | None = None
        for i, (cells, height) in enumerate(zip(body, heights, strict=True)):
            with_next = heights[i + 1] if i in group_rows and i + 1 < len(heights) else 0.0
            if self.y + height + with_next > self.page.limit:
                self.new_page()
                draw_title(" (continued)")
                draw_row(head, "B", TABLE_HEAD)
                if group is not None and i not in group_rows:
                    draw_group(self.wrap(rows[group][0] + " (continued)", size, "B", full))
            if i in group_rows:
                draw_group(cells[0])
                group, stripe = i, 0
                continue
            draw_row(cells, "B" if i in bold_rows else "", ZEBRA if stripe % 2 else None)
            stripe += 1
        self.y += 1.5


# --------------------------------------------------------------------------- wording


def _when(moment: datetime) -> str:
    zone = moment.tzname() or ""
    zone = "UTC" if moment.utcoffset() is not None and not moment.utcoffset() else zone
    return f"{moment.day} {moment:%b %Y, %H:%M} {zone}".strip()


def _stored_when(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return _when(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC))
    except ValueError:
        return text


def _short(key: str, qn: Questionnaire) -> str:
    if key in SHORT:
        return SHORT[key]
    if key in SCORE_LABELS:
        return SCORE_LABELS[key]
    q = qn.by_id.get(key)
    return q.text if q else key


def _value(key: str, value: Any, qn: Questionnaire) -> str:
    q = qn.by_id.get(key)
    if q is not None:
        return label(q, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key.endswith("_band") and isinstance(value, str):
        return BANDS.get(value, value)
    return str(value)


def _evidence(f: Finding, qn: Questionnaire) -> str:
    if not f.evidence:
        return "Shown with every summary."
    return "; ".join(f"{_short(k, qn)}: {_value(k, v, qn)}" for k, v in f.evidence.items())


def _missing_label(path: str, qn: Questionnaire) -> str:
    match = re.fullmatch(r"(\w+)\[(\d+)\]\.(\w+)", path)
    if match:
        q = qn.by_id[match.group(1)]
        sub = q.item_by_id.get(match.group(3))
        what = sub.text if sub else match.group(3)
        return f"{q.item_label or 'Entry'} {int(match.group(2)) + 1}: {what}"
    if path.startswith("phq9_") and path[5:].isdigit():
        return f"PHQ-9 item {path[5:]}: {qn.by_id[path].text}"
    if path in SHORT:
        return SHORT[path]
    return qn.by_id[path].text if path in qn.by_id else path


# --------------------------------------------------------------------------- sections


@dataclass(slots=True)
class _Summary:
    doc: _Layout
    record: LoadedRecord
    qn: Questionnaire
    clinic: str
    region: str
    generated_at: datetime

    @property
    def answers(self) -> Mapping[str, Any]:
        return self.record.answers

    def text(self, value: str) -> str:
        return fonts.drawable(value)

    def crisis_box(self) -> None:
        from screening.crisis import load_crisis_resources

        res = self.record.result
        urgent = next((f for f in res.findings if f.id == "F-URGENT"), None)
        crisis = next((f for f in res.findings if f.id == "F-CRISIS-RESOURCES"), None)
        lead = urgent or crisis
        assert lead is not None
        region = load_crisis_resources().region(self.region)
        runs = [Text(lead.title, 13, "B", CRISIS_RED), Text(lead.detail, 9.5, before=1.2)]
        if urgent is not None and crisis is not None:
            runs.append(Text(crisis.detail, 9.5, before=1.2))
        runs.append(
            Text(f"Crisis support ({region.name}), free, day and night:", 9.5, "B", before=2.0)
        )
        for r in region.resources:
            runs.append(Text(f"• {r.name} — {r.description}", 9.5, before=0.6, indent=2))
        said = "; ".join(
            f"{_short(k, self.qn)}: {_value(k, self.answers[k], self.qn)}"
            for k in ("phq9_9", "si_plan", "si_intent", "self_harm_recent")
            if k in self.answers
        )
        runs.append(
            Text(f"For the clinician — safety answers: {said}.", 8.5, "B", MUTED, before=2.0)
        )
        self.doc.box(runs, fill=CRISIS_BG, border=CRISIS_RED, border_width=0.9)
        self.doc.y += 3

    def header(self, settings: ClinicSettings | None) -> None:
        doc = self.doc
        runs = [Text(self.text(self.clinic), 15, "B", NAVY), Text(TITLE, 11.5, "B", INK, 0.8)]
        contact = []
        if settings is not None:
            contact = [
                x for x in (settings.address, settings.phone, settings.email, settings.website) if x
            ]
        if contact:
            runs.append(Text(self.text(" · ".join(contact)), 8, "", MUTED, 0.8))
        rec = self.record
        meta = [f"Generated {_when(self.generated_at)}"]
        saved = _stored_when(rec.created_at)
        if saved:
            meta.append(f"answers saved {saved}")
        meta.append(f"status: {rec.status.replace('_', ' ')}")
        meta.append(f"questionnaire {self.qn.id} {rec.questionnaire_version or self.qn.version}")
        meta.append(f"rules {rec.result.rules_version}")
        runs.append(Text(" · ".join(meta), 8, "", MUTED, 1.2))
        name = rec.display_name
        if name:
            runs.append(Text(f"Name or initials given: {self.text(name)}", 10, "B", INK, 1.8))
        doc.runs(runs)
        doc.runs(
            [
                Text(
                    "Information to discuss with a clinician. Informational, not a diagnosis: it "
                    "does not decide whether any treatment is right for this person.",
                    8.5,
                    "",
                    MUTED,
                    1.5,
                )
            ]
        )
        if rec.mismatches:
            doc.runs(
                [
                    Text(
                        "Note for staff: the stored result in the file differed from the result "
                        "recomputed here (shown): " + self.text("; ".join(rec.mismatches)),
                        8,
                        "",
                        CRISIS_RED,
                        1.2,
                    )
                ]
            )
        doc.y += 2.5

    def outcome(self) -> None:
        res = self.record.result
        text = OUTCOMES[res.outcome]
        runs = [Text(f"Outcome: {text.title}", 12, "B", NAVY), Text(text.text, 9.5, before=1.0)]
        if res.missing:
            shown = [_missing_label(p, self.qn) for p in res.missing[:12]]
            more = f" … and {len(res.missing) - 12} more" if len(res.missing) > 12 else ""
            runs.append(Text("Still to answer: " + "; ".join(shown) + more, 8.5, "", MUTED, 1.2))
        self.doc.box(runs, fill=OUTCOME_BG, border=NAVY, border_width=0.4)

    def findings(self) -> None:
        res = self.record.result
        self.doc.heading("Findings, with reasons and sources")
        for kind in KINDS:
            found = res.by_kind(kind)
            if not found or kind == "crisis":
                continue
            first = found[0]
            self.doc.subheading(KIND_TITLES[kind], keep_with=self._finding_height(first))
            for f in found:
                self._finding(f)

    def _finding_runs(self, f: Finding) -> list[Text]:
        return [
            Text(f.title, 9.5, "B", INK, 1.2, indent=2),
            Text(f.detail, 9, before=0.4, indent=2),
            Text(f"Why: {self.text(_evidence(f, self.qn))}", 8, "", MUTED, 0.5, indent=2),
            Text(f"Source: {f.source}", 8, "", MUTED, 0.2, indent=2),
        ]

    def _finding_height(self, f: Finding) -> float:
        return self.doc.measure(self._finding_runs(f), self.doc.page.content_width)

    def _finding(self, f: Finding) -> None:
        self.doc.runs(self._finding_runs(f), keep=True)

    def scores(self) -> None:
        doc, qn, answers = self.doc, self.qn, self.answers
        scores = self.record.result.scores
        doc.heading("Scores", keep_with=85)
        rows = []
        for i, item in enumerate(PHQ9_ITEMS, 1):
            q = qn.by_id[item]
            value = answers.get(item)
            rows.append(
                [
                    str(i),
                    q.text,
                    label(q, value) or "not answered",
                    "" if value is None else str(value),
                ]
            )
        total = scores.get("phq9_total")
        band = scores.get("phq9_band")
        rows.append(
            [
                "",
                "Total (0–27)" + (f", {BANDS.get(str(band), band)}" if band else ""),
                "",
                "—" if total is None else str(total),
            ]
        )
        diff = qn.by_id["phq9_difficulty"]
        if "phq9_difficulty" in answers:
            rows.append(
                [
                    "",
                    "Difficulty caused by these problems",
                    label(diff, answers["phq9_difficulty"]),
                    "",
                ]
            )
        doc.table(
            [("#", 4, "L"), ("Item", 58, "L"), ("Answer", 24, "L"), ("Score", 8, "R")],
            rows,
            bold_rows=frozenset({9} | ({8} if _int(answers.get("phq9_9")) else set())),
            keep=True,
            title="PHQ-9 (last 2 weeks)",
        )
        self._msm()
        self._auditc()

    def _msm(self) -> None:
        doc, scores = self.doc, self.record.result.scores
        title = "Maudsley Staging Method, approximate, from self-report"
        total = scores.get("msm_total")
        parts = msm_parts(
            self.answers, _int(scores.get("phq9_total")), _int(scores.get("failed_adequate_trials"))
        )
        if total is None or parts is None:
            failed = scores.get("failed_adequate_trials")
            why = (
                "no failed adequate antidepressant trial was reported"
                if failed == 0
                else "an answer it needs is missing"
            )
            doc.subheading(title, keep_with=6)
            doc.runs([Text(f"Not computed: {why}.", 9)])
            return
        band = BANDS.get(str(scores.get("msm_band")), "")
        doc.table(
            [
                ("Duration", 1, "R"),
                ("Severity", 1, "R"),
                ("Failed treatments", 1.3, "R"),
                ("Augmentation", 1.2, "R"),
                ("ECT", 0.8, "R"),
                ("Total (3–15)", 1.4, "R"),
            ],
            [
                [
                    str(parts["duration"]),
                    str(parts["severity"]),
                    str(parts["failures"]),
                    str(parts["augmentation"]),
                    str(parts["ect"]),
                    f"{total} ({band})",
                ]
            ],
            keep=True,
            title=title,
        )

    def _auditc(self) -> None:
        doc, qn, answers = self.doc, self.qn, self.answers
        scores = self.record.result.scores
        rows = []
        for item in ("auditc_1", "auditc_2", "auditc_3"):
            q = qn.by_id[item]
            value = answers.get(item)
            rows.append(
                [
                    q.text,
                    label(q, value) or ("—" if item != "auditc_1" else "not answered"),
                    "" if value is None else str(value),
                ]
            )
        total = scores.get("auditc_total")
        positive = scores.get("auditc_positive")
        verdict = (
            "cut-off not known"
            if not isinstance(positive, bool)
            else "at or above the cut-off"
            if positive
            else "below the cut-off"
        )
        rows.append(
            [
                f"Total (0–12), {verdict} (4 for men, 3 otherwise)",
                "",
                "—" if total is None else str(total),
            ]
        )
        doc.table(
            [("Item", 62, "L"), ("Answer", 28, "L"), ("Score", 8, "R")],
            rows,
            bold_rows=frozenset({3}),
            keep=True,
            title="AUDIT-C (past year)",
        )

    def trials(self) -> None:
        doc, qn, answers = self.doc, self.qn, self.answers
        scores = self.record.result.scores
        doc.heading("Antidepressants tried in this episode", keep_with=20)
        trials = answers.get(TRIALS)
        if trials is None:
            doc.runs([Text("Not answered.", 9)])
        elif not trials:
            doc.runs([Text("No antidepressant taken during this episode.", 9)])
        else:
            q = qn.by_id[TRIALS]
            subs = q.item_by_id
            rows = []
            for n, (t, a) in enumerate(zip(trials, assess_trials(answers), strict=True), 1):
                adequate = (
                    "incomplete"
                    if not a.complete
                    else "yes"
                    if a.adequate
                    else "possibly"
                    if a.possibly_adequate
                    else "no"
                )
                weeks = t.get("weeks")
                rows.append(
                    [
                        str(n),
                        self.text(medication_name(t, qn)) or "—",
                        medication_class(t, qn),
                        "—" if weeks is None else str(weeks),
                        label(subs["took_as_prescribed"], t.get("took_as_prescribed")) or "—",
                        label(subs["benefit"], t.get("benefit")) or "—",
                        label(subs["status"], t.get("status")) or "—",
                        adequate,
                    ]
                )
            doc.table(
                [
                    ("#", 4, "L"),
                    ("Medication", 32, "L"),
                    ("Class", 12, "L"),
                    ("Weeks", 12, "R"),
                    ("As prescribed", 19, "L"),
                    ("Benefit", 44, "L"),
                    ("Status", 40, "L"),
                    ("Adequate?", 19, "L"),
                ],
                rows,
            )
            doc.runs(
                [
                    Text(
                        "Adequate: at least 6 weeks at the recommended dose, taken as "
                        "prescribed; possibly: 4–5 weeks, or 6+ weeks with adherence unsure. "
                        "Failed: less than a clear response (benefit none, a little or "
                        "moderate).",
                        7.5,
                        "",
                        MUTED,
                    )
                ]
            )
        failed = scores.get("failed_adequate_trials")
        possible = scores.get("possibly_adequate_trials")
        if failed is not None:
            doc.runs(
                [
                    Text(
                        f"Distinct medicines with a failed adequate trial: {failed}; with a "
                        f"possibly adequate failed trial only: {possible}.",
                        9,
                        "B",
                        INK,
                        1.2,
                    )
                ]
            )

    def answers_section(self) -> None:
        from screening.answers import is_enabled

        doc, qn, answers = self.doc, self.qn, self.answers
        doc.heading("Other answers", keep_with=25)
        rows: list[list[str]] = []
        groups: set[int] = set()
        for section_id, title, only in ANSWER_SECTIONS:
            start = len(rows)
            rows.append([title, ""])
            for q in qn.in_section(section_id):
                if q.type == "repeat" or (only is not None and q.id not in only):
                    continue
                if not is_enabled(q, answers, qn):
                    continue
                value = answers.get(q.id)
                shown = (
                    self.text(label(q, value))
                    if value is not None
                    else "not answered"
                    if q.required
                    else "—"
                )
                rows.append([_short(q.id, qn), shown])
            if len(rows) == start + 1:
                rows.pop()
            else:
                groups.add(start)
        doc.table([("Question", 52, "L"), ("Answer", 48, "L")], rows, group_rows=frozenset(groups))

    def notes(self) -> None:
        notes = self.answers.get("notes_for_clinician")
        if not notes:
            return
        self.doc.heading("The respondent's notes for the clinician", keep_with=12)
        self.doc.runs([Text("Printed exactly as typed.", 7.5, "", MUTED)])
        self.doc.runs([Text(self.text(str(notes)), 9.5, before=1.2)])

    def clinician(self) -> None:
        doc = self.doc
        doc.heading("For the clinician", keep_with=24)
        doc.runs(
            [
                Text(
                    "Clinician-facing notes for each finding above. Scores are from self-report; "
                    "confirm history, doses and durations with the person and their records.",
                    8.5,
                    "",
                    MUTED,
                )
            ]
        )
        for f in self.record.result.findings:
            rule = RULE_BY_ID[f.id]
            doc.runs(
                [
                    Text(f"{rule.title}  ({rule.id})", 9, "B", INK, 1.6),
                    Text(rule.clinician, 9, before=0.3),
                    Text(f"Source: {rule.source}", 7.5, "", MUTED, 0.2),
                ],
                keep=True,
            )

    def footers(self) -> None:
        from screening.crisis import footer_line, load_crisis_resources

        pdf, page = self.doc.pdf, self.doc.page
        attribution = self.qn.section_by_id["phq9"].attribution or ""
        crisis = footer_line(load_crisis_resources().region(self.region))
        total = pdf.pages_count
        width = page.content_width
        doc = self.doc
        for number in range(1, total + 1):
            pdf.page = number
            y = page.height - page.bottom + 4
            pdf.set_draw_color(*RULE_GREY)
            pdf.set_line_width(0.2)
            pdf.line(page.left, y - 1.5, page.width - page.right, y - 1.5)
            number_label = f"Page {number} of {total}"
            room = width - doc.width_of(number_label, 7.5, "B") - 4
            doc.y = y
            doc.draw_lines(
                doc.wrap(f"{NOT_A_DIAGNOSIS}. {crisis}", 7.5, "B", room),
                page.left,
                7.5,
                "B",
                INK,
                split=False,
            )
            after = doc.y
            doc.y = y
            doc.draw_lines(
                [number_label],
                page.left,
                7.5,
                "B",
                INK,
                split=False,
                align="R",
                width=width,
            )
            doc.y = after
            lines = doc.wrap(attribution, 6.5, "", width)
            doc.draw_lines(lines, page.left, 6.5, "", MUTED, split=False)


def _xmp(title: str, subject: str, creator: str, producer: str, moment: datetime) -> str:
    """XMP metadata for PDF/A-2B with every date set to ``moment`` (fpdf2 would stamp the
    modification date with the clock, and the same record must give the same bytes)."""
    when = html.escape(moment.astimezone(UTC).isoformat(timespec="seconds"), quote=True)

    def alt(tag: str, text: str) -> str:
        item = f'<rdf:li xml:lang="x-default">{html.escape(text, quote=True)}</rdf:li>'
        return f"      <{tag}><rdf:Alt>{item}</rdf:Alt></{tag}>"

    return "\n".join(
        [
            '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="fpdf2">',
            '  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"',
            '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
            '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
            '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
            '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">',
            '    <rdf:Description rdf:about=""',
            f'        xmp:CreatorTool="{html.escape(creator, quote=True)}"',
            f'        xmp:CreateDate="{when}"',
            f'        xmp:ModifyDate="{when}"',
            f'        xmp:MetadataDate="{when}"',
            f'        pdf:Producer="{html.escape(producer, quote=True)}"',
            "      >",
            "      <pdfaid:part>2</pdfaid:part>",
            "      <pdfaid:conformance>B</pdfaid:conformance>",
            alt("dc:title", title),
            alt("dc:description", subject),
            "    </rdf:Description>",
            "  </rdf:RDF>",
            "</x:xmpmeta>",
        ]
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --------------------------------------------------------------------------- entry points


def summary_pdf(
    record: RecordLike,
    *,
    generated_at: datetime,
    clinic_name: str | None = None,
    settings: ClinicSettings | None = None,
    region: str | None = None,
    questionnaire: Questionnaire | None = None,
) -> bytes:
    """The summary PDF of one record (a LoadedRecord, a record object, or a Result).

    ``generated_at`` must be timezone-aware and is printed as given. ``clinic_name`` and
    ``region`` default to ``settings`` (then "Your clinic" and "us"); the region chooses the
    crisis lines and the paper size (US Letter for us/ca, A4 otherwise).
    """
    from fpdf import FPDF, ViewerPreferences
    from fpdf import __version__ as fpdf_version

    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ValueError("generated_at must be timezone-aware")
    qn = questionnaire or load_questionnaire()
    loaded = as_loaded(record, "summary", qn)
    clinic = clinic_name or (settings.clinic_name if settings is not None else DEFAULT_CLINIC)
    region_code = region or (settings.region if settings is not None else "us")
    letter = region_code in ("us", "ca")
    page = _Page(215.9, 279.4) if letter else _Page(210.0, 297.0)

    pdf = FPDF(unit="mm", format="Letter" if letter else "A4", enforce_compliance="PDFA_2B")
    pdf.str_alias_nb_pages = ""  # respondent text must print "{nb}" literally
    pdf.set_auto_page_break(False)
    pdf.set_margins(page.left, page.top, page.right)
    subject = f"{NOT_A_DIAGNOSIS}. Questionnaire {qn.id} {qn.version}."
    pdf.set_creation_date(generated_at.astimezone(UTC))
    pdf.set_title(TITLE)
    pdf.set_subject(subject)
    producer = f"fpdf2 {fpdf_version}"
    pdf.set_producer(producer)
    pdf.set_xmp_metadata(_xmp(TITLE, subject, CREATOR, producer, generated_at))
    pdf.set_lang("en")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_creator(CREATOR)
    fonts.add_fonts(pdf)

    doc = _Layout(pdf, page, f"{fonts.drawable(clinic)} · {TITLE} · {_when(generated_at)}")
    summary = _Summary(doc, loaded, qn, clinic, region_code, generated_at)
    doc.start()
    if loaded.result.crisis:
        summary.crisis_box()
    summary.header(settings)
    summary.outcome()
    summary.findings()
    summary.scores()
    summary.trials()
    summary.answers_section()
    summary.notes()
    summary.clinician()
    summary.footers()
    fonts.prepare_output(pdf)
    return bytes(pdf.output())


def warm_up() -> None:
    """Import fpdf2 and parse the fonts now (static data, once per process), so the first
    summary a person asks for is as fast as the rest. Safe to call from any thread."""
    fonts.prepare_cache()


def record_pdf(
    record: RecordLike,
    *,
    settings: ClinicSettings | None = None,
    clinic_name: str | None = None,
    region: str | None = None,
) -> bytes:
    """The summary of a record object, generated "at" the record's own ``created_at``.

    For the pages' lazy download buttons: one argument, no clock in the core.
    """
    loaded = as_loaded(record, "summary")
    moment = datetime.fromisoformat(loaded.created_at) if loaded.created_at else None
    if moment is None:
        raise ValueError("the record has no created_at; call summary_pdf(generated_at=…)")
    return summary_pdf(
        loaded, generated_at=moment, settings=settings, clinic_name=clinic_name, region=region
    )
