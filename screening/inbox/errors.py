"""The errors of the clinic inbox, in one tree under ``screening.errors.ScreeningError``.

    InboxError                 anything the inbox refuses; ``code`` is stable
    ├── InboxUnavailable       inbox.unavailable   the database cannot be reached or opened
    ├── InboxBusy              inbox.busy          the database stayed locked too long
    ├── InboxFull              inbox.full          the disk or the database is full
    ├── InboxConfigError       inbox.misconfigured the inbox settings cannot work
    ├── InboxKeyError          inbox.bad_key       a public or private key cannot be used
    ├── WrongKey               inbox.wrong_key     a submission sealed for another key
    ├── SealedDamaged          inbox.damaged       a stored submission is cut off or altered
    ├── SubmissionNotFound     inbox.not_found     no submission with that reference
    ├── SubmissionRefused      inbox.bad_record    what was sent is not a record we can seal
    └── NotifyError            inbox.notify_failed the crisis e-mail could not be sent

``str(error)`` is one plain sentence a patient or a receptionist understands: what did not
happen, that nothing is lost where that is true, and what to do. ``detail`` says where and
why for the person who runs the service (a file path, a host, a setting); it never holds
SQL, a query's values, a stack or anything about a respondent.
"""

from __future__ import annotations

from screening.errors import ScreeningError

__all__ = [
    "InboxBusy",
    "InboxConfigError",
    "InboxError",
    "InboxFull",
    "InboxKeyError",
    "InboxUnavailable",
    "NotifyError",
    "SealedDamaged",
    "SubmissionNotFound",
    "SubmissionRefused",
    "WrongKey",
]


class InboxError(ScreeningError):
    """An inbox operation that did not happen. ``code`` is stable, e.g. ``inbox.full``."""

    code = "inbox.failed"

    def __init__(self, message: str, detail: str = "") -> None:
        self.detail = detail
        super().__init__(message)

    def for_operator(self) -> str:
        """The sentence and, when known, where and why: for a log or the command line."""
        return f"{self} ({self.detail})" if self.detail else str(self)


class InboxUnavailable(InboxError):
    """The database is down, unreachable, read-only or cannot be opened."""

    code = "inbox.unavailable"


class InboxBusy(InboxError):
    """The database stayed locked by other work for longer than we wait."""

    code = "inbox.busy"


class InboxFull(InboxError):
    """The disk or the database is full: nothing more can be stored."""

    code = "inbox.full"


class InboxConfigError(InboxError):
    """The inbox settings (database address, keys) cannot work as given."""

    code = "inbox.misconfigured"


class InboxKeyError(InboxError):
    """A public key (recipient) or a private key (identity) cannot be used."""

    code = "inbox.bad_key"


class WrongKey(InboxError):
    """None of the private keys given opens this submission: it was sealed for another key."""

    code = "inbox.wrong_key"


class SealedDamaged(InboxError):
    """A sealed submission that is not a whole, unaltered age file (cut off or changed)."""

    code = "inbox.damaged"


class SubmissionNotFound(InboxError):
    """No submission has that reference (it was deleted, purged, or mistyped)."""

    code = "inbox.not_found"


class SubmissionRefused(InboxError):
    """What was given to send is not a record this app can read back."""

    code = "inbox.bad_record"


class NotifyError(InboxError):
    """The crisis notice could not be e-mailed (the submission itself is stored)."""

    code = "inbox.notify_failed"
