"""The inbox tables, as SQLAlchemy Core ``Table`` objects (the queries use these; the
migrations in ``migrations/versions/`` create them, and a test checks the two agree).

``submissions`` holds, in clear, only what the staff page needs before any key is used:
a random id, the short reference, when it arrived, the questionnaire version, the crisis
flag (so a crisis submission is listed first and announced) and when it was reviewed.
Everything the person answered is inside ``sealed`` (age, to the clinic's public keys).

``audit`` is append-only (database triggers refuse UPDATE and DELETE): who did what to
which submission, and when; never any answer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["ACTOR_MAX", "audit", "metadata", "submissions"]

ACTOR_MAX = 254  # an e-mail address at most
ID_LENGTH = 32
REFERENCE_LENGTH = 9
ACTION_LENGTH = 20
VERSION_LENGTH = 20


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC: timezone-aware in and out, on every database.

    PostgreSQL stores ``timestamptz``; SQLite has no time type, so SQLAlchemy stores text
    that sorts in time order, written here in UTC without an offset.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("inbox times must be timezone-aware")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError("the database returned a time that is not a datetime")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

submissions = Table(
    "submissions",
    metadata,
    Column("id", String(ID_LENGTH), primary_key=True),
    Column("reference", String(REFERENCE_LENGTH), nullable=False, unique=True),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("questionnaire_version", String(VERSION_LENGTH), nullable=False),
    Column("crisis", Boolean(), nullable=False),
    Column("sealed", LargeBinary(), nullable=False),
    Column("reviewed_at", UTCDateTime(), nullable=True),
    Index("ix_submissions_received_at", "received_at"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(ACTOR_MAX), nullable=False),
    Column("action", String(ACTION_LENGTH), nullable=False),
    Column("submission_id", String(ID_LENGTH), nullable=True),
)
