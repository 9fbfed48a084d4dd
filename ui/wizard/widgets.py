"""Render one question by its type, with its help and its problem (if any) beside it.

Every input has a visible label (the question text). Unanswered is never a default:
radios start with nothing chosen, numbers start blank, and a multi question has an
explicit "None of these" box.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

import streamlit as st

from screening.questionnaire import Question
from ui.common import label_escape, md_escape
from ui.wizard import state as S

NONE_LABEL = "None of these"
PERSIST = "session"


def show_problem(message: str | None) -> None:
    """A problem beside its field, in words (not only colour)."""
    if message:
        st.error(message, icon=":material/error:")


def show_help(q: Question) -> None:
    """The help text under a question."""
    if q.help:
        st.caption(md_escape(q.help))


@cache
def label(question: Question) -> str:
    """The visible label of a question (escaped for labels: shown and read as written)."""
    return label_escape(question.text)


@cache
def _option_labels(question: Question) -> Callable[[object], str]:
    """The shown label of each option code (the questionnaire is static: worked out once)."""
    return {c: md_escape(question.label_of(c)) for c in question.codes_in_order}.__getitem__


SELECTBOX_OVER = 8  # a single question with more options than this gets a searchable picker


def render_question(q: Question, problems: Mapping[str, str]) -> None:
    """One top-level question (not the repeat) with its help and its problem."""
    if q.type == "multi":
        render_multi(q)
        show_help(q)
        show_problem(problems.get(q.id))
        return
    render_input(q, S.qkey(q.id), problems.get(q.id))


def render_input(q: Question, key: str, problem: str | None) -> None:
    """The input of a question or a trial sub-question, with its help and problem."""
    if q.type == "integer":
        st.number_input(
            label(q),
            min_value=q.min,
            max_value=q.max,
            value=None,
            step=1,
            placeholder=q.unit or "Type a number",
            key=key,
            persist_state=PERSIST,
        )
    elif q.type == "text":
        if q.multiline:
            st.text_area(label(q), max_chars=q.max_length, key=key, persist_state=PERSIST)
        else:
            st.text_input(label(q), max_chars=q.max_length, key=key, persist_state=PERSIST)
    elif q.type == "single" and len(q.choices) > SELECTBOX_OVER:
        st.selectbox(
            label(q),
            options=q.codes_in_order,
            index=None,
            format_func=q.label_of,
            placeholder="Type to search, or choose from the list",
            key=key,
            persist_state=PERSIST,
        )
    else:  # single, ynu, ynp
        st.radio(
            label(q),
            options=q.codes_in_order,
            index=None,
            format_func=_option_labels(q),
            horizontal=q.type in ("ynu", "ynp"),
            key=key,
            persist_state=PERSIST,
        )
    show_help(q)
    show_problem(problem)


def _untick_none(question_id: str) -> None:
    st.session_state[S.none_key(question_id)] = False


def _untick_options(question_id: str, codes: tuple[object, ...]) -> None:
    if st.session_state.get(S.none_key(question_id)):
        for code in codes:
            st.session_state[S.option_key(question_id, code)] = False


def render_multi(q: Question) -> None:
    """A multi question: one checkbox per option, then an explicit "None of these".

    Ticking "None of these" unticks the others, and the other way round, so the answer
    is either a list of codes or [] (none), and nothing ticked means unanswered.
    """
    st.markdown(f"**{md_escape(q.text)}**")
    for option in q.choices:
        st.checkbox(
            label_escape(option.label),
            key=S.option_key(q.id, option.code),
            on_change=_untick_none,
            args=(q.id,),
            persist_state=PERSIST,
        )
    st.checkbox(
        label_escape(q.none_label or NONE_LABEL),
        key=S.none_key(q.id),
        on_change=_untick_options,
        args=(q.id, q.codes_in_order),
        persist_state=PERSIST,
    )
