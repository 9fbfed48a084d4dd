"""The tables of the summary PDF: PHQ-9 items, approximate MSM parts, AUDIT-C, the
antidepressant trials, and the other answers (a part of ``content.Summary``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from screening.exports._common import TRIALS, label, medication_class, medication_name
from screening.exports.pdf.layout import INK, MUTED, Text
from screening.exports.pdf.wording import ANSWER_SECTIONS, as_int, band_words, short
from screening.i18n import t
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
    lang: str

    def w(self, key: str, /, **fields: object) -> str:
        """The words of ``pdf.<key>`` in the summary's language."""
        return t(f"pdf.{key}", self.lang, **fields)

    @property
    def answers(self) -> Mapping[str, Any]:
        return self.record.answers

    def text(self, value: str) -> str:
        from screening.exports.pdf import fonts

        return fonts.drawable(value)

    def scores(self) -> None:
        doc, qn, answers = self.doc, self.qn, self.answers
        scores = self.record.result.scores
        doc.heading(self.w("scores"), keep_with=85)
        rows = []
        for i, item in enumerate(PHQ9_ITEMS, 1):
            q = qn.by_id[item]
            value = answers.get(item)
            rows.append(
                [
                    str(i),
                    q.text,
                    label(q, value) or self.w("not_answered"),
                    "" if value is None else str(value),
                ]
            )
        total = scores.get("phq9_total")
        band = scores.get("phq9_band")
        rows.append(
            [
                "",
                self.w("phq9_total", band=f", {band_words(band, self.lang)}" if band else ""),
                "",
                "—" if total is None else str(total),
            ]
        )
        diff = qn.by_id["phq9_difficulty"]
        if "phq9_difficulty" in answers:
            rows.append(
                [
                    "",
                    self.w("difficulty"),
                    label(diff, answers["phq9_difficulty"]),
                    "",
                ]
            )
        doc.table(
            [
                ("#", 4, "L"),
                (self.w("col_item"), 58, "L"),
                (self.w("col_answer"), 24, "L"),
                (self.w("col_score"), 8, "R"),
            ],
            rows,
            bold_rows=frozenset({9} | ({8} if as_int(answers.get("phq9_9")) else set())),
            keep=True,
            title=self.w("phq9_title"),
        )
        self._msm()
        self._auditc()

    def _msm(self) -> None:
        doc, scores = self.doc, self.record.result.scores
        title = self.w("msm_title")
        total = scores.get("msm_total")
        parts = msm_parts(
            self.answers,
            as_int(scores.get("phq9_total")),
            as_int(scores.get("failed_adequate_trials")),
        )
        if total is None or parts is None:
            failed = scores.get("failed_adequate_trials")
            why = self.w("msm_no_trial") if failed == 0 else self.w("msm_missing")
            doc.subheading(title, keep_with=6)
            doc.runs([Text(self.w("not_computed", why=why), 9)])
            return
        msm_band = scores.get("msm_band")
        band = band_words(msm_band, self.lang) if msm_band else ""
        doc.table(
            [
                (self.w("col_duration"), 1, "R"),
                (self.w("col_severity"), 1, "R"),
                (self.w("col_failures"), 1.3, "R"),
                (self.w("col_augmentation"), 1.2, "R"),
                (self.w("col_ect"), 0.8, "R"),
                (self.w("col_msm_total"), 1.4, "R"),
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
                    label(q, value) or ("—" if item != "auditc_1" else self.w("not_answered")),
                    "" if value is None else str(value),
                ]
            )
        total = scores.get("auditc_total")
        positive = scores.get("auditc_positive")
        verdict = (
            self.w("cut_unknown")
            if not isinstance(positive, bool)
            else self.w("cut_above")
            if positive
            else self.w("cut_below")
        )
        rows.append(
            [
                self.w("audit_total", verdict=verdict),
                "",
                "—" if total is None else str(total),
            ]
        )
        doc.table(
            [
                (self.w("col_item"), 62, "L"),
                (self.w("col_answer"), 28, "L"),
                (self.w("col_score"), 8, "R"),
            ],
            rows,
            bold_rows=frozenset({3}),
            keep=True,
            title=self.w("audit_title"),
        )

    def trials(self) -> None:
        doc, qn, answers = self.doc, self.qn, self.answers
        scores = self.record.result.scores
        doc.heading(self.w("trials_title"), keep_with=20)
        trials = answers.get(TRIALS)
        if trials is None:
            doc.runs([Text(self.w("trials_not_answered"), 9)])
        elif not trials:
            doc.runs([Text(self.w("trials_none"), 9)])
        else:
            q = qn.by_id[TRIALS]
            subs = q.item_by_id
            rows = []
            for n, (t, a) in enumerate(zip(trials, assess_trials(answers), strict=True), 1):
                adequate = self.w(
                    "adequate_incomplete"
                    if not a.complete
                    else "adequate_yes"
                    if a.adequate
                    else "adequate_possibly"
                    if a.possibly_adequate
                    else "adequate_no"
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
                    (self.w("col_medication"), 30, "L"),
                    (self.w("col_class"), 11, "L"),
                    (self.w("col_dose"), 12, "R"),
                    (self.w("col_weeks"), 11, "R"),
                    (self.w("col_prescribed"), 19, "L"),
                    (self.w("col_benefit"), 44, "L"),
                    (self.w("col_status"), 40, "L"),
                    (self.w("col_adequate"), 19, "L"),
                ],
                rows,
            )
            doc.runs(
                [
                    Text(
                        self.w("trials_note"),
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
                        self.w("trials_count", failed=failed, possible=possible),
                        9,
                        "B",
                        INK,
                        1.2,
                    )
                ]
            )

    def answers_section(self) -> None:
        from screening.conditions import is_enabled

        doc, qn, answers = self.doc, self.qn, self.answers
        doc.heading(self.w("other_answers"), keep_with=25)
        rows: list[list[str]] = []
        groups: set[int] = set()
        for section_id, only in ANSWER_SECTIONS:
            start = len(rows)
            rows.append([self.w(f"sec_{section_id}"), ""])
            for q in qn.in_section(section_id):
                if q.type == "repeat" or (only is not None and q.id not in only):
                    continue
                if not is_enabled(q, answers, qn):
                    continue
                value = answers.get(q.id)
                shown = (
                    self.text(label(q, value, none=self.w("none")))
                    if value is not None
                    else self.w("not_answered")
                    if q.required
                    else "—"
                )
                rows.append([short(q.id, qn, self.lang), shown])
            if len(rows) == start + 1:
                rows.pop()
            else:
                groups.add(start)
        columns = [(self.w("col_question"), 52, "L"), (self.w("col_answer"), 48, "L")]
        doc.table(columns, rows, group_rows=frozenset(groups))
