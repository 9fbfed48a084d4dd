"""The two sides: sending (sealed first, crisis recomputed, receipts) and opening (crisis
first, problems one line each, duplicates), and that the patient side cannot read."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from screening.exports.csv import CSV_COLUMNS
from screening.inbox.config import InboxSettings
from screening.inbox.errors import InboxError, InboxKeyError, SubmissionRefused
from screening.inbox.references import normalize_reference
from screening.inbox.schema import submissions
from screening.inbox.sealing import Identity, generate_identity, seal
from screening.inbox.sender import Sender, open_sender
from screening.inbox.staff import Inbox, answers_fingerprint, open_inbox
from screening.inbox.store import Store
from tests.inbox.conftest import NOW, SENTINEL, STAFF, record, record_bytes
from tests.inbox.postgres import PostgresServer


def sealed_of(inbox: Inbox, reference: str) -> bytes:
    """The stored sealed bytes of one submission (straight from the table)."""
    with inbox._store.engine.begin() as conn:
        return bytes(
            conn.execute(
                select(submissions.c.sealed).where(submissions.c.reference == reference)
            ).scalar_one()
        )


def replace_sealed(inbox: Inbox, reference: str, data: bytes) -> None:
    """Overwrite one submission's sealed bytes, as damage or tampering would."""
    with inbox._store.engine.begin() as conn:
        conn.execute(
            update(submissions).where(submissions.c.reference == reference).values(sealed=data)
        )


def test_receipt(sender: Sender) -> None:
    """A send gives a reference people can quote and the UTC time it was received."""
    receipt = sender.send(record_bytes(), now=NOW)
    assert normalize_reference(receipt.reference) == receipt.reference
    assert (receipt.received_at, receipt.crisis, receipt.notified) == (NOW, False, None)


def test_record_object_and_bytes_both_send(sender: Sender, inbox: Inbox) -> None:
    """A record object is sent as dump_record's bytes; bytes are sent exactly as given."""
    a = sender.send(record(), now=NOW)
    b = sender.send(record_bytes(), now=NOW)
    opened, _ = inbox.open_all(actor=STAFF, now=NOW)
    by_ref = {o.reference: o.data for o in opened}
    assert by_ref[a.reference] == by_ref[b.reference] == record_bytes()


def test_crisis_is_computed_from_the_answers(sender: Sender, inbox: Inbox) -> None:
    """A record whose stored result claims no crisis is still stored as a crisis."""
    tampered = record("urgent-intent")
    tampered["result"]["crisis"] = False
    receipt = sender.send(tampered, now=NOW)
    (info,) = inbox.list_submissions()
    assert receipt.crisis is True and info.crisis is True


