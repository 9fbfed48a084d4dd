"""The antidepressant trials of this episode: add, edit and remove rows.

Each row is a bordered box of inputs keyed ``t:<row>:<sub id>``, holding one entry of
answers["ad_trials"]; the row ids, in order, are in ``wiz:trial_rows``. With no rows, a
box "I have not taken any antidepressant during this episode" gives the answer [] (no
rows and no tick: unanswered).
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from screening import AnswerPath, assess_trial, conditions_hold
from screening.questionnaire import Question
from ui.common import md_escape
from ui.lang import tr
from ui.wizard import state as S
from ui.wizard.widgets import answer_of, render_input, show_problem


def _add_row() -> None:
    S.new_trial_row(st.session_state)


def _remove_row(row: int, sub_ids: tuple[str, ...]) -> None:
    S.remove_trial_row(st.session_state, row, sub_ids)


def _sub_changed(row: int, sub: Question, key: str) -> None:
    S.set_trial_answer(st.session_state, row, sub.id, answer_of(sub, st.session_state.get(key)))


def _none_changed(question_id: str) -> None:
    state = st.session_state
    S.set_answer(state, question_id, [] if state.get(S.none_key(question_id)) else None)


def _numbers_in_range(q: Question, entry: Mapping[str, object]) -> bool:
    """Whether every number typed in the row is a whole number within its range."""
    numbers = [(sub, entry.get(sub.id)) for sub in q.items if sub.type == "integer"]
    return all(
        type(value) is int and (sub.min or 0) <= value <= (sub.max or value)
        for sub, value in numbers
        if value is not None
    )


def trial_note(q: Question, entry: Mapping[str, object]) -> str | None:
    """A plain sentence on what a complete row counts for (None while it is incomplete or
    a number in it is out of range: the field says so, and nothing is counted from it)."""
    if not _numbers_in_range(q, entry):
        return None
    assessment = assess_trial(0, entry)
    if not assessment.complete:
        return None
    if assessment.adequate:
        return tr("trials.full")
    if assessment.possibly_adequate:
        return tr("trials.maybe")
    return tr("trials.short")


def _trial_row(q: Question, row: int, index: int, problems: Mapping[str, str]) -> None:
    """One antidepressant: a bordered box of inputs."""
    item = q.item_label or tr("trials.item")
    entries = S.trial_entries(st.session_state)
    entry = entries[index] if index < len(entries) else {}
    with st.container(border=True, key=f"trial-{row}"):
        st.markdown(f"**{md_escape(item)} {index + 1}**")
        for sub in q.items:
            if not conditions_hold(sub.enabled_when, sub.enabled_behavior, entry):
                continue
            key = S.trial_key(row, sub.id)
            value = entry.get(sub.id)
            with st.container(key=f"answer-t{row}-{sub.id}"):
                render_input(sub, key, value, _sub_changed, (row, sub, key), problems.get(sub.id))
        note = trial_note(q, entry)
        if note:
            st.caption(md_escape(note))
        st.button(
            tr("trials.remove", item=item.lower(), number=index + 1),
            key=f"wiz:remove:{row}",
            icon=":material/delete:",
            on_click=_remove_row,
            args=(row, tuple(sub.id for sub in q.items)),
        )


def render_trials(q: Question, problems: Mapping[AnswerPath, str]) -> None:
    """The repeat question ``ad_trials``; ``problems`` by path (``ad_trials[0].weeks``)."""
    state = st.session_state
    st.markdown(f"**{md_escape(q.text)}**")
    st.caption(tr("trials.caption"))
    st.info(tr("trials.adequate"), icon=":material/info:")
    rows = S.trial_rows(state)
    for index, row in enumerate(rows):
        row_problems = {
            path.sub: text
            for path, text in problems.items()
            if path.question == q.id and path.entry == index and path.sub is not None
        }
        _trial_row(q, row, index, row_problems)
    limit = q.max_items or 15
    if len(rows) < limit:
        st.button(
            tr("trials.add_first") if not rows else tr("trials.add_another"),
            key="wiz:add_trial",
            icon=":material/add:",
            on_click=_add_row,
        )
    else:
        st.caption(tr("trials.limit", limit=limit))
    if not rows:
        key = S.none_key(q.id)
        S.seed(state, key, S.answers(state).get(q.id) == [])
        st.checkbox(tr("trials.no_trials"), key=key, on_change=_none_changed, args=(q.id,))
    show_problem(problems.get(q.id))
