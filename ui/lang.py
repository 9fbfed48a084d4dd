"""The language of the patient pages: chosen on the start page or in the sidebar, kept in
the session (never in the URL), English by default.

Answers are codes, so switching language mid-questionnaire keeps every answer: the
widgets are keyed by question, not by words, and on a switch they are drawn again from
the answers dict with the labels of the new language.
"""

from __future__ import annotations

import streamlit as st

from screening.i18n import LANGUAGE_NAMES, LANGUAGES, Language, language_of, t

KEY = "ui:lang"  # outside the wiz: prefix: clearing the answers keeps the language


def current() -> Language:
    """The language of this session (English until one is chosen)."""
    try:
        return language_of(st.session_state.get(KEY))
    except Exception:  # no session (a bare import): English
        return "en"


def tr(key: str, /, **fields: object) -> str:
    """The words of ``key`` in this session's language."""
    return t(key, current(), **fields)


def _chosen(widget_key: str) -> None:
    from ui.wizard import state as S

    state = st.session_state
    chosen = language_of(state.get(widget_key))
    if chosen == current():
        return
    state[KEY] = chosen
    for key in S.widget_keys(state):  # redrawn from the answers, in the new words
        del state[key]


def switcher(where: str) -> None:
    """The language choice (``where``: "start" or "sidebar"), showing the current one."""
    widget_key = f"lang:{where}"
    st.session_state[widget_key] = current()
    st.radio(
        t("lang.label"),
        options=LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
        key=widget_key,
        on_change=_chosen,
        args=(widget_key,),
    )