def test_sealed_before_anything_is_written(
    sender: Sender, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When sealing fails nothing is stored; what is stored is already sealed."""
    import screening.inbox.sender as sender_module

    given: list[bytes] = []
    real_insert = Store.insert

    def spy(self: Store, **kwargs: object) -> object:
        given.append(kwargs["sealed"])  # type: ignore[arg-type]
        return real_insert(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "insert", spy)
    sender.send(record(), now=NOW)
    assert given[0].startswith(b"age-encryption.org/v1\n") and SENTINEL.encode() not in given[0]

    def broken(*args: object) -> bytes:
        raise RuntimeError("no sealing today")

    monkeypatch.setattr(sender_module, "seal", broken)
    with pytest.raises(RuntimeError):
        sender.send(record(), now=NOW)
    assert len(inbox.list_submissions()) == 1


@pytest.mark.parametrize(
    "bad", [b"", b"not json", b'{"answers": {"phq9_9": 7}}', json.dumps([1]).encode()]
)
def test_not_a_record_is_refused(sender: Sender, inbox: Inbox, bad: bytes) -> None:
    """Something that is not a valid record is refused plainly and nothing is stored."""
    with pytest.raises(SubmissionRefused, match="Nothing is lost") as caught:
        sender.send(bad, now=NOW)
    assert caught.value.code == "inbox.bad_record"
    assert inbox.list_submissions() == []


def test_naive_time_is_refused(sender: Sender) -> None:
    """now must carry a timezone."""
    with pytest.raises(ValueError):
        sender.send(record(), now=NOW.replace(tzinfo=None))


def test_open_all_orders_crisis_first_then_newest(sender: Sender, inbox: Inbox) -> None:
    """Crisis submissions come first (newest first among them), then the rest, newest first."""
    sent = {
        "old": sender.send(record(), now=NOW),
        "old-crisis": sender.send(record("item9-passive"), now=NOW + timedelta(minutes=1)),
        "new": sender.send(record("one-trial"), now=NOW + timedelta(minutes=2)),
        "new-crisis": sender.send(record("urgent-intent"), now=NOW + timedelta(minutes=3)),
    }
    opened, problems = inbox.open_all(actor=STAFF, now=NOW)
    order = {r.reference: name for name, r in sent.items()}
    assert [order[o.reference] for o in opened] == ["new-crisis", "old-crisis", "new", "old"]
    assert [o.crisis for o in opened] == [True, True, False, False] and problems == ()
    assert [order[i.reference] for i in inbox.list_submissions()] == [
        "new-crisis",
        "old-crisis",
        "new",
        "old",
    ]


def test_opened_records_are_recomputed(sender: Sender, inbox: Inbox) -> None:
    """Each opened record is read with read_record: result recomputed, named by reference."""
    receipt = sender.send(record(), now=NOW)
    (item,) = inbox.open_all(actor=STAFF, now=NOW).submissions
    assert item.record.name == receipt.reference
    assert item.record.result.outcome == "discuss_ketamine"
    assert item.record.display_name == f"{SENTINEL}-NAME"


def test_bad_rows_are_one_line_each_and_the_rest_load(
    sender: Sender, inbox: Inbox, identity: Identity
) -> None:
    """Wrong key, corrupt and truncated rows, and an unreadable record: one line each."""
    good = sender.send(record(), now=NOW)
    wrong = sender.send(record(), now=NOW + timedelta(minutes=1))
    corrupt = sender.send(record("urgent-intent"), now=NOW + timedelta(minutes=2))
    cut = sender.send(record(), now=NOW + timedelta(minutes=3))
    junk = sender.send(record(), now=NOW + timedelta(minutes=4))
    replace_sealed(inbox, wrong.reference, seal(record_bytes(), [generate_identity().recipient]))
    flipped = bytearray(sealed_of(inbox, corrupt.reference))
    flipped[-10] ^= 0xFF
    replace_sealed(inbox, corrupt.reference, bytes(flipped))
    replace_sealed(inbox, cut.reference, sealed_of(inbox, cut.reference)[:120])
    replace_sealed(inbox, junk.reference, seal(b'{"answers": 1}', [identity.recipient]))

    opened, problems = inbox.open_all(actor=STAFF, now=NOW)
    assert [o.reference for o in opened] == [good.reference]
    lines = {p.reference: (p.code, p.message) for p in problems}
    assert lines[wrong.reference][0] == "inbox.wrong_key"
    assert lines[corrupt.reference][0] == "inbox.damaged"
    assert lines[cut.reference][0] == "inbox.damaged"
    assert lines[junk.reference][0] == "record.invalid_answers"
    assert problems[0].reference == corrupt.reference and problems[0].crisis
    assert "needs prompt attention" in lines[corrupt.reference][1]
    for _code, message in lines.values():
        assert "\n" not in message and message.startswith(tuple(lines))
    assert "sealed for another key" in lines[wrong.reference][1]


def test_duplicates_are_flagged(sender: Sender, inbox: Inbox) -> None:
    """Submissions with the same answers name each other; different answers do not."""
    a = sender.send(record(), now=NOW)
    b = sender.send(record(), now=NOW + timedelta(minutes=5))
    c = sender.send(record("one-trial"), now=NOW + timedelta(minutes=6))
    result = inbox.open_all(actor=STAFF, now=NOW)
    dupes = {o.reference: o.duplicates for o in result.submissions}
    assert dupes == {a.reference: (b.reference,), b.reference: (a.reference,), c.reference: ()}
    assert result.duplicate_groups() == [tuple(sorted((a.reference, b.reference)))]


def test_fingerprint_ignores_key_order() -> None:
    """Equal answers in another key order have the same fingerprint; other answers not."""
    assert answers_fingerprint({"a": 1, "b": [1, 2]}) == answers_fingerprint({"b": [1, 2], "a": 1})
    assert answers_fingerprint({"a": 1}) != answers_fingerprint({"a": 2})


def test_staff_actions_are_audited(sender: Sender, inbox: Inbox) -> None:
    """Sign-in, opening the inbox, opening one and exporting each write who and when."""
    receipt = sender.send(record(), now=NOW)
    inbox.signed_in(actor=STAFF, now=NOW)
    opened, _ = inbox.open_all(actor=STAFF, now=NOW)
    inbox.open(receipt.reference, actor=STAFF, now=NOW)
    inbox.export_csv(opened, actor=STAFF, now=NOW)
    log = [(e.action, e.reference) for e in reversed(inbox.audit_log())]
    assert log == [
        ("sign_in", None),
        ("open_inbox", None),
        ("open", receipt.reference),
        ("export", receipt.reference),
    ]


def test_zip_names_and_csv_rows_match_by_reference(sender: Sender, inbox: Inbox) -> None:
    """The ZIP holds REF.pdf for each submission and a CSV whose record column is REF."""
    refs = {sender.send(record(v), now=NOW).reference for v in ("typical-trd", "urgent-intent")}
    opened, _ = inbox.open_all(actor=STAFF, now=NOW)
    data = inbox.export_zip(opened, actor=STAFF, now=NOW)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        rows = archive.read("inbox.csv").decode("utf-8-sig").splitlines()
    assert names == {f"{r}.pdf" for r in refs} | {"inbox.csv"}
    assert rows[0].split(",")[0] == CSV_COLUMNS[0] == "record"
    assert {row.split(",")[0] for row in rows[1:]} == refs
    assert SENTINEL not in "".join(names)


def test_sender_has_no_way_to_read(sender: Sender) -> None:
    """The patient side's object offers send and its public keys, nothing else."""
    public = {name for name in dir(sender) if not name.startswith("_")}
    assert public == {"send", "recipients"}


def test_inbox_needs_a_private_key(settings: InboxSettings) -> None:
    """No staff inbox can be built without a private key."""
    with pytest.raises(InboxKeyError, match="needs the clinic's private key"):
        open_inbox(settings, [])


def test_patient_keys_open_nothing(sender: Sender) -> None:
    """Nothing the patient side holds parses as a private key."""
    from screening.inbox.sealing import parse_identities

    for public in sender.recipients:
        with pytest.raises(InboxKeyError):
            parse_identities(public, "the patient settings")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_insert_only_database_role_sends_but_cannot_read(
    pg: PostgresServer, db_url: str, identity: Identity, inbox: Inbox
) -> None:
    """On PostgreSQL a patient role with INSERT on submissions (and SELECT on the schema
    version only) starts, sends, and gets no submission or audit row back."""
    database = db_url.rsplit("/", 1)[1]
    pg.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'patient_app') "
        "THEN CREATE ROLE patient_app LOGIN; END IF; END $$",
        f"GRANT CONNECT ON DATABASE {database} TO patient_app",
    )
    pg.execute(
        "GRANT INSERT ON submissions TO patient_app",
        "GRANT SELECT ON alembic_version TO patient_app",
        database=database,
    )
    patient = InboxSettings(
        database_url=pg.url(database, user="patient_app"), recipients=(identity.public_key,)
    )
    sender = open_sender(patient)  # migrations at head: a read of the version, nothing else
    receipt = sender.send(record(), now=NOW)
    assert [i.reference for i in inbox.list_submissions()] == [receipt.reference]
    for read in (Store.infos, Store.sealed_rows, Store.audit_entries):
        with pytest.raises(InboxError) as caught:
            read(Store(sender._store.engine))
        assert caught.value.code == "inbox.misconfigured"
    sender._store.engine.dispose()
