"""The review step: every answer by section, each section with an "Edit" back to its step."""

from __future__ import annotations

from typing import Any

import streamlit as st

from screening import is_enabled, is_required, missing_answers, prune
from ui.common import md_escape
from ui.lang import tr
from ui.wizard import flow
from ui.wizard.checks import clean_answers
from ui.wizard.downloads import save_progress_button
from ui.wizard.format import answer_text, trial_lines


def _answers(section_id: str, pruned: dict[str, Any]) -> None:
    """Question and answer pairs, compact; free text (data) only ever through st.text."""
    qn = flow.questionnaire()
    pending: list[str] = []

    def flush() -> None:
        if pending:
            st.markdown("\n\n".join(pending))
            pending.clear()

    for q in qn.in_section(section_id):
        if not is_enabled(q, pruned, qn):
            continue
        value = pruned.get(q.id)
        question = f"**{md_escape(q.text)}**"
        if value is None:
            answer = (
                f"*{tr('review.needed')}*" if is_required(q, pruned) else tr("review.not_answered")
            )
            pending.append(f"{question}  \n{answer}")
        elif q.type == "repeat" and value:
            pending.append(question)
            flush()
            st.text("\n".join(trial_lines(q, value, qn)))
        elif q.type == "text":
            pending.append(question)
            flush()
            st.text(str(value))
        else:
            pending.append(f"{question}  \n{md_escape(answer_text(q, value) or '')}")
    flush()


def render(raw: dict[str, Any]) -> None:
    """The review page."""
    qn = flow.questionnaire()
    valid, _ = clean_answers(raw, qn)
    pruned = prune(valid, qn)
    sections = flow.enabled_sections(pruned, qn)
    total = len(sections) + 1
    title = tr("step.title", number=total, total=total, section=tr("flow.review_title"))
    st.title(title, anchor=False)
    st.progress(1.0)
    st.markdown(tr("review.intro"))
    missing = missing_answers(pruned, qn)
    if missing:
        count = len(missing)
        words = tr("review.missing_one") if count == 1 else tr("review.missing_many", count=count)
        st.warning(words, icon=":material/warning:")
    for section in sections:
        with st.container(border=True, key=f"review-{section.id}"):
            head, button = st.columns([5, 1], vertical_alignment="center")
            head.header(section.title, anchor=False)
            button.button(
                tr("review.edit"),
                key=f"wiz:edit:{section.id}",
                help=tr("review.edit_help", section=section.title),
                on_click=flow.edit,
                args=(section.id,),
            )
            _answers(section.id, pruned)
    with st.container(horizontal=True, key="review-nav"):
        st.button(
            tr("review.back"),
            key="wiz:back",
            icon=":material/arrow_back:",
            on_click=flow.back_review,
        )
        st.button(
            tr("review.results"),
            type="primary",
            key="wiz:results",
            icon=":material/arrow_forward:",
            on_click=flow.to_results,
        )
    save_progress_button(sections[-1].id)
