"""8. Clinic inbox: sending one record (seal + store) on SQLite and PostgreSQL, and opening
an inbox of 1,000 submissions (read, decrypt, recompute, find duplicates).

    .venv/bin/python bench/bench_inbox.py [--quick]     # prints the table
    .venv/bin/python bench/run.py --only inbox

Wall time, not CPU time: a send's cost is mostly the database's commit (an fsync on
SQLite, a round trip and a WAL flush on PostgreSQL), which CPU time does not see. The
PostgreSQL server is a throwaway cluster on 127.0.0.1 started like the tests' one
(tests/inbox/postgres.py) but with the default durability (fsync on), as in production.
Floors: ``read_record`` of the same bytes (what any send must do anyway), and
``read_record`` of the same 1,000 plaintexts for the open.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __name__ == "__main__":  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WALL, Row, interleaved, median, p95, rows_table, skipped
from bench.data import synthetic_records
from screening.inbox.config import InboxSettings
from screening.inbox.sealing import Identity, generate_identity
from screening.inbox.sender import Sender, open_sender
from screening.inbox.staff import Inbox, open_inbox
from screening.record import read_record

SECTION = "Clinic inbox"
SEND_BUDGET_MS = 50.0
OPEN_BUDGET_S = 3.0
OPEN_SIZE = 1_000
NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
STAFF = "bench@example.org"


@contextmanager
def _databases(folder: Path) -> Iterator[list[tuple[str, str | None, str]]]:
    """(name, URL or None, why not) for SQLite and for a fresh PostgreSQL cluster."""
    found: list[tuple[str, str | None, str]] = [
        ("SQLite", f"sqlite:///{folder / 'inbox.sqlite3'}", "")
    ]
    server = None
    try:
        from tests.inbox.postgres import PostgresServer, PostgresUnavailable

        try:
            server = PostgresServer.start_new(options=())
            found.append(("PostgreSQL", server.create_database(), ""))
        except PostgresUnavailable as exc:
            found.append(("PostgreSQL", None, str(exc).splitlines()[0]))
        yield found
    finally:
        if server is not None:
            server.destroy()


def _sides(url: str, identity: Identity) -> tuple[Sender, Inbox]:
    settings = InboxSettings(database_url=url, recipients=(identity.public_key,))
    return open_sender(settings), open_inbox(settings, [identity])


def _send_row(name: str, sender: Sender, records: tuple[bytes, ...], samples: int) -> Row:
    cycle = iter(range(10**9))

    def send() -> None:
        sender.send(records[next(cycle) % len(records)], now=NOW)

    def floor() -> None:
        read_record(records[0])

    a, b = interleaved(send, floor, samples, warmup=3, clock=WALL)
    ms = [x * 1000 for x in a]
    return Row(
        SECTION,
        f"send one record ({name})",
        "ms",
        median(ms),
        p95(ms),
        floor=median(b) * 1000,
        floor_name="`read_record` of the same bytes",
        budget=f"≤ {SEND_BUDGET_MS:.0f} ms",
        passed=p95(ms) <= SEND_BUDGET_MS,
        note="seal (age, one X25519 recipient) and one committed INSERT; wall time",
    )


def _open_row(
    name: str, sender: Sender, inbox: Inbox, records: tuple[bytes, ...], samples: int
) -> Row:
    stored = len(inbox.list_submissions())
    for i in range(stored, OPEN_SIZE):
        sender.send(records[i % len(records)], now=NOW - timedelta(seconds=i))
    opened: list[int] = []

    def open_all() -> None:
        got = inbox.open_all(actor=STAFF, now=NOW)
        opened.append(len(got.submissions) + len(got.problems))

    def floor() -> None:
        for data in records[:OPEN_SIZE]:
            read_record(data)

    a, b = interleaved(open_all, floor, samples, warmup=1, clock=WALL)
    assert set(opened) == {OPEN_SIZE}, opened
    return Row(
        SECTION,
        f"open an inbox of {OPEN_SIZE:,} submissions ({name})",
        "s",
        median(a),
        p95(a),
        floor=median(b),
        floor_name=f"`read_record` of the {OPEN_SIZE:,} plaintexts",
        budget=f"≤ {OPEN_BUDGET_S:.0f} s",
        passed=p95(a) <= OPEN_BUDGET_S,
        note="select every row, decrypt, read_record each, group duplicates; wall time",
    )


def run(quick: bool) -> list[Row]:
    """Send on each database, then open 1,000 submissions on each."""
    records = synthetic_records(OPEN_SIZE)
    identity = generate_identity()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as tmp, _databases(Path(tmp)) as dbs:
        for name, url, why_not in dbs:
            if url is None:
                rows.append(skipped(SECTION, f"send one record ({name})", why_not))
                rows.append(skipped(SECTION, f"open {OPEN_SIZE:,} submissions ({name})", why_not))
                continue
            sender, inbox = _sides(url, identity)
            rows.append(_send_row(name, sender, records, 60 if quick else 300))
            rows.append(_open_row(name, sender, inbox, records, 3 if quick else 7))
            for engine in (sender._store.engine, inbox._store.engine):
                engine.dispose()
    return rows


def main(argv: list[str] | None = None, out: Callable[[str], object] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args(argv)
    rows = run(args.quick)
    out(rows_table(rows))
    return 1 if any(r.passed is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
