"""The staff page: sign in (OIDC, ``st.login``), then the clinic inbox and uploaded files.

Only a member of staff named in the settings (``[staff] allowed_emails`` or
``allowed_groups``) sees anything: everyone else gets a sign-in button, or a plain refusal
after signing in. The page is in the app at all only when ``staff_review = true``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from ui.common import md_escape
from ui.settings import load_clinic_settings

SIGNED_IN = "staff_signed_in"  # the e-mail this session's sign-in was recorded for
NOT_SET_UP = (
    "Staff sign-in is not set up for this deployment. An administrator adds the clinic's "
    "identity provider under [auth] in .streamlit/secrets.toml and the staff list under "
    "[staff] in the settings file (see docs/deploy.md)."
)


def _login() -> None:
    try:
        st.login()
    except Exception:  # no [auth] configuration: say so instead of a traceback
        st.session_state["staff_login_error"] = NOT_SET_UP


def signed_in_staff() -> str | None:
    """The signed-in, allowed member of staff (their e-mail or subject), or None after
    showing why not."""
    settings = load_clinic_settings()
    claims = st.user.to_dict()
    if not claims.get("is_logged_in"):
        st.markdown(
            "This page is for the clinic's staff. Sign in with your clinic account to see "
            "the clinic inbox and to review records."
        )
        st.button("Sign in", key="staff_login", type="primary", on_click=_login)
        error = st.session_state.get("staff_login_error")
        if error:
            st.error(error, icon=":material/error:")
        return None
    who = str(claims.get("email") or claims.get("sub") or "signed-in user")
    if not settings.staff.allows(claims):
        st.error(
            f"You are signed in as {who}, but this account is not on the clinic's staff list. "
            "Ask an administrator to add it, or sign in with another account.",
            icon=":material/block:",
        )
        st.button("Sign out", key="staff_logout", on_click=st.logout)
        return None
    return who


def _once_per_session(who: str) -> None:
    """Record the sign-in, and delete submissions past the retention period."""
    state = st.session_state
    if state.get(SIGNED_IN) == who:
        return
    state[SIGNED_IN] = who
    settings = load_clinic_settings()
    if settings.inbox is None:
        return
    from screening import ScreeningError
    from screening.inbox.staff import RETENTION_ACTOR
    from ui.clinic_inbox import staff_inbox

    try:
        inbox = staff_inbox(settings)
        now = datetime.now(UTC)
        inbox.signed_in(actor=who, now=now)
        inbox.purge(now=now, actor=RETENTION_ACTOR)
    except ScreeningError:
        pass  # the inbox tab says what is wrong


def main() -> None:
    """The page."""
    st.title("Staff review")
    who = signed_in_staff()
    if who is None:
        return
    _once_per_session(who)
    from ui import staff_uploads

    settings = load_clinic_settings()
    with st.sidebar:
        st.caption(f"Signed in as {md_escape(who)}")
        st.button("Sign out", key="staff_signout", on_click=st.logout)
    if settings.inbox is None:
        staff_uploads.render()
        return
    from ui import staff_inbox

    inbox_tab, files_tab = st.tabs(["Clinic inbox", "Uploaded files"])
    with inbox_tab:
        staff_inbox.render(settings, who)
    with files_tab:
        staff_uploads.render()


main()
