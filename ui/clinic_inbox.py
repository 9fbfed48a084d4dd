"""The clinic inbox seen from the pages: "Send to {clinic}" on the results page, and the
cached sender and inbox objects (static deployment data: a database connection pool and
the clinic's keys, never anything about a respondent).

The patient side only ever builds a ``Sender`` (public keys). The staff side builds an
``Inbox`` with the private key, read from the file named by SCREENING_INBOX_IDENTITY_FILE
(or the key in SCREENING_INBOX_IDENTITY): environment the patient app is never given.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import streamlit as st

from ui.common import md_escape
from ui.lang import tr

if TYPE_CHECKING:
    from screening.inbox import Inbox, Sender
    from screening.settings import ClinicSettings

SENT = "wiz:sent"  # {"fingerprint": …, "reference": …} of the answers last sent
SEND_ERROR = "wiz:send_error"


@st.cache_resource(show_spinner=False)
def _sender(settings: ClinicSettings) -> Sender:
    from screening.inbox import open_sender

    assert settings.inbox is not None
    notify = settings.inbox.notify
    password = os.environ.get(notify.password_env, "") if notify and notify.password_env else None
    return open_sender(settings.inbox, smtp_password=password or None)


@st.cache_resource(show_spinner=False)
def staff_inbox(settings: ClinicSettings) -> Inbox:
    """The staff app's inbox (raises InboxError with a plain message when it cannot open)."""
    from screening.inbox import identities_from, open_inbox

    assert settings.inbox is not None
    return open_inbox(settings.inbox, identities_from(os.environ))


def _fingerprint(answers: dict[str, Any]) -> str:
    from screening.inbox.staff import answers_fingerprint

    return answers_fingerprint(answers)


def _send(settings: ClinicSettings, record: dict[str, Any]) -> None:
    """The button's callback: seal and store the record once per answer set."""
    from screening import ScreeningError

    state = st.session_state
    state[SEND_ERROR] = None
    fingerprint = _fingerprint(record.get("answers", {}))
    sent = state.get(SENT)
    if isinstance(sent, dict) and sent.get("fingerprint") == fingerprint:
        sent["again"] = True
        return
    try:
        receipt = _sender(settings).send(record, now=datetime.now(UTC))
    except ScreeningError as exc:  # InboxError: a plain sentence, no SQL, no answers
        state[SEND_ERROR] = str(exc)
        return
    except Exception:
        state[SEND_ERROR] = tr("inbox.unreachable")
        return
    state[SENT] = {"fingerprint": fingerprint, "reference": receipt.reference, "again": False}


def send_section(settings: ClinicSettings | None, record: dict[str, Any] | None) -> None:
    """ "Send to {clinic}", after the downloads, where the clinic has an inbox."""
    if settings is None or settings.inbox is None or record is None:
        return
    clinic = settings.clinic_name
    days = settings.inbox.retention_days
    # Connect (and check the schema) while the person reads, not when they press Send; a
    # failure here is said when they press it, and the downloads stay.
    with contextlib.suppress(Exception):
        _sender(settings)
    st.header(tr("inbox.title", clinic=clinic), anchor=False)
    st.markdown(md_escape(tr("inbox.intro", clinic=clinic, days=days)))
    st.button(
        tr("inbox.button", clinic=clinic),
        key="wiz:send",
        icon=":material/send:",
        on_click=_send,
        args=(settings, record),
    )
    state = st.session_state
    error = state.get(SEND_ERROR)
    sent = state.get(SENT)
    if error:
        st.error(md_escape(tr("inbox.failed", error=error)), icon=":material/error:")
    elif isinstance(sent, dict) and sent.get("fingerprint") == _fingerprint(
        record.get("answers", {})
    ):
        again = tr("inbox.again") if sent.get("again") else tr("inbox.sent")
        reference = md_escape(str(sent["reference"]))
        st.success(
            tr("inbox.reference", again=again, reference=reference, clinic=md_escape(clinic)),
            icon=":material/check_circle:",
        )
