"""The results page: outcome, findings with reasons and sources, scores, what treatment
involves, questions to ask, downloads and the disclaimer.

Scoring is called as ``rules.evaluate`` (looked up at call time) and wrapped: if it
fails, the page says so in plain words; the crisis panel above never depends on it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from screening import rules
from screening.errors import AnswerPath
from screening.questionnaire import Questionnaire
from ui.common import md_escape
from ui.lang import current, tr
from ui.wizard import flow
from ui.wizard import state as S
from ui.wizard.checks import clean_answers, problem_label
from ui.wizard.downloads import result_downloads, save_progress_button
from ui.wizard.format import evidence_text

BANDS = ("minimal", "mild", "moderate", "moderately_severe", "severe")
MSM_BANDS = ("mild", "moderate", "severe")


def render(raw: dict[str, Any]) -> None:
    """The results page."""
    qn = flow.questionnaire()
    st.title(tr("results.title"), anchor=False)
    st.caption(tr("results.subtitle"))
    valid, _ = clean_answers(raw, qn)
    try:
        result = rules.evaluate(valid, qn)
        words = rules.patient_words(current())
    except Exception:
        st.error(tr("results.failed"), icon=":material/error:")
        _navigation(raw, failed=True)
        return
    name = result.answers.get("display_name")
    if isinstance(name, str) and name:
        st.markdown(tr("results.prepared_for", name=md_escape(name)))
    title, text = words.outcomes[result.outcome]
    with st.container(border=True, key="outcome"):
        st.header(title, anchor=False)
        st.markdown(md_escape(text))
    if result.missing:
        _missing(result.missing, qn)
    render_findings(result, qn, words)
    render_scores(result.scores)
    st.header(tr("results.treatment_title"), anchor=False)
    st.markdown(tr("results.treatment"))
    st.header(tr("results.questions_title"), anchor=False)
    st.markdown(tr("results.questions"))
    st.header(tr("results.keep_title"), anchor=False)
    st.markdown(tr("results.keep"))
    _clinic_contact()
    result_downloads()
    _send_to_clinic()
    with st.container(border=True, key="disclaimer"):
        st.markdown(tr("results.please_note", text=md_escape(words.disclaimer)))
        note = tr("results.language_note")
        if note:
            st.markdown(md_escape(note))
    _navigation(raw, failed=False)


def _send_to_clinic() -> None:
    """ "Send to {clinic}" where the deployment has a clinic inbox (after the downloads)."""
    from ui.clinic_inbox import send_section
    from ui.common import clinic_settings
    from ui.wizard import state as S
    from ui.wizard.downloads import make_record

    settings, _ = clinic_settings()
    if settings is None or settings.inbox is None:
        return
    state = st.session_state
    send_section(settings, make_record(S.answers_copy(state), changes=S.changes(state)))


def _clinic_contact() -> None:
    """Where to bring the summary: the clinic's name and contacts (settings checked at start)."""
    from ui.settings import load_clinic_settings, show_clinic_contact

    try:
        settings = load_clinic_settings()
    except Exception:
        return
    show_clinic_contact(settings)


def _missing(paths: tuple[AnswerPath, ...], qn: Questionnaire) -> None:
    st.header(tr("results.missing_title"), anchor=False)
    by_section: dict[str, list[str]] = {}
    for path in paths:
        owner = qn.by_id.get(path.question)
        if owner is None or owner.section is None:
            continue
        by_section.setdefault(owner.section, []).append(problem_label(path, qn))
    for section_id, questions in by_section.items():
        section = qn.section_by_id[section_id]
        st.markdown(
            f"**{md_escape(section.title)}**\n"
            + "\n".join(f"- {md_escape(text)}" for text in questions)
        )
        st.button(
            tr("results.answer_these", section=section.title),
            key=f"wiz:fix:{section_id}",
            on_click=flow.edit,
            args=(section_id,),
        )


def render_findings(
    result: rules.Result, qn: Questionnaire, words: rules.PatientWords | None = None
) -> None:
    """The findings by kind, in the person's words (``words``: this session's language)."""
    words = words or rules.patient_words(current())
    for kind in rules.KINDS:
        findings = result.by_kind(kind)
        if not findings:
            continue
        st.header(words.kinds[kind], anchor=False)
        for finding in findings:
            title, detail = words.finding(finding.id)
            with st.container(border=True, key=f"finding-{finding.id}"):
                st.markdown(f"**{md_escape(title)}**")
                st.markdown(md_escape(detail))
                if finding.evidence:
                    because = "; ".join(
                        md_escape(evidence_text(k, v, qn)) for k, v in finding.evidence.items()
                    )
                    st.markdown(tr("results.based_on", because=because))
                st.caption(tr("results.source", source=md_escape(finding.source)))


def render_scores(scores: dict[str, Any]) -> None:
    st.header(tr("results.scores_title"), anchor=False)
    phq9 = scores.get("phq9_total")
    band = str(scores.get("phq9_band"))
    phq9_text = (
        tr("results.phq9", total=phq9, band=tr(f"results.band_{band}") if band in BANDS else "")
        if phq9 is not None
        else tr("results.not_worked_out")
    )
    failed = scores.get("failed_adequate_trials")
    possible = scores.get("possibly_adequate_trials")
    if failed is None:
        trials_text = tr("results.trials_missing")
    else:
        trials_text = (
            tr("results.trials_one") if failed == 1 else tr("results.trials_many", count=failed)
        )
        if possible:
            trials_text += tr("results.trials_more", count=possible)
    msm = scores.get("msm_total")
    label = tr("results.msm_label")
    msm_band = str(scores.get("msm_band"))
    msm_text = (
        tr(
            "results.msm",
            total=msm,
            band=tr(f"results.msm_band_{msm_band}") if msm_band in MSM_BANDS else msm_band,
            label=label,
        )
        if msm is not None
        else tr("results.msm_missing", label=label)
    )
    audit = scores.get("auditc_total")
    positive = scores.get("auditc_positive")
    if audit is None:
        audit_text = tr("results.not_worked_out")
    else:
        key = {True: "results.audit_above", False: "results.audit_below"}.get(
            positive, "results.audit_near"
        )
        audit_text = tr(key, total=audit)
    rows = [
        (tr("results.row_phq9"), phq9_text),
        (tr("results.row_trials"), trials_text),
        (tr("results.row_msm", label=label), msm_text),
        (tr("results.row_audit"), audit_text),
    ]
    table = [f"| {tr('results.score_col')} | {tr('results.result_col')} |", "|---|---|"]
    table += [f"| {md_escape(a)} | {md_escape(b)} |" for a, b in rows]
    st.markdown("\n".join(table))


def _navigation(raw: dict[str, Any], *, failed: bool) -> None:
    with st.container(horizontal=True, key="results-nav"):
        st.button(
            tr("results.to_review"),
            key="wiz:to_review",
            icon=":material/arrow_back:",
            on_click=flow.to_review,
        )
        if not st.session_state.get(S.CONFIRM_CLEAR):
            st.button(
                tr("results.finish"),
                key="wiz:finish",
                icon=":material/delete_forever:",
                on_click=flow.ask_clear,
            )
    if st.session_state.get(S.CONFIRM_CLEAR):
        flow.confirm_clear_box()
    st.caption(tr("results.finish_note"))
    if failed:
        save_progress_button(flow.questionnaire().sections[-1].id)
