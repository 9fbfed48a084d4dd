"""Opening the inbox database, applying its migrations, and turning database faults into
plain, typed errors.

    engine = connect("sqlite:////var/lib/screening/inbox.sqlite3")   # or postgresql+psycopg://
    migrate(engine)                                                 # Alembic, to the newest
    with database_errors(engine, "your answers were not sent"):
        ...                                                         # any query

SQLite (one machine): WAL journal, a 5-second wait for a lock, ``secure_delete`` (deleted
rows are overwritten), and every transaction starts with ``BEGIN IMMEDIATE`` so two writers
queue instead of failing halfway. PostgreSQL (several replicas): psycopg 3, a connection
checked before each use, 5 seconds to connect or to wait for a lock, 30 for a statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from screening.inbox.errors import (
    InboxBusy,
    InboxConfigError,
    InboxError,
    InboxFull,
    InboxUnavailable,
)

__all__ = ["connect", "database_errors", "describe", "migrate", "revision"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "head"
#: How long a statement waits for a lock held by other work before giving up (InboxBusy).
LOCK_TIMEOUT_MS = 5_000
#: The longest any one statement may run on PostgreSQL.
STATEMENT_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 5
# pg_advisory_xact_lock key: "inbox" in ASCII, so replicas migrating together queue.
_MIGRATION_LOCK = 0x696E626F78


def connect(url: str) -> Engine:
    """An engine for a ``sqlite:///PATH`` or ``postgresql+psycopg://…`` URL (not yet used).

    Raises InboxConfigError for any other kind of URL.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InboxConfigError(
            "The inbox database address is not valid.",
            "database_url must look like sqlite:///inbox.sqlite3 or "
            "postgresql+psycopg://user@host/dbname",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.drivername in ("postgresql+psycopg", "postgresql"):
        return _postgresql_engine(parsed.set(drivername="postgresql+psycopg"))
    raise InboxConfigError(
        "The inbox database address names a database this app does not use.",
        f"{parsed.drivername}: use sqlite:///PATH or postgresql+psycopg://…",
    )


def _sqlite_engine(url: URL) -> Engine:
    if not url.database or url.database == ":memory:":
        raise InboxConfigError(
            "The inbox needs a database file.",
            "database_url sqlite:// without a file would lose every submission when the app "
            "stops; give a path, e.g. sqlite:///inbox.sqlite3",
        )
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError):
        raise InboxConfigError(
            "The inbox database address is not valid.", describe_url(url)
        ) from None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN comes from _on_begin
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(LOCK_TIMEOUT_MS)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA secure_delete = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgresql_engine(url: URL) -> Engine:
    try:
        options = (
            f"-c lock_timeout={int(LOCK_TIMEOUT_MS)} "
            f"-c statement_timeout={int(STATEMENT_TIMEOUT_MS)}"
        )
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "options": options},
        )
    except (ArgumentError, NoSuchModuleError):
        raise InboxConfigError(
            "The inbox database address is not valid.", describe_url(url)
        ) from None


def describe_url(url: URL) -> str:
    """Where a database is, for messages: the file, or the URL without its password."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return url.render_as_string(hide_password=True)


def describe(engine: Engine) -> str:
    """Where the engine's database is, for messages (never a password)."""
    return describe_url(engine.url)


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (nothing happens when it is there already).

    On PostgreSQL a transaction-scoped advisory lock makes replicas that start together
    migrate one after another; on SQLite ``BEGIN IMMEDIATE`` does the same.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    with database_errors(engine, "the inbox could not be set up"), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, HEAD)


def revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with database_errors(engine, "the inbox could not be read"), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# --------------------------------------------------------------------------- faults

# SQLite result codes (sqlite3 exceptions' ``sqlite_errorname``) and PostgreSQL SQLSTATEs.
_SQLITE_FULL = {"SQLITE_FULL"}
_SQLITE_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_TIMEOUT"}
_PG_FULL = {"53100", "53200"}  # disk_full, out_of_memory
_PG_BUSY = {"53300", "55P03", "40001", "40P01", "57014"}  # too many connections, locks, timeout
_PG_DOWN_CLASSES = ("08", "57P")  # connection exception, operator intervention (shutdown)
_PG_SETUP = {"28000", "28P01", "3D000", "42501"}  # login refused, no database, no privilege


