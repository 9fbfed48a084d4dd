"""Storage on SQLite and PostgreSQL: migrations, what is stored in clear, the append-only
audit log, concurrent sends, review, delete and purge."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from screening.inbox.database import connect, migrate, revision
from screening.inbox.errors import SubmissionNotFound
from screening.inbox.schema import metadata
from screening.inbox.sender import Sender
from screening.inbox.staff import Inbox
from screening.inbox.store import Store
from tests.inbox.conftest import NOW, SENTINEL, STAFF, record
from tests.inbox.postgres import PostgresServer


def stored_bytes(db_url: str, request: pytest.FixtureRequest) -> bytes:
    """Everything the database holds, as bytes: the SQLite file and its WAL, or a pg_dump."""
    if db_url.startswith("sqlite"):
        path = Path(db_url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    server: PostgresServer = request.getfixturevalue("pg")
    return server.pg_dump(db_url)


def holds(blob: bytes, needle: str) -> bool:
    """Whether ``needle`` is in ``blob`` as UTF-8 or as hex (how pg_dump writes bytea)."""
    raw = needle.encode()
    return raw in blob or raw.hex().encode() in blob.lower()


def test_migrations_build_an_empty_database(db_url: str) -> None:
    """Migrating an empty database creates both tables at the newest revision."""
    engine = connect(db_url)
    assert revision(engine) is None
    migrate(engine)
    assert revision(engine) == "0001"
    assert {"submissions", "audit"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_migrations_are_idempotent(sender: Sender, db_url: str) -> None:
    """Migrating again changes nothing and keeps the rows."""
    sender.send(record(), now=NOW)
    engine = connect(db_url)
    migrate(engine)
    migrate(engine)
    assert (revision(engine), Store(engine).count()) == ("0001", 1)
    engine.dispose()


def test_migrated_schema_matches_the_tables_in_code(db_url: str) -> None:
    """The columns the migrations create are exactly those of screening/inbox/schema.py."""
    engine = connect(db_url)
    migrate(engine)
    found = inspect(engine)
    for table in metadata.sorted_tables:
        columns = {c["name"]: c["nullable"] for c in found.get_columns(table.name)}
        assert columns == {c.name: c.nullable for c in table.columns}, table.name
    engine.dispose()


def test_submissions_hold_nothing_else_in_clear(db_url: str) -> None:
    """The submissions table has exactly the documented columns (answers only sealed)."""
    engine = connect(db_url)
    migrate(engine)
    names = {c["name"] for c in inspect(engine).get_columns("submissions")}
    assert names == {
        "id",
        "reference",
        "received_at",
        "questionnaire_version",
        "crisis",
        "sealed",
        "reviewed_at",
    }
    engine.dispose()


def test_no_answer_text_reaches_the_database(
    sender: Sender, inbox: Inbox, db_url: str, request: pytest.FixtureRequest
) -> None:
    """After sends, opening, review and audit, the sentinel is nowhere in the stored bytes."""
    for vignette_id in ("typical-trd", "urgent-intent"):
        sender.send(record(vignette_id), now=NOW)
    opened, _ = inbox.open_all(actor=STAFF, now=NOW)
    inbox.mark_reviewed(opened[0].reference, actor=STAFF, now=NOW)
    blob = stored_bytes(db_url, request)
    assert opened[0].record.display_name == f"{SENTINEL}-NAME"  # it was there to find
    assert not holds(blob, SENTINEL)
    assert not holds(blob, "private words") and not holds(blob, "notes_for_clinician")


def test_the_byte_search_would_see_plain_text(
    sender: Sender, db_url: str, request: pytest.FixtureRequest
) -> None:
    """Control: text stored in clear in the same database is found by the same search."""
    engine = sender._store.engine
    with engine.begin() as conn:
        kind = "BLOB" if db_url.startswith("sqlite") else "BYTEA"
        conn.execute(text(f"CREATE TABLE probe (data {kind})"))
        conn.execute(text("INSERT INTO probe VALUES (:d)"), {"d": f"{SENTINEL}-probe".encode()})
    assert holds(stored_bytes(db_url, request), f"{SENTINEL}-probe")


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"],
)
def test_audit_log_refuses_changes(inbox: Inbox, statement: str) -> None:
    """The database itself refuses UPDATE and DELETE on the audit table."""
    inbox.signed_in(actor=STAFF, now=NOW)
    engine = inbox._store.engine
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert [e.actor for e in inbox.audit_log()] == [STAFF]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_audit_log_refuses_truncate_on_postgresql(inbox: Inbox) -> None:
    """On PostgreSQL TRUNCATE of the audit table is refused too (SQLite has no TRUNCATE)."""
    inbox.signed_in(actor=STAFF, now=NOW)
    with pytest.raises(DBAPIError, match="append-only"), inbox._store.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit"))
    assert len(inbox.audit_log()) == 1


def test_concurrent_sends_lose_nothing(sender: Sender, inbox: Inbox) -> None:
    """50 threads sending at once: 50 receipts, 50 distinct rows, all of them open."""
    receipts: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(50)

    def send() -> None:
        try:
            start.wait(timeout=30)
            receipts.append(sender.send(record(), now=NOW).reference)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    opened, problems = inbox.open_all(actor=STAFF, now=NOW)
    assert errors == []
    assert len(set(receipts)) == 50
    assert sorted(o.reference for o in opened) == sorted(receipts) and problems == ()


def test_purge_deletes_only_old_rows_and_audits_each(sender: Sender, inbox: Inbox) -> None:
    """Purge removes what is older than the retention period, with one audit row each."""
    old = [sender.send(record(), now=NOW - timedelta(days=d)) for d in (31, 45)]
    young = [sender.send(record(), now=NOW - timedelta(days=d)) for d in (0, 29)]
    assert inbox.purge(30, now=NOW, actor="retention") == 2
    assert {i.reference for i in inbox.list_submissions()} == {r.reference for r in young}
    purged = [e for e in inbox.audit_log() if e.action == "purge"]
    assert sorted(e.reference for e in purged) == sorted(r.reference for r in old)
    assert {e.actor for e in purged} == {"retention"}


def test_purge_uses_the_settings_retention_by_default(sender: Sender, inbox: Inbox) -> None:
    """Without a number purge keeps the settings' 30 days; nothing old, nothing audited."""
    sender.send(record(), now=NOW - timedelta(days=29, hours=23))
    assert inbox.purge(now=NOW, actor="retention") == 0
    assert [e.action for e in inbox.audit_log()] == []


