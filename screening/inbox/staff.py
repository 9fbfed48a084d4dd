"""The staff side of the inbox: open submissions with the clinic's private key, review,
delete, purge, export, and an audit row for every action.

    inbox = open_inbox(settings.inbox, read_identity_file(path))
    opened, problems = inbox.open_all(actor="lead@example.org", now=now)
    for item in opened:            # crisis first, then newest
        item.reference, item.record.result, item.duplicates
    for problem in problems:       # one plain line each; the rest loaded
        problem.message

An Inbox cannot be built without a private key, and the patient app never has one.
Decrypted records live only in the returned objects (memory), never on disk.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from screening.errors import RecordError
from screening.inbox.config import IDENTITY_FILE_ENV_VAR, InboxSettings
from screening.inbox.database import connect, migrate
from screening.inbox.errors import InboxError, InboxKeyError
from screening.inbox.sealing import Identity, open_sealed
from screening.inbox.store import AuditEntry, Store, SubmissionInfo, check_actor
from screening.record import LoadedRecord, read_record

if TYPE_CHECKING:
    from screening.settings import ClinicSettings

__all__ = [
    "RETENTION_ACTOR",
    "Inbox",
    "OpenedInbox",
    "OpenedSubmission",
    "SubmissionProblem",
    "answers_fingerprint",
    "open_inbox",
]


#: The actor of a purge that the retention period started (the staff page's start, a timer).
RETENTION_ACTOR = "retention"


def answers_fingerprint(answers: Mapping[str, Any]) -> str:
    """A SHA-256 of the answers' canonical JSON (sorted keys, no spaces): equal answers,
    equal fingerprints. Computed in memory only; never stored (it could be guessed)."""
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class OpenedSubmission:
    """One decrypted submission: its stored info, the record read back (result recomputed),
    the record file's bytes as sent, and the references of others with the same answers."""

    info: SubmissionInfo
    record: LoadedRecord
    data: bytes = field(repr=False)
    duplicates: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        """The reference the person was given."""
        return self.info.reference

    @property
    def received_at(self) -> datetime:
        """When it arrived (UTC)."""
        return self.info.received_at

    @property
    def crisis(self) -> bool:
        """Crisis resources apply: the stored flag or the recomputed result says so."""
        return self.info.crisis or self.record.result.crisis

    @property
    def reviewed(self) -> bool:
        """Whether staff have marked it reviewed."""
        return self.info.reviewed_at is not None


@dataclass(frozen=True, slots=True)
class SubmissionProblem:
    """A submission that could not be opened or read: one plain line naming its reference.

    ``crisis`` is the flag stored in clear, so a crisis submission that cannot be opened
    is still called out.
    """

    info: SubmissionInfo
    code: str
    message: str

    @property
    def reference(self) -> str:
        """The reference of the submission concerned."""
        return self.info.reference

    @property
    def crisis(self) -> bool:
        """The crisis flag stored with it."""
        return self.info.crisis


class OpenedInbox(NamedTuple):
    """What ``open_all`` gives: the opened submissions and the problems, each crisis first
    and then newest first. Unpacks as ``opened, problems = inbox.open_all(...)``."""

    submissions: tuple[OpenedSubmission, ...]
    problems: tuple[SubmissionProblem, ...]

    def duplicate_groups(self) -> list[tuple[str, ...]]:
        """References of submissions with the same answers, one group each (2 or more)."""
        groups: list[tuple[str, ...]] = []
        seen: set[str] = set()
        for item in self.submissions:
            if item.duplicates and item.reference not in seen:
                group = tuple(sorted((item.reference, *item.duplicates)))
                seen.update(group)
                groups.append(group)
        return groups


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _problem(info: SubmissionInfo, code: str, what: str) -> SubmissionProblem:
    flag = ", needs prompt attention (crisis)" if info.crisis else ""
    return SubmissionProblem(
        info, code, f"{info.reference} (received {_when(info.received_at)}{flag}): {what}"
    )


def open_one(
    info: SubmissionInfo, sealed: bytes, identities: Sequence[Identity]
) -> tuple[LoadedRecord, bytes] | SubmissionProblem:
    """Decrypt and read one stored submission, or the problem that stops it."""
    try:
        data = open_sealed(sealed, identities)
    except InboxError as exc:
        return _problem(info, exc.code, f"could not be opened: it {exc}.")
    try:
        return read_record(data, info.reference), data
    except RecordError as exc:  # the message could quote an answer: give the code only
        return _problem(
            info, exc.code, f"was opened but is not a record this app can read ({exc.code})."
        )


def _with_duplicates(opened: Iterable[OpenedSubmission]) -> tuple[OpenedSubmission, ...]:
    items = list(opened)
    by_answers: dict[str, list[str]] = {}
    prints = [answers_fingerprint(item.record.answers) for item in items]
    for item, fingerprint in zip(items, prints, strict=True):
        by_answers.setdefault(fingerprint, []).append(item.reference)
    out = []
    for item, fingerprint in zip(items, prints, strict=True):
        others = tuple(r for r in by_answers[fingerprint] if r != item.reference)
        out.append(OpenedSubmission(item.info, item.record, item.data, others))
    return tuple(out)


