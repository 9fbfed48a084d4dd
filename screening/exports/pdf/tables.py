"""The tables of the summary PDF: PHQ-9 items, approximate MSM parts, AUDIT-C, the
antidepressant trials, and the other answers (a part of ``content.Summary``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from screening.exports._common import TRIALS, label, medication_class, medication_name
from screening.exports.pdf.layout import INK, MUTED, Text
from screening.exports.pdf.wording import ANSWER_SECTIONS, BANDS, as_int, short
from screening.scoring import PHQ9_ITEMS, assess_trials, msm_parts

if TYPE_CHECKING:
    from screening.exports.pdf.layout import Layout
    from screening.questionnaire import Questionnaire
    from screening.record import LoadedRecord


class Tables:
    """The score and answer tables; ``Summary`` supplies the document and the record."""

    doc: Layout
    record: LoadedRecord
    qn: Questionnaire

    @property
    def answers(self) -> Mapping[str, Any]:
        return self.record.answers

    def text(self, value: str) -> str:
        from screening.exports.pdf import fonts

        return fonts.drawable(value)

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
            bold_rows=frozenset({9} | ({8} if as_int(answers.get("phq9_9")) else set())),
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
            self.answers,
            as_int(scores.get("phq9_total")),
            as_int(scores.get("failed_adequate_trials")),
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
                weeks, dose = t.get("weeks"), t.get("dose_mg_per_day")
                rows.append(
                    [
                        str(n),
                        self.text(medication_name(t, qn)) or "—",
                        medication_class(t, qn),
                        "—" if dose is None else str(dose),
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
                    ("Medication", 30, "L"),
                    ("Class", 11, "L"),
                    ("mg/day", 12, "R"),
                    ("Weeks", 11, "R"),
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
                rows.append([short(q.id, qn), shown])
            if len(rows) == start + 1:
                rows.pop()
            else:
                groups.add(start)
        doc.table([("Question", 52, "L"), ("Answer", 48, "L")], rows, group_rows=frozenset(groups))
