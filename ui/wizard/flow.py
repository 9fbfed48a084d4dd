"""Which steps exist, and moving between them (button callbacks).

The steps are the questionnaire's sections that are enabled for the answers so far
(the safety step only when PHQ-9 item 9 is above "Not at all"), then the review.
Callbacks run before the script, so the page renders the new view in the same run.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from screening import load_questionnaire, prune, section_enabled
from screening.questionnaire import Questionnaire, Section
from ui.lang import current, tr
from ui.wizard import state as S
from ui.wizard.checks import step_problems


def questionnaire() -> Questionnaire:
    """The parsed questionnaire in this session's language (parsed once per process and
    language: static data). Ids, codes and logic are the same in every language."""
    return load_questionnaire(language=current())


def answers() -> dict[str, Any]:
    """The current answers of this session (unvalidated; hidden answers kept)."""
    return S.answers(st.session_state)


def enabled_sections(pruned: dict[str, Any], qn: Questionnaire) -> list[Section]:
    """The sections shown for these (pruned) answers, in order."""
    return [s for s in qn.sections if section_enabled(s.id, pruned, qn)]


def current_step(pruned: dict[str, Any], qn: Questionnaire) -> Section:
    """The section to show: the stored one, or the next enabled one if it is now hidden."""
    wanted = st.session_state.get(S.STEP)
    ids = [s.id for s in qn.sections]
    start = ids.index(wanted) if wanted in ids else 0
    for section in qn.sections[start:]:
        if section_enabled(section.id, pruned, qn):
            return section
    return enabled_sections(pruned, qn)[-1]


def show(view: str, step: str | None = None) -> None:
    """Switch to a view (and step); problems and the clear question are reset."""
    state = st.session_state
    state[S.VIEW] = view
    if step is not None:
        state[S.STEP] = step
    state[S.CHECKED] = None
    state[S.CONFIRM_CLEAR] = False
    state[S.SCROLL] = True


# --------------------------------------------------------------------------- callbacks


def start() -> None:
    """Start (or continue) the questionnaire at its first step."""
    st.session_state[S.FROM_REVIEW] = False
    st.session_state[S.UPLOAD_ERROR] = None
    show("step", questionnaire().sections[0].id)


def _passes(section_id: str) -> bool:
    if step_problems(answers(), questionnaire(), section_id):
        st.session_state[S.CHECKED] = section_id
        st.session_state[S.SCROLL] = True
        return False
    return True


def _neighbour(here: Section, pruned: dict[str, Any], forward: bool) -> Section | None:
    qn = questionnaire()
    ids = [s.id for s in qn.sections]
    at = ids.index(here.id)
    candidates = qn.sections[at + 1 :] if forward else list(reversed(qn.sections[:at]))
    return next((s for s in candidates if section_enabled(s.id, pruned, qn)), None)


def next_step() -> None:
    """Check the step on the server; move on only when nothing is missing or wrong."""
    qn = questionnaire()
    pruned = prune(answers(), qn)
    here = current_step(pruned, qn)
    if not _passes(here.id):
        return
    following = _neighbour(here, pruned, forward=True)
    if following is None:
        to_review()
    else:
        show("step", following.id)


def back_step() -> None:
    """The previous step (nothing is lost: answers stay in the answers dict)."""
    qn = questionnaire()
    pruned = prune(answers(), qn)
    before = _neighbour(current_step(pruned, qn), pruned, forward=False)
    if before is None:
        show("start")
    else:
        show("step", before.id)


def back_review() -> None:
    """From the review, back to the last step."""
    qn = questionnaire()
    show("step", enabled_sections(prune(answers(), qn), qn)[-1].id)


def save_and_review() -> None:
    """From an "Edit": check the step, then go back to the review."""
    qn = questionnaire()
    if _passes(current_step(prune(answers(), qn), qn).id):
        to_review()


def to_review() -> None:
    """The review of every answer."""
    st.session_state[S.FROM_REVIEW] = False
    show("review")


def edit(section_id: str) -> None:
    """Jump from the review to one step; the step offers the way back."""
    st.session_state[S.FROM_REVIEW] = True
    show("step", section_id)


def to_results() -> None:
    """The summary."""
    show("results")


def ask_clear() -> None:
    """First press of "Clear my answers" (or "Finish and clear"): ask to confirm."""
    st.session_state[S.CONFIRM_CLEAR] = True


def cancel_clear() -> None:
    """Keep the answers."""
    st.session_state[S.CONFIRM_CLEAR] = False


def clear() -> None:
    """Wipe every answer and go back to the start page."""
    S.clear_all(st.session_state)
    st.session_state[S.NOTICE] = tr("flow.cleared")
    show("start")


def confirm_clear_box() -> None:
    """The question after "Clear my answers": nothing is wiped by one click."""
    st.warning(tr("flow.confirm_clear"), icon=":material/warning:")
    with st.container(horizontal=True, key="confirm-clear"):
        st.button(tr("flow.keep"), key="wiz:clear_no", type="primary", on_click=cancel_clear)
        st.button(tr("flow.clear"), key="wiz:clear_yes", on_click=clear)
