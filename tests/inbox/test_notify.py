"""The crisis notice, against a real local SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from screening.inbox.config import InboxSettings, NotifySettings
from screening.inbox.errors import InboxConfigError, NotifyError
from screening.inbox.notify import SUBJECT, notify_crisis
from screening.inbox.sender import open_sender
from screening.inbox.staff import open_inbox
from tests.inbox.conftest import NOW, SENTINEL, STAFF, record

PASSWORD = "s3cret-for-tests"


class Inbox:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[bytes, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.original_content, list(envelope.rcpt_tos)))
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
    ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == (
        b"screening",
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A running SMTP server on 127.0.0.1 that accepts sign-in without TLS (tests only)."""
    handler = Inbox()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def notify_settings(port: int, **changes: Any) -> NotifySettings:
    """Settings for the local server: no STARTTLS (it offers none), signing in."""
    given: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "from": "screening@example.org",
        "to": ["lead@example.org", "on-call@example.org"],
        "starttls": False,
        "username": "screening",
        "password_env": "SMTP_PASSWORD",
        "timeout_seconds": 5,
    }
    given.update(changes)
    return NotifySettings.model_validate(given)


def parsed(raw: bytes) -> Message:
    """The message as the server received it."""
    return message_from_bytes(raw)


def test_notice_is_delivered(smtp: tuple[Inbox, int]) -> None:
    """The notice reaches every address in `to`, signed in, with the subject and reference."""
    handler, port = smtp
    notify_crisis(notify_settings(port), "K7QM-4XPD", now=NOW, password=PASSWORD)
    ((raw, rcpts),) = handler.messages
    message = parsed(raw)
    assert rcpts == ["lead@example.org", "on-call@example.org"]
    assert message["Subject"] == SUBJECT == "A submission that needs prompt attention arrived"
    assert "Reference: K7QM-4XPD" in message.get_payload()


def test_crisis_send_announces_without_answers(
    smtp: tuple[Inbox, int], db_url: str, identity: Any
) -> None:
    """A crisis submission is announced; headers and body hold no answer, name or score."""
    handler, port = smtp
    settings = InboxSettings(
        database_url=db_url, recipients=(identity.public_key,), notify=notify_settings(port)
    )
    sender = open_sender(settings, smtp_password=PASSWORD)
    receipt = sender.send(record("urgent-intent"), now=NOW)
    ((raw, _),) = handler.messages
    assert receipt.notified is True and receipt.reference.encode() in raw
    text = raw.decode("utf-8", "replace")
    for answer_text in (SENTINEL, "private words", "phq9", "outcome", "crisis_resources"):
        assert answer_text not in text
    body = parsed(raw).get_payload()
    assert body.count("\n") <= 6
    sender._store.engine.dispose()


def test_no_notice_without_a_crisis(smtp: tuple[Inbox, int], db_url: str, identity: Any) -> None:
    """A submission without crisis answers sends no e-mail."""
    handler, port = smtp
    settings = InboxSettings(
        database_url=db_url, recipients=(identity.public_key,), notify=notify_settings(port)
    )
    sender = open_sender(settings, smtp_password=PASSWORD)
    receipt = sender.send(record("typical-trd"), now=NOW)
    assert (receipt.crisis, receipt.notified, handler.messages) == (False, None, [])
    sender._store.engine.dispose()


def test_mail_server_down_never_loses_the_submission(db_url: str, identity: Any) -> None:
    """With nothing listening, the crisis submission is stored and the receipt says unsent."""
    settings = InboxSettings(
        database_url=db_url,
        recipients=(identity.public_key,),
        notify=notify_settings(free_port()),
    )
    sender = open_sender(settings, smtp_password=PASSWORD)
    receipt = sender.send(record("urgent-intent"), now=NOW)
    inbox = open_inbox(settings, [identity])
    (item,) = inbox.open_all(actor=STAFF, now=NOW).submissions
    assert (receipt.notified, item.reference, item.crisis) == (False, receipt.reference, True)
    sender._store.engine.dispose()
    inbox._store.engine.dispose()


def test_refused_sign_in(smtp: tuple[Inbox, int]) -> None:
    """A wrong password gives NotifyError naming the server, never the password."""
    _, port = smtp
    with pytest.raises(NotifyError) as caught:
        notify_crisis(notify_settings(port), "K7QM-4XPD", now=NOW, password="wrong")
    assert "refused the sign-in" in caught.value.detail and "wrong" not in caught.value.detail


def test_starttls_not_offered(smtp: tuple[Inbox, int]) -> None:
    """starttls = true against a server without STARTTLS fails plainly (no plain-text send)."""
    handler, port = smtp
    with pytest.raises(NotifyError, match="could not be e-mailed") as caught:
        notify_crisis(notify_settings(port, starttls=True), "K7QM-4XPD", now=NOW, password=PASSWORD)
    assert "STARTTLS" in caught.value.detail and handler.messages == []


def test_missing_password_stops_start_up(db_url: str, identity: Any) -> None:
    """A sign-in configured without the password variable set is refused when opening."""
    settings = InboxSettings(
        database_url=db_url, recipients=(identity.public_key,), notify=notify_settings(1)
    )
    with pytest.raises(InboxConfigError, match="not set up correctly") as caught:
        open_sender(settings, smtp_password=None)
    assert "SMTP_PASSWORD" in caught.value.detail


def test_only_references_are_accepted() -> None:
    """The notice is only ever about a reference (no other text can reach the e-mail)."""
    with pytest.raises(ValueError):
        notify_crisis(notify_settings(1), f"{SENTINEL} is at risk", now=NOW, password=PASSWORD)
