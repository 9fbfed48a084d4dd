"""Render one question by its type, with its help and its problem (if any) beside it.

Every input has a visible label (the question text). Unanswered is never a default:
radios start with nothing chosen, numbers start blank, and a multi question has an
explicit "None of these" box. Numbers are typed into a text box, so whatever is typed is
kept and checked on the server: a number out of range is named next to the field, never
replaced by an earlier value. Each widget writes its answer into the answers dict
(ui/wizard/state.py) from its ``on_change`` callback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import streamlit as st

from screening.questionnaire import Question
from ui.common import label_escape, md_escape
from ui.lang import tr
from ui.wizard import state as S

SELECTBOX_OVER = 8  # a single question with more options than this gets a searchable picker


def show_problem(message: str | None) -> None:
    """A problem beside its field, in words (not only colour)."""
    if message:
        st.error(message, icon=":material/error:")


def number_hint(q: Question) -> str:
    """The range of a number question, said before anyone errs."""
    unit = f" {q.unit}" if q.unit else ""
    return tr("widgets.number_hint", min=q.min, max=q.max, unit=unit)


def show_help(q: Question) -> None:
    """The help text under a question (and the range of a number)."""
    parts = [q.help] if q.help else []
    if q.type == "integer":
        parts.append(number_hint(q))
    if parts:
        st.caption(md_escape(" ".join(parts)))


@cache
def label(question: Question) -> str:
    """The visible label of a question (escaped for labels: shown and read as written)."""
    return label_escape(question.text)


@cache
def _option_labels(question: Question) -> Callable[[object], str]:
    """The shown label of each option code (the questionnaire is static: worked out once)."""
    return {c: md_escape(question.label_of(c)) for c in question.codes_in_order}.__getitem__


def answer_of(q: Question, widget: Any) -> Any:
    """The answer a single widget's value means."""
    if q.type == "integer":
        return S.typed_number(widget)
    if q.type == "text":
        return S.typed_text(widget)
    return widget


def _changed(question_id: str, key: str, q: Question) -> None:
    S.set_answer(st.session_state, question_id, answer_of(q, st.session_state.get(key)))


def render_question(q: Question, problems: Mapping[str, str]) -> None:
    """One top-level question (not the repeat) with its help and its problem (``problems``
    by path; an ``AnswerPath`` equals its text)."""
    held = S.answers(st.session_state)
    if q.type == "multi":
        render_multi(q, held.get(q.id))
        show_help(q)
        show_problem(problems.get(q.id))
        return
    key = S.qkey(q.id)
    render_input(q, key, held.get(q.id), _changed, (q.id, key, q), problems.get(q.id))


def render_input(
    q: Question,
    key: str,
    value: Any,
    on_change: Callable[..., None],
    args: tuple[Any, ...],
    problem: str | None,
) -> None:
    """The input of a question or a trial sub-question, seeded with its answer ``value``,
    with its help and problem; ``on_change(*args)`` stores a change."""
    S.seed(st.session_state, key, S.widget_value(q, value))
    common: dict[str, Any] = {"key": key, "on_change": on_change, "args": args}
    if q.type == "integer":
        st.text_input(
            label(q), placeholder=q.unit or tr("widgets.type_number"), max_chars=12, **common
        )
    elif q.type == "text" and q.multiline:
        st.text_area(label(q), max_chars=q.max_length, **common)
    elif q.type == "text":
        st.text_input(label(q), max_chars=q.max_length, **common)
    elif q.type == "single" and len(q.choices) > SELECTBOX_OVER:
        st.selectbox(
            label(q),
            options=q.codes_in_order,
            index=None,
            format_func=q.label_of,
            placeholder=tr("widgets.search"),
            **common,
        )
    else:  # single, ynu, ynp
        st.radio(
            label(q),
            options=q.codes_in_order,
            index=None,
            format_func=_option_labels(q),
            horizontal=q.type in ("ynu", "ynp"),
            **common,
        )
    show_help(q)
    show_problem(problem)


def _multi_changed(q: Question, ticked: str) -> None:
    """A box of a multi question changed: "None of these" and the options exclude each other."""
    state = st.session_state
    none = S.none_key(q.id)
    if ticked == none and state.get(none):
        for code in q.codes_in_order:
            state[S.option_key(q.id, code)] = False
    elif ticked != none and state.get(ticked):
        state[none] = False
    chosen = [c for c in q.codes_in_order if state.get(S.option_key(q.id, c))]
    S.set_answer(state, q.id, chosen or ([] if state.get(none) else None))


def render_multi(q: Question, value: Any) -> None:
    """A multi question: one checkbox per option, then an explicit "None of these".

    The answer is either a list of codes or [] (none); nothing ticked means unanswered.
    """
    chosen = value if isinstance(value, list) else []
    st.markdown(f"**{md_escape(q.text)}**")
    for option in q.choices:
        key = S.option_key(q.id, option.code)
        S.seed(st.session_state, key, option.code in chosen)
        st.checkbox(label_escape(option.label), key=key, on_change=_multi_changed, args=(q, key))
    none = S.none_key(q.id)
    S.seed(st.session_state, none, value == [])
    st.checkbox(
        label_escape(q.none_label or tr("widgets.none")),
        key=none,
        on_change=_multi_changed,
        args=(q, none),
    )
