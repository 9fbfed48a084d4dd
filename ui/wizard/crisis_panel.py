"""The crisis panel: shown the moment PHQ-9 item 9 is above "Not at all" (or a safety
answer is yes or prefer not to say), and on every later view.

* ``render(slot)``: the full panel, at the top of the PHQ-9 step and of the results;
* ``render(slot, compact=True)``: on the other views, one line of call and text links
  with the full list folded underneath (a phone screen is not filled by it);
* ``render_inline()``: right under item 9, the full resources with their links, where
  the person is reading when they answer it.

It depends on as little as possible: the flag comes from ``screening.crisis_flag`` on the
session's answers, and if the crisis-resources file cannot be read the panel still
shows, with words that hold everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from ui.common import crisis_region, md_escape

TITLE = "Support is available right now"
INTRO = (
    "You told us you have had thoughts of being better off dead or of hurting yourself. "
    "Thank you for saying so. You do not have to go through this alone, and you do not need "
    "to finish this questionnaire first. These services are free and confidential, "
    "day and night:"
)
FALLBACK = (
    "If you are in danger now, call your local emergency number or go to the nearest "
    "emergency department. You can also talk to your doctor, or to someone you trust."
)
KEY = "crisis-panel"
BAR_KEY = "crisis-bar"
INLINE_KEY = "crisis-inline"
INLINE_TITLE = "Support is available now"


def should_show(state: Mapping[str, Any]) -> bool:
    """Crisis flag on the session's answers; errs towards showing; never raises."""
    try:
        from screening import crisis_flag
        from ui.wizard.state import ANSWERS, CRISIS_SEEN

        return bool(crisis_flag(state.get(ANSWERS) or {}) or state.get(CRISIS_SEEN))
    except Exception:
        return True


def _links(resource: Any) -> list[str]:
    links = []
    if resource.tel_link():
        links.append(f"[Call {md_escape(resource.number)}]({resource.tel_link()})")
    if resource.sms_link():
        word = f" {md_escape(resource.sms_body)} to" if resource.sms_body else ""
        links.append(f"[Text{word} {md_escape(resource.number)}]({resource.sms_link()})")
    if "chat" in resource.how and resource.url:
        links.append(f"[Chat online]({resource.url})")
    return links


def resources_markdown() -> str:
    """The resources of the deployment's region as markdown, with tel:/sms: links.

    Raises when the resources file cannot be read (the caller falls back).
    """
    region = crisis_region()
    lines = [
        f"- **{md_escape(r.name)}**: {md_escape(r.description)}  \n  " + " · ".join(_links(r))
        for r in region.resources
        if not r.emergency
    ]
    e = region.emergency
    lines.append(
        f"\n**If you or someone else is in immediate danger, call "
        f"[{md_escape(e.number)}]({e.tel_link()}) now.**"
    )
    return "\n".join(lines)


def bar_markdown() -> str:
    """One line: the call and text links of every service, the emergency number last.

    Raises when the resources file cannot be read (the caller falls back).
    """
    region = crisis_region()
    links = [link for r in region.resources if not r.emergency for link in _links(r)[:2]]
    e = region.emergency
    links.append(f"Emergency: [{md_escape(e.number)}]({e.tel_link()})")
    return " · ".join(links)


def render(slot: Any, *, compact: bool = False) -> None:
    """Fill ``slot`` (a container created first on the page) with the panel."""
    try:
        body = resources_markdown()
        bar = bar_markdown()
    except Exception:
        body = bar = md_escape(FALLBACK)
    if compact:
        with slot, st.container(border=True, key=BAR_KEY):
            st.markdown(f"**{TITLE}:** {bar}")
            with st.expander("More ways to get support"):
                st.markdown(body)
        return
    with slot, st.container(border=True, key=KEY):
        st.header(TITLE, anchor=False)
        st.markdown(md_escape(INTRO))
        st.markdown(body)


def render_inline() -> None:
    """The full resources right where item 9 is answered (they stay while it is shown):
    the call and text links first, then what each service is."""
    try:
        bar = bar_markdown()
        body = resources_markdown()
    except Exception:
        bar, body = "", md_escape(FALLBACK)
    with st.container(border=True, key=INLINE_KEY):
        st.markdown(f"**{INLINE_TITLE}:** {bar}")
        st.markdown(md_escape(INTRO))
        st.markdown(body)
