"""Database faults become typed errors with a plain sentence: down, locked, full, read-only,
misconfigured; never SQL, a stack or an answer in the message."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

import screening.inbox.database as database
from screening.inbox.config import InboxSettings
from screening.inbox.database import connect
from screening.inbox.errors import (
    InboxBusy,
    InboxConfigError,
    InboxError,
    InboxFull,
    InboxUnavailable,
)
from screening.inbox.sealing import Identity
from screening.inbox.sender import Sender, open_sender
from screening.inbox.staff import Inbox
from screening.inbox.store import Store
from tests.inbox.conftest import NOW, SENTINEL, STAFF, record
from tests.inbox.postgres import PostgresServer

SQL_WORDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "sqlite3.", "psycopg.", "Traceback")


def assert_plain(error: InboxError) -> None:
    """One line for people, no SQL, no driver text, no answer."""
    for text in (str(error), error.detail):
        assert "\n" not in text
        assert not any(word in text for word in SQL_WORDS), text
        assert SENTINEL not in text
    assert error.__cause__ is None and error.__suppress_context__


def test_sqlite_folder_read_only(tmp_path: Path, identity: Identity) -> None:
    """A SQLite file in a folder the app cannot write gives inbox.unavailable.

    As root, permission bits do not stop writes, so the folder is made immutable instead.
    """
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    settings = InboxSettings(
        database_url=f"sqlite:///{folder / 'inbox.sqlite3'}", recipients=(identity.public_key,)
    )
    try:
        with pytest.raises(InboxUnavailable) as caught:
            open_sender(settings)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o700)
    assert_plain(caught.value)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_on_a_read_only_file(sender: Sender) -> None:
    """A database opened read-only (as a read-only mount gives) refuses to store: unavailable."""
    path = sender._store.engine.url.database
    sender._store.engine.dispose()
    engine = connect(f"sqlite:///file:{path}?mode=ro&uri=true")
    ro = Sender(Store(engine), sender.recipients)
    with pytest.raises(InboxUnavailable) as caught:
        ro.send(record(), now=NOW)
    assert "read-only" in caught.value.detail
    assert_plain(caught.value)
    engine.dispose()


def test_sqlite_folder_missing(tmp_path: Path, identity: Identity) -> None:
    """A SQLite file in a folder that does not exist gives inbox.unavailable and where."""
    settings = InboxSettings(
        database_url=f"sqlite:///{tmp_path / 'nowhere' / 'inbox.sqlite3'}",
        recipients=(identity.public_key,),
    )
    with pytest.raises(InboxUnavailable) as caught:
        open_sender(settings)
    assert "cannot be reached" in str(caught.value)
    assert "folder is missing" in caught.value.detail and "nowhere" in caught.value.detail
    assert_plain(caught.value)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_disk_full(sender: Sender, inbox: Inbox) -> None:
    """A full database (SQLite at its page limit) gives inbox.full; what was stored opens.

    PostgreSQL's disk-full SQLSTATE is checked in test_postgresql_errors_are_classified.
    """
    engine = sender._store.engine
    sender.send(record(), now=NOW)
    engine.dispose()

    @event.listens_for(engine, "connect")
    def tiny(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(InboxFull) as caught:
        for _ in range(50):
            sender.send(record(), now=NOW)
    assert "full" in str(caught.value) and caught.value.code == "inbox.full"
    assert_plain(caught.value)
    event.remove(engine, "connect", tiny)
    engine.dispose()
    opened, problems = inbox.open_all(actor=STAFF, now=NOW)
    assert problems == () and len(opened) >= 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_locked(sender: Sender, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write lock held elsewhere past the wait gives inbox.busy."""
    monkeypatch.setattr(database, "LOCK_TIMEOUT_MS", 200)
    url = str(sender._store.engine.url)
    sender._store.engine.dispose()
    waiting = Sender(Store(connect(url)), sender.recipients)
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(InboxBusy) as caught:
            waiting.send(record(), now=NOW)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "busy" in str(caught.value)
    assert_plain(caught.value)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_locked(
    sender: Sender, pg: PostgresServer, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table lock held elsewhere past lock_timeout gives inbox.busy."""
    monkeypatch.setattr(database, "LOCK_TIMEOUT_MS", 300)
    waiting = Sender(Store(connect(db_url)), sender.recipients)
    database_name = db_url.rsplit("/", 1)[1]
    where = {"host": "127.0.0.1", "port": pg.port, "user": "screening"}
    with psycopg.connect(**where, dbname=database_name) as holder:
        holder.execute(b"LOCK TABLE submissions IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(InboxBusy) as caught:
            waiting.send(record(), now=NOW)
        holder.rollback()
    assert_plain(caught.value)
    waiting._store.engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_server_down_then_back(sender: Sender, inbox: Inbox, pg: PostgresServer) -> None:
    """With the server stopped a send gives inbox.unavailable; once it is back, sends work."""
    first = sender.send(record(), now=NOW)
    pg.stop()
    try:
        with pytest.raises(InboxUnavailable) as caught:
            sender.send(record(), now=NOW)
        with pytest.raises(InboxUnavailable):
            inbox.open_all(actor=STAFF, now=NOW)
    finally:
        pg.start()
    assert "cannot be reached" in str(caught.value)
    assert_plain(caught.value)
    second = sender.send(record(), now=NOW)
    refs = {o.reference for o in inbox.open_all(actor=STAFF, now=NOW).submissions}
    assert refs == {first.reference, second.reference}


def test_postgresql_nobody_listening(identity: Identity) -> None:
    """A PostgreSQL address where no server listens gives inbox.unavailable (no password)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = InboxSettings(
        database_url=f"postgresql+psycopg://app@127.0.0.1:{port}/screening",
        recipients=(identity.public_key,),
    )
    with pytest.raises(InboxUnavailable) as caught:
        open_sender(settings)
    assert f"127.0.0.1:{port}" in caught.value.detail
    assert_plain(caught.value)


def test_postgresql_missing_database(pg: PostgresServer, identity: Identity) -> None:
    """A database name that does not exist on the server is a configuration error."""
    settings = InboxSettings(
        database_url=pg.url("no_such_database"), recipients=(identity.public_key,)
    )
    with pytest.raises(InboxConfigError) as caught:
        open_sender(settings)
    assert "database_url" in caught.value.detail
    assert_plain(caught.value)


def test_unsupported_database_address() -> None:
    """connect() refuses an address for a database this app does not use."""
    with pytest.raises(InboxConfigError):
        connect("mysql://h/db")


class _Orig(Exception):
    """A driver exception carrying a SQLSTATE, as psycopg's do."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__("SELECT secret FROM table WHERE name = 'ZXQSENTINEL'")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [
        ("53100", InboxFull),
        ("53200", InboxFull),
        ("53300", InboxBusy),
        ("55P03", InboxBusy),
        ("40P01", InboxBusy),
        ("08006", InboxUnavailable),
        ("57P01", InboxUnavailable),
        ("25006", InboxUnavailable),
        ("28P01", InboxConfigError),
        ("42501", InboxConfigError),
        ("XX000", InboxError),
    ],
)
def test_postgresql_errors_are_classified(sqlstate: str, kind: type[InboxError]) -> None:
    """Each PostgreSQL condition maps to its typed error, never quoting the driver's text."""
    engine = connect("postgresql+psycopg://app@127.0.0.1:1/screening")
    failure = OperationalError("SELECT 1", {"name": SENTINEL}, _Orig(sqlstate))
    with pytest.raises(kind) as caught, database.database_errors(engine, "nothing happened"):
        raise failure
    assert type(caught.value) is kind
    assert_plain(caught.value)


def test_readers_and_writers_at_once(sender: Sender, inbox: Inbox) -> None:
    """Staff opening the inbox while patients send: nothing is busy, nothing is lost."""
    errors: list[BaseException] = []

    def send() -> None:
        try:
            for _ in range(10):
                sender.send(record(), now=NOW)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for _ in range(5):
        inbox.open_all(actor=STAFF, now=NOW)
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(inbox.list_submissions()) == 30


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs mounted for this test (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny file system needs root; the page-limit test covers it")
    mount_point = Path(tempfile.mkdtemp(prefix="inbox-full-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0777", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        mount_point.rmdir()
        pytest.skip(
            f"cannot mount a tmpfs here ({done.stderr.strip()}); the page-limit test covers it"
        )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        mount_point.rmdir()


def test_sqlite_on_a_full_disk(tiny_disk: Path, identity: Identity, tmp_path: Path) -> None:
    """A SQLite file on a disk that fills up gives inbox.full (a real ENOSPC)."""
    settings = InboxSettings(
        database_url=f"sqlite:///{tiny_disk / 'inbox.sqlite3'}", recipients=(identity.public_key,)
    )
    sender = open_sender(settings)
    with pytest.raises(InboxFull) as caught:
        for _ in range(200):
            sender.send(record(), now=NOW)
    assert_plain(caught.value)
    sender._store.engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_on_a_full_disk(
    tiny_disk: Path, sender: Sender, pg: PostgresServer, db_url: str
) -> None:
    """Submissions on a PostgreSQL tablespace that fills up give inbox.full (SQLSTATE 53100)."""
    database_name = db_url.rsplit("/", 1)[1]
    space = tiny_disk / "space"
    space.mkdir()
    if pg.run_as:
        shutil.chown(space, pg.run_as, pg.run_as)
    space_name = f"tiny_{database_name}"
    pg.execute(f"CREATE TABLESPACE {space_name} LOCATION '{space}'")
    try:
        pg.execute(f"ALTER TABLE submissions SET TABLESPACE {space_name}", database=database_name)
        with pytest.raises(InboxFull) as caught:
            for _ in range(200):
                sender.send(record(), now=NOW)
        assert_plain(caught.value)
    finally:
        sender._store.engine.dispose()
        pg.drop_database(db_url)
        pg.execute(f"DROP TABLESPACE IF EXISTS {space_name}")