def test_mark_reviewed_and_delete_are_audited(sender: Sender, inbox: Inbox) -> None:
    """Review sets reviewed_at; delete removes the row; each writes who and when."""
    first = sender.send(record(), now=NOW)
    second = sender.send(record(), now=NOW)
    later = NOW + timedelta(hours=1)
    inbox.mark_reviewed(first.reference, actor=STAFF, now=later)
    inbox.delete(second.reference, actor=STAFF, now=later)
    (info,) = inbox.list_submissions()
    assert (info.reference, info.reviewed_at) == (first.reference, later)
    log = [(e.action, e.reference, e.actor, e.at) for e in inbox.audit_log()]
    assert log == [
        ("delete", second.reference, STAFF, later),
        ("review", first.reference, STAFF, later),
    ]


def test_unknown_reference(inbox: Inbox) -> None:
    """Acting on a reference that is not stored says so and audits nothing."""
    with pytest.raises(SubmissionNotFound, match="K7QM-4XPD"):
        inbox.delete("K7QM-4XPD", actor=STAFF, now=NOW)
    assert inbox.audit_log() == []


def test_times_come_back_in_utc(sender: Sender, inbox: Inbox) -> None:
    """received_at is stored and returned as the same UTC moment on both databases."""
    from datetime import timezone

    eastern = NOW.astimezone(timezone(timedelta(hours=-5)))
    receipt = sender.send(record(), now=eastern)
    (info,) = inbox.list_submissions()
    assert info.received_at == receipt.received_at == NOW
    assert info.received_at.utcoffset() == timedelta(0)
