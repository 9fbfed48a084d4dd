"""Shared by every page: clinic settings, crisis resources, the footer line, safe text.

Nothing here holds anything about a respondent. The cached values are static: the
deployment's settings file and the reviewed crisis-resources file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    from screening.crisis import CrisisRegion
    from screening.settings import ClinicSettings


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


# The renderer turns bare addresses into links after resolving escapes (GitHub-flavoured
# autolinks: http(s)://…, www.…, e-mail addresses). An invisible word joiner after "://"
# and "@", and between "www" and ".", keeps them plain text.
_AUTOLINK = re.compile(r"(?i)(://|@|\bwww(?=\.))")
WORD_JOINER = "\u2060"


def md_escape(text: str) -> str:
    """Text made safe to place inside st.markdown: every markdown/HTML character escaped,
    and bare addresses kept from becoming links."""
    text = _AUTOLINK.sub(r"\1" + WORD_JOINER, text)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


# A widget label is inline markdown on screen but its raw string is the input's aria-label,
# so every escape is read aloud by screen readers. Escape only what still acts inside a
# label: emphasis, code, links, HTML, maths, entities, and ":" before a word (emoji and
# colour directives). Streamlit itself escapes list and heading markers at the start.
_LABEL_SPECIAL = re.compile(r"([\\`*_~\[\]<>$&]|:(?=[A-Za-z+]))")


def label_escape(text: str) -> str:
    """A widget label that shows ``text`` literally and is read without stray backslashes."""
    return _LABEL_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


class DownloadFailed(RuntimeError):
    """A download could not be built; the message names the file and nothing else."""


def guarded(file_name: str, build: Callable[[], bytes]) -> Callable[[], bytes]:
    """``build`` for a download button: any failure becomes ``DownloadFailed`` without the
    original error. Streamlit logs a failed download with its traceback, and the original
    error's text could quote a respondent's answers; the browser shows its own short note."""

    def run() -> bytes:
        try:
            return build()
        except Exception:
            raise DownloadFailed(f"{file_name} could not be built") from None

    return run


def clinic_settings() -> tuple[ClinicSettings | None, str | None]:
    """The deployment's settings (ui/settings.py), or (None, error text); never raises."""
    try:
        from ui.settings import load_clinic_settings

        return load_clinic_settings(), None
    except Exception as exc:  # a broken settings file must not break the crisis panel
        return None, str(exc)


def crisis_region() -> CrisisRegion:
    """The crisis resources of the deployment's region (default US). May raise."""
    from screening.crisis import DEFAULT_REGION, load_crisis_resources

    settings, _ = clinic_settings()
    code = settings.region if settings is not None else DEFAULT_REGION
    return load_crisis_resources().region(code)


def footer_text() -> str:
    """The one-line crisis footer for the deployment's region; never raises. When the
    crisis-resources file cannot be read: no numbers that could be wrong."""
    from ui.lang import current, tr

    try:
        from screening.crisis import footer_line

        return footer_line(crisis_region(), current())
    except Exception:
        return tr("crisis.footer_fallback")


FOOTER_STYLE = (
    "<style>.st-key-crisis-footer [data-testid='stCaptionContainer'] "
    "{ color: #3d434b; opacity: 1; font-size: 0.95rem; }</style>"
)


def footer_markdown() -> str:
    """The crisis line with a tappable call or text link for each number, in the person's
    language; never raises."""
    from ui.lang import current, tr

    try:
        region = crisis_region()
        parts = []
        for r in region.resources_in(current()):
            if not r.footer:
                continue
            links = []
            number = md_escape(r.number)
            if r.tel_link():
                links.append(f"[{tr('crisis.footer_call', number=number)}]({r.tel_link()})")
            if r.sms_link():
                text = (
                    tr("crisis.footer_text_word", word=md_escape(r.sms_body), number=number)
                    if r.sms_body
                    else tr("crisis.footer_text", number=number)
                )
                links.append(f"[{text}]({r.sms_link()})")
            parts.append(f"{md_escape(r.name)}: " + tr("crisis.footer_or").join(links))
        return tr("crisis.footer_lead") + " · ".join(parts)
    except Exception:
        return md_escape(footer_text())


def crisis_footer() -> None:
    """The short crisis line at the bottom of every page, its numbers as links."""
    st.html(FOOTER_STYLE)
    with st.container(key="crisis-footer"):
        st.divider()
        st.caption(footer_markdown())


STYLE = """
<style>
/* The marker that answers are held (the leave-page question reads it) takes no room. */
.st-key-answers-held { display: none; }
/* Headings sized for reading on a laptop and a phone. */
.stMainBlockContainer h1 { font-size: 2.1rem; }
.stMainBlockContainer h2 { font-size: 1.45rem; }
@media (max-width: 640px) {
  .stMainBlockContainer h1 { font-size: 1.6rem; }
  .stMainBlockContainer h2 { font-size: 1.25rem; }
}
/* Question labels read as questions, not as small print. */
.stMainBlockContainer [data-testid="stWidgetLabel"] p { font-size: 1rem; font-weight: 600; }
.stMainBlockContainer .stCheckbox [data-testid="stWidgetLabel"] p { font-weight: 400; }
/* Answer choices big enough to read and tap on a phone. */
.stMainBlockContainer [data-testid="stRadioOption"] p,
.stMainBlockContainer .stCheckbox label p { font-size: 1rem; }
.stMainBlockContainer [data-testid="stRadioOption"] { padding: 0.2rem 0; }
/* The heading gets focus after each step change (for screen readers): no box around it. */
.stMainBlockContainer h1[tabindex="-1"]:focus { outline: none; }
/* Help under a question: a readable grey (contrast above 4.5:1). */
.stMainBlockContainer [data-testid="stCaptionContainer"] { color: #50555d; opacity: 1; }
/* The crisis panel and the outcome: calm, clearly set apart. */
.st-key-crisis-panel { background: #eef4fa; border-left: 6px solid #2f5d8a !important; }
.st-key-crisis-panel a { font-weight: 600; }
.st-key-outcome { background: #f6f8fb; border-left: 6px solid #2f5d8a !important; }
</style>
"""


def page_style() -> None:
    """The few style rules the pages share (no outside fonts or assets)."""
    st.html(STYLE)
