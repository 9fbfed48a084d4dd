"""One step of the questionnaire: progress, questions, problems, Back / Next, save / clear."""

from __future__ import annotations

from typing import Any

import streamlit as st

from screening.answers import is_enabled, prune
from screening.questionnaire import Section
from ui.common import md_escape
from ui.wizard import flow, live
from ui.wizard import state as S
from ui.wizard.checks import step_problems
from ui.wizard.downloads import save_progress_button
from ui.wizard.trials import render_trials
from ui.wizard.widgets import render_question


def render(raw: dict[str, Any]) -> None:
    """The current step, with questions shown or hidden live by the answers so far."""
    qn = flow.questionnaire()
    state = st.session_state
    pruned = prune(raw, qn)
    sections = flow.enabled_sections(pruned, qn)
    section = flow.current_step(pruned, qn)
    S.focus_section(state, qn, section.id)
    number = [s.id for s in sections].index(section.id) + 1
    total = len(sections) + 1
    st.title(f"Step {number} of {total} — {section.title}", anchor=False)
    st.progress(number / total)
    if section.intro:
        st.markdown(md_escape(section.intro))

    with live.whole_page(raw, pruned, qn):
        _page_body(raw, pruned, section, state)


def _page_body(raw: dict[str, Any], pruned: dict[str, Any], section: Section, state: Any) -> None:
    qn = flow.questionnaire()
    problems: dict[str, str] = {}
    if state.get(S.CHECKED) == section.id:
        problems = step_problems(raw, qn, section.id)
        if problems:
            count = len(problems)
            st.error(
                f"{count} {'answer needs' if count == 1 else 'answers need'} your attention "
                "before you go on. Each one is marked below.",
                icon=":material/error:",
            )

    for q in qn.in_section(section.id):
        if not is_enabled(q, pruned, qn):
            continue
        if q.type == "repeat":
            render_trials(q, problems)
        elif live.typed(q):
            render_question(q, problems)
        else:
            _question(q.id, problems.get(q.id))

    if section.attribution:
        st.caption(md_escape(section.attribution))

    with st.container(horizontal=True, key="step-nav"):
        st.button("Back", key="wiz:back", icon=":material/arrow_back:", on_click=flow.back_step)
        if state.get(S.FROM_REVIEW):
            st.button(
                "Save and return to the review",
                key="wiz:return",
                icon=":material/checklist:",
                on_click=flow.save_and_review,
            )
        st.button(
            "Next",
            type="primary",
            key="wiz:next",
            icon=":material/arrow_forward:",
            on_click=flow.next_step,
        )

    _save_or_clear(raw, section.id)


@live.part
def _question(question_id: str, problem: str | None) -> None:
    """One question with its help and problem; rerun alone when it is answered."""
    q = flow.questionnaire().by_id[question_id]
    render_question(q, {q.id: problem} if problem else {})
    if q.id == "phq9_9":
        _support_under_item9(st.session_state)


def _support_under_item9(state: Any) -> None:
    """Right under item 9, as soon as it is above "Not at all": support, where the eyes are."""
    from ui.wizard import crisis_panel

    if crisis_panel.should_show(state):
        crisis_panel.render_inline()


def _save_or_clear(raw: dict[str, Any], step: str) -> None:
    state = st.session_state
    st.caption(
        "Nothing is kept on our server. To finish later, save your progress to a file on your "
        "device, then choose “Resume from a saved file” on the start page. Anyone who has the "
        "file can read your answers."
    )
    with st.container(horizontal=True, key="step-save"):
        save_progress_button(live.answers_box(state), step)
        if not state.get(S.CONFIRM_CLEAR):
            st.button("Clear my answers", key="wiz:clear", on_click=flow.ask_clear)
    if state.get(S.CONFIRM_CLEAR):
        st.warning("This removes every answer from this session. Are you sure?")
        with st.container(horizontal=True):
            st.button(
                "Yes, clear my answers",
                key="wiz:clear_yes",
                type="primary",
                on_click=flow.clear,
            )
            st.button("No, keep them", key="wiz:clear_no", on_click=flow.cancel_clear)
