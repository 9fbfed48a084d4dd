"""The inbox's queries (SQLAlchemy Core): rows in, rows out, nothing decrypted here.

Every method runs in one transaction and turns database faults into typed errors
(``screening.inbox.database.database_errors``). A staff action and its audit row are
written in the same transaction, so neither happens without the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError

from screening.inbox.database import database_errors
from screening.inbox.errors import InboxError, SubmissionNotFound
from screening.inbox.references import new_submission_id, reference_of
from screening.inbox.schema import ACTOR_MAX, audit, submissions

__all__ = ["AuditAction", "AuditEntry", "Store", "SubmissionInfo"]

#: What the audit log records. ``open_inbox``: the new submissions were decrypted for
#: the list; ``open``: one was opened to read; ``export``: it left in a download or file.
AuditAction = Literal["sign_in", "open_inbox", "open", "export", "review", "delete", "purge"]
AUDIT_ACTIONS: tuple[str, ...] = get_args(AuditAction)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INSERT_TRIES = 5


@dataclass(frozen=True, slots=True)
class SubmissionInfo:
    """What the database holds in clear about one submission (no answers)."""

    reference: str
    submission_id: str
    received_at: datetime
    questionnaire_version: str
    crisis: bool
    reviewed_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the audit log: who did what, when, to which submission (if any)."""

    id: int
    at: datetime
    actor: str
    action: str
    submission_id: str | None

    @property
    def reference(self) -> str | None:
        """The reference of the submission acted on (it may since have been deleted)."""
        return reference_of(self.submission_id) if self.submission_id else None


_INFO_COLUMNS = (
    submissions.c.reference,
    submissions.c.id,
    submissions.c.received_at,
    submissions.c.questionnaire_version,
    submissions.c.crisis,
    submissions.c.reviewed_at,
)
_ORDER = (submissions.c.crisis.desc(), submissions.c.received_at.desc(), submissions.c.id)


def _info(row: Row[*tuple[Any, ...]]) -> SubmissionInfo:
    return SubmissionInfo(
        row.reference,
        row.id,
        row.received_at,
        row.questionnaire_version,
        bool(row.crisis),
        row.reviewed_at,
    )


def check_actor(actor: str) -> str:
    """The actor as recorded: one line of at most 254 characters (an e-mail address)."""
    if not actor or len(actor) > ACTOR_MAX or _CONTROL.search(actor):
        raise ValueError("an actor is one line of 1 to 254 characters, e.g. an e-mail address")
    return actor


