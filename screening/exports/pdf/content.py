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
from screening.i18n import t
from screening.questionnaire import Questionnaire, load_questionnaire
from screening.record import LoadedRecord, describe_change
from screening.rules import KINDS, RULE_BY_ID, Finding, patient_words

if TYPE_CHECKING:
    from screening.settings import ClinicSettings

TITLE = t("pdf.title")
NOT_A_DIAGNOSIS = t("pdf.not_a_diagnosis")
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
    lang: str = "en"

    def crisis_box(self) -> None:
        from screening.crisis import load_crisis_resources
        from screening.exports.crisis_text import service_name

        res = self.record.result
        urgent = next((f for f in res.findings if f.id == "F-URGENT"), None)
        crisis = next((f for f in res.findings if f.id == "F-CRISIS-RESOURCES"), None)
        lead = urgent or crisis
        assert lead is not None
        region = load_crisis_resources().region(self.region)
        words = patient_words(self.lang)
        lead_title, lead_text = words.finding(lead.id)
        runs = [
            Text(lead_title, 13, "B", CRISIS_RED, role="H1"),
            Text(lead_text, 9.5, before=1.2),
        ]
        if urgent is not None and crisis is not None:
            runs.append(Text(words.finding(crisis.id)[1], 9.5, before=1.2))
        name = region.name_in(self.lang)
        runs.append(Text(self.w("crisis_support", region=name), 9.5, "B", before=2.0))
        for r in region.resources_in(self.lang):
            runs.append(Text(f"• {service_name(r)} — {r.description}", 9.5, before=0.6, indent=2))
        said = "; ".join(
            f"{short(k, self.qn, self.lang)}: {value_words(k, self.answers[k], self.qn, self.lang)}"
            + (self.w("risk_not_assessed") if self.answers[k] == "prefer_not_to_say" else "")
            for k in ("phq9_9", "si_plan", "si_intent", "self_harm_recent")
            if k in self.answers
        )
        runs.append(Text(self.w("safety_answers", said=said), 8.5, "B", MUTED, before=2.0))
        self.doc.box(runs, fill=CRISIS_BG, border=CRISIS_RED, border_width=0.9)
        self.doc.y += 3

    def changed_answers(self) -> None:
        """Safety answers that were positive and then changed: staff must know."""
        changes = self.record.answer_changes
        if not changes:
            return
        # Said for staff, in English (the question's words as staff read them).
        lines = [describe_change(c, load_questionnaire()) for c in changes]
        heading = "H2" if self.record.result.crisis else "H1"  # the first heading is H1
        runs = [
            Text(self.w("changed_title"), 10.5, "B", CRISIS_RED, role=heading),
            *(Text(f"• {line}", 9, before=0.6, indent=2) for line in lines),
            Text(
                self.w("changed_note"),
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
            Text(self.w("title"), 11.5, "B", INK, 0.8, role="H1"),
        ]
        contact = []
        if settings is not None:
            contact = [
                x for x in (settings.address, settings.phone, settings.email, settings.website) if x
            ]
        if contact:
            runs.append(Text(self.text(" · ".join(contact)), 8, "", MUTED, 0.8))
        rec = self.record
        meta = [self.w("generated", when=when(self.generated_at, self.lang))]
        saved = stored_when(rec.created_at, self.lang)
        if saved:
            meta.append(self.w("saved", when=saved))
        meta.append(self.w("status", status=self.w(f"status_{rec.status}")))
        version = rec.questionnaire_version or self.qn.version
        meta.append(self.w("version", title=self.qn.title, version=version))
        meta.append(self.w("rules", version=rec.result.rules_version))
        meta.append(self.w("language", language=self.w(f"language_{rec.language}")))
        runs.append(Text(" · ".join(meta), 8, "", MUTED, 1.2))
        name = rec.display_name
        if name:
            runs.append(Text(self.w("name", name=self.text(name)), 10, "B", INK, 1.8))
        doc.runs(runs)
        doc.runs(
            [
                Text(
                    self.w("info"),
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
                        self.w("mismatch", mismatches=self.text("; ".join(rec.mismatches))),
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
        title, text = patient_words(self.lang).outcomes[res.outcome]
        runs = [
            Text(self.w("outcome", title=title), 12, "B", NAVY, role="H2"),
            Text(text, 9.5, before=1.0),
        ]
        if res.missing:
            shown = [missing_label(p, self.qn, self.lang) for p in res.missing[:12]]
            extra = len(res.missing) - 12
            more = self.w("more", count=extra) if extra > 0 else ""
            still = self.w("still", items="; ".join(shown), more=more)
            runs.append(Text(still, 8.5, "", MUTED, 1.2))
        self.doc.box(runs, fill=OUTCOME_BG, border=NAVY, border_width=0.4)

    def findings(self) -> None:
        res = self.record.result
        self.doc.heading(self.w("findings"))
        kinds = patient_words(self.lang).kinds
        for kind in KINDS:
            found = res.by_kind(kind)
            if not found or kind == "crisis":
                continue
            first = found[0]
            self.doc.subheading(kinds[kind], keep_with=self._finding_height(first))
            for f in found:
                self._finding(f)

    def _finding_runs(self, f: Finding) -> list[Text]:
        title, detail = patient_words(self.lang).finding(f.id)
        why = self.text(evidence_words(f, self.qn, self.lang))
        return [
            Text(title, 9.5, "B", INK, 1.2, indent=2, role="H4"),
            Text(detail, 9, before=0.4, indent=2),
            Text(self.w("why", why=why), 8, "", MUTED, 0.5, indent=2),
            Text(self.w("source", source=f.source), 8, "", MUTED, 0.2, indent=2),
        ]

    def _finding_height(self, f: Finding) -> float:
        return self.doc.measure(self._finding_runs(f), self.doc.page.content_width)

    def _finding(self, f: Finding) -> None:
        self.doc.runs(self._finding_runs(f), keep=True)

    def notes(self) -> None:
        notes = self.answers.get("notes_for_clinician")
        if not notes:
            return
        self.doc.heading(self.w("notes_title"), keep_with=12)
        self.doc.runs([Text(self.w("notes_exact"), 7.5, "", MUTED)])
        self.doc.runs([Text(self.text(str(notes)), 9.5, before=1.2)])

    def clinician(self) -> None:
        doc = self.doc
        doc.heading(self.w("clinician_title"), keep_with=24)
        doc.runs(
            [
                Text(
                    self.w("clinician_intro"),
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
                    Text(t("pdf.source", source=rule.source), 7.5, "", MUTED, 0.2),
                ],
                keep=True,
            )

    def footers(self) -> None:
        """Page x of y, not a diagnosis, the crisis line and the PHQ-9 attribution on every
        page: pagination artifacts (the crisis lines are tagged content in the box)."""
        from screening.crisis import footer_line, load_crisis_resources

        pdf = self.doc.pdf
        attribution = self.qn.section_by_id["phq9"].attribution or ""
        crisis = footer_line(load_crisis_resources().region(self.region), self.lang)
        total = pdf.pages_count
        for number in range(1, total + 1):
            pdf.page = number
            with self.doc.tags.artifact("Pagination", "Footer"):
                self._footer(self.w("page", number=number, total=total), crisis, attribution)

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
        lines = doc.wrap(f"{self.w('not_a_diagnosis')}. {crisis}", 7.5, "B", room)
        doc.draw_lines(lines, page.left, 7.5, "B", INK, split=False)
        after = doc.y
        doc.y = y
        doc.draw_lines(
            [number_label], page.left, 7.5, "B", INK, split=False, align="R", width=width
        )
        doc.y = after
        lines = doc.wrap(attribution, 6.5, "", width)
        doc.draw_lines(lines, page.left, 6.5, "", MUTED, split=False)
