"""The crisis panel: shown at the top of the page the moment PHQ-9 item 9 is above
"Not at all", and on every later step and the results.

It depends on as little as possible: the flag comes from ``screening.safety.crisis_flag``
on the raw session values, and if the crisis-resources file cannot be read the panel
still shows, with words that hold everywhere.
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


def should_show(state: Mapping[str, Any]) -> bool:
    """Crisis flag on the raw session values; errs towards showing; never raises."""
    try:
        from screening.safety import crisis_flag
        from ui.wizard.state import CRISIS_SEEN, crisis_answers

        flagged = crisis_flag(crisis_answers(state))
        return bool(flagged or state.get(CRISIS_SEEN))
    except Exception:
        return True


def resources_markdown() -> str:
    """The resources of the deployment's region as markdown, with tel:/sms: links.

    Raises when the resources file cannot be read (the caller falls back).
    """
    region = crisis_region()
    lines = []
    for r in region.resources:
        if r.emergency:
            continue
        links = []
        if r.tel_link():
            links.append(f"[Call {md_escape(r.number)}]({r.tel_link()})")
        if r.sms_link():
            word = f" {md_escape(r.sms_body)} to" if r.sms_body else ""
            links.append(f"[Text{word} {md_escape(r.number)}]({r.sms_link()})")
        if "chat" in r.how and r.url:
            links.append(f"[Chat online]({r.url})")
        lines.append(
            f"- **{md_escape(r.name)}**: {md_escape(r.description)}  \n  " + " · ".join(links)
        )
    e = region.emergency
    lines.append(
        f"\n**If you or someone else is in immediate danger, call "
        f"[{md_escape(e.number)}]({e.tel_link()}) now.**"
    )
    return "\n".join(lines)


def render(slot: Any) -> None:
    """Fill ``slot`` (a container created first on the page) with the panel."""
    try:
        body = resources_markdown()
    except Exception:
        body = md_escape(FALLBACK)
    with slot, st.container(border=True, key=KEY):
        st.header(TITLE, anchor=False)
        st.markdown(md_escape(INTRO))
        st.markdown(body)


INLINE_KEY = "crisis-inline"
INLINE_TITLE = "Support is available now"


def inline_markdown() -> str:
    """One short line of the region's crisis links, for right under PHQ-9 item 9.

    Raises when the resources file cannot be read (the caller falls back).
    """
    region = crisis_region()
    links = []
    for r in region.resources:
        if r.tel_link():
            links.append(f"[Call {md_escape(r.number)}]({r.tel_link()})")
        if r.sms_link():
            word = f" {md_escape(r.sms_body)} to" if r.sms_body else ""
            links.append(f"[Text{word} {md_escape(r.number)}]({r.sms_link()})")
    return " · ".join(links)


def render_inline() -> None:
    """A compact copy of the panel where item 9 is answered, so a person scrolled down
    on a phone sees support at once; the full panel is at the top of the page."""
    try:
        links = inline_markdown()
    except Exception:
        links = md_escape(FALLBACK)
    with st.container(border=True, key=INLINE_KEY):
        st.markdown(f"**{INLINE_TITLE}.** {links}")
        st.markdown(
            md_escape(
                "Free and confidential, day and night. More ways to get support are at the "
                "top of this page."
            )
        )
