"""The patient side of the inbox: seal a record to the clinic's public keys, store it, and
give the person a receipt.

    sender = open_sender(settings.inbox, smtp_password=os.environ.get(...))   # once
    receipt = sender.send(record_bytes, now=datetime.now(UTC))
    receipt.reference        # "K7QM-4XPD", for the person to quote

A Sender holds public keys only and has no method that reads anything back: the patient
app cannot read the inbox, whatever it is asked to do. On PostgreSQL the patient app's
database role can be limited to INSERT on ``submissions`` (docs/deploy.md), and the
sender works with that alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from screening.errors import RecordError
from screening.inbox.config import InboxSettings, NotifySettings
from screening.inbox.database import connect, migrate
from screening.inbox.errors import InboxConfigError, NotifyError, SubmissionRefused
from screening.inbox.sealing import Recipient, seal
from screening.inbox.store import Store
from screening.record import dump_record, read_record
from screening.safety import crisis_flag

__all__ = ["Notifier", "Receipt", "Sender", "open_sender"]

#: Called after a crisis submission is stored, with its reference and the time; returns
#: whether the notice went out. It must not raise.
Notifier = Callable[[str, datetime], bool]


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the person is shown after sending: the reference to quote, and when.

    ``crisis`` is the flag stored with the submission (computed here from the answers).
    ``notified``: None when no notice was due or none is configured, True when the crisis
    e-mail went out, False when it could not be sent (the submission is stored either way).
    """

    reference: str
    received_at: datetime
    crisis: bool
    notified: bool | None = None


class Sender:
    """Seals records to the clinic's public keys and stores them; reads nothing back."""

    __slots__ = ("_notifier", "_recipients", "_store")

    def __init__(
        self, store: Store, recipients: Sequence[str], notifier: Notifier | None = None
    ) -> None:
        if not recipients:
            raise InboxConfigError(
                "Sending to the clinic is not set up.",
                "[inbox] recipients is empty; add the clinic's public key",
            )
        self._recipients = tuple(Recipient.parse(r) for r in recipients)
        self._store = store
        self._notifier = notifier

    @property
    def recipients(self) -> tuple[str, ...]:
        """The public keys every submission is sealed to."""
        return tuple(r.public_key for r in self._recipients)

    def send(self, record: Mapping[str, Any] | bytes, *, now: datetime) -> Receipt:
        """Seal and store one record (a record object or the record file's bytes).

        The record is read back with ``read_record``, so its result and crisis flag are
        recomputed from the answers, never taken from the caller; it is sealed before
        anything is written. Raises SubmissionRefused for something that is not a valid
        record, and InboxUnavailable, InboxBusy or InboxFull when the database cannot
        take it (nothing is stored then).
        """
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        data = record if isinstance(record, bytes) else dump_record(record)
        try:
            loaded = read_record(data, "record")
        except RecordError as exc:
            raise SubmissionRefused(
                "Your answers could not be sent: the record is not one this app can read. "
                "Nothing is lost: save your record file or PDF and bring it to the clinic.",
                exc.code,
            ) from None
        crisis = loaded.result.crisis or crisis_flag(loaded.answers)
        version = loaded.questionnaire_version or _questionnaire_version()
        sealed = seal(data, self._recipients)
        info = self._store.insert(
            received_at=now.astimezone(UTC),
            questionnaire_version=version,
            crisis=crisis,
            sealed=sealed,
        )
        notified = None
        if crisis and self._notifier is not None:
            try:
                notified = self._notifier(info.reference, now)
            except Exception:  # stored already: a broken notifier must not undo the receipt
                notified = False
        return Receipt(info.reference, info.received_at, crisis, notified)


def _questionnaire_version() -> str:
    from screening.questionnaire import load_questionnaire

    return load_questionnaire().version


def email_notifier(settings: NotifySettings, password: str | None) -> Notifier:
    """A Notifier that e-mails the crisis notice; a failure gives False, never an error."""
    if settings.username is not None and not password:
        raise InboxConfigError(
            "The crisis e-mail is not set up correctly.",
            f"[inbox.notify] signs in as {settings.username!r}, but the environment variable "
            f"{settings.password_env} is not set for this process",
        )

    def notify(reference: str, now: datetime) -> bool:
        from screening.inbox.notify import notify_crisis

        try:
            notify_crisis(settings, reference, now=now, password=password)
        except NotifyError:
            return False
        return True

    return notify


def open_sender(
    settings: InboxSettings, *, smtp_password: str | None = None, run_migrations: bool = True
) -> Sender:
    """The patient app's sender for the ``[inbox]`` settings.

    ``smtp_password`` is the value of the variable ``[inbox.notify] password_env`` names.
    ``run_migrations=False`` for a database role that may only insert (the staff app or
    ``python -m screening inbox migrate`` then sets the database up).
    """
    engine = connect(settings.database_url)
    if run_migrations:
        migrate(engine)
    notifier = email_notifier(settings.notify, smtp_password) if settings.notify else None
    return Sender(Store(engine), settings.recipients, notifier)
