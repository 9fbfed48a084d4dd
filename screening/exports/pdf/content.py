"""What the summary PDF says, page by page (its layout is ``screening.exports.pdf.layout``).

Page 1 begins with the crisis box when crisis resources apply, then the header (clinic,
date, versions, the name the respondent gave), the outcome, the findings by kind with
their reasons and sources, the scores (PHQ-9 items, approximate MSM with its parts,
AUDIT-C), the antidepressant trials as a table, the other answers, the respondent's
notes, and "For the clinician" with the clinician-facing text of each finding. Every page
ends with "page x of y", "informational, not a diagnosis", the crisis line of the region
and the PHQ-9 attribution.

Respondent text is data: it is drawn literally, never interpreted (no markdown, no
HTML, no page-number alias); characters the font cannot draw show as U+FFFD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from screening.exports.pdf.layout import (
    INK,
    MUTED,
    NAVY,
    OUTCOME_BG,
    RULE_GREY,
    Color,
    Layout,
    Text,
)
from screening.exports.pdf.tables import Tables
from screening.exports.pdf.wording import (
    evidence_words,
    missing_label,
    short,
    stored_when,
    value_words,
    when,
)
from screening.questionnaire import Questionnaire
from screening.record import LoadedRecord, describe_change
from screening.rules import KIND_TITLES, KINDS, OUTCOMES, RULE_BY_ID, Finding

if TYPE_CHECKING:
    from screening.settings import ClinicSettings

TITLE = "Ketamine and esketamine pre-screening summary"
NOT_A_DIAGNOSIS = "Informational, not a diagnosis"
DEFAULT_CLINIC = "Your clinic"
CRISIS_RED: Color = (176, 0, 32)
CRISIS_BG: Color = (253, 236, 234)


# --------------------------------------------------------------------------- sections


@dataclass(slots=True)
class Summary(Tables):
    doc: Layout
    record: LoadedRecord
    qn: Questionnaire
    clinic: str
    region: str
    generated_at: datetime

    def crisis_box(self) -> None:
        from screening.crisis import load_crisis_resources
        from screening.exports.crisis_text import service_name

        res = self.record.result
        urgent = next((f for f in res.findings if f.id == "F-URGENT"), None)
        crisis = next((f for f in res.findings if f.id == "F-CRISIS-RESOURCES"), None)
        lead = urgent or crisis
        assert lead is not None
        region = load_crisis_resources().region(self.region)
        runs = [
            Text(lead.title, 13, "B", CRISIS_RED, role="H1"),
            Text(lead.detail, 9.5, before=1.2),
        ]
        if urgent is not None and crisis is not None:
            runs.append(Text(crisis.detail, 9.5, before=1.2))
        runs.append(
            Text(f"Crisis support ({region.name}), free, day and night:", 9.5, "B", before=2.0)
        )
        for r in region.resources:
            runs.append(Text(f"• {service_name(r)} — {r.description}", 9.5, before=0.6, indent=2))
        said = "; ".join(
            f"{short(k, self.qn)}: {value_words(k, self.answers[k], self.qn)}"
            + (" (risk not assessed)" if self.answers[k] == "prefer_not_to_say" else "")
            for k in ("phq9_9", "si_plan", "si_intent", "self_harm_recent")
            if k in self.answers
        )
        runs.append(
            Text(f"For the clinician — safety answers: {said}.", 8.5, "B", MUTED, before=2.0)
        )
        self.doc.box(runs, fill=CRISIS_BG, border=CRISIS_RED, border_width=0.9)
        self.doc.y += 3

    def changed_answers(self) -> None:
        """Safety answers that were positive and then changed: staff must know."""
        changes = self.record.answer_changes
        if not changes:
            return
        lines = [describe_change(c, self.qn) for c in changes]
        heading = "H2" if self.record.result.crisis else "H1"  # the first heading is H1
        runs = [
            Text("Safety answers changed while answering", 10.5, "B", CRISIS_RED, role=heading),
            *(Text(f"• {line}", 9, before=0.6, indent=2) for line in lines),
            Text(
                "For the clinician: ask about these answers; a changed answer may still matter.",
                8.5,
                "B",
                MUTED,
                before=1.2,
            ),
        ]
        self.doc.box(runs, fill=CRISIS_BG, border=CRISIS_RED, border_width=0.5)
        self.doc.y += 3

    def header(self, settings: ClinicSettings | None) -> None:
        doc = self.doc
        runs = [
            Text(self.text(self.clinic), 15, "B", NAVY),
            Text(TITLE, 11.5, "B", INK, 0.8, role="H1"),
        ]
        contact = []
        if settings is not None:
            contact = [
                x for x in (settings.address, settings.phone, settings.email, settings.website) if x
            ]
        if contact:
            runs.append(Text(self.text(" · ".join(contact)), 8, "", MUTED, 0.8))
        rec = self.record
        meta = [f"Generated {when(self.generated_at)}"]
        saved = stored_when(rec.created_at)
        if saved:
            meta.append(f"answers saved {saved}")
        meta.append(f"status: {rec.status.replace('_', ' ')}")
        meta.append(f"{self.qn.title}, version {rec.questionnaire_version or self.qn.version}")
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
        runs = [
            Text(f"Outcome: {text.title}", 12, "B", NAVY, role="H2"),
            Text(text.text, 9.5, before=1.0),
        ]
        if res.missing:
            shown = [missing_label(p, self.qn) for p in res.missing[:12]]
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
            Text(f.title, 9.5, "B", INK, 1.2, indent=2, role="H4"),
            Text(f.detail, 9, before=0.4, indent=2),
            Text(f"Why: {self.text(evidence_words(f, self.qn))}", 8, "", MUTED, 0.5, indent=2),
            Text(f"Source: {f.source}", 8, "", MUTED, 0.2, indent=2),
        ]

    def _finding_height(self, f: Finding) -> float:
        return self.doc.measure(self._finding_runs(f), self.doc.page.content_width)

    def _finding(self, f: Finding) -> None:
        self.doc.runs(self._finding_runs(f), keep=True)

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
                    Text(f"{rule.title}  ({rule.id})", 9, "B", INK, 1.6, role="H3"),
                    Text(rule.clinician, 9, before=0.3),
                    Text(f"Source: {rule.source}", 7.5, "", MUTED, 0.2),
                ],
                keep=True,
            )

    def footers(self) -> None:
        """Page x of y, not a diagnosis, the crisis line and the PHQ-9 attribution on every
        page: pagination artifacts (the crisis lines are tagged content in the box)."""
        from screening.crisis import footer_line, load_crisis_resources

        pdf = self.doc.pdf
        attribution = self.qn.section_by_id["phq9"].attribution or ""
        crisis = footer_line(load_crisis_resources().region(self.region))
        total = pdf.pages_count
        for number in range(1, total + 1):
            pdf.page = number
            with self.doc.tags.artifact("Pagination", "Footer"):
                self._footer(f"Page {number} of {total}", crisis, attribution)

    def _footer(self, number_label: str, crisis: str, attribution: str) -> None:
        doc = self.doc
        pdf, page = doc.pdf, doc.page
        width = page.content_width
        y = page.height - page.bottom + 4
        pdf.set_draw_color(*RULE_GREY)
        pdf.set_line_width(0.2)
        pdf.line(page.left, y - 1.5, page.width - page.right, y - 1.5)
        room = width - doc.width_of(number_label, 7.5, "B") - 4
        doc.y = y
        lines = doc.wrap(f"{NOT_A_DIAGNOSIS}. {crisis}", 7.5, "B", room)
        doc.draw_lines(lines, page.left, 7.5, "B", INK, split=False)
        after = doc.y
        doc.y = y
        doc.draw_lines(
            [number_label], page.left, 7.5, "B", INK, split=False, align="R", width=width
        )
        doc.y = after
        lines = doc.wrap(attribution, 6.5, "", width)
        doc.draw_lines(lines, page.left, 6.5, "", MUTED, split=False)
