"""Answering a question reruns only that question, not the whole page.

Each question of a step (and each antidepressant row) is an ``st.fragment``: a click in
it reruns just that part, which is several times cheaper for the server than rerunning
the page. What lies outside and depends on the answers — the crisis panel at the top,
"Step n of N", which questions are shown, the problems of a failed Next, the trial rows —
is summed up in ``signature``, taken by every whole-page run. A part that finds the
signature changed reruns the whole page at once (``st.rerun(scope="app")``), so the
crisis panel still appears the moment item 9 is answered above "Not at all", and a
follow-up question appears the moment the answer that opens it is given.

Only choices are parts (radios, select boxes, check boxes). Typed answers (numbers and
text) are not: in Streamlit 1.67 a text typed into a part while another part's run is
finishing is lost from the browser before it is sent (a name typed right after choosing
"Sex at birth" was gone about half the time); typed outside any part, it is kept.

The "Save my progress" button is outside every part; it reads the answers from
``answers_box``, which every run (whole page or part) refreshes, so a saved file always
holds the latest answers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, MutableMapping
from contextvars import ContextVar
from typing import Any, ParamSpec

import streamlit as st

from screening.answers import conditions_hold, is_enabled, prune
from screening.questionnaire import Question, Questionnaire
from ui.wizard import state as S

PART_ERROR = (
    "Sorry, this question could not be shown. Your other answers are safe. Try again, or go "
    "back a step and return."
)
SIGNATURE = "wiz:page_signature"
ANSWERS_BOX = "wiz:answers_box"

P = ParamSpec("P")

# True while a whole-page run draws the parts (a script run has its own thread and
# context, so this never leaks into another run or session).
_WHOLE_PAGE: ContextVar[bool] = ContextVar("whole_page", default=False)


def signature(
    state: MutableMapping[str, Any], pruned: dict[str, Any], qn: Questionnaire
) -> tuple[object, ...]:
    """What the page outside its parts shows, as far as the (pruned) answers and the
    buttons decide it."""
    from ui.wizard import crisis_panel, flow

    step = state.get(S.STEP)
    return (
        state.get(S.VIEW),
        step,
        state.get(S.CHECKED),
        state.get(S.FROM_REVIEW),
        state.get(S.CONFIRM_CLEAR),
        crisis_panel.should_show(state),
        tuple(s.id for s in flow.enabled_sections(pruned, qn)),
        tuple(q.id for q in qn.in_section(str(step)) if is_enabled(q, pruned, qn))
        if step in qn.section_by_id
        else (),
        tuple(S.trial_rows(state)),
        _trial_rows_shown(pruned, qn),
    )


def _trial_rows_shown(pruned: dict[str, Any], qn: Questionnaire) -> tuple[object, ...]:
    """Per antidepressant row: the sub-questions shown and its note (drawn outside parts)."""
    from ui.wizard.trials import trial_note

    repeat = qn.by_id.get(S.REPEAT_ID)
    entries = pruned.get(S.REPEAT_ID)
    if repeat is None or not isinstance(entries, list):
        return ()
    return tuple(
        (
            tuple(
                s.id for s in repeat.items if conditions_hold(s.enabled_when, s.enabled_behavior, e)
            ),
            trial_note(e),
        )
        for e in entries
        if isinstance(e, dict)
    )


def typed(q: Question) -> bool:
    """Whether a question is answered by typing (a number or text): never a part."""
    return q.type in ("integer", "text")


def answers_box(state: MutableMapping[str, Any]) -> list[dict[str, Any]]:
    """A one-item list holding the latest answers of this session (in its session state)."""
    box = state.get(ANSWERS_BOX)
    if not isinstance(box, list) or len(box) != 1:
        box = [{}]
        state[ANSWERS_BOX] = box
    return box


@contextlib.contextmanager
def whole_page(raw: dict[str, Any], pruned: dict[str, Any], qn: Questionnaire) -> Iterator[None]:
    """Around the parts in a whole-page run of a step: note what the page shows, and let
    the parts know they need not check it."""
    state = st.session_state
    state[SIGNATURE] = signature(state, pruned, qn)
    answers_box(state)[0] = dict(raw)
    token = _WHOLE_PAGE.set(True)
    try:
        yield
    finally:
        _WHOLE_PAGE.reset(token)


def _refresh_or_rerun_page() -> None:
    """In a part's own run: keep the saved answers current, or rerun the whole page when
    anything outside the part is due to change."""
    from ui.wizard import flow

    if _WHOLE_PAGE.get():
        return
    state = st.session_state
    try:
        qn = flow.questionnaire()
        raw = flow.answers()
        answers_box(state)[0] = raw
        stale = bool(
            state.get(S.SCROLL)
            or state.get(S.CHECKED) is not None  # problems shown: their count is on the page
            or state.get(SIGNATURE) != signature(state, prune(raw, qn), qn)
        )
    except Exception:  # whatever failed, the whole page (crisis panel first) is safer
        stale = True
    if stale:
        st.rerun(scope="app")


def part(render: Callable[P, None]) -> Callable[P, None]:
    """A part of a step: an ``st.fragment`` that reruns the page when it must."""

    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        _refresh_or_rerun_page()
        try:
            render(*args, **kwargs)
        except Exception:  # one broken question must not take the page (or a traceback) with it
            st.error(PART_ERROR, icon=":material/error:")

    run.__name__ = render.__name__
    run.__qualname__ = render.__qualname__
    run.__module__ = render.__module__
    fragment: Callable[P, None] = st.fragment(run)
    return fragment
