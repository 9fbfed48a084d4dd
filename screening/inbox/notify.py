"""The crisis notice: an e-mail to staff that a submission needing prompt attention arrived.

It says only that, and the reference. Never an answer, a name, a score or the clinic's
own wording about the person: the e-mail leaves the inbox's protection (mail servers,
phones, forwarding), so it carries nothing that needs protecting.

    notify_crisis(settings.inbox.notify, "K7QM-4XPD", now=now, password=password)

A failure raises NotifyError; the caller (``Sender.send``) has already stored the
submission, so a mail server that is down never loses it.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from screening.inbox.config import NotifySettings
from screening.inbox.errors import NotifyError
from screening.inbox.references import normalize_reference

__all__ = ["SUBJECT", "crisis_message", "notify_crisis"]

SUBJECT = "A submission that needs prompt attention arrived"


def crisis_message(settings: NotifySettings, reference: str, *, now: datetime) -> EmailMessage:
    """The notice for one reference: subject, sender, recipients, date, and three lines."""
    checked = normalize_reference(reference)
    if checked is None:
        raise ValueError("not a submission reference")
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = settings.from_address
    message["To"] = ", ".join(settings.to)
    message["Date"] = format_datetime(now)
    message.set_content(
        f"{SUBJECT} in the clinic inbox.\n\n"
        f"Reference: {checked}\n\n"
        "Open the staff page to read it; it is listed first. This e-mail holds no answers.\n"
    )
    return message


def notify_crisis(
    settings: NotifySettings, reference: str, *, now: datetime, password: str | None
) -> None:
    """Send the notice through the configured SMTP server; NotifyError when it fails.

    ``password`` is the value of the environment variable ``settings.password_env`` names,
    read by the door (the core reads no environment).
    """
    message = crisis_message(settings, reference, now=now)
    where = f"{settings.host}:{settings.port}"
    if settings.username is not None and not password:
        raise NotifyError(_FAILED, f"{where}: no password (set {settings.password_env})")
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username is not None and password:
                smtp.login(settings.username, password)
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise NotifyError(_FAILED, f"{where}: the server refused the sign-in") from None
    except smtplib.SMTPNotSupportedError:
        raise NotifyError(_FAILED, f"{where}: the server does not offer STARTTLS") from None
    except (smtplib.SMTPException, ssl.SSLError) as exc:
        raise NotifyError(_FAILED, f"{where}: {type(exc).__name__}") from None
    except OSError as exc:
        raise NotifyError(_FAILED, f"{where}: {exc.strerror or type(exc).__name__}") from None


_FAILED = (
    "The crisis notice could not be e-mailed. The submission is stored and is listed first "
    "on the staff page."
)