class Store:
    """The inbox tables of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def insert(
        self, *, received_at: datetime, questionnaire_version: str, crisis: bool, sealed: bytes
    ) -> SubmissionInfo:
        """Store one sealed submission under a new random id; its info."""
        with database_errors(self.engine, "your answers were not sent"):
            for _ in range(_INSERT_TRIES):
                submission_id = new_submission_id()
                info = SubmissionInfo(
                    reference_of(submission_id),
                    submission_id,
                    received_at,
                    questionnaire_version,
                    crisis,
                    None,
                )
                try:
                    with self.engine.begin() as conn:
                        conn.execute(
                            insert(submissions).values(
                                id=submission_id,
                                reference=info.reference,
                                received_at=received_at,
                                questionnaire_version=questionnaire_version,
                                crisis=crisis,
                                sealed=sealed,
                            )
                        )
                except IntegrityError:  # the reference of an earlier submission: draw again
                    continue
                return info
        raise InboxError(
            "The clinic inbox could not give this submission a reference; your answers were "
            "not sent. Try again.",
            f"{_INSERT_TRIES} references in a row were taken",
        )

    def infos(self) -> list[SubmissionInfo]:
        """Every submission's info, crisis first, then newest first."""
        with self._transaction("the inbox could not be listed") as conn:
            rows = conn.execute(select(*_INFO_COLUMNS).order_by(*_ORDER)).all()
        return [_info(row) for row in rows]

    def sealed_rows(self) -> list[tuple[SubmissionInfo, bytes]]:
        """Every submission with its sealed bytes, crisis first, then newest first."""
        with self._transaction("the inbox could not be opened") as conn:
            rows = conn.execute(select(*_INFO_COLUMNS, submissions.c.sealed).order_by(*_ORDER))
            return [(_info(row), bytes(row.sealed)) for row in rows]

    def sealed_row(self, reference: str) -> tuple[SubmissionInfo, bytes]:
        """One submission with its sealed bytes; SubmissionNotFound when there is none."""
        with self._transaction("the submission could not be opened") as conn:
            row = conn.execute(
                select(*_INFO_COLUMNS, submissions.c.sealed).where(
                    submissions.c.reference == reference
                )
            ).first()
        if row is None:
            raise _not_found(reference)
        return _info(row), bytes(row.sealed)

    def set_reviewed(self, reference: str, *, actor: str, at: datetime) -> None:
        """Mark one submission reviewed at ``at`` and audit it."""
        with self._transaction("it was not marked as reviewed") as conn:
            submission_id = self._id_of(conn, reference)
            conn.execute(
                update(submissions).where(submissions.c.id == submission_id).values(reviewed_at=at)
            )
            self._audit(conn, actor, at, "review", [submission_id])

    def delete(self, reference: str, *, actor: str, at: datetime) -> None:
        """Delete one submission and audit it."""
        with self._transaction("nothing was deleted") as conn:
            submission_id = self._id_of(conn, reference)
            conn.execute(delete(submissions).where(submissions.c.id == submission_id))
            self._audit(conn, actor, at, "delete", [submission_id])

    def purge(self, before: datetime, *, actor: str, at: datetime) -> int:
        """Delete every submission received before ``before``; one audit row for each."""
        with self._transaction("nothing was deleted") as conn:
            deleted = conn.execute(
                delete(submissions)
                .where(submissions.c.received_at < before)
                .returning(submissions.c.id)
            )
            ids = [str(submission_id) for submission_id in deleted.scalars()]
            if ids:
                self._audit(conn, actor, at, "purge", ids)
        return len(ids)

    def append_audit(
        self,
        action: AuditAction,
        *,
        actor: str,
        at: datetime,
        submission_ids: Sequence[str | None] = (None,),
    ) -> None:
        """Audit an action with no change to the submissions (sign-in, open, export)."""
        with self._transaction("the action could not be recorded, so it was stopped") as conn:
            self._audit(conn, actor, at, action, submission_ids)

    def audit_entries(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first (``limit`` rows at most)."""
        query = select(audit).order_by(audit.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._transaction("the audit log could not be read") as conn:
            rows = conn.execute(query).all()
        return [AuditEntry(r.id, r.at, r.actor, r.action, r.submission_id) for r in rows]

    def count(self) -> int:
        """How many submissions are stored."""
        with self._transaction("the inbox could not be counted") as conn:
            return int(conn.execute(select(func.count()).select_from(submissions)).scalar_one())

    # ----------------------------------------------------------------------- helpers

    @contextmanager
    def _transaction(self, failed: str) -> Iterator[Connection]:
        """``engine.begin()`` inside ``database_errors``: a commit that fails is translated
        too."""
        with database_errors(self.engine, failed), self.engine.begin() as conn:
            yield conn

    @staticmethod
    def _id_of(conn: Connection, reference: str) -> str:
        found = conn.execute(
            select(submissions.c.id).where(submissions.c.reference == reference)
        ).scalar_one_or_none()
        if found is None:
            raise _not_found(reference)
        return str(found)

    @staticmethod
    def _audit(
        conn: Connection,
        actor: str,
        at: datetime,
        action: str,
        submission_ids: Sequence[str | None],
    ) -> None:
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        check_actor(actor)
        conn.execute(
            insert(audit),
            [
                {"at": at, "actor": actor, "action": action, "submission_id": sid}
                for sid in submission_ids
            ],
        )


def _not_found(reference: str) -> SubmissionNotFound:
    return SubmissionNotFound(
        f"No submission has the reference {reference}: it may have been deleted or purged, "
        "or the reference is mistyped."
    )