@contextmanager
def database_errors(engine: Engine, failed: str) -> Iterator[None]:
    """Turn any database fault inside the block into an InboxError.

    ``failed`` says what did not happen, as part of a sentence ("your answers were not
    sent"). The message never holds SQL, a query's values or the driver's own text.
    """
    try:
        yield
    except InboxError:
        raise
    except PoolTimeout:
        raise InboxBusy(_busy(failed), f"{describe(engine)}: no free connection") from None
    except DBAPIError as exc:
        raise _classify(exc, engine, failed) from None
    except SQLAlchemyError as exc:
        raise InboxError(
            f"The clinic inbox had a problem; {failed}. Try again later.",
            f"{describe(engine)}: {type(exc).__name__}",
        ) from None


def _busy(failed: str) -> str:
    return f"The clinic inbox is busy just now; {failed}. Try again in a minute."


def _classify(exc: DBAPIError, engine: Engine, failed: str) -> InboxError:
    where = describe(engine)
    orig = exc.orig
    sqlite_code = str(getattr(orig, "sqlite_errorname", "") or "")
    sqlstate = str(getattr(orig, "sqlstate", "") or "")
    full = (
        f"The clinic inbox is full; {failed}. Please tell the clinic (its IT contact must "
        "free space)."
    )
    down = f"The clinic inbox cannot be reached just now; {failed}. Try again later."
    if sqlite_code:
        if sqlite_code in _SQLITE_FULL:
            return InboxFull(full, f"{where}: the disk or the database is full ({sqlite_code})")
        if sqlite_code in _SQLITE_BUSY:
            return InboxBusy(_busy(failed), f"{where}: locked by other work ({sqlite_code})")
        return InboxUnavailable(down, f"{where}: {_sqlite_reason(sqlite_code, str(orig))}")
    if sqlstate in _PG_FULL:
        return InboxFull(full, f"{where}: the server is out of space ({sqlstate})")
    if sqlstate in _PG_BUSY:
        return InboxBusy(_busy(failed), f"{where}: busy or locked ({sqlstate})")
    if sqlstate in _PG_SETUP:
        return InboxConfigError(
            f"The clinic inbox is not set up correctly; {failed}. Please tell the clinic.",
            f"{where}: the server refused the login, the database or a permission "
            f"({sqlstate}); check database_url and the PGPASSWORD or .pgpass of this process",
        )
    if sqlstate == "42P01":  # undefined_table
        return InboxUnavailable(
            down, f"{where}: the tables are missing; run `python -m screening inbox migrate`"
        )
    if not sqlstate:  # psycopg gives no SQLSTATE for a failed connection: read its reason
        reason = _connection_reason(str(orig))
        if any(marker in reason for marker in _PG_LOGIN_REFUSED):
            return InboxConfigError(
                f"The clinic inbox is not set up correctly; {failed}. Please tell the clinic.",
                f"{where}: {reason}; check database_url and the PGPASSWORD or .pgpass of "
                "this process",
            )
        return InboxUnavailable(down, f"{where}: {reason}")
    if sqlstate.startswith(_PG_DOWN_CLASSES) or sqlstate == "25006":
        return InboxUnavailable(down, f"{where}: the server did not answer or is read-only")
    return InboxError(
        f"The clinic inbox had a problem; {failed}. Try again later.",
        f"{where}: {type(orig).__name__} ({sqlstate})",
    )


# What libpq says when the server answered but refused this login or database.
_PG_LOGIN_REFUSED = ("does not exist", "authentication failed", "no password", "not permitted")


def _connection_reason(message: str) -> str:
    """libpq's reason for a failed connection, one line (it names only the server, the
    role and the database: a connection error carries no query and no values)."""
    line = message.strip().splitlines()[0] if message.strip() else "no answer"
    reason = line.rsplit("failed: ", 1)[-1].replace("FATAL:  ", "").strip()
    return reason[:200] or "the server did not answer"


def _sqlite_reason(code: str, message: str) -> str:
    if code == "SQLITE_CANTOPEN":
        return "cannot be opened: the folder is missing or not writable by this process"
    if code == "SQLITE_READONLY":
        return "is read-only for this process (the file or its folder)"
    if code == "SQLITE_NOTADB":
        return "is not a SQLite database"
    if code == "SQLITE_CORRUPT":
        return "is damaged; restore it from a backup"
    if code == "SQLITE_ERROR" and "no such table" in message:
        return "the tables are missing; run `python -m screening inbox migrate`"
    return f"failed ({code})"
