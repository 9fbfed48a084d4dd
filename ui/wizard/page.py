"""The self-screening page: crisis panel first, then the current view.

Streamlit reruns the script top to bottom on every interaction, and a widget's callback
has written its answer into the answers dict before the rerun begins. So the crisis flag
is computed at the very top, and the panel is put into a container created before
anything else: it sits first on the page whatever happens below. Everything else is
wrapped so a failure shows a plain message, never a traceback.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from ui.lang import current, switcher, tr
from ui.wizard import crisis_panel
from ui.wizard.scripts import PAGE_SCRIPT, SCROLL_SCRIPT


def main() -> None:
    """Render the page."""
    top = st.container()  # first on the page: the crisis panel goes here
    state = st.session_state
    if crisis_panel.should_show(state):
        with contextlib.suppress(Exception):
            state["wiz:crisis_seen"] = True
        view, step = state.get("wiz:view"), state.get("wiz:step")
        full = view == "results" or (view == "step" and step == "phq9")
        crisis_panel.render(top, compact=not full)
    with contextlib.suppress(Exception), st.sidebar:
        switcher("sidebar")
    try:
        _view()
    except Exception:
        st.error(tr("page.error"), icon=":material/error:")
        _safe_home_button()


def _view() -> None:
    from ui.common import page_style
    from ui.wizard import flow, results, review, start, step
    from ui.wizard import state as S

    page_style()
    state = st.session_state
    st.html(PAGE_SCRIPT, unsafe_allow_javascript=True)
    if S.answers(state):  # leaving or reloading the page asks first (PAGE_SCRIPT)
        with st.container(key="answers-held"):  # an empty one is not drawn; CSS hides it
            st.html('<span aria-hidden="true"></span>')
    st.html(f'<span hidden data-page-lang="{current()}"></span>')  # the page's lang (PAGE_SCRIPT)
    notice = state.pop(S.NOTICE, None)
    if notice:  # our own words; any file name in it is escaped where it is written
        st.success(str(notice), icon=":material/check_circle:")
    view = state.get(S.VIEW, "start")
    if view == "start":
        start.render()
    else:
        raw = flow.answers()
        if view == "review":
            review.render(raw)
        elif view == "results":
            results.render(raw)
        else:
            step.render(raw)
    if state.pop(S.SCROLL, False):
        counter = int(state.get("wiz:scrolls", 0)) + 1
        state["wiz:scrolls"] = counter
        marker = f'<span hidden data-view="{counter}"></span>'
        st.html(marker + SCROLL_SCRIPT, unsafe_allow_javascript=True)


def _safe_home_button() -> None:
    def home() -> None:
        st.session_state["wiz:view"] = "start"

    with contextlib.suppress(Exception):
        st.button(tr("page.home"), key="wiz:home", on_click=home)
