"""The deployment's clinic settings, for the pages.

The file is named by the ``SCREENING_SETTINGS`` environment variable (no variable: the
built-in defaults). It is read and checked once per process per path with
``st.cache_resource``: it is static deployment data and holds nothing about a respondent.

    settings = require_settings()     # first thing on every page (streamlit_app.py)
    show_clinic_header(settings)      # logo, clinic name and contacts
    show_clinic_contact(settings)     # results page: where to bring the summary
    settings.region                   # crisis resources for the panel and footer
    settings.clinic_name              # into the PDF

A broken file stops the page with one clear message that names the file, the key and how
to fix it (``st.error`` + ``st.stop()``), never a traceback.
"""

from __future__ import annotations

import html
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import streamlit as st
from streamlit.errors import StreamlitAPIException

if TYPE_CHECKING:
    from screening.settings import ClinicSettings

SETTINGS_ENV_VAR = "SCREENING_SETTINGS"  # the same name as screening.settings.SETTINGS_ENV_VAR

_log = logging.getLogger(__name__)

STOP_TITLE = "The app cannot start: the clinic settings file has a problem."
STOP_HINT = (
    "Fix the file (see settings.example.toml), or unset SCREENING_SETTINGS to use the "
    "built-in defaults, then restart the app."
)


def settings_path() -> Path | None:
    """The settings file named by SCREENING_SETTINGS, or None when it is unset or blank."""
    raw = os.environ.get(SETTINGS_ENV_VAR, "").strip()
    return Path(raw) if raw else None


@st.cache_resource(show_spinner=False)
def _load(path: str | None) -> ClinicSettings:
    from screening.settings import load_settings

    return load_settings(Path(path) if path is not None else None)


def load_clinic_settings() -> ClinicSettings:
    """The settings, read once per process (per path); raises SettingsError when invalid."""
    path = settings_path()
    return _load(str(path) if path is not None else None)


def require_settings() -> ClinicSettings:
    """The settings; on a broken file, show what is wrong and stop the page (no traceback)."""
    from screening.settings import SettingsError

    try:
        return load_clinic_settings()
    except SettingsError as exc:
        problem = str(exc)
    st.error(STOP_TITLE, icon=":material/error:")
    st.code(problem, language=None, wrap_lines=True)
    st.caption(STOP_HINT)
    st.stop()


def clinic_line_html(settings: ClinicSettings, lead: str) -> str | None:
    """``lead`` then the clinic's name and contact details as one escaped HTML line.

    The phone is a tel: link, the email a mailto: link, the website a link that opens a new
    tab. None when the settings name no clinic and give no contact details (the defaults).
    """
    from screening.settings import DEFAULT_CLINIC_NAME

    parts = []
    if settings.clinic_name != DEFAULT_CLINIC_NAME:
        parts.append(f"<strong>{html.escape(settings.clinic_name)}</strong>")
    if settings.phone:
        number = re.split(r"(?i)\s*(?:ext\.?|x)\s*\d", settings.phone)[0]
        dial = ("+" if number.strip().startswith("+") else "") + re.sub(r"\D", "", number)
        parts.append(f'<a href="tel:{dial}">{html.escape(settings.phone)}</a>')
    if settings.email:
        href = "mailto:" + quote(settings.email, safe="@.+-_")
        parts.append(f'<a href="{html.escape(href)}">{html.escape(settings.email)}</a>')
    if settings.website:
        href = quote(settings.website, safe=":/?#[]@!$&'*+,;=%-._~")
        shown = re.sub(r"^https?://", "", settings.website).rstrip("/")
        parts.append(
            f'<a href="{html.escape(href)}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(shown)}</a>"
        )
    if settings.address:
        parts.append(html.escape(settings.address))
    if not parts:
        return None
    return f'<p class="clinic-line">{html.escape(lead)} ' + " · ".join(parts) + "</p>"


def show_clinic_header(settings: ClinicSettings) -> None:
    """The clinic's logo (in the top bar, linked to its website) and its name and contacts.

    Nothing is written for the built-in defaults. The pages put the crisis panel first,
    so the name and contacts go where this is called (streamlit_app.py: after the page).
    """
    if settings.logo is not None:
        try:
            st.logo(str(settings.logo), size="large", link=settings.website)
        except StreamlitAPIException:  # PNG/JPEG by its first bytes but not decodable
            _log.warning("clinic logo %s could not be shown; check the image", settings.logo)
    line = clinic_line_html(settings, "Offered by")
    if line is not None:
        st.html(line)


def show_clinic_contact(settings: ClinicSettings) -> None:
    """On the results page: where to bring the summary (nothing for the defaults)."""
    line = clinic_line_html(settings, "Bring it to")
    if line is not None:
        st.html(line)


def contact_lines(settings: ClinicSettings) -> list[str]:
    """The clinic's contact details that are set, one plain line each, in a fixed order."""
    parts = [settings.phone, settings.email, settings.website, settings.address]
    return [part for part in parts if part]
