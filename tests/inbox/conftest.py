"""Fixtures for the inbox tests: every storage test runs on SQLite and on PostgreSQL.

    def test_x(settings, sender, inbox, sealed_record): ...

``db_url`` is parametrized: a SQLite file in the test's temporary folder, and a new empty
database on one PostgreSQL server that the session starts (``tests/inbox/postgres.py``)
and removes at the end. Without PostgreSQL the PostgreSQL cases skip with the reason,
except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import pytest

from screening.inbox.config import InboxSettings
from screening.inbox.sealing import Identity, generate_identity
from screening.inbox.sender import Sender, open_sender
from screening.inbox.staff import Inbox, open_inbox
from screening.record import build_record, dump_record
from tests.conftest import vignette
from tests.inbox.postgres import PostgresServer, PostgresUnavailable

SENTINEL = "ZXQSENTINEL"
NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
STAFF = "lead@example.org"
BACKENDS = ("sqlite", "postgresql")


def in_ci() -> bool:
    """True when the run is CI's (environment variable CI is "true")."""
    return os.environ.get("CI", "").strip().lower() == "true"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip locally; under CI=true a test that cannot run is a failure, never a skip."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: these tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | str]:
    """One PostgreSQL server for the session, or the reason it could not start."""
    try:
        server = PostgresServer.start_new()
    except PostgresUnavailable as exc:
        yield str(exc)
        return
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def pg(postgres_server: PostgresServer | str) -> PostgresServer:
    """The session's PostgreSQL server (skips locally, fails in CI, when there is none)."""
    if isinstance(postgres_server, str):
        skip_or_fail(f"PostgreSQL server not available: {postgres_server}")
    return postgres_server


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty inbox database: a SQLite file, or a database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'inbox.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("pg")
    url = server.create_database()
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def backend(db_url: str) -> str:
    """ "sqlite" or "postgresql": the database this test runs on."""
    return "sqlite" if db_url.startswith("sqlite") else "postgresql"


@pytest.fixture(scope="session")
def identity() -> Identity:
    """The clinic's private key for these tests."""
    return generate_identity()


@pytest.fixture
def settings(db_url: str, identity: Identity) -> InboxSettings:
    """[inbox] settings sealing to ``identity`` on the test's database."""
    return InboxSettings(database_url=db_url, recipients=(identity.public_key,))


@pytest.fixture
def sender(settings: InboxSettings) -> Iterator[Sender]:
    """The patient side on the test's database (migrated)."""
    made = open_sender(settings)
    yield made
    made._store.engine.dispose()


@pytest.fixture
def inbox(settings: InboxSettings, identity: Identity, sender: Sender) -> Iterator[Inbox]:
    """The staff side on the same database, with the private key."""
    made = open_inbox(settings, [identity])
    yield made
    made._store.engine.dispose()


def answers(vignette_id: str = "typical-trd", **changes: Any) -> dict[str, Any]:
    """A vignette's answers with the sentinel in the name and the notes."""
    given = vignette(vignette_id)
    given["display_name"] = f"{SENTINEL}-NAME"
    given["notes_for_clinician"] = f"{SENTINEL}-NOTES private words"
    given.update(changes)
    return given


def record(vignette_id: str = "typical-trd", **changes: Any) -> dict[str, Any]:
    """A complete record object (build_record) of ``answers(...)``."""
    return build_record(answers(vignette_id, **changes), created_at=NOW, app_version="test")


def record_bytes(vignette_id: str = "typical-trd", **changes: Any) -> bytes:
    """The record file's bytes, as the results page offers them for download."""
    return dump_record(record(vignette_id, **changes))
