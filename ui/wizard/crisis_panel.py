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
from ui.lang import current, tr

KEY = "crisis-panel"
BAR_KEY = "crisis-bar"
INLINE_KEY = "crisis-inline"


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
    number = md_escape(resource.number)
    if resource.tel_link():
        links.append(f"[{tr('crisis.call', number=number)}]({resource.tel_link()})")
    if resource.sms_link():
        text = (
            tr("crisis.text_word", word=md_escape(resource.sms_body), number=number)
            if resource.sms_body
            else tr("crisis.text", number=number)
        )
        links.append(f"[{text}]({resource.sms_link()})")
    if "chat" in resource.how and resource.url:
        links.append(f"[{tr('crisis.chat')}]({resource.url})")
    return links


def resources_markdown() -> str:
    """The resources of the deployment's region as markdown, with tel:/sms: links, in the
    person's language (Spanish-language routes for Spanish).

    Raises when the resources file cannot be read (the caller falls back).
    """
    region = crisis_region()
    language = current()
    lines = [
        f"- **{md_escape(r.name)}**: {md_escape(r.description)}  \n  " + " · ".join(_links(r))
        for r in region.resources_in(language)
        if not r.emergency
    ]
    e = region.emergency_in(language)
    danger = tr("crisis.danger", number=md_escape(e.number), link=e.tel_link())
    lines.append(f"\n**{danger}**")
    return "\n".join(lines)


def bar_markdown() -> str:
    """One line: the call and text links of every service, the emergency number last.

    Raises when the resources file cannot be read (the caller falls back).
    """
    region = crisis_region()
    language = current()
    links = [
        link for r in region.resources_in(language) if not r.emergency for link in _links(r)[:2]
    ]
    e = region.emergency_in(language)
    links.append(tr("crisis.emergency", number=md_escape(e.number), link=e.tel_link()))
    return " · ".join(links)


def render(slot: Any, *, compact: bool = False) -> None:
    """Fill ``slot`` (a container created first on the page) with the panel."""
    try:
        body = resources_markdown()
        bar = bar_markdown()
    except Exception:
        body = bar = md_escape(tr("crisis.fallback"))
    if compact:
        with slot, st.container(border=True, key=BAR_KEY):
            st.markdown(f"**{tr('crisis.title')}:** {bar}")
            with st.expander(tr("crisis.more")):
                st.markdown(body)
        return
    with slot, st.container(border=True, key=KEY):
        st.header(tr("crisis.title"), anchor=False)
        st.markdown(md_escape(tr("crisis.intro")))
        st.markdown(body)


def render_inline() -> None:
    """The full resources right where item 9 is answered (they stay while it is shown):
    the call and text links first, then what each service is."""
    try:
        bar = bar_markdown()
        body = resources_markdown()
    except Exception:
        bar, body = "", md_escape(tr("crisis.fallback"))
    with st.container(border=True, key=INLINE_KEY):
        st.markdown(f"**{tr('crisis.inline_title')}:** {bar}")
        st.markdown(md_escape(tr("crisis.intro")))
        st.markdown(body)
