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
from ui.wizard import flow
from ui.wizard import state as S
from ui.wizard.checks import clean_answers, problem_label
from ui.wizard.downloads import result_downloads, save_progress_button
from ui.wizard.format import evidence_text

TITLE = "Your summary"
SUBTITLE = "Information to discuss with a clinician. Not a diagnosis."
FAILED = (
    "Sorry, your summary could not be worked out just now. Your answers are still here: "
    "you can go back to them, save them to a file, or try again in a moment."
)
BAND_WORDS = {
    "minimal": "minimal symptoms",
    "mild": "mild symptoms",
    "moderate": "moderate symptoms",
    "moderately_severe": "moderately severe symptoms",
    "severe": "severe symptoms",
}
MSM_LABEL = "approximate, from self-report"

TREATMENT = """\
- **Where.** Esketamine nasal spray (Spravato) is only given in a certified clinic, under a \
safety programme, and never taken home. IV ketamine is also given in a clinic.
- **Monitoring.** After each dose you stay at the clinic for at least 2 hours while staff \
check on you, including your blood pressure.
- **Getting home.** You must not drive or use machinery until the next day, after a \
night’s sleep, so someone needs to take you home.
- **Schedule.** Esketamine usually starts with two visits a week for the first 4 weeks, \
then once a week, then once a week or every 2 weeks. IV ketamine is usually a course of \
sessions, for example twice a week for a few weeks.
- **On treatment days.** Feeling detached or dreamy, dizziness, nausea, sleepiness and a \
rise in blood pressure are common, and usually pass within hours.
"""

QUESTIONS = """\
- From my answers, which treatments would you suggest first, and why?
- Do the antidepressants I have tried count as full trials (dose, length, taken as \
prescribed)?
- Do any of my health conditions or medicines need checking or changing first?
- What would treatment involve for me: how many visits, how long each, and how do I get home?
- Which side effects should I expect, and what happens if I have them?
- How would we know whether it is working, and what happens if it does not?
- What does it cost, and is it covered by my insurance or health service?
"""


def render(raw: dict[str, Any]) -> None:
    """The results page."""
    qn = flow.questionnaire()
    st.title(TITLE, anchor=False)
    st.caption(SUBTITLE)
    valid, _ = clean_answers(raw, qn)
    try:
        result = rules.evaluate(valid, qn)
    except Exception:
        st.error(FAILED, icon=":material/error:")
        _navigation(raw, failed=True)
        return
    name = result.answers.get("display_name")
    if isinstance(name, str) and name:
        st.markdown(f"Prepared for: **{md_escape(name)}**")
    outcome = rules.OUTCOMES[result.outcome]
    with st.container(border=True, key="outcome"):
        st.header(outcome.title, anchor=False)
        st.markdown(md_escape(outcome.text))
    if result.missing:
        _missing(result.missing, qn)
    render_findings(result, qn)
    render_scores(result.scores)
    st.header("What treatment involves", anchor=False)
    st.markdown(TREATMENT)
    st.header("Questions you could ask a clinician", anchor=False)
    st.markdown(QUESTIONS)
    st.header("Keep your summary", anchor=False)
    st.markdown(
        "Download the summary to bring to your appointment. Files are saved on your device "
        "only; anyone who has them can read your answers."
    )
    _clinic_contact()
    result_downloads()
    _send_to_clinic()
    with st.container(border=True, key="disclaimer"):
        st.markdown(f"**Please note.** {md_escape(rules.DISCLAIMER)}")
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
    st.header("Answers still needed", anchor=False)
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
            f"Answer these: {section.title}",
            key=f"wiz:fix:{section_id}",
            on_click=flow.edit,
            args=(section_id,),
        )


def render_findings(result: rules.Result, qn: Questionnaire) -> None:
    for kind in rules.KINDS:
        findings = result.by_kind(kind)
        if not findings:
            continue
        st.header(rules.KIND_TITLES[kind], anchor=False)
        for finding in findings:
            with st.container(border=True, key=f"finding-{finding.id}"):
                st.markdown(f"**{md_escape(finding.title)}**")
                st.markdown(md_escape(finding.detail))
                if finding.evidence:
                    because = "; ".join(
                        md_escape(evidence_text(k, v, qn)) for k, v in finding.evidence.items()
                    )
                    st.markdown(f"*Based on your answers:* {because}")
                st.caption(f"Source: {md_escape(finding.source)}")


def render_scores(scores: dict[str, Any]) -> None:
    st.header("Scores", anchor=False)
    phq9 = scores.get("phq9_total")
    phq9_text = (
        f"{phq9} out of 27: {BAND_WORDS.get(str(scores.get('phq9_band')), '')}"
        if phq9 is not None
        else "Not worked out: some of these answers are missing"
    )
    failed = scores.get("failed_adequate_trials")
    possible = scores.get("possibly_adequate_trials")
    if failed is None:
        trials_text = "Not worked out: the antidepressant question is not answered"
    else:
        trials_text = f"{failed} full {'trial' if failed == 1 else 'trials'} without enough benefit"
        if possible:
            trials_text += f", and {possible} more that may count once a clinician checks"
    msm = scores.get("msm_total")
    msm_text = (
        f"{msm} out of 15: {scores.get('msm_band')} ({MSM_LABEL})"
        if msm is not None
        else f"Not worked out ({MSM_LABEL}): it needs at least one full antidepressant trial "
        "without enough benefit, and the answers it uses"
    )
    audit = scores.get("auditc_total")
    positive = scores.get("auditc_positive")
    if audit is None:
        audit_text = "Not worked out: some of these answers are missing"
    else:
        where = {True: "at or above", False: "below"}.get(positive, "near")
        audit_text = f"{audit} out of 12: {where} the usual screening cut-off"
    rows = [
        ("PHQ-9: depression symptoms over the last 2 weeks", phq9_text),
        ("Antidepressant trials in this episode", trials_text),
        (f"Maudsley staging: how hard to treat ({MSM_LABEL})", msm_text),
        ("AUDIT-C: alcohol use", audit_text),
    ]
    table = ["| Score | Your result |", "|---|---|"]
    table += [f"| {md_escape(a)} | {md_escape(b)} |" for a, b in rows]
    st.markdown("\n".join(table))


def _navigation(raw: dict[str, Any], *, failed: bool) -> None:
    with st.container(horizontal=True, key="results-nav"):
        st.button(
            "Back to my answers",
            key="wiz:to_review",
            icon=":material/arrow_back:",
            on_click=flow.to_review,
        )
        if not st.session_state.get(S.CONFIRM_CLEAR):
            st.button(
                "Finish and clear my answers",
                key="wiz:finish",
                icon=":material/delete_forever:",
                on_click=flow.ask_clear,
            )
    if st.session_state.get(S.CONFIRM_CLEAR):
        flow.confirm_clear_box()
    st.caption(
        "“Finish and clear my answers” wipes everything from this session, after you confirm. "
        "Download your summary first if you want to keep it."
    )
    if failed:
        save_progress_button(flow.questionnaire().sections[-1].id)
