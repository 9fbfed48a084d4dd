"""One step of the questionnaire: progress, questions, problems, Back / Next, save / clear."""

from __future__ import annotations

from typing import Any

import streamlit as st

from screening import AnswerPath, is_enabled, prune
from screening.questionnaire import Question, Section
from ui.common import md_escape
from ui.lang import tr
from ui.wizard import flow
from ui.wizard import state as S
from ui.wizard.checks import problem_label, step_problems
from ui.wizard.downloads import save_progress_button
from ui.wizard.trials import render_trials
from ui.wizard.widgets import render_question


def anchor(path: AnswerPath) -> str:
    """The container key a problem link moves focus to (``answer-age_years``)."""
    if path.entry is None:
        return f"answer-{path.question}"
    rows = S.trial_rows(st.session_state)
    row = rows[path.entry] if path.entry < len(rows) else path.entry
    return f"answer-t{row}-{path.sub}" if path.sub else f"answer-{path.question}"


def render(raw: dict[str, Any]) -> None:
    """The current step, with questions shown or hidden live by the answers so far."""
    qn = flow.questionnaire()
    state = st.session_state
    pruned = prune(raw, qn)
    sections = flow.enabled_sections(pruned, qn)
    section = flow.current_step(pruned, qn)
    number = [s.id for s in sections].index(section.id) + 1
    total = len(sections) + 1
    st.title(tr("step.title", number=number, total=total, section=section.title), anchor=False)
    st.progress(number / total)
    if section.intro:
        st.markdown(md_escape(section.intro))

    problems: dict[AnswerPath, str] = {}
    if state.get(S.CHECKED) == section.id:
        problems = step_problems(raw, qn, section.id)
        if problems:
            _problem_summary(problems)

    for q in qn.in_section(section.id):
        if is_enabled(q, pruned, qn):
            _question(q, problems)

    if section.attribution:
        st.caption(md_escape(section.attribution))
    _navigation(section)
    _save_or_clear(section.id)


def _problem_summary(problems: dict[AnswerPath, str]) -> None:
    """What needs attention, each a link that moves focus to its question."""
    qn = flow.questionnaire()
    count = len(problems)
    lines = [tr("step.attention_one") if count == 1 else tr("step.attention_many", count=count)]
    lines += [f"- [{md_escape(problem_label(path, qn))}](#{anchor(path)})" for path in problems]
    st.error("\n".join(lines), icon=":material/error:")


def _question(q: Question, problems: dict[AnswerPath, str]) -> None:
    with st.container(key=f"answer-{q.id}"):
        if q.type == "repeat":
            render_trials(q, problems)
        else:
            render_question(q, problems)
        if q.id == "phq9_9":
            _support_under_item9()


def _support_under_item9() -> None:
    """Right under item 9, as soon as it is above "Not at all": the full resources, where
    the person is reading (on a phone the top of the page is far away)."""
    from ui.wizard import crisis_panel

    if crisis_panel.should_show(st.session_state):
        crisis_panel.render_inline()


def _navigation(section: Section) -> None:
    state = st.session_state
    with st.container(horizontal=True, key="step-nav"):
        st.button(
            tr("step.back"), key="wiz:back", icon=":material/arrow_back:", on_click=flow.back_step
        )
        if state.get(S.FROM_REVIEW):
            st.button(
                tr("step.return"),
                key="wiz:return",
                icon=":material/checklist:",
                on_click=flow.save_and_review,
            )
        st.button(
            tr("step.next"),
            type="primary",
            key="wiz:next",
            icon=":material/arrow_forward:",
            on_click=flow.next_step,
        )


def _save_or_clear(step: str) -> None:
    state = st.session_state
    st.caption(tr("step.save_note"))
    with st.container(horizontal=True, key="step-save"):
        save_progress_button(step)
        if not state.get(S.CONFIRM_CLEAR):
            st.button(tr("step.clear"), key="wiz:clear", on_click=flow.ask_clear)
    if state.get(S.CONFIRM_CLEAR):
        flow.confirm_clear_box()
