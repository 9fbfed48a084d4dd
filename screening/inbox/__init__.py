"""The clinic inbox: "Send to my clinic", sealed at rest, read only by staff with the key.

Two sides, two objects (imported lazily, so the settings stay cheap to load)::

    # patient app: public key(s) only
    sender = open_sender(settings.inbox, smtp_password=...)
    receipt = sender.send(record_bytes, now=now)          # Receipt(reference, received_at, …)

    # staff app: the private key, from a file the staff process is given
    inbox = open_inbox(settings.inbox, read_identity_file(path))
    opened, problems = inbox.open_all(actor=email, now=now)
    inbox.mark_reviewed(ref, actor=email, now=now); inbox.delete(ref, actor=email, now=now)
    inbox.purge(now=now, actor=RETENTION_ACTOR); inbox.audit_log()

Modules: ``sealing`` (age via pyrage), ``references`` (ids and ``K7QM-4XPD``), ``schema``
and ``migrations/`` (tables, Alembic), ``database`` (engines, migrate, faults → errors),
``store`` (queries), ``sender`` and ``staff`` (the two sides), ``notify`` (crisis e-mail),
``exporting`` (ZIP and CSV), ``config`` (settings tables), ``commands`` (the CLI),
``errors`` (the error tree).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from screening.inbox.config import (
        InboxSettings,
        NotifySettings,
        StaffSettings,
    )
    from screening.inbox.errors import (
        InboxBusy,
        InboxConfigError,
        InboxError,
        InboxFull,
        InboxKeyError,
        InboxUnavailable,
        NotifyError,
        SealedDamaged,
        SubmissionNotFound,
        SubmissionRefused,
        WrongKey,
    )
    from screening.inbox.names import IDENTITY_ENV_VAR, IDENTITY_FILE_ENV_VAR
    from screening.inbox.notify import notify_crisis
    from screening.inbox.references import normalize_reference
    from screening.inbox.sealing import (
        Identity,
        Recipient,
        generate_identity,
        identities_from,
        open_sealed,
        parse_identities,
        read_identity_file,
        seal,
    )
    from screening.inbox.sender import Receipt, Sender, open_sender
    from screening.inbox.staff import (
        RETENTION_ACTOR,
        Inbox,
        OpenedInbox,
        OpenedSubmission,
        SubmissionProblem,
        answers_fingerprint,
        open_inbox,
    )
    from screening.inbox.store import AuditEntry, SubmissionInfo

_EXPORTS = {
    "IDENTITY_ENV_VAR": "names",
    "IDENTITY_FILE_ENV_VAR": "names",
    "InboxSettings": "config",
    "NotifySettings": "config",
    "StaffSettings": "config",
    "InboxBusy": "errors",
    "InboxConfigError": "errors",
    "InboxError": "errors",
    "InboxFull": "errors",
    "InboxKeyError": "errors",
    "InboxUnavailable": "errors",
    "NotifyError": "errors",
    "SealedDamaged": "errors",
    "SubmissionNotFound": "errors",
    "SubmissionRefused": "errors",
    "WrongKey": "errors",
    "notify_crisis": "notify",
    "normalize_reference": "references",
    "Identity": "sealing",
    "Recipient": "sealing",
    "generate_identity": "sealing",
    "identities_from": "sealing",
    "open_sealed": "sealing",
    "parse_identities": "sealing",
    "read_identity_file": "sealing",
    "seal": "sealing",
    "Receipt": "sender",
    "Sender": "sender",
    "open_sender": "sender",
    "RETENTION_ACTOR": "staff",
    "Inbox": "staff",
    "OpenedInbox": "staff",
    "OpenedSubmission": "staff",
    "SubmissionProblem": "staff",
    "answers_fingerprint": "staff",
    "open_inbox": "staff",
    "AuditEntry": "store",
    "SubmissionInfo": "store",
}

__all__ = [
    "IDENTITY_ENV_VAR",
    "IDENTITY_FILE_ENV_VAR",
    "RETENTION_ACTOR",
    "AuditEntry",
    "Identity",
    "Inbox",
    "InboxBusy",
    "InboxConfigError",
    "InboxError",
    "InboxFull",
    "InboxKeyError",
    "InboxSettings",
    "InboxUnavailable",
    "NotifyError",
    "NotifySettings",
    "OpenedInbox",
    "OpenedSubmission",
    "Receipt",
    "Recipient",
    "SealedDamaged",
    "Sender",
    "StaffSettings",
    "SubmissionInfo",
    "SubmissionNotFound",
    "SubmissionProblem",
    "SubmissionRefused",
    "WrongKey",
    "answers_fingerprint",
    "generate_identity",
    "identities_from",
    "normalize_reference",
    "notify_crisis",
    "open_inbox",
    "open_sealed",
    "open_sender",
    "parse_identities",
    "read_identity_file",
    "seal",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'screening.inbox' has no attribute {name!r}")
    return getattr(importlib.import_module(f"screening.inbox.{module}"), name)