def _required(identities: Sequence[Identity]) -> tuple[Identity, ...]:
    if not identities or not all(isinstance(i, Identity) for i in identities):
        raise InboxKeyError(
            "The staff inbox needs the clinic's private key, and none was given.",
            f"give the identity file with {IDENTITY_FILE_ENV_VAR} or --identity",
        )
    return tuple(identities)


class Inbox:
    """The clinic's inbox as staff use it: needs the private key(s) to be built."""

    __slots__ = ("_identities", "_store", "retention_days")

    def __init__(
        self, store: Store, identities: Sequence[Identity], retention_days: int = 30
    ) -> None:
        self._identities = _required(identities)
        self._store = store
        self.retention_days = retention_days

    def list_submissions(self) -> list[SubmissionInfo]:
        """What is stored in clear about each submission, crisis first, then newest."""
        return self._store.infos()

    def open_all(self, *, actor: str, now: datetime) -> OpenedInbox:
        """Decrypt every stored submission in memory (audited as ``open_inbox``).

        Each one that cannot be decrypted or read becomes one SubmissionProblem; the rest
        load. Submissions with the same answers name each other in ``duplicates``.
        """
        self._store.append_audit("open_inbox", actor=check_actor(actor), at=now)
        opened: list[OpenedSubmission] = []
        problems: list[SubmissionProblem] = []
        for info, sealed in self._store.sealed_rows():
            got = open_one(info, sealed, self._identities)
            if isinstance(got, SubmissionProblem):
                problems.append(got)
            else:
                opened.append(OpenedSubmission(info, got[0], got[1]))
        return OpenedInbox(_with_duplicates(opened), tuple(problems))

    def open(self, reference: str, *, actor: str, now: datetime) -> OpenedSubmission:
        """Decrypt one submission to read it (audited as ``open``).

        Raises SubmissionNotFound, or the InboxError that stops it being opened.
        """
        info, sealed = self._store.sealed_row(reference)
        self._store.append_audit(
            "open", actor=check_actor(actor), at=now, submission_ids=[info.submission_id]
        )
        got = open_one(info, sealed, self._identities)
        if isinstance(got, SubmissionProblem):
            raise InboxError(got.message, got.code)
        return OpenedSubmission(info, got[0], got[1])

    def signed_in(self, *, actor: str, now: datetime) -> None:
        """Audit a staff member's sign-in to the staff page."""
        self._store.append_audit("sign_in", actor=check_actor(actor), at=now)

    def exported(
        self, submissions: Sequence[OpenedSubmission], *, actor: str, now: datetime
    ) -> None:
        """Audit that these submissions left the inbox (a download or files); call it
        before handing the export over, so an export is never unrecorded."""
        ids = [item.info.submission_id for item in submissions]
        if ids:
            self._store.append_audit("export", actor=check_actor(actor), at=now, submission_ids=ids)

    def export_zip(
        self,
        submissions: Sequence[OpenedSubmission],
        *,
        actor: str,
        now: datetime,
        settings: ClinicSettings | None = None,
    ) -> bytes:
        """A ZIP of one summary PDF per submission (``K7QM-4XPD.pdf``) and one CSV whose
        ``record`` column holds the same references; audited as ``export`` first."""
        from screening.inbox.exporting import submissions_zip

        self.exported(submissions, actor=actor, now=now)
        return submissions_zip(submissions, generated_at=now, settings=settings)

    def export_csv(
        self, submissions: Sequence[OpenedSubmission], *, actor: str, now: datetime
    ) -> bytes:
        """The CSV export of these submissions (``record`` = reference); audited first."""
        from screening.inbox.exporting import submissions_csv

        self.exported(submissions, actor=actor, now=now)
        return submissions_csv(submissions)

    def mark_reviewed(self, reference: str, *, actor: str, now: datetime) -> None:
        """Mark one submission reviewed (audited as ``review``)."""
        self._store.set_reviewed(reference, actor=check_actor(actor), at=now)

    def delete(self, reference: str, *, actor: str, now: datetime) -> None:
        """Delete one submission for good (audited as ``delete``)."""
        self._store.delete(reference, actor=check_actor(actor), at=now)

    def purge(self, retention_days: int | None = None, *, now: datetime, actor: str) -> int:
        """Delete every submission received more than ``retention_days`` (default: the
        settings') before ``now``; one ``purge`` audit row each. Returns how many."""
        days = self.retention_days if retention_days is None else retention_days
        if days < 1:
            raise ValueError("retention_days is at least 1")
        return self._store.purge(now - timedelta(days=days), actor=check_actor(actor), at=now)

    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first."""
        return self._store.audit_entries(limit)


def open_inbox(
    settings: InboxSettings, identities: Sequence[Identity], *, run_migrations: bool = True
) -> Inbox:
    """The staff app's inbox for the ``[inbox]`` settings and the private key(s)."""
    _required(identities)
    engine = connect(settings.database_url)
    if run_migrations:
        migrate(engine)
    return Inbox(Store(engine), identities, settings.retention_days)
